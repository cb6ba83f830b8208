"""The audit trail: one append-only log of who did what, when, on which case or account, and why.

An event keeps what it needs to be read years later without the rows it was about: the actor's name
and roles as they were at that moment, the Persian label of the action, and each changed field with
its label and its old and new values. How an event is shown lives in ``audit.presentation``.

This app imports no other app of the project: the case or household an event belongs to is a
foreign key by name ("cases.Case", "people.Household"; a schema dependency, not an import), and the
actor is described by what ``record`` reads off the user.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImmutableRecord(Exception):
    pass


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRecord("رویدادهای سوابق قابل ویرایش نیستند.")

    def delete(self):
        raise ImmutableRecord("رویدادهای سوابق قابل حذف نیستند.")


class Event(models.Model):
    """One entry of the audit trail.

    Append-only: the model and its queryset refuse updates and deletes, the admin shows it
    read-only, and on PostgreSQL a trigger refuses UPDATE and DELETE on the table itself.
    """

    class Kind(models.TextChoices):
        OPENED = "opened", "ثبت پرونده"
        STEP = "transition", "تغییر وضعیت"
        CHANGE = "change", "تغییر اطلاعات"
        ACCOUNT = "account", "تغییر نقش یا استان کاربر"
        REGISTER = "register", "ثبت در فهرست اتباع"

    case = models.ForeignKey(
        "cases.Case",
        verbose_name="پرونده",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    household = models.ForeignKey(
        "people.Household",
        verbose_name="خانوار",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="حساب کاربری موضوع رویداد",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="انجام‌دهنده",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # As they were when the event happened: a later rename or change of role does not rewrite them.
    actor_name = models.CharField("نام انجام‌دهنده", max_length=300, blank=True)
    actor_roles = models.CharField("نقش انجام‌دهنده", max_length=300, blank=True)
    at = models.DateTimeField("زمان", default=timezone.now, db_index=True)
    kind = models.CharField("نوع", max_length=16, choices=Kind.choices)
    action = models.CharField("کد اقدام", max_length=64)
    label = models.CharField("اقدام", max_length=255)
    from_state = models.CharField("از وضعیت", max_length=32, blank=True)
    from_state_label = models.CharField("از وضعیت (عنوان)", max_length=128, blank=True)
    to_state = models.CharField("به وضعیت", max_length=32, blank=True)
    to_state_label = models.CharField("به وضعیت (عنوان)", max_length=128, blank=True)
    reason = models.TextField("دلیل", blank=True)
    # [{"field": ..., "label": ..., "old": ..., "new": ..., "type": "text" | "date"}, ...]
    changes = models.JSONField("تغییرات", default=list, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "رویداد"
        verbose_name_plural = "رویدادها"
        indexes = [models.Index(fields=["case", "at"], name="audit_event_case_at")]

    def __str__(self):
        return f"{self.label} — {self.actor_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableRecord("رویدادهای سوابق قابل ویرایش نیستند.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord("رویدادهای سوابق قابل حذف نیستند.")
