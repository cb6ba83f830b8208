"""Input of the session pages (validation only: the rules are in committees.services)."""

from django import forms

from cases.models import Case
from committees.models import NATIONAL_OUTCOMES, PROVINCIAL_OUTCOMES, Member, Vote
from reference.models import OffenceType
from shared import clock
from shared.forms import BootstrapMixin, JalaliDateField, not_in_future
from shared.persian import isolated, jalali_year
from shared.text import TEXT_MAX_CHARS, too_long_message
from shared.uploads import no_bidi_controls


class SessionForm(BootstrapMixin, forms.Form):
    number = forms.CharField(label="شماره جلسه", max_length=64)
    held_on = JalaliDateField(label="تاریخ جلسه", validators=[not_in_future("تاریخ جلسه")])
    place = forms.CharField(label="محل جلسه", max_length=200)


class AttendanceForm(BootstrapMixin, forms.Form):
    present = forms.ModelMultipleChoiceField(
        label="اعضای حاضر",
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = group.members.filter(active=True)


class AgendaForm(BootstrapMixin, forms.Form):
    cases = forms.ModelMultipleChoiceField(
        label="پرونده‌های آماده طرح",
        queryset=Case.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "دست‌کم یک پرونده را انتخاب کنید."},
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases
        self.fields["cases"].label_from_instance = lambda case: case.number


class ItemForm(BootstrapMixin, forms.Form):
    """The vote of each member present (nothing preselected) and the resolution."""

    outcome = forms.ChoiceField(label="مصوبه", widget=forms.RadioSelect)
    resolution_number = forms.CharField(label="شماره مصوبه", max_length=64, required=False)
    offence_type = forms.ModelChoiceField(
        label="نوع جرم (برای تصویب)",
        queryset=OffenceType.objects.none(),
        required=False,
        empty_label="نوع جرم را انتخاب کنید",
    )
    reason = forms.CharField(
        label="دلیل (برای رد یا بازگشت)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, session, present, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        national = session.group.is_national
        outcomes = NATIONAL_OUTCOMES if national else PROVINCIAL_OUTCOMES
        self.fields["outcome"].choices = [(o.value, o.label) for o in outcomes]
        self.members = [] if national else list(present)
        corrected = item.correction_of if item is not None else None
        if corrected is not None:  # a correction keeps the outcome, number and offence type
            self.fields["outcome"].choices = [(corrected.outcome, corrected.get_outcome_display())]
        if national or corrected is not None:
            del self.fields["resolution_number"], self.fields["offence_type"]
        else:
            self.fields["offence_type"].queryset = OffenceType.objects.in_force(
                jalali_year(clock.now())
            )
        for member in self.members:
            self.fields[f"vote_{member.pk}"] = forms.ChoiceField(
                label=member.full_name,
                choices=Vote.Choice.choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": f"رأی {member.full_name} را ثبت کنید."},
            )

    def vote_fields(self):
        return [(member, self[f"vote_{member.pk}"]) for member in self.members]

    def votes(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"vote_{m.pk}"] for m in self.members}


class CloseForm(BootstrapMixin, forms.Form):
    """A national batch's one letter number; nothing to type for a provincial session."""

    letter_number = forms.CharField(label="شماره نامه کارگروه دائمی کشور", max_length=64)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        if not session.group.is_national:
            del self.fields["letter_number"]


class SignedScanForm(BootstrapMixin, forms.Form):
    scan = forms.FileField(
        label="تصویر صورتجلسه امضاشده (PDF، JPEG یا PNG)",
        error_messages={"required": "فایل نسخه امضاشده را انتخاب کنید."},
    )

    def clean_scan(self):
        from shared.uploads import validate_upload

        upload = self.cleaned_data["scan"]
        self.content_type = validate_upload(upload)
        return upload


class NationalQueueFilterForm(BootstrapMixin, forms.Form):
    province = forms.ModelChoiceField(
        label="استان", queryset=None, required=False, empty_label="همه استان‌ها"
    )
    resolved_from = JalaliDateField(label="مصوبه از تاریخ", required=False)
    resolved_to = JalaliDateField(label="تا تاریخ", required=False)
    offence_type = forms.ModelChoiceField(
        label="نوع جرم", queryset=OffenceType.objects.all(), required=False, empty_label="همه"
    )
    source_type = forms.ChoiceField(label="منشأ", required=False)

    def __init__(self, *args, **kwargs):
        from cases.choices import SourceType
        from reference.models import Province

        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.order_by("name")
        self.fields["source_type"].choices = [("", "همه"), *SourceType.choices]


class NationalAddForm(forms.Form):
    """The cases chosen on the national queue, and the open national session they go to."""

    cases = forms.ModelMultipleChoiceField(
        queryset=Case.objects.none(),
        error_messages={"required": "دست‌کم یک پرونده را انتخاب کنید."},
    )
    session = forms.ModelChoiceField(
        queryset=None, error_messages={"required": "جلسه کارگروه کشور را انتخاب کنید."}
    )

    def __init__(self, *args, cases, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases
        self.fields["session"].queryset = sessions


class BatchForm(forms.Form):
    """The national decision on every case of the session at once: confirm or refuse (with a
    reason), nothing preselected."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"outcome_{item.pk}"] = forms.ChoiceField(
                choices=[(o.value, o.label) for o in NATIONAL_OUTCOMES],
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={
                    "required": f"تصمیم پرونده {isolated(item.case.number)} را انتخاب کنید."
                },
            )
            # Not a BootstrapMixin form (its own layout): the free-text rules by hand.
            self.fields[f"reason_{item.pk}"] = forms.CharField(
                required=False,
                max_length=TEXT_MAX_CHARS,
                validators=[no_bidi_controls],
                error_messages={"max_length": too_long_message()},
            )

    def rows(self):
        return [
            (item, self[f"outcome_{item.pk}"], self[f"reason_{item.pk}"]) for item in self.items
        ]

    def decisions(self) -> dict[int, tuple[str, str]]:
        return {
            item.pk: (
                self.cleaned_data[f"outcome_{item.pk}"],
                self.cleaned_data[f"reason_{item.pk}"],
            )
            for item in self.items
        }


class CorrectionForm(BootstrapMixin, forms.Form):
    session = forms.ModelChoiceField(
        label="جلسه باز کارگروه که اصلاح در آن ثبت می‌شود",
        queryset=None,
        empty_label="جلسه را انتخاب کنید",
    )
    reason = forms.CharField(label="دلیل اصلاح", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
