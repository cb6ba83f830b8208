"""Decision letters by post and the postal dispatch register (دفتر ارسال پستی).

A ``Letter`` is written, waiting to be printed, in the transaction of the decision it tells
(``letters.receivers``): one to each adult whose documents are cancelled, one to the head of each
household concerned (naming every member the decision covers, minors included), and one to each
agency concerned (``AgencyOffice``: the province's police and intelligence office). It is
numbered from the directorate's letter register (``LetterRegister``, دفتر اندیکاتور) and dated
when first printed; its PDF is made then, once, and kept with its SHA-256. The supervisor records
it signed, then each posting (``Dispatch``): the postal tracking number and the day it was sent,
then its delivery (the day, who received it) or its return (the day, why); a returned letter is
posted again as a new dispatch, the earlier ones kept.

The letter moves through its states only by the transitions below (django-fsm, protected field):
waiting → printed → signed → dispatched → delivered, or dispatched → returned → dispatched again.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, FSMModelMixin, transition

from letters.links import letter_url
from people.models import POSTAL_CODE
from shared import clock
from shared.fsm import RefreshSafely
from shared.persian import digits_to_persian
from shared.printing import PrintedDocument, Signed, Verifiable


class AgencyOffice(models.Model):
    """An agency's office in a province that the decision letters are sent to. Seeded with a row
    per province for the police and the intelligence office (migration 0002); the IT
    administrator records their names and postal addresses in the admin."""

    class Kind(models.TextChoices):
        POLICE = "police", "فرماندهی انتظامی استان"
        INTELLIGENCE = "intelligence", "اداره کل اطلاعات استان"

    province = models.ForeignKey(
        "reference.Province", verbose_name="استان", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("دستگاه", max_length=16, choices=Kind.choices)
    name = models.CharField("نام در نامه", max_length=200)
    postal_address = models.TextField("نشانی پستی", max_length=500, blank=True)
    postal_code = models.CharField("کد پستی", max_length=10, blank=True, validators=[POSTAL_CODE])

    class Meta:
        ordering = ["province__name", "kind"]
        verbose_name = "دستگاه گیرنده نامه"
        verbose_name_plural = "دستگاه‌های گیرنده نامه"
        constraints = [
            models.UniqueConstraint(fields=["province", "kind"], name="agency_office_once")
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def default_name(kind: str, province) -> str:
        return f"{AgencyOffice.Kind(kind).label} {province.name}"


class LetterRegister(models.Model):
    """The directorate's letter register (دفتر اندیکاتور): the last letter number given in a
    province in a Solar Hijri year. Its row is locked while a number is taken."""

    province = models.ForeignKey("reference.Province", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "دفتر اندیکاتور"
        verbose_name_plural = "دفتر اندیکاتور"
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="letter_register_once")
        ]

    def __str__(self):
        return f"{self.province_id}/{self.year}: {self.last_value}"

    @staticmethod
    def format_number(province_code: str, year: int, sequence: int) -> str:
        """``23/1405/00012``: province, Solar Hijri year, sequence (ASCII digits, as stored)."""
        return f"{province_code}/{year}/{sequence:05d}"


def letter_upload_to(instance, filename):
    return f"letters/{instance.case_id}/{instance.pk}-{instance.sha256}.pdf"


class Letter(RefreshSafely, FSMModelMixin, PrintedDocument, Verifiable, Signed):
    # The serial, the digests, the file and who printed it and recorded the signature are what
    # every printed document keeps (shared.printing).
    printed_kind = "letter"
    upload_file_to = letter_upload_to

    class Kind(models.TextChoices):
        """What the letter tells. Another app that sends letters (enforcement's expulsion order)
        adds its kind here and its body as templates/pdf/letters/<kind>.html."""

        CANCELLATION = "cancellation", "ابلاغ ابطال مدارک و لغو پناهندگی"
        EXPULSION_ORDER = "expulsion_order", "ابلاغ دستور اخراج"
        CLOSED_DEPARTED = "closed_departed", "اعلام مختومه شدن پرونده به علت خروج از کشور"

    class Addressee(models.TextChoices):
        PERSON = "person", "تبعه"
        HEAD = "head", "سرپرست خانوار"
        AGENCY = "agency", "دستگاه"

    class Status(models.TextChoices):
        WAITING = "waiting", "در انتظار چاپ"
        PRINTED = "printed", "چاپ‌شده؛ در انتظار امضا"
        SIGNED = "signed", "امضاشده؛ آماده ارسال"
        DISPATCHED = "dispatched", "ارسال‌شده با پست"
        DELIVERED = "delivered", "تحویل گیرنده شد"
        RETURNED = "returned", "برگشتی؛ در انتظار ارسال دوباره"

    case = models.ForeignKey(
        "cases.Case", verbose_name="پرونده", on_delete=models.PROTECT, related_name="letters"
    )
    # The case's province, kept on the letter (a case never changes province): the print queue
    # and the dispatch register of a province read the letters through their own index instead
    # of joining every case of the province (bench/pages.py measures both pages).
    province = models.ForeignKey(
        "reference.Province", verbose_name="استان", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("موضوع", max_length=32, choices=Kind.choices)
    # The expulsion order a letter of that kind tells (enforcement).
    order = models.ForeignKey(
        "enforcement.ExpulsionOrder",
        verbose_name="دستور اخراج",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
    )
    addressee_kind = models.CharField("گیرنده", max_length=8, choices=Addressee.choices)
    # The addressee: a person (alone, or as the head of ``household``), or an agency's office.
    person = models.ForeignKey(
        "people.Person",
        verbose_name="تبعه گیرنده",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Where a person's letter goes: their household's postal address.
    household = models.ForeignKey(
        "people.Household",
        verbose_name="خانوار",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agency = models.ForeignKey(
        AgencyOffice,
        verbose_name="دستگاه گیرنده",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
    )
    # The persons the letter is about: the addressee alone, the members of the head's household
    # the decision covers, or every person of the case whose documents it cancelled.
    subjects = models.ManyToManyField(
        "cases.CaseSubject", verbose_name="اشخاص موضوع نامه", related_name="+"
    )
    status = FSMField(
        "وضعیت",
        max_length=16,
        choices=Status.choices,
        default=Status.WAITING,
        protected=True,
    )
    # When the letter entered its present state: the print queue lists the oldest first.
    status_at = models.DateTimeField("زمان ورود به وضعیت کنونی", default=clock.now)
    created_at = models.DateTimeField("زمان تهیه", default=clock.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="تهیه با اقدام",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # From the letter register, when first printed (ASCII digits; shown in Persian digits).
    number = models.CharField("شماره نامه", max_length=20, blank=True)
    dated_on = models.DateField("تاریخ نامه", null=True, blank=True)

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = "نامه"
        verbose_name_plural = "نامه‌ها"
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="letter_number_once"
            ),
            models.CheckConstraint(
                condition=(
                    Q(addressee_kind="person", person__isnull=False, household__isnull=False)
                    | Q(addressee_kind="head", household__isnull=False)
                    | Q(addressee_kind="agency", agency__isnull=False)
                ),
                name="letter_has_its_addressee",
            ),
            models.CheckConstraint(
                condition=Q(status="waiting") | (~Q(number="") & Q(dated_on__isnull=False)),
                name="letter_printed_has_number",
            ),
        ]
        indexes = [
            # The print queue: a province's letters in one state, longest there first.
            models.Index(fields=["province", "status", "status_at"], name="letter_province_status"),
            # The same for the national readers (every province).
            models.Index(fields=["status", "status_at"], name="letter_status"),
        ]

    def __str__(self):
        return f"نامه {self.number or '(بی‌شماره)'} به {self.addressee_name}"

    def get_absolute_url(self) -> str:
        return letter_url(self.pk)

    # --- The addressee, as the letter and the envelope name them ---

    @property
    def addressee_name(self) -> str:
        if self.addressee_kind == self.Addressee.AGENCY:
            return self.agency.name
        if self.person_id is not None:
            return self.person.full_name
        return f"سرپرست خانوار {digits_to_persian(self.household.number)}"

    @property
    def addressee_label(self) -> str:
        """The addressee with what they are to the case: «علی احمدی (سرپرست خانوار ۵۰۰۰۱)»."""
        if self.addressee_kind == self.Addressee.HEAD and self.person_id is not None:
            number = digits_to_persian(self.household.number)
            return f"{self.person.full_name} (سرپرست خانوار {number})"
        return self.addressee_name

    @property
    def postal_address(self) -> str:
        holder = self.agency if self.addressee_kind == self.Addressee.AGENCY else self.household
        return holder.postal_address

    @property
    def postal_code(self) -> str:
        holder = self.agency if self.addressee_kind == self.Addressee.AGENCY else self.household
        return holder.postal_code

    @property
    def status_label(self) -> str:
        return self.Status(self.status).label

    @property
    def actions(self) -> list[tuple[str, str, str]]:
        """The supervisor's next actions on the letter: (label, URL, button style) each; the pages
        behind them confirm or ask first."""
        return [
            (label, letter_url(self.pk, name), style)
            for label, name, style in NEXT_ACTIONS[self.status]
        ]

    # --- The states, moved only by letters.services (each body touches this row only) ---

    @transition(field=status, source=Status.WAITING, target=Status.PRINTED)
    def mark_printed(self):
        pass

    @transition(field=status, source=Status.PRINTED, target=Status.SIGNED)
    def mark_signed(self):
        pass

    @transition(field=status, source=[Status.SIGNED, Status.RETURNED], target=Status.DISPATCHED)
    def mark_dispatched(self):
        pass

    @transition(field=status, source=Status.DISPATCHED, target=Status.DELIVERED)
    def mark_delivered(self):
        pass

    @transition(field=status, source=Status.DISPATCHED, target=Status.RETURNED)
    def mark_returned(self):
        pass


# What the supervisor does next with a letter in each state.
NEXT_ACTIONS = {
    Letter.Status.WAITING: [("چاپ نامه", "letters:print", "btn-primary")],
    Letter.Status.PRINTED: [("ثبت امضا", "letters:sign", "btn-outline-primary")],
    Letter.Status.SIGNED: [("ثبت ارسال پستی", "letters:dispatch", "btn-outline-primary")],
    Letter.Status.DISPATCHED: [
        ("ثبت تحویل", "letters:delivery", "btn-outline-success"),
        ("ثبت برگشت", "letters:return", "btn-outline-danger"),
    ],
    Letter.Status.RETURNED: [("ارسال دوباره", "letters:dispatch", "btn-outline-primary")],
    Letter.Status.DELIVERED: [],
}


class Dispatch(models.Model):
    """One posting of a letter (a row of the postal dispatch register, دفتر ارسال پستی): its
    tracking number, the day it was sent and the address written on the envelope, then what came
    of it. A returned letter is posted again as a new row; the earlier rows stay as they were."""

    class Outcome(models.TextChoices):
        OUT = "out", "در راه"
        DELIVERED = "delivered", "تحویل شد"
        RETURNED = "returned", "برگشت خورد"

    letter = models.ForeignKey(
        Letter, verbose_name="نامه", on_delete=models.PROTECT, related_name="dispatches"
    )
    # Stored as normalized (ASCII digits, Latin letters upper-cased): one posting per number.
    tracking_number = models.CharField("شماره پیگیری پستی", max_length=40, unique=True)
    sent_on = models.DateField("تاریخ ارسال")
    # What was written on the envelope, kept as it was: the household may move afterwards.
    addressee = models.CharField("گیرنده", max_length=300)
    postal_address = models.TextField("نشانی پستی", max_length=500)
    postal_code = models.CharField("کد پستی", max_length=10, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ثبت‌کننده ارسال",
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispatched_at = models.DateTimeField("زمان ثبت ارسال", default=clock.now)
    outcome = models.CharField("نتیجه", max_length=16, choices=Outcome.choices, default=Outcome.OUT)
    delivered_on = models.DateField("تاریخ تحویل", null=True, blank=True)
    received_by = models.CharField("تحویل‌گیرنده", max_length=200, blank=True)
    returned_on = models.DateField("تاریخ برگشت", null=True, blank=True)
    return_reason = models.CharField("علت برگشت", max_length=500, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ثبت‌کننده نتیجه",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome_at = models.DateTimeField("زمان ثبت نتیجه", null=True, blank=True)

    class Meta:
        ordering = ["letter", "dispatched_at", "pk"]
        verbose_name = "ارسال پستی"
        verbose_name_plural = "دفتر ارسال پستی"
        constraints = [
            # A letter is in the post once at a time: a new posting only after a return.
            models.UniqueConstraint(
                fields=["letter"], condition=Q(outcome="out"), name="dispatch_one_out"
            ),
            models.CheckConstraint(
                condition=Q(outcome="out")
                | Q(outcome="delivered", delivered_on__isnull=False) & ~Q(received_by="")
                | Q(outcome="returned", returned_on__isnull=False) & ~Q(return_reason=""),
                name="dispatch_outcome_recorded",
            ),
        ]
        # The register of a day.
        indexes = [models.Index(fields=["sent_on"], name="dispatch_sent_on")]

    def __str__(self):
        return f"{self.tracking_number} ({self.get_outcome_display()})"

    @property
    def outcome_label(self) -> str:
        return self.Outcome(self.outcome).label
