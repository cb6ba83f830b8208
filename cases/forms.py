"""Input validation for the expert's pages. Forms validate; services write."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import (
    Agency,
    BorderPoint,
    CaseState,
    DocumentType,
    EvidenceType,
    InquiryOutcome,
    Nationality,
    OffenceType,
    Relation,
    Sex,
    SourceType,
    SubjectDecision,
)
from revocation.forms import BootstrapMixin, IdentifierField, JalaliDateField
from revocation.persian import digits_to_persian

FILE_ERRORS = {
    "required": "فایل را انتخاب کنید.",
    "empty": "فایل خالی است.",
    "missing": "فایلی فرستاده نشد.",
    "invalid": "فایل فرستاده‌شده خوانا نیست.",
}

# What an upload may be, recognised by its first bytes, never by its name.
SIGNATURES = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
]
EXTENSIONS = {content_type: ext for _, content_type, ext in SIGNATURES}


def sniff_content_type(upload) -> str | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type, _ in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def validate_upload(upload) -> str:
    """The content type of an acceptable upload, or a ValidationError in Persian."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        megabytes = digits_to_persian(f"{limit / (1024 * 1024):g}")
        raise ValidationError(f"اندازه فایل بیش از حد مجاز ({megabytes} مگابایت) است.")
    if upload.size == 0:
        raise ValidationError("فایل خالی است.")
    content_type = sniff_content_type(upload)
    if content_type is None:
        raise ValidationError(
            "محتوای این فایل PDF، JPEG یا PNG نیست (نام فایل ملاک نیست)؛ "
            "فقط این سه نوع پذیرفته می‌شود."
        )
    return content_type


def not_in_future(value):
    if value and value > timezone.localdate():
        raise ValidationError("تاریخ نمی‌تواند در آینده باشد.")


class CaseSearchForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label="جست‌وجو",
        required=False,
        max_length=100,
        help_text="شماره پرونده، شماره مدرک، شماره خانوار یا نام شخص",
    )
    state = forms.ChoiceField(
        label="وضعیت", required=False, choices=[("", "همه")] + CaseState.choices
    )
    source_type = forms.ChoiceField(
        label="منشأ", required=False, choices=[("", "همه")] + SourceType.choices
    )
    offence_type = forms.ModelChoiceField(
        label="نوع جرم", required=False, queryset=OffenceType.objects.all(), empty_label="همه"
    )
    assigned_expert = forms.ModelChoiceField(
        label="کارشناس مسئول", required=False, queryset=None, empty_label="همه"
    )
    opened_from = JalaliDateField(label="ثبت از تاریخ", required=False)
    opened_to = JalaliDateField(label="تا تاریخ", required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_expert"].queryset = experts
        self.fields["assigned_expert"].label_from_instance = lambda u: (
            u.get_full_name() or u.username
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("opened_from"), cleaned.get("opened_to")
        if start and end and start > end:
            raise ValidationError("تاریخ شروع بازه نمی‌تواند پس از تاریخ پایان باشد.")
        return cleaned


class FindHouseholdForm(BootstrapMixin, forms.Form):
    number = IdentifierField(
        label="شماره مدرک (کارت آمایش یا برگه تردد) یا شماره خانوار",
        max_length=32,
        error_messages={"required": "شماره را وارد کنید."},
    )


class IntakeForm(BootstrapMixin, forms.Form):
    source_type = forms.ChoiceField(label="منشأ پرونده", choices=SourceType.choices)
    source_reference = forms.CharField(label="شماره مرجع (نامه، حکم یا گزارش)", max_length=64)
    source_date = JalaliDateField(label="تاریخ مرجع", validators=[not_in_future])
    summary = forms.CharField(
        label="خلاصه موضوع", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    subjects = forms.ModelMultipleChoiceField(
        label="اشخاص موضوع پرونده",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "دست‌کم یک شخص موضوع پرونده را انتخاب کنید."},
    )

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subjects"].queryset = household.members.order_by("pk")
        self.fields["subjects"].label_from_instance = lambda p: (
            f"{p.full_name} فرزند {p.father_name} ({p.get_relation_to_head_display()})"
        )


class PersonFields(BootstrapMixin, forms.Form):
    """A person and their identity document."""

    first_name = forms.CharField(label="نام", max_length=64)
    last_name = forms.CharField(label="نام خانوادگی", max_length=64)
    father_name = forms.CharField(label="نام پدر", max_length=64)
    nationality = forms.ChoiceField(label="تابعیت", choices=Nationality.choices)
    sex = forms.ChoiceField(
        label="جنسیت",
        choices=[("", "انتخاب کنید")] + Sex.choices,
        error_messages={"required": "جنسیت را انتخاب کنید."},
    )
    birth_date = JalaliDateField(label="تاریخ تولد", required=False, validators=[not_in_future])
    document_type = forms.ModelChoiceField(
        label="نوع مدرک", queryset=DocumentType.objects.filter(is_active=True), empty_label=None
    )
    document_number = IdentifierField(label="شماره مدرک", max_length=32)
    document_series = IdentifierField(label="سری مدرک", max_length=16, required=False)
    issued_on = JalaliDateField(label="تاریخ صدور", required=False, validators=[not_in_future])
    expires_on = JalaliDateField(label="تاریخ انقضا", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        amayesh = DocumentType.objects.filter(code=DocumentType.AMAYESH).first()
        if amayesh is not None:
            self.fields["document_type"].initial = amayesh.pk

    def clean(self):
        cleaned = super().clean()
        issued, expires = cleaned.get("issued_on"), cleaned.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error("expires_on", "تاریخ انقضا نمی‌تواند پیش از تاریخ صدور باشد.")
        return cleaned


class HouseholdForm(PersonFields):
    """A new household with its head."""

    household_number = IdentifierField(label="شماره خانوار", max_length=32)
    field_order = ["household_number"]


class MemberForm(PersonFields):
    """Another member of an existing household."""

    relation_to_head = forms.ChoiceField(
        label="نسبت با سرپرست",
        choices=[c for c in Relation.choices if c[0] != Relation.HEAD],
    )
    field_order = ["relation_to_head"]


class EvidenceForm(BootstrapMixin, forms.Form):
    evidence_type = forms.ChoiceField(label="نوع مستند", choices=EvidenceType.choices)
    file = forms.FileField(
        label="فایل (PDF، JPEG یا PNG)",
        error_messages=FILE_ERRORS,
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.content_type = validate_upload(upload)
        return upload


class InquirySentForm(BootstrapMixin, forms.Form):
    letter_number = forms.CharField(label="شماره نامه", max_length=64)
    sent_on = JalaliDateField(label="تاریخ ارسال", validators=[not_in_future])
    due_on = JalaliDateField(label="مهلت پاسخ")

    def clean(self):
        cleaned = super().clean()
        sent, due = cleaned.get("sent_on"), cleaned.get("due_on")
        if sent and due and due < sent:
            self.add_error("due_on", "مهلت پاسخ نمی‌تواند پیش از تاریخ ارسال باشد.")
        return cleaned


class InquiryReplyForm(BootstrapMixin, forms.Form):
    replied_on = JalaliDateField(label="تاریخ پاسخ", validators=[not_in_future])
    outcome = forms.ChoiceField(label="نتیجه", choices=InquiryOutcome.choices)
    reply_document = forms.FileField(
        label="تصویر پاسخ (PDF، JPEG یا PNG)",
        required=False,
        error_messages=FILE_ERRORS,
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def clean_reply_document(self):
        upload = self.cleaned_data.get("reply_document")
        if upload:
            validate_upload(upload)
        return upload or None  # a reply recorded again keeps the scan it had


class SubjectDecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(label="تصمیم", choices=SubjectDecision.choices)


class HouseholdHeadForm(BootstrapMixin, forms.Form):
    new_head = forms.ModelChoiceField(label="سرپرست جدید خانوار", queryset=None)

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_head"].queryset = household.members.exclude(pk=household.head_id)


# The forms of the steps: what a user types with each (a confirmation alone where nothing).


class ConfirmForm(BootstrapMixin, forms.Form):
    pass


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label="دلیل",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "دلیل را بنویسید."},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("دلیل را بنویسید.")
        return reason


class ProvinceResolutionForm(BootstrapMixin, forms.Form):
    resolution_number = forms.CharField(label="شماره مصوبه کارگروه استان", max_length=64)
    resolution_date = JalaliDateField(label="تاریخ مصوبه", validators=[not_in_future])


class ProvinceRejectionForm(ProvinceResolutionForm, ReasonForm):
    pass


class NationalLetterForm(BootstrapMixin, forms.Form):
    letter_number = forms.CharField(label="شماره نامه کارگروه دائمی کشور", max_length=64)
    letter_date = JalaliDateField(label="تاریخ نامه", validators=[not_in_future])


class NationalRefusalForm(NationalLetterForm, ReasonForm):
    pass


class CancelCardForm(BootstrapMixin, forms.Form):
    offence_type = forms.ModelChoiceField(label="نوع جرم", queryset=None)
    najva_registration_number = forms.CharField(label="شماره ثبت در نجوا", max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from cases.models import Case

        year = Case.year_of(timezone.now())
        self.fields["offence_type"].queryset = OffenceType.objects.in_force(year)


class ExpulsionForm(BootstrapMixin, forms.Form):
    border_point = forms.ModelChoiceField(
        label="مرز خروجی", queryset=BorderPoint.objects.filter(is_active=True)
    )
    expelled_on = JalaliDateField(label="تاریخ اجرای اخراج", validators=[not_in_future])


AGENCY_LABELS = dict(Agency.choices)
