"""Najva (نرم افزار نجوا), the national registry of foreign nationals, seen from here.

``Registration`` is the outbox: one row per document a case cancels, written in the transaction
that cancels it, delivered afterwards by a worker through ``najva.backends`` and kept for good with
its tracking number, its attempts and its last error. ``RegistryEntry`` is the embedded registry's
own table (the default backend, so that the demo works offline); a real Najva keeps its own.
``CancellationForm`` is the card cancellation form (فرم ابطال کارت) printed for each subject.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from shared import clock
from shared.printing import PrintedDocument, SignedScan, Verifiable


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "در صف ارسال"
        DELIVERED = "delivered", "ثبت‌شده در نجوا"
        FAILED = "failed", "ناموفق (متوقف؛ منتظر اقدام کاربر نجوا)"
        RECORDED = "recorded", "ثبت‌شده به روش دیگر (دستی)"

    DONE = (Status.DELIVERED, Status.RECORDED)

    case = models.ForeignKey(
        "cases.Case", verbose_name="پرونده", on_delete=models.PROTECT, related_name="registrations"
    )
    subject = models.ForeignKey(
        "cases.CaseSubject",
        verbose_name="شخص",
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    document = models.ForeignKey(
        "people.IdentityDocument", verbose_name="مدرک", on_delete=models.PROTECT
    )
    offence_type = models.ForeignKey(
        "reference.OffenceType", verbose_name="نوع جرم", on_delete=models.PROTECT
    )
    step = models.CharField("مرحله", max_length=32)
    # What is sent, fixed when the row is written: every attempt sends the same body with the same
    # key, whatever is corrected on the person or the document afterwards.
    payload = models.JSONField("محتوای ارسالی", default=dict)
    # Sent with every call (the Idempotency-Key header): Najva registers one key once, so a
    # retry after a lost answer returns the first registration instead of making a second.
    idempotency_key = models.CharField("کلید یکتایی", max_length=128, unique=True)
    status = models.CharField(
        "وضعیت", max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField("شمار تلاش‌ها", default=0)
    # When a worker may try next (backoff with jitter kept here, never as a Celery countdown: the
    # broker redelivers a delayed task past its visibility timeout, and a lost one is lost).
    next_attempt_at = models.DateTimeField("تلاش بعدی", default=clock.now)
    # A worker that claimed the row holds it until then; past it, another may take it over.
    leased_until = models.DateTimeField("در دست ارسال تا", null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    last_attempt_at = models.DateTimeField("آخرین تلاش", null=True, blank=True)
    last_error = models.TextField("آخرین خطا", blank=True)
    tracking_number = models.CharField("شماره پیگیری نجوا", max_length=64, blank=True)
    delivered_at = models.DateTimeField("زمان ثبت", null=True, blank=True)
    created_at = models.DateTimeField("زمان ایجاد", default=clock.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ابطال‌کننده",
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A registration made by other means during an outage (the operator's record of it).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ثبت‌کننده دستی",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_reason = models.TextField("دلیل ثبت دستی", blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "ثبت در نجوا"
        verbose_name_plural = "ثبت‌ها در نجوا"
        constraints = [
            models.UniqueConstraint(
                fields=["tracking_number"],
                condition=~Q(tracking_number=""),
                name="najva_tracking_number_once",
            ),
            models.UniqueConstraint(
                fields=["subject", "document", "step"], name="najva_registration_once"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["delivered", "recorded"]) | ~Q(tracking_number=""),
                name="najva_done_has_number",
            ),
        ]
        indexes = [
            # The sweep: the due rows of the queue.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="najva_due",
            ),
            models.Index(fields=["status", "created_at"], name="najva_status"),
        ]

    def __str__(self):
        return f"{self.document} — {self.get_status_display()}"

    @property
    def is_done(self) -> bool:
        return self.status in self.DONE

    @property
    def is_leased(self) -> bool:
        return self.leased_until is not None and self.leased_until > clock.now()


class RegistryEntry(models.Model):
    """The embedded registry (NAJVA_BACKEND = "embedded"): what a real Najva would keep."""

    idempotency_key = models.CharField(max_length=128, unique=True)
    tracking_number = models.CharField(max_length=64, unique=True)
    document_type = models.CharField(max_length=32)
    document_number = models.CharField(max_length=32)
    person_name = models.CharField(max_length=200)
    offence_code = models.CharField(max_length=32)
    registered_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = "ثبت در نجوای داخلی"
        verbose_name_plural = "نجوای داخلی"
        indexes = [models.Index(fields=["document_type", "document_number"], name="registry_doc")]

    def __str__(self):
        return self.tracking_number


def form_upload_to(instance, filename):
    return f"najva/forms/{instance.subject.case_id}/{instance.subject_id}-{instance.sha256}.pdf"


def form_scan_upload_to(instance, filename):
    case_id, subject_id = instance.subject.case_id, instance.subject_id
    return f"najva/forms/{case_id}/{subject_id}-signed-{instance.scan_sha256}"


class CancellationForm(PrintedDocument, Verifiable, SignedScan):
    """The card cancellation form (فرم ابطال کارت) of one subject: printed once, stored with its
    SHA-256 and served again as it was; then marked signed with the scan of the signed paper.
    What every printed document keeps (serial, digests, file, scan) is shared.printing's."""

    printed_kind = "cancellation-form"
    upload_file_to = form_upload_to
    upload_scan_to = form_scan_upload_to

    subject = models.OneToOneField(
        "cases.CaseSubject",
        verbose_name="شخص",
        on_delete=models.PROTECT,
        related_name="cancellation_form",
    )

    class Meta:
        verbose_name = "فرم ابطال کارت"
        verbose_name_plural = "فرم‌های ابطال کارت"

    def __str__(self):
        return f"فرم ابطال کارت {self.subject}"
