"""Step 7 of the service card: the expulsion order (دستور اخراج) and what became of each person
on it, and the exit of those who had already left before the case.

``ExpulsionOrder`` is the supervisor's order: its number from the directorate's book of orders,
the persons it covers (only subjects whose documents the case cancelled), the border point, the
deadline to leave and the re-entry ban; printed once as a PDF for signature. ``OrderedPerson`` is
one person on one order: the hand-over to the enforcement unit and the outcome the enforcement
liaison records (expelled, gone on their own before the deadline, not found). A person not found
is ordered again on a new order; the old row stays. ``PriorDeparture`` is the exit of a person
whose case began with a report of illegal exit (the case closes without an order).

The day each person left is also kept on the case (``cases.CaseSubject.departed_on``), which is
what the case's rule book reads; these rows are how, where and on what proof.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from shared import clock
from shared.printing import PrintedDocument, Verifiable, download_url


class OrderNumberSequence(models.Model):
    """The directorate's book of expulsion orders: the last number per province and Solar Hijri
    year (the row is locked while a number is taken)."""

    province = models.ForeignKey("reference.Province", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"], name="one_order_sequence_per_province_year"
            )
        ]

    def __str__(self):
        return f"{self.province_id}-{self.year}: {self.last_value}"


def order_upload_to(instance, filename):
    return f"enforcement/orders/{instance.case_id}/{instance.serial}.pdf"


class ExpulsionOrder(PrintedDocument, Verifiable):
    """The expulsion order: the PDF for signature is made with the order and kept as it was (with
    its SHA-256); the QR code on it carries the serial and the SHA-256 of the facts it prints."""

    printed_kind = "expulsion-order"
    upload_file_to = order_upload_to

    case = models.ForeignKey(
        "cases.Case",
        verbose_name="پرونده",
        on_delete=models.PROTECT,
        related_name="expulsion_orders",
    )
    # E-23-1405-00012: the book's prefix, province, Solar Hijri year and number in the year.
    number = models.CharField("شماره دستور", max_length=32, unique=True)
    issued_on = models.DateField("تاریخ دستور")
    border_point = models.ForeignKey(
        "reference.BorderPoint", verbose_name="مرز خروجی", on_delete=models.PROTECT
    )
    leave_by = models.DateField("مهلت خروج از کشور")
    reentry_ban_years = models.PositiveSmallIntegerField("مدت ممنوعیت ورود (سال)")
    # An order given again for persons an earlier order did not find.
    replaces = models.ForeignKey(
        "self",
        verbose_name="جایگزین دستور",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reissued_as",
    )
    reason = models.TextField("توضیح", blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="صادرکننده",
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField("زمان ثبت", default=clock.now)

    class Meta:
        ordering = ["issued_at", "pk"]
        verbose_name = "دستور اخراج"
        verbose_name_plural = "دستورهای اخراج"

    def __str__(self):
        return f"دستور اخراج {self.number}"


class Outcome(models.TextChoices):
    EXPELLED = "expelled", "اخراج شد"
    LEFT = "left", "خروج داوطلبانه پیش از پایان مهلت"
    NOT_FOUND = "not_found", "یافت نشد"


# The outcomes after which the person has left the country.
CLOSING_OUTCOMES = frozenset({Outcome.EXPELLED, Outcome.LEFT})


def exit_proof_upload_to(instance, filename):
    return f"enforcement/exits/{instance.order.case_id}/{instance.pk}-{instance.proof_sha256}"


class OrderedPerson(models.Model):
    """One person on one order, handed over and then expelled, gone, or not found."""

    order = models.ForeignKey(
        ExpulsionOrder, verbose_name="دستور", on_delete=models.PROTECT, related_name="persons"
    )
    subject = models.ForeignKey(
        "cases.CaseSubject",
        verbose_name="شخص",
        on_delete=models.PROTECT,
        related_name="expulsion_entries",
    )
    handed_over_on = models.DateField("تاریخ تحویل", null=True, blank=True)
    receiving_unit = models.CharField("یگان تحویل‌گیرنده", max_length=255, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ثبت‌کننده تحویل",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField("نتیجه", max_length=16, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField("تاریخ", null=True, blank=True)
    exit_border_point = models.ForeignKey(
        "reference.BorderPoint",
        verbose_name="مرز خروج",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    exit_sheet_number = models.CharField("شماره برگه خروج", max_length=64, blank=True)
    # Proof of a departure on one's own (an exit stamp, a border report): kept with its SHA-256.
    proof = models.FileField("مدرک خروج", upload_to=exit_proof_upload_to, blank=True)
    proof_sha256 = models.CharField("چکیده مدرک خروج", max_length=64, blank=True)
    proof_name = models.CharField("نام فایل مدرک", max_length=255, blank=True)
    proof_content_type = models.CharField(max_length=64, blank=True)
    note = models.TextField("توضیح", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ثبت‌کننده نتیجه",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField("زمان ثبت نتیجه", null=True, blank=True)

    class Meta:
        ordering = ["order_id", "pk"]
        verbose_name = "شخص مشمول دستور اخراج"
        verbose_name_plural = "اشخاص مشمول دستور اخراج"
        constraints = [
            models.UniqueConstraint(fields=["order", "subject"], name="person_once_per_order"),
            # A person is on one order at a time: a new order only after one that did not find
            # them (a database constraint, so that two supervisors at once cannot both order).
            models.UniqueConstraint(
                fields=["subject"],
                condition=~Q(outcome="not_found"),
                name="one_live_order_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.subject} — {self.order}"

    # The proof is served by the documents' one download page as a kind of its own
    # (enforcement.printed).
    proof_kind = "exit-proof"

    @property
    def proof_url(self) -> str:
        return download_url(self.proof_kind, self.pk)

    @property
    def closes(self) -> bool:
        return self.outcome in CLOSING_OUTCOMES


class PriorDeparture(models.Model):
    """The exit of a person who had left before the case (a report of illegal exit)."""

    subject = models.OneToOneField(
        "cases.CaseSubject",
        verbose_name="شخص",
        on_delete=models.PROTECT,
        related_name="prior_departure",
    )
    exited_on = models.DateField("تاریخ خروج")
    border_point = models.ForeignKey(
        "reference.BorderPoint",
        verbose_name="مرز خروج",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    # The report of the point of exit that proves it (evidence of the case).
    report = models.ForeignKey(
        "cases.Evidence", verbose_name="گزارش خروج", on_delete=models.PROTECT
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="ثبت‌کننده", on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField("زمان ثبت", default=clock.now)

    class Meta:
        verbose_name = "خروج پیشین از کشور"
        verbose_name_plural = "خروج‌های پیشین از کشور"

    def __str__(self):
        return f"{self.subject} — {self.exited_on}"
