"""The national register of foreign nationals: households, persons and their identity documents.

A household is registered by the expert of one province (``Household.province``): that province's
experts may add members to it; other provinces reach it only through a number search, read-only.
"""

from django.core.validators import RegexValidator
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition

from audit.models import Event
from shared.fsm import RefreshSafely
from shared.persian import name_parts, normalize_identifier, normalize_name


class Sex(models.TextChoices):
    MALE = "male", "مرد"
    FEMALE = "female", "زن"


class Nationality(models.TextChoices):
    AFGHANISTAN = "AF", "افغانستان"
    IRAQ = "IQ", "عراق"
    PAKISTAN = "PK", "پاکستان"
    OTHER = "XX", "سایر"


class Relation(models.TextChoices):
    HEAD = "head", "سرپرست خانوار"
    SPOUSE = "spouse", "همسر"
    CHILD = "child", "فرزند"
    PARENT = "parent", "پدر یا مادر"
    SIBLING = "sibling", "خواهر یا برادر"
    FORMER_HEAD = "former_head", "سرپرست پیشین"
    OTHER = "other", "سایر"


# An Iranian postal code: ten digits (stored ASCII, whatever digits it was typed in).
POSTAL_CODE = RegexValidator(r"^[0-9]{10}$", "کد پستی ده رقم است.")


class Household(models.Model):
    number = models.CharField("شماره خانوار", max_length=32, unique=True)
    province = models.ForeignKey(
        "reference.Province",
        verbose_name="استان ثبت",
        on_delete=models.PROTECT,
        related_name="households",
    )
    head = models.ForeignKey(
        "Person",
        verbose_name="سرپرست خانوار",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Where the directorate's letters to the household go by post (letters app). Blank until the
    # expert records it: a letter can then be printed but not dispatched.
    # A database default too: bench/generate.py writes households with COPY, naming no address.
    postal_address = models.TextField(
        "نشانی پستی", max_length=500, blank=True, default="", db_default=""
    )
    postal_code = models.CharField(
        "کد پستی", max_length=10, blank=True, default="", db_default="", validators=[POSTAL_CODE]
    )

    class Meta:
        verbose_name = "خانوار"
        verbose_name_plural = "خانوارها"

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        self.number = normalize_identifier(self.number)
        self.postal_code = normalize_identifier(self.postal_code)
        super().save(*args, **kwargs)

    @property
    def events(self):
        """The household's audit trail (the trail keeps its id; the link is the household's)."""
        return Event.objects.filter(household_id=self.pk)


class Person(models.Model):
    first_name = models.CharField("نام", max_length=64)
    last_name = models.CharField("نام خانوادگی", max_length=64)
    father_name = models.CharField("نام پدر", max_length=64, blank=True)
    nationality = models.CharField(
        "تابعیت", max_length=2, choices=Nationality.choices, default=Nationality.AFGHANISTAN
    )
    birth_date = models.DateField("تاریخ تولد", null=True, blank=True)
    sex = models.CharField("جنسیت", max_length=8, choices=Sex.choices)
    household = models.ForeignKey(
        Household,
        verbose_name="خانوار",
        on_delete=models.PROTECT,
        related_name="members",
    )
    relation_to_head = models.CharField("نسبت با سرپرست", max_length=16, choices=Relation.choices)
    # Kept in sync on save: what name search compares against (see shared.persian).
    search_key = models.CharField("کلید جست‌وجو", max_length=255, editable=False, db_index=True)
    # The name's parts (shared.persian.name_parts), separated by spaces: on PostgreSQL a
    # full-text GIN index on them answers "a part among these, and a part among those" exactly;
    # elsewhere a typed word is looked for inside them. Kept by save(): a bulk write that goes
    # around it (QuerySet.update, bulk_create) must set it itself.
    name_parts = models.CharField("اجزای نام", max_length=255, editable=False, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "تبعه"
        verbose_name_plural = "اتباع"

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_key = normalize_name(f"{self.first_name} {self.last_name} {self.father_name}")
        parts = name_parts(self.first_name, self.last_name, self.father_name)
        self.name_parts = " ".join(parts)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key", "name_parts"}
        super().save(*args, **kwargs)
        NamePart.objects.bulk_create([NamePart(part=p) for p in parts], ignore_conflicts=True)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def relation_label(self) -> str:
        """The relation shown to people: the head is whoever the household names now."""
        if self.household.head_id == self.pk:
            return Relation.HEAD.label
        if self.relation_to_head == Relation.HEAD:  # replaced before relations were kept apart
            return Relation.FORMER_HEAD.label
        return self.get_relation_to_head_display()


class NamePart(models.Model):
    """Every part of a name in the register, once (shared.persian.name_parts): a few thousand
    rows where the persons are millions. A typed word is first looked up here: the parts that
    contain it, or for a typo the parts most like it (pg_trgm), and only then are persons searched,
    by those parts, through the full-text index of ``Person.name_parts``."""

    part = models.CharField("جزء نام", max_length=255, unique=True)

    class Meta:
        verbose_name = "جزء نام"
        verbose_name_plural = "اجزای نام"

    def __str__(self):
        return self.part


class DocumentStatus(models.TextChoices):
    VALID = "valid", "معتبر"
    SUSPENDED = "suspended", "معلق (پرونده باز)"
    CANCELLED = "cancelled", "باطل‌شده"


class IdentityDocument(RefreshSafely, FSMModelMixin, models.Model):
    """An Amayesh card, a 90-day travel permit, or another document type.

    The number is stored as ASCII (whatever digits it was typed in) and is unique per type. The
    status moves only through the transitions below: nothing leads out of ``cancelled``.
    """

    person = models.ForeignKey(
        Person, verbose_name="تبعه", on_delete=models.PROTECT, related_name="documents"
    )
    document_type = models.ForeignKey(
        "reference.DocumentType", verbose_name="نوع مدرک", on_delete=models.PROTECT
    )
    number = models.CharField("شماره", max_length=32)
    series = models.CharField("سری", max_length=16, blank=True)
    issued_on = models.DateField("تاریخ صدور", null=True, blank=True)
    expires_on = models.DateField("تاریخ انقضا", null=True, blank=True)
    status = FSMField(
        "وضعیت",
        choices=DocumentStatus.choices,
        default=DocumentStatus.VALID,
        protected=True,
    )

    class Meta:
        verbose_name = "مدرک هویتی"
        verbose_name_plural = "مدارک هویتی"
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "number"], name="document_number_unique_per_type"
            )
        ]
        # Search by a number typed without its type (the unique index leads with the type).
        indexes = [models.Index(fields=["number"], name="document_number")]

    def __str__(self):
        return f"{self.document_type} {self.number}"

    def save(self, *args, **kwargs):
        self.number = normalize_identifier(self.number)
        self.series = normalize_identifier(self.series)
        super().save(*args, **kwargs)

    @transition(field=status, source=DocumentStatus.VALID, target=DocumentStatus.SUSPENDED)
    def suspend(self):
        """A case naming the holder is open."""

    @transition(field=status, source=DocumentStatus.SUSPENDED, target=DocumentStatus.VALID)
    def restore(self):
        """The case closed without cancelling this document."""

    @transition(
        field=status,
        source=[DocumentStatus.VALID, DocumentStatus.SUSPENDED],
        target=DocumentStatus.CANCELLED,
    )
    def cancel(self):
        """Cancelled after national confirmation; final."""
