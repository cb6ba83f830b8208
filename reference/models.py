"""Reference data the Ministry and the directorate maintain: provinces, document types, border
points and the yearly offence catalogue. Its models point at no other app; its admin pages record
through the audit trail (audit.admin_changes), the one app below it."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models

from shared.persian import digits_to_persian


class Province(models.Model):
    """One of the 31 provinces. ``code`` is the two-digit code used in case numbers."""

    name = models.CharField("نام", max_length=64, unique=True)
    code = models.CharField("کد", max_length=2, unique=True)
    slug = models.SlugField("شناسه لاتین", max_length=64, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "استان"
        verbose_name_plural = "استان‌ها"

    def __str__(self):
        return self.name


class DocumentType(models.Model):
    """Kinds of identity document; the Ministry adds new ones as data, not code.

    ``max_validity_days`` is the validity rule of the type: a document of this type may not expire
    more than that many days after it was issued (a 90-day permit is valid 90 days).
    """

    AMAYESH = "amayesh"
    TRAVEL_PERMIT_90 = "travel_permit_90"

    code = models.SlugField("کد", max_length=32, unique=True)
    name = models.CharField("نام", max_length=128)
    is_active = models.BooleanField("فعال", default=True)
    max_validity_days = models.PositiveIntegerField(
        "حداکثر مدت اعتبار (روز)",
        null=True,
        blank=True,
        help_text="خالی: بدون سقف. برای برگه تردد ۹۰ روزه: ۹۰.",
    )
    requires_series = models.BooleanField("سری مدرک لازم است", default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "نوع مدرک"
        verbose_name_plural = "انواع مدرک"

    def __str__(self):
        return self.name

    def validate_document(
        self, *, series: str, issued_on: datetime.date | None, expires_on: datetime.date | None
    ) -> None:
        """Refuse a document that breaks this type's rules, field by field, in Persian."""
        errors = {}
        if self.requires_series and not series:
            errors["series"] = f"برای {self.name} سری مدرک لازم است."
        if expires_on and issued_on and expires_on < issued_on:
            errors["expires_on"] = "تاریخ انقضا نمی‌تواند پیش از تاریخ صدور باشد."
        elif self.max_validity_days is not None and expires_on is not None:
            if issued_on is None:
                errors["issued_on"] = f"برای سنجش اعتبار {self.name} تاریخ صدور را وارد کنید."
            elif (expires_on - issued_on).days > self.max_validity_days:
                days = digits_to_persian(self.max_validity_days)
                errors["expires_on"] = f"اعتبار {self.name} حداکثر {days} روز از تاریخ صدور است."
        if errors:
            raise ValidationError(errors)


class BorderPoint(models.Model):
    """A border crossing or airport through which a person leaves or is handed over for expulsion.

    ``nationalities`` lists the nationalities (ISO codes, as people.models.Nationality) expelled
    through it: a land border serves its neighbour's nationals (and those who transit through the
    neighbour), an international airport every nationality (an empty list).
    """

    class Kind(models.TextChoices):
        LAND = "land", "مرز زمینی"
        AIRPORT = "airport", "فرودگاه"

    name = models.CharField("نام", max_length=128, unique=True)
    province = models.ForeignKey(Province, verbose_name="استان", on_delete=models.PROTECT)
    kind = models.CharField("نوع", max_length=8, choices=Kind.choices, default=Kind.LAND)
    neighbour = models.CharField("کشور همسایه", max_length=64, blank=True)
    nationalities = models.JSONField(
        "تابعیت‌های اخراج از این مرز",
        default=list,
        blank=True,
        help_text="کد دوحرفی تابعیت‌ها، مانند AF و IQ. خالی: همه تابعیت‌ها (فرودگاه).",
    )
    is_active = models.BooleanField("فعال", default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "مرز خروجی"
        verbose_name_plural = "مرزهای خروجی"

    def __str__(self):
        return self.name

    def serves(self, nationality: str) -> bool:
        """Whether a national of ``nationality`` can be expelled through this point."""
        return not self.nationalities or nationality in self.nationalities


class PolicyQuerySet(models.QuerySet):
    def in_force(self, year: int) -> "YearlyPolicy":
        """The policy in force in Solar Hijri ``year``: the newest not after it, or the defaults
        (an unsaved row) when none was entered."""
        found = self.filter(year__lte=year).order_by("-year").first()
        return found or YearlyPolicy(year=year)


class YearlyPolicy(models.Model):
    """The Ministry's yearly directive on what follows a cancellation: the shortest re-entry ban an
    expulsion order may set, the time an order gives to leave, and the time a person has to object
    to the decision, with the authority the objection goes to. A year with no row of its own
    follows the latest earlier one (or the defaults)."""

    year = models.PositiveSmallIntegerField("سال (هجری شمسی)", unique=True)
    reentry_ban_min_years = models.PositiveSmallIntegerField(
        "حداقل مدت ممنوعیت ورود (سال)", default=5
    )
    leave_within_days = models.PositiveSmallIntegerField("مهلت خروج از کشور (روز)", default=30)
    objection_within_days = models.PositiveSmallIntegerField("مهلت اعتراض (روز)", default=20)
    objection_authority = models.CharField(
        "مرجع اعتراض",
        max_length=255,
        default="اداره کل امور اتباع و مهاجرین خارجی استان",
    )

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = "سیاست سالانه"
        verbose_name_plural = "سیاست‌های سالانه"

    def __str__(self):
        return f"سیاست سال {digits_to_persian(self.year)}"


class OffenceTypeQuerySet(models.QuerySet):
    def in_force(self, year: int):
        """The catalogue in force in Solar Hijri ``year``: the newest version not after it."""
        version = (
            self.filter(version_year__lte=year)
            .aggregate(latest=models.Max("version_year"))
            .get("latest")
        )
        return self.filter(version_year=version) if version else self.none()


class OffenceType(models.Model):
    """One entry of the offence catalogue of one version (the Solar Hijri year it took effect).

    The Ministry issues a new catalogue each year: a new version is added, the old rows stay, and a
    case keeps pointing at the row it was decided under.
    """

    version_year = models.PositiveSmallIntegerField("سال اجرای دستورالعمل")
    code = models.CharField("کد", max_length=16)
    title = models.CharField("عنوان", max_length=255)

    objects = OffenceTypeQuerySet.as_manager()

    class Meta:
        ordering = ["-version_year", "code"]
        verbose_name = "نوع جرم"
        verbose_name_plural = "انواع جرم"
        constraints = [
            models.UniqueConstraint(
                fields=["version_year", "code"], name="offence_code_per_version"
            )
        ]

    def __str__(self):
        return f"{self.title} ({digits_to_persian(self.version_year)})"
