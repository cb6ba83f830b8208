"""The audit trail: one append-only log of who did what, when, on which case or account, and why.

An event keeps what it needs to be read years later without the rows it was about: the actor's name
and roles as they were at that moment, the Persian label of the action, and each changed field with
its label and its old and new values. How an event is shown lives in ``audit.presentation``.

This app imports and references no other app of the project. The case or household an event is
about is its id (``case_id``, ``household_id``), a subject reference of the trail's own, not a
foreign key: the apps above own the link (``Case.events``, ``Household.events``) and the trail
stays the ground floor. The actor is the user model Django is configured with (settings), described
by what ``record`` reads off the user. The kinds of event and the read actions of the apps above
are theirs to declare (``audit.kinds``).
"""

from django.conf import settings
from django.db import models

from audit import kinds
from audit.chain import LOCK_EVENTS, LOCK_READS, Chained
from shared import clock


class ImmutableRecord(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses to change or delete rows, with the model's own words (``AppendOnly.REFUSED``)."""

    def update(self, **kwargs):
        raise ImmutableRecord(self.model.REFUSED["edit"])

    def delete(self):
        raise ImmutableRecord(self.model.REFUSED["delete"])


class ChainedQuerySet(AppendOnlyQuerySet):
    def bulk_create(self, *args, **kwargs):
        # Each record asks for its sealing as it is saved (audit.chain).
        raise ImmutableRecord(self.model.REFUSED["bulk"])


class AppendOnly(models.Model):
    """A row written once: saving it again or deleting it is refused (and on PostgreSQL a trigger
    named ``…_append_only`` refuses UPDATE and DELETE on its table)."""

    REFUSED: dict[str, str] = {}

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableRecord(self.REFUSED["edit"])
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord(self.REFUSED["delete"])


class Event(AppendOnly, Chained):
    """One entry of the audit trail.

    Append-only: the model and its queryset refuse updates and deletes, the admin shows it
    read-only, and on PostgreSQL a trigger refuses UPDATE and DELETE on the table itself. Each
    event is sealed into the events' hash chain after its transaction commits (audit.chain).
    """

    # The trail's own kinds; the apps above declare theirs (a case opened, a step...) in their
    # trail module (audit.kinds).
    @kinds.events
    class Kind(models.TextChoices):
        CHANGE = "change", "تغییر اطلاعات"
        SECURITY = "security", "رویداد امنیتی"

    # The subject, by id and not by foreign key: the trail references no app above it, and a
    # subject reference inside the record is sealed with it (audit.chain hashes "case_id" as it
    # did when this was a foreign key), where a link row owned by the case would sit outside the
    # chain and could be moved unseen. Nothing deletes a case or a household; were one deleted,
    # its events would keep its id, as a trail outlives what it is about.
    case_id = models.BigIntegerField("پرونده", null=True, blank=True, db_index=True)
    household_id = models.BigIntegerField("خانوار", null=True, blank=True, db_index=True)
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
    at = models.DateTimeField("زمان", default=clock.now, db_index=True)
    kind = models.CharField("نوع", max_length=16)
    action = models.CharField("کد اقدام", max_length=64)
    label = models.CharField("اقدام", max_length=255)
    from_state = models.CharField("از وضعیت", max_length=32, blank=True)
    from_state_label = models.CharField("از وضعیت (عنوان)", max_length=128, blank=True)
    to_state = models.CharField("به وضعیت", max_length=32, blank=True)
    to_state_label = models.CharField("به وضعیت (عنوان)", max_length=128, blank=True)
    reason = models.TextField("دلیل", blank=True)
    # [{"field": ..., "label": ..., "old": ..., "new": ..., "type": "text" | "date"}, ...]
    changes = models.JSONField("تغییرات", default=list, blank=True)

    objects = ChainedQuerySet.as_manager()
    REFUSED = {
        "edit": "رویدادهای سوابق قابل ویرایش نیستند.",
        "delete": "رویدادهای سوابق قابل حذف نیستند.",
        "bulk": "رویدادهای سوابق یکی‌یکی و مهرشده ثبت می‌شوند.",
    }

    # Fixed: the chain's hashes were computed over these (see audit.chain).
    SEALED_FIELDS = (
        "case_id",
        "household_id",
        "account",
        "actor",
        "actor_name",
        "actor_roles",
        "at",
        "kind",
        "action",
        "label",
        "from_state",
        "from_state_label",
        "to_state",
        "to_state_label",
        "reason",
        "changes",
    )
    CHAIN = "events"
    CHAIN_LOCK = LOCK_EVENTS

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "رویداد"
        verbose_name_plural = "رویدادها"
        indexes = [models.Index(fields=["case_id", "at"], name="audit_event_case_at")]

    def __str__(self):
        return f"{self.label} — {self.actor_name}"

    @property
    def kind_label(self) -> str:
        return kinds.label("events", self.kind)


class Read(AppendOnly, Chained):
    """One reading of personal data: a case page opened, a file downloaded, a PDF printed, a
    search made. Who, when, from which address, which case or which cases a search returned,
    and the search's terms with every identity or document number replaced by its keyed hash
    (audit.reads). Append-only and sealed into its own chain, like the events."""

    at = models.DateTimeField("زمان", default=clock.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="کاربر",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField("نام کاربر", max_length=300, blank=True)
    actor_roles = models.CharField("نقش کاربر", max_length=300, blank=True)
    # What was read, as the app that serves it declared it (audit.kinds: "case_page", "order"...).
    action = models.CharField("اقدام", max_length=32)
    # The case read, by id (as Event.case_id).
    case_id = models.BigIntegerField("پرونده", null=True, blank=True, db_index=True)
    # A search: the ids of the cases it returned (at most audit.reads.CASES_KEPT) and how many.
    case_ids = models.JSONField("پرونده‌های یافته", default=list, blank=True)
    found = models.PositiveIntegerField("تعداد یافته", null=True, blank=True)
    query = models.TextField("عبارت جست‌وجو (شماره‌ها چکیده‌شده)", blank=True)
    detail = models.CharField("جزئیات", max_length=300, blank=True)
    ip = models.GenericIPAddressField("نشانی", null=True, blank=True)

    objects = ChainedQuerySet.as_manager()
    REFUSED = {
        "edit": "گزارش خواندن قابل ویرایش نیست.",
        "delete": "گزارش خواندن قابل حذف نیست.",
        "bulk": "خواندن‌ها یکی‌یکی و مهرشده ثبت می‌شوند.",
    }

    SEALED_FIELDS = (
        "at",
        "actor",
        "actor_name",
        "actor_roles",
        "action",
        "case_id",
        "case_ids",
        "found",
        "query",
        "detail",
        "ip",
    )
    CHAIN = "reads"
    CHAIN_LOCK = LOCK_READS

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "خواندن"
        verbose_name_plural = "گزارش خواندن‌ها"
        indexes = [
            models.Index(fields=["case_id", "at"], name="audit_read_case_at"),
            models.Index(fields=["actor", "at"], name="audit_read_actor_at"),
        ]

    def __str__(self):
        return f"{self.action_label} — {self.actor_name}"

    @property
    def action_label(self) -> str:
        return kinds.label("reads", self.action)


class Seal(AppendOnly):
    """One record's place in its chain (audit.chain): written by the sealer after the record's
    transaction commits, never changed (append-only like the records: the queryset refuses,
    and on PostgreSQL a trigger refuses UPDATE and DELETE on the table)."""

    class Chain(models.TextChoices):
        EVENTS = "events", "رویدادها"
        READS = "reads", "خواندن‌ها"

    chain = models.CharField("زنجیره", max_length=16, choices=Chain.choices)
    seq = models.BigIntegerField("شماره در زنجیره")
    # The id of the Event or Read (by chain): no foreign key, one table for both chains.
    record_id = models.BigIntegerField("شناسه رکورد")
    prev_hash = models.CharField("چکیده پیشین", max_length=64)
    hash = models.CharField("چکیده", max_length=64)
    sealed_at = models.DateTimeField("زمان مهر", default=clock.now)

    REFUSED = {
        "edit": "مهرهای زنجیره قابل ویرایش نیستند.",
        "delete": "مهرهای زنجیره قابل حذف نیستند.",
    }

    class Meta:
        ordering = ["chain", "seq"]
        verbose_name = "مهر زنجیره"
        verbose_name_plural = "مهرهای زنجیره"
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_seal_chain_seq"),
            models.UniqueConstraint(fields=["chain", "record_id"], name="audit_seal_chain_record"),
        ]

    def __str__(self):
        return f"{self.chain} {self.seq}"


class Verification(models.Model):
    """One run of ``manage.py verify_audit``: what the auditor's page says about the chains."""

    at = models.DateTimeField("زمان", default=clock.now, db_index=True)
    ok = models.BooleanField("سالم")
    # {"events": {"checked": n, "head_seq": n, "head_hash": "..."}, "reads": {...}}
    chains = models.JSONField("زنجیره‌ها", default=dict)
    problem = models.TextField("ایراد", blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "وارسی زنجیره"
        verbose_name_plural = "وارسی‌های زنجیره"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {'سالم' if self.ok else 'شکسته'}"


# The chains, by the name verify_audit and the exported heads use.
CHAINS = {"events": Event, "reads": Read}
