"""Reference data the Ministry and the directorate maintain: provinces, document types, border
points and the yearly offence catalogue. A leaf: this app imports no other app of the project."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models

from revocation.persian import digits_to_persian


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
    """A border crossing through which a person is handed over for expulsion."""

    name = models.CharField("نام", max_length=128, unique=True)
    province = models.ForeignKey(Province, verbose_name="استان", on_delete=models.PROTECT)
    is_active = models.BooleanField("فعال", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "مرز خروجی"
        verbose_name_plural = "مرزهای خروجی"

    def __str__(self):
        return self.name


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
