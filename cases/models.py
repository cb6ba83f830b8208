"""Cases, their subjects, evidence and inquiries, and the state machine built from the rule book.

Transitions here change only the case's own fields. Everything with an effect beyond the row (the
subjects' documents, the audit trail, follow-up work) happens in ``cases.services``, the only way a
case moves; what each step requires is declared once in ``cases.steps``.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import UserObjectPermissionBase

from accounts import permissions
from audit.models import Event
from cases.choices import (
    Agency,
    CaseLabels,
    CaseState,
    EvidenceType,
    InquiryOutcome,
    SourceType,
    Step,
    SubjectDecision,
)
from cases.links import case_url
from cases.steps import STEPS
from shared import clock
from shared.fsm import RefreshSafely
from shared.persian import jalali_year


def step_transition(step: Step):
    """The django-fsm transition method of ``step``, named after it (``case.start_review()``),
    exactly as the rule book declares it. Its body touches only this row: a step that sends the
    case on again clears the reason of the last return (``StepRule.clears_reason``)."""
    rule = STEPS[step]

    def take(case):
        if rule.clears_reason:
            case.reason = ""

    take.__name__ = take.__qualname__ = step.value
    return transition(
        field="state",
        source=list(rule.source) if len(rule.source) > 1 else rule.source[0],
        target=rule.target,
        conditions=list(rule.conditions),
        custom={"rule": rule, "label": rule.label},
    )(take)


# The steps of the work, one method per step of the rule book: Case inherits them, and django-fsm
# finds them there when the model is prepared.
CaseSteps = type("CaseSteps", (), {step.value: step_transition(step) for step in Step})


class CaseQuerySet(models.QuerySet):
    def for_user(self, user):
        """The cases ``user`` may see (accounts.permissions decides)."""
        return permissions.visible_cases(self, user)


class CaseNumberSequence(models.Model):
    """The last case number issued per province and Solar Hijri year (rows locked when used)."""

    province = models.ForeignKey("reference.Province", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"], name="one_sequence_per_province_year"
            )
        ]

    def __str__(self):
        return f"{self.province.code}-{self.year}: {self.last_value}"


class Case(CaseLabels, CaseSteps, RefreshSafely, ConcurrentTransitionMixin, models.Model):
    number = models.CharField("شماره پرونده", max_length=20, unique=True, editable=False)
    province = models.ForeignKey(
        "reference.Province", verbose_name="استان", on_delete=models.PROTECT, related_name="cases"
    )
    year = models.PositiveSmallIntegerField("سال", editable=False)
    sequence = models.PositiveIntegerField("ردیف", editable=False)
    state = FSMField(
        "وضعیت",
        max_length=32,
        choices=CaseState.choices,
        default=CaseState.RECEIVED,
        protected=True,
    )
    # When the case reached its present state: a step's date may not precede it.
    state_entered_at = models.DateTimeField("زمان ورود به وضعیت کنونی", editable=False)
    source_type = models.CharField("منشأ", max_length=32, choices=SourceType.choices)
    source_reference = models.CharField("شماره مرجع منشأ", max_length=64)
    source_date = models.DateField("تاریخ مرجع منشأ")
    summary = models.TextField("خلاصه", blank=True)
    assigned_expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="کارشناس مسئول",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ثبت‌کننده",
        on_delete=models.PROTECT,
        related_name="opened_cases",
    )
    opened_at = models.DateTimeField("تاریخ ثبت", editable=False)
    closed_at = models.DateTimeField("تاریخ مختومه شدن", null=True, blank=True, editable=False)
    # The reason given with the latest return, rejection, refusal or withdrawal.
    reason = models.TextField("دلیل", blank=True)
    # What each decision step recorded (the working groups' apps keep the full records; the case
    # keeps the decision it moved on).
    province_resolution_number = models.CharField(
        "شماره مصوبه کارگروه استان", max_length=64, blank=True
    )
    province_resolution_date = models.DateField("تاریخ مصوبه کارگروه استان", null=True, blank=True)
    national_letter_number = models.CharField(
        "شماره نامه کارگروه دائمی کشور", max_length=64, blank=True
    )
    national_letter_date = models.DateField("تاریخ نامه کارگروه دائمی کشور", null=True, blank=True)
    # The catalogue row in force when the case was decided; later catalogues do not change it.
    offence_type = models.ForeignKey(
        "reference.OffenceType",
        verbose_name="نوع جرم",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = "پرونده"
        verbose_name_plural = "پرونده‌ها"
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "sequence"], name="case_sequence_per_province_year"
            ),
        ]
        # A case number typed without its province code (year and sequence).
        indexes = [
            models.Index(fields=["year", "sequence"], name="case_year_sequence"),
            # Lists are newest first, the work queue oldest first per state; each with its scope.
            models.Index(fields=["-opened_at"], name="case_opened"),
            models.Index(fields=["province", "-opened_at"], name="case_province_opened"),
            models.Index(fields=["province", "state", "opened_at"], name="case_province_state"),
            models.Index(fields=["state", "opened_at"], name="case_state_opened"),
        ]
        # The per-case grants a supervisor may give (django-guardian): reading, the expert's work.
        permissions = [("review_case", "بررسی کارشناسی و استعلام")]

    def __str__(self):
        return self.number

    def get_absolute_url(self) -> str:
        return case_url(self.number)

    @property
    def events(self):
        """The case's audit trail: the trail keeps the case's id, the link is the case's to hold."""
        return Event.objects.filter(case_id=self.pk)

    @staticmethod
    def format_number(province_code: str, year: int, sequence: int) -> str:
        """``23-1405-00017``: province, Solar Hijri year, sequence; sorts by province and year."""
        return f"{province_code}-{year}-{sequence:05d}"

    @staticmethod
    def year_of(moment) -> int:
        return jalali_year(moment)

    def age_days(self, today=None) -> int:
        today = today or clock.today()
        return (today - timezone.localdate(self.opened_at)).days


class CaseSubject(models.Model):
    """A person named on a case, and what the case decides for that person."""

    case = models.ForeignKey(
        Case, verbose_name="پرونده", on_delete=models.PROTECT, related_name="subjects"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name="تبعه",
        on_delete=models.PROTECT,
        related_name="case_subjects",
    )
    decision = models.CharField(
        "تصمیم", max_length=16, choices=SubjectDecision.choices, default=SubjectDecision.PENDING
    )
    # When every document this case cancelled for the person was registered in Najva (the najva
    # app keeps each registration, its tracking number and its attempts).
    najva_registered_at = models.DateTimeField("زمان ثبت ابطال در نجوا", null=True, blank=True)
    # The day the person left the country: expelled, gone on their own before an order's deadline,
    # or gone before the case (the enforcement app keeps how, through which border, and the proof).
    departed_on = models.DateField("تاریخ خروج از کشور", null=True, blank=True)

    class Meta:
        verbose_name = "شخص موضوع پرونده"
        verbose_name_plural = "اشخاص موضوع پرونده"
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="person_once_per_case")
        ]

    def __str__(self):
        return f"{self.person} — {self.case}"


def evidence_upload_to(instance, filename):
    # Generated names only: what the uploader called the file is never used on disk.
    return f"evidence/{instance.case.province.code}/{instance.case_id}/{instance.sha256}"


class Evidence(models.Model):
    case = models.ForeignKey(
        Case, verbose_name="پرونده", on_delete=models.PROTECT, related_name="evidence"
    )
    evidence_type = models.CharField("نوع مستند", max_length=32, choices=EvidenceType.choices)
    file = models.FileField("فایل", upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField("نام اصلی فایل", max_length=255)
    sha256 = models.CharField("چکیده SHA-256", max_length=64)
    size = models.PositiveIntegerField("اندازه (بایت)")
    content_type = models.CharField("نوع محتوا", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="بارگذاری‌کننده", on_delete=models.PROTECT
    )
    uploaded_at = models.DateTimeField("زمان بارگذاری", default=clock.now)
    # Filed under the wrong type, or not about this case: withdrawn, never deleted (the file stays).
    withdrawn_at = models.DateTimeField("زمان کنار گذاشتن", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="کنار گذاشته توسط",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdraw_reason = models.CharField("دلیل کنار گذاشتن", max_length=500, blank=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = "مستند"
        verbose_name_plural = "مستندات"

    def __str__(self):
        return f"{self.get_evidence_type_display()} ({self.original_name})"

    @staticmethod
    def digest(content) -> str:
        sha = hashlib.sha256()
        for chunk in content.chunks():
            sha.update(chunk)
        return sha.hexdigest()


def inquiry_reply_upload_to(instance, filename):
    return f"inquiries/{instance.case.province.code}/{instance.case_id}/{instance.agency}"


class Inquiry(models.Model):
    """The letter to the intelligence office or the police, and the reply (often on paper)."""

    case = models.ForeignKey(
        Case, verbose_name="پرونده", on_delete=models.PROTECT, related_name="inquiries"
    )
    agency = models.CharField("مرجع", max_length=16, choices=Agency.choices)
    letter_number = models.CharField("شماره نامه", max_length=64, blank=True)
    sent_on = models.DateField("تاریخ ارسال", null=True, blank=True)
    due_on = models.DateField("مهلت پاسخ", null=True, blank=True)
    replied_on = models.DateField("تاریخ پاسخ", null=True, blank=True)
    outcome = models.CharField(
        "نتیجه پاسخ", max_length=16, choices=InquiryOutcome.choices, blank=True
    )
    reply_document = models.FileField(
        "تصویر پاسخ", upload_to=inquiry_reply_upload_to, blank=True, max_length=255
    )
    # Checked on every download (shared.http.attachment), like every file we keep.
    reply_sha256 = models.CharField("چکیده SHA-256 تصویر پاسخ", max_length=64, blank=True)
    reply_content_type = models.CharField("نوع محتوای تصویر پاسخ", max_length=64, blank=True)
    # A reply kept on paper only: said explicitly, with a note of where the paper is.
    reply_on_paper_only = models.BooleanField("پاسخ کاغذی بدون تصویر", default=False)
    reply_note = models.CharField("یادداشت پاسخ", max_length=500, blank=True)

    class Meta:
        verbose_name = "استعلام"
        verbose_name_plural = "استعلام‌ها"
        constraints = [
            models.UniqueConstraint(fields=["case", "agency"], name="one_inquiry_per_agency")
        ]

    def __str__(self):
        return f"{self.get_agency_display()} — {self.case}"

    @property
    def is_overdue(self) -> bool:
        """Sent, unanswered, and past its due date."""
        return self.replied_on is None and self.due_on is not None and self.due_on < clock.today()


class ReplyScanVersion(models.Model):
    """A reply scan replaced by a newer one (a reply recorded again): kept, never orphaned."""

    inquiry = models.ForeignKey(
        Inquiry, verbose_name="استعلام", on_delete=models.PROTECT, related_name="earlier_scans"
    )
    file = models.FileField("فایل", max_length=255)
    sha256 = models.CharField("چکیده SHA-256", max_length=64)
    content_type = models.CharField("نوع محتوا", max_length=64, blank=True)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="جایگزین‌کننده",
        on_delete=models.PROTECT,
        related_name="+",
    )
    replaced_at = models.DateTimeField("زمان جایگزینی", default=clock.now)

    class Meta:
        ordering = ["replaced_at", "pk"]
        verbose_name = "نسخه پیشین تصویر پاسخ"
        verbose_name_plural = "نسخه‌های پیشین تصویر پاسخ"

    def __str__(self):
        return f"{self.inquiry} — {self.sha256[:12]}"


class CaseUserObjectPermission(UserObjectPermissionBase):
    """A per-case grant (django-guardian, direct foreign key): see accounts.permissions."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="grants")
