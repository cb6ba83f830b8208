"""Input validation for registering households and people. Forms validate; services write."""

from django import forms

from people.models import POSTAL_CODE, Nationality, Relation, Sex
from reference.models import DocumentType
from shared.forms import BootstrapMixin, IdentifierField, JalaliDateField, not_in_future


class FindHouseholdForm(BootstrapMixin, forms.Form):
    number = IdentifierField(
        label="شماره مدرک (کارت آمایش یا برگه تردد) یا شماره خانوار",
        max_length=32,
        error_messages={"required": "شماره را وارد کنید."},
    )


class PersonFields(BootstrapMixin, forms.Form):
    """A person and their identity document."""

    first_name = forms.CharField(label="نام", max_length=64)
    last_name = forms.CharField(label="نام خانوادگی", max_length=64)
    father_name = forms.CharField(label="نام پدر", max_length=64)
    # Nothing preselected: a nationality or a document type taken by default is a wrong record.
    nationality = forms.ChoiceField(
        label="تابعیت",
        choices=[("", "تابعیت را انتخاب کنید")] + Nationality.choices,
        error_messages={"required": "تابعیت را انتخاب کنید."},
    )
    sex = forms.ChoiceField(
        label="جنسیت",
        choices=[("", "انتخاب کنید")] + Sex.choices,
        error_messages={"required": "جنسیت را انتخاب کنید."},
    )
    birth_date = JalaliDateField(
        label="تاریخ تولد", required=False, validators=[not_in_future("تاریخ تولد")]
    )
    document_type = forms.ModelChoiceField(
        label="نوع مدرک",
        queryset=DocumentType.objects.filter(is_active=True),
        empty_label="نوع مدرک را انتخاب کنید",
        error_messages={"required": "نوع مدرک را انتخاب کنید."},
    )
    document_number = IdentifierField(label="شماره مدرک", max_length=32)
    document_series = IdentifierField(label="سری مدرک", max_length=16, required=False)
    issued_on = JalaliDateField(
        label="تاریخ صدور", required=False, validators=[not_in_future("تاریخ صدور")]
    )
    expires_on = JalaliDateField(label="تاریخ انقضا", required=False)

    def clean(self):
        cleaned = super().clean()
        document_type = cleaned.get("document_type")
        if document_type is not None and not self.errors:
            # The document type's validity rule, shown on the field it is about.
            try:
                document_type.validate_document(
                    series=cleaned.get("document_series", ""),
                    issued_on=cleaned.get("issued_on"),
                    expires_on=cleaned.get("expires_on"),
                )
            except forms.ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error("document_series" if field == "series" else field, messages)
        return cleaned


class AddressFields(BootstrapMixin, forms.Form):
    """Where the directorate's letters to the household go by post."""

    postal_address = forms.CharField(
        label="نشانی پستی",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="استان، شهر، خیابان، کوچه، پلاک و واحد؛ نامه‌های اداره کل به این نشانی پست می‌شود.",
        error_messages={"required": "نشانی پستی را بنویسید."},
    )
    postal_code = IdentifierField(
        label="کد پستی",
        max_length=10,
        required=False,
        validators=[POSTAL_CODE],
        help_text="ده رقم، بدون خط تیره.",
    )


class HouseholdForm(PersonFields):
    """A new household with its head (and its postal address, where known)."""

    household_number = IdentifierField(label="شماره خانوار", max_length=32)
    postal_address = forms.CharField(
        label="نشانی پستی (اختیاری)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="اگر اکنون در دست نیست، بعداً ثبت کنید: نامه بدون نشانی پست نمی‌شود.",
    )
    postal_code = IdentifierField(
        label="کد پستی (اختیاری)", max_length=10, required=False, validators=[POSTAL_CODE]
    )
    field_order = ["household_number"]


class HouseholdAddressForm(AddressFields):
    """The address of an existing household."""


class MemberForm(PersonFields):
    """Another member of an existing household."""

    relation_to_head = forms.ChoiceField(
        label="نسبت با سرپرست",
        choices=[("", "نسبت را انتخاب کنید")]
        + [c for c in Relation.choices if c[0] not in {Relation.HEAD, Relation.FORMER_HEAD}],
    )
    field_order = ["relation_to_head"]
