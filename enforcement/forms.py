"""Input of step 7's pages (validation only: the rules are in enforcement.services)."""

from django import forms

from enforcement.models import Outcome
from reference.models import BorderPoint
from shared.forms import BootstrapMixin, JalaliDateField
from shared.persian import digits_to_ascii
from shared.uploads import validate_upload


class BorderPointField(forms.ModelChoiceField):
    """The active border points, land borders and airports, with their neighbour."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", BorderPoint.objects.filter(is_active=True))
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        where = f"، {obj.neighbour}" if obj.neighbour else ""
        return f"{obj.name} ({obj.get_kind_display()}{where})"


class YearsField(forms.IntegerField):
    """A number of years typed in Persian, Arabic-Indic or Latin digits (a text box: a number
    box of the browser drops Persian digits)."""

    widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def __init__(self, **kwargs):
        super().__init__(min_value=None, max_value=None, **kwargs)

    def to_python(self, value):
        value = digits_to_ascii(str(value or "")).strip()
        if value in self.empty_values:
            return None
        if not value.isdigit() or not 1 <= int(value) <= 99:
            raise forms.ValidationError("مدت ممنوعیت را به عدد سال (از ۱ تا ۹۹) بنویسید.")
        return int(value)


class OrderForm(BootstrapMixin, forms.Form):
    subjects = forms.MultipleChoiceField(
        label="اشخاص مشمول دستور",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "دست‌کم یک شخص را برگزینید."},
    )
    issued_on = JalaliDateField(label="تاریخ دستور")
    border_point = BorderPointField(label="مرز خروجی", empty_label="مرز خروجی را انتخاب کنید")
    leave_by = JalaliDateField(label="مهلت خروج از کشور")
    reentry_ban_years = YearsField(label="مدت ممنوعیت ورود (سال)")
    reason = forms.CharField(
        label="توضیح",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, subjects=(), reissue=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject_rows = {str(s.pk): s for s in subjects}
        self.fields["subjects"].choices = [
            (str(s.pk), f"{s.person.full_name} ({s.person.get_nationality_display()})")
            for s in subjects
        ]
        if reissue:
            self.fields["reason"].required = True
            self.fields["reason"].label = "چرا دوباره صادر می‌شود"
            self.fields["reason"].error_messages["required"] = (
                "بنویسید چرا دستور دوباره صادر می‌شود."
            )

    def clean_subjects(self):
        return [self.subject_rows[pk] for pk in self.cleaned_data["subjects"]]


class HandoverForm(BootstrapMixin, forms.Form):
    handed_over_on = JalaliDateField(label="تاریخ تحویل")
    receiving_unit = forms.CharField(
        label="یگان تحویل‌گیرنده",
        max_length=255,
        help_text="مانند: اردوگاه اخراج، پلیس اتباع فرماندهی انتظامی استان",
        error_messages={"required": "یگان تحویل‌گیرنده را بنویسید."},
    )


class OutcomeForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="نتیجه",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "نتیجه را انتخاب کنید."},
    )
    outcome_on = JalaliDateField(label="تاریخ")
    exit_border_point = BorderPointField(
        label="مرز خروج (اخراج)", required=False, empty_label="مرز خروج را انتخاب کنید"
    )
    exit_sheet_number = forms.CharField(
        label="شماره برگه خروج (اخراج)", max_length=64, required=False
    )
    proof = forms.FileField(label="مدرک خروج داوطلبانه (PDF، JPEG یا PNG)", required=False)
    note = forms.CharField(
        label="توضیح (برای «یافت نشد» لازم است)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, handed_over=False, **kwargs):
        super().__init__(*args, **kwargs)
        if handed_over:  # in custody: expelled, or escaped (not found), not gone on their own
            self.fields["outcome"].choices = [c for c in Outcome.choices if c[0] != Outcome.LEFT]

    def clean_proof(self):
        upload = self.cleaned_data.get("proof")
        self.proof_content_type = ""
        if upload:
            self.proof_content_type = validate_upload(upload)
        return upload


class DepartedForm(BootstrapMixin, forms.Form):
    """Each leaving person's exit (a date and, where known, the border), and the report."""

    report = forms.ModelChoiceField(
        label="گزارش مبادی که خروج را ثابت می‌کند",
        queryset=None,
        empty_label="گزارش را از مستندات پرونده انتخاب کنید",
        error_messages={"required": "گزارش خروج را انتخاب کنید."},
    )

    def __init__(self, *args, reports=(), subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        from cases.models import Evidence

        self.subjects = list(subjects)
        for subject in self.subjects:
            name = subject.person.full_name
            self.fields[f"exited_on_{subject.pk}"] = JalaliDateField(
                label=f"تاریخ خروج {name} از کشور",
                error_messages={"required": f"تاریخ خروج {name} را وارد کنید."},
            )
            self.fields[f"border_point_{subject.pk}"] = BorderPointField(
                label=f"مرز خروج {name} (اگر معلوم است)", required=False, empty_label="نامعلوم"
            )
        self.order_fields([name for name in self.fields if name != "report"] + ["report"])
        for name, field in self.fields.items():  # the fields added here, styled as the others
            if name != "report":
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs["class"] = css
        self.fields["report"].queryset = Evidence.objects.filter(pk__in=[r.pk for r in reports])
        self.fields["report"].label_from_instance = lambda e: (
            f"{e.get_evidence_type_display()}: {e.original_name}"
        )

    def exits(self) -> dict:
        data = self.cleaned_data
        return {
            s.pk: (data.get(f"exited_on_{s.pk}"), data.get(f"border_point_{s.pk}"))
            for s in self.subjects
        }
