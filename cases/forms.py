"""Input validation for the expert's pages. Forms validate; services write."""

from django import forms
from django.core.exceptions import ValidationError

from cases.choices import (
    CaseState,
    EvidenceType,
    InquiryOutcome,
    SourceType,
    SubjectDecision,
)
from reference.models import OffenceType
from shared import daterules
from shared.forms import BootstrapMixin, JalaliDateField, not_in_future

# The content checks live in shared.uploads (every upload form uses them).
from shared.uploads import EXTENSIONS, validate_upload  # noqa: F401

FILE_ERRORS = {
    "required": "فایل را انتخاب کنید.",
    "empty": "فایل خالی است.",
    "missing": "فایلی فرستاده نشد.",
    "invalid": "فایل فرستاده‌شده خوانا نیست.",
}


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

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        # The options read once as plain rows: a ModelChoiceField builds a model for each option
        # at every render, a share of the case list's time. A chosen value is still validated
        # against the queryset.
        offence_type = self.fields["offence_type"]
        offence_type.choices = [("", offence_type.empty_label)] + [
            (offence.pk, str(offence)) for offence in offence_type.queryset
        ]
        expert = self.fields["assigned_expert"]
        expert.queryset = experts
        expert.choices = [("", expert.empty_label)] + [
            (pk, f"{first} {last}".strip() or username)
            for pk, first, last, username in experts.values_list(
                "pk", "first_name", "last_name", "username"
            )
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("opened_from"), cleaned.get("opened_to")
        refusal = daterules.not_after(start, end, "تاریخ شروع بازه", "تاریخ پایان")
        if refusal:
            raise ValidationError(refusal)
        return cleaned


def choose(choices, what: str):
    """Choices with nothing preselected: the user must pick one where the choice matters."""
    return [("", f"{what} را انتخاب کنید")] + list(choices)


class EvidenceForm(BootstrapMixin, forms.Form):
    evidence_type = forms.ChoiceField(
        label="نوع مستند",
        choices=choose(EvidenceType.choices, "نوع مستند"),
        error_messages={"required": "نوع مستند را انتخاب کنید."},
    )
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
    sent_on = JalaliDateField(label="تاریخ ارسال", validators=[not_in_future("تاریخ ارسال")])
    due_on = JalaliDateField(label="مهلت پاسخ")

    def clean(self):
        cleaned = super().clean()
        sent, due = cleaned.get("sent_on"), cleaned.get("due_on")
        refusal = daterules.not_before(due, sent, "مهلت پاسخ", "تاریخ ارسال")
        if refusal:
            self.add_error("due_on", refusal)
        return cleaned


class InquiryReplyForm(BootstrapMixin, forms.Form):
    replied_on = JalaliDateField(label="تاریخ پاسخ", validators=[not_in_future("تاریخ پاسخ")])
    outcome = forms.ChoiceField(
        label="نتیجه",
        choices=choose(InquiryOutcome.choices, "نتیجه پاسخ"),
        error_messages={"required": "نتیجه پاسخ را انتخاب کنید."},
    )
    reply_document = forms.FileField(
        label="تصویر پاسخ (PDF، JPEG یا PNG)",
        required=False,
        error_messages=FILE_ERRORS,
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    reply_on_paper_only = forms.BooleanField(
        label="پاسخ کاغذی بدون تصویر",
        required=False,
        help_text="فقط اگر تصویر پاسخ در دسترس نیست؛ در یادداشت بنویسید نسخه کاغذی کجاست.",
    )
    reply_note = forms.CharField(label="یادداشت پاسخ", max_length=500, required=False)

    def clean_reply_document(self):
        upload = self.cleaned_data.get("reply_document")
        if upload:
            validate_upload(upload)
        return upload or None  # a reply recorded again keeps the scan it had


class EvidenceWithdrawForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label="دلیل کنار گذاشتن",
        max_length=500,
        error_messages={"required": "دلیل کنار گذاشتن مستند را بنویسید."},
    )


class SubjectDecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        label="تصمیم",
        choices=[c for c in SubjectDecision.choices if c[0] != SubjectDecision.PENDING],
    )


class HouseholdHeadForm(BootstrapMixin, forms.Form):
    new_head = forms.ModelChoiceField(
        label="سرپرست جدید خانوار",
        queryset=None,
        error_messages={"required": "سرپرست جدید را انتخاب کنید."},
    )

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_head"].queryset = household.members.exclude(pk=household.head_id)


# The forms of the steps taken on the case page: what a user types with each (a confirmation alone
# where nothing). Their fields are the case fields the rule book says the step records (and
# ``reason``): the view passes the cleaned data to cases.services.case_take_step as they are.


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
