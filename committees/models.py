"""Working groups, their members, sessions, agendas, votes, resolutions (docs/domain.md, steps 4-5).

A provincial working group (کارگروه اتباع بیگانه استان) meets in sessions: the members present
make the quorum, each case on the agenda is voted on, and its resolution (مصوبه) gets a number.
Closing a session moves every case on it through the case step services (committees.services); a
closed session is never edited again. The national permanent working group (کارگروه دائمی اتباع
بیگانه کشور) is a group like the others with no province.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.choices import CaseState
from shared import clock
from shared.printing import PrintedDocument, SignedScan, Verifiable


class WorkingGroup(models.Model):
    class Kind(models.TextChoices):
        PROVINCIAL = "provincial", "کارگروه اتباع بیگانه استان"
        NATIONAL = "national", "کارگروه دائمی اتباع بیگانه کشور"

    kind = models.CharField("نوع", max_length=16, choices=Kind.choices)
    province = models.OneToOneField(
        "reference.Province",
        verbose_name="استان",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="working_group",
    )
    quorum = models.PositiveSmallIntegerField(
        "حد نصاب",
        null=True,
        blank=True,
        help_text="شمار اعضای حاضر لازم برای رسمیت جلسه؛ خالی یعنی بیش از نیمی از اعضا.",
    )

    class Meta:
        verbose_name = "کارگروه"
        verbose_name_plural = "کارگروه‌ها"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="national", province__isnull=True)
                | Q(kind="provincial", province__isnull=False),
                name="working_group_province_iff_provincial",
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="national"), name="one_national_working_group"
            ),
        ]

    def __str__(self):
        if self.province_id:
            return f"{self.get_kind_display()} {self.province.name}"
        return self.get_kind_display()

    @property
    def is_national(self) -> bool:
        return self.kind == self.Kind.NATIONAL

    def quorum_of(self, members: int) -> int:
        """Members present needed for the session to decide (committees.rules)."""
        from committees.rules import quorum_needed

        return quorum_needed(members=members, quorum=self.quorum)


# The state a case must be in to go on each kind of group's agenda.
AGENDA_STATE = {
    WorkingGroup.Kind.PROVINCIAL: CaseState.READY_FOR_PROVINCE,
    WorkingGroup.Kind.NATIONAL: CaseState.APPROVED_BY_PROVINCE,
}


class Member(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "رئیس کارگروه"
        SECRETARY = "secretary", "دبیر کارگروه"
        MEMBER = "member", "عضو"

    group = models.ForeignKey(
        WorkingGroup, verbose_name="کارگروه", on_delete=models.CASCADE, related_name="members"
    )
    full_name = models.CharField("نام و نام خانوادگی", max_length=200)
    position = models.CharField("سمت", max_length=200)
    agency = models.CharField("دستگاه", max_length=200)
    role = models.CharField("نقش در کارگروه", max_length=16, choices=Role.choices, default="member")
    active = models.BooleanField("عضو فعلی", default=True)
    order = models.PositiveSmallIntegerField("ترتیب", default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "عضو کارگروه"
        verbose_name_plural = "اعضای کارگروه"
        constraints = [
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(role="chair", active=True),
                name="one_chair_per_working_group",
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(role="secretary", active=True),
                name="one_secretary_per_working_group",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.position}، {self.agency})"


class Session(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "در جریان"
        CLOSED = "closed", "بسته‌شده"

    group = models.ForeignKey(
        WorkingGroup, verbose_name="کارگروه", on_delete=models.PROTECT, related_name="sessions"
    )
    number = models.CharField("شماره جلسه", max_length=64)
    held_on = models.DateField("تاریخ جلسه")
    place = models.CharField("محل جلسه", max_length=200)
    state = models.CharField(
        "وضعیت", max_length=16, choices=State.choices, default=State.OPEN, editable=False
    )
    present = models.ManyToManyField(
        Member, verbose_name="اعضای حاضر", blank=True, related_name="sessions_attended"
    )
    # The national session's one letter for the whole batch.
    letter_number = models.CharField("شماره نامه", max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ثبت‌کننده",
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The clock's, like every legal date of the app (a demo's story pinned in the past agrees).
    created_at = models.DateTimeField("زمان ثبت", default=clock.now, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="بسته‌شده توسط",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField("زمان بستن", null=True, blank=True)
    # Raised by every change: the minutes made for one version are served until the next.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = "جلسه کارگروه"
        verbose_name_plural = "جلسات کارگروه"
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="session_number_per_group")
        ]

    def __str__(self):
        return f"جلسه {self.number} {self.group}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class Outcome(models.TextChoices):
    # A provincial resolution
    APPROVE = "approve", "تصویب"
    REJECT = "reject", "رد"
    RETURN = "return", "بازگشت برای تکمیل اطلاعات"
    # A national decision
    CONFIRM = "confirm", "تأیید"
    REFUSE = "refuse", "رد"


PROVINCIAL_OUTCOMES = (Outcome.APPROVE, Outcome.REJECT, Outcome.RETURN)
NATIONAL_OUTCOMES = (Outcome.CONFIRM, Outcome.REFUSE)
NEEDS_REASON = frozenset({Outcome.REJECT, Outcome.RETURN, Outcome.REFUSE})


class AgendaItem(models.Model):
    """One case on a session's agenda, in order, and what the session resolved on it."""

    session = models.ForeignKey(
        Session, verbose_name="جلسه", on_delete=models.CASCADE, related_name="items"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name="پرونده", on_delete=models.PROTECT, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField("ردیف")
    outcome = models.CharField("مصوبه", max_length=16, choices=Outcome.choices, blank=True)
    reason = models.TextField("دلیل", blank=True)
    resolution_number = models.CharField("شماره مصوبه", max_length=64, blank=True)
    offence_type = models.ForeignKey(
        "reference.OffenceType",
        verbose_name="نوع جرم",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ثبت‌کننده",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField("زمان ثبت", null=True, blank=True)
    # A correction of a resolution of a closed session, made in a later session with its reason:
    # the closed session stays as it was; the trail shows both.
    correction_of = models.ForeignKey(
        "self",
        verbose_name="اصلاح مصوبه",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    correction_reason = models.TextField("دلیل اصلاح", blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "دستور جلسه"
        verbose_name_plural = "دستور جلسه"
        constraints = [
            models.UniqueConstraint(fields=["session", "case"], name="case_once_per_session"),
            models.UniqueConstraint(fields=["session", "position"], name="agenda_position"),
        ]

    def __str__(self):
        return f"{self.session} - {self.case}"

    @property
    def is_recorded(self) -> bool:
        return bool(self.outcome)

    @property
    def is_correction(self) -> bool:
        return self.correction_of_id is not None

    def tally(self) -> list[tuple[str, int]]:
        """(label, count) of each choice, in order (from the prefetched votes where there are)."""
        votes = list(self.votes.all())
        return [(c.label, sum(1 for v in votes if v.choice == c)) for c in Vote.Choice]


class Vote(models.Model):
    class Choice(models.TextChoices):
        FOR = "for", "موافق"
        AGAINST = "against", "مخالف"
        ABSTAIN = "abstain", "ممتنع"

    item = models.ForeignKey(
        AgendaItem, verbose_name="دستور جلسه", on_delete=models.CASCADE, related_name="votes"
    )
    member = models.ForeignKey(
        Member, verbose_name="عضو", on_delete=models.PROTECT, related_name="votes"
    )
    choice = models.CharField("رأی", max_length=16, choices=Choice.choices)

    class Meta:
        ordering = ["member__order", "member_id"]
        verbose_name = "رأی"
        verbose_name_plural = "آرا"
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="one_vote_per_member")
        ]

    def __str__(self):
        return f"{self.member.full_name}: {self.get_choice_display()}"


def minutes_upload_to(instance, filename):
    return f"minutes/{instance.session.group_id}/{instance.session_id}/{instance.sha256}.pdf"


def signed_upload_to(instance, filename):
    return (
        f"minutes/{instance.session.group_id}/{instance.session_id}/signed-{instance.scan_sha256}"
    )


class Minutes(PrintedDocument, Verifiable, SignedScan):
    """The minutes (صورتجلسه) of a session as a PDF, made in the background for one version of
    the session and served again until the session changes; and the signed scan, once uploaded.
    The file, its hash, the time it was made (printed_at), the serial and the digest of the facts
    printed (the QR code: the same serial for every version, the digest of the latest) and the
    signed scan are what every printed document keeps (shared.printing)."""

    printed_kind = "minutes"
    upload_file_to = minutes_upload_to
    upload_scan_to = signed_upload_to

    class Status(models.TextChoices):
        PENDING = "pending", "در حال تهیه"
        READY = "ready", "آماده"
        FAILED = "failed", "ناموفق"

    session = models.OneToOneField(
        Session, verbose_name="جلسه", on_delete=models.CASCADE, related_name="minutes"
    )
    status = models.CharField("وضعیت", max_length=16, choices=Status.choices)
    # The session version the file (or the pending task) is for.
    version = models.PositiveIntegerField()
    requested_at = models.DateTimeField("زمان درخواست")
    pages = models.PositiveSmallIntegerField("شمار صفحات", null=True, blank=True)

    class Meta:
        verbose_name = "صورتجلسه"
        verbose_name_plural = "صورتجلسات"

    def __str__(self):
        return f"صورتجلسه {self.session}"

    def is_current(self) -> bool:
        return self.status == self.Status.READY and self.version == self.session.version
