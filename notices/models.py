"""The notices' outbox: each e-mail, and each task that works out whom to tell, is a row written
in the transaction of the change it is about and kept until it is done (notices.services)."""

from django.db import models

from shared import clock


class Notice(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "در انتظار"
        DONE = "done", "انجام شد"
        FAILED = "failed", "ناموفق"

    # A job of notices.services.JOBS (its dotted name) and its arguments.
    job = models.CharField("کار", max_length=200)
    args = models.JSONField("ورودی‌ها", default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=clock.now)
    next_attempt_at = models.DateTimeField(default=clock.now)
    leased_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "اعلان"
        verbose_name_plural = "اعلان‌ها"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="notices_pending_due",
            )
        ]

    def __str__(self):
        return f"{self.job} ({self.get_status_display()})"
