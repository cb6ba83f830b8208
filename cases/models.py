"""Cases, the people and documents on them, their evidence and inquiries, and the state machine.

Transitions here change only the case's own fields. Everything with an effect beyond the row (the
documents of the subjects, the audit trail, follow-up work) happens in ``cases.services``, which is
the only way a case moves.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from revocation.persian import (
    digits_to_persian,
    jalali_year,
    normalize_identifier,
    normalize_name,
)

# --------------------------------------------------------------------------------------------------
# Reference data


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
    """Kinds of identity document; the Ministry adds new ones as data, not code."""

    AMAYESH = "amayesh"
    TRAVEL_PERMIT_90 = "travel_permit_90"

    code = models.SlugField("کد", max_length=32, unique=True)
    name = models.CharField("نام", max_length=128)
    is_active = models.BooleanField("فعال", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "نوع مدرک"
        verbose_name_plural = "انواع مدرک"

    def __str__(self):
        return self.name


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


# --------------------------------------------------------------------------------------------------
# People, households and documents


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
    OTHER = "other", "سایر"


class Household(models.Model):
    number = models.CharField("شماره خانوار", max_length=32, unique=True)
    head = models.ForeignKey(
        "Person",
        verbose_name="سرپرست خانوار",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "خانوار"
        verbose_name_plural = "خانوارها"

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        self.number = normalize_identifier(self.number)
        super().save(*args, **kwargs)


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
    # Kept in sync on save: what name search compares against (see revocation.persian).
    search_key = models.CharField("کلید جست‌وجو", max_length=255, editable=False, db_index=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "تبعه"
        verbose_name_plural = "اتباع"

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_key = normalize_name(f"{self.first_name} {self.last_name} {self.father_name}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


class DocumentStatus(models.TextChoices):
    VALID = "valid", "معتبر"
    SUSPENDED = "suspended", "معلق (پرونده باز)"
    CANCELLED = "cancelled", "باطل‌شده"


class IdentityDocument(FSMModelMixin, models.Model):
    """An Amayesh card, a 90-day travel permit, or another document type.

    The number is stored as ASCII (whatever digits it was typed in) and is unique per type. The
    status moves only through the transitions below: nothing leads out of ``cancelled``.
    """

    person = models.ForeignKey(
        Person, verbose_name="تبعه", on_delete=models.PROTECT, related_name="documents"
    )
    document_type = models.ForeignKey(
        DocumentType, verbose_name="نوع مدرک", on_delete=models.PROTECT
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


# --------------------------------------------------------------------------------------------------
# The case and its state machine


class CaseState(models.TextChoices):
    RECEIVED = "received", "دریافت‌شده"
    EXPERT_REVIEW = "expert_review", "در بررسی کارشناس"
    RETURNED = "returned", "بازگشت برای تکمیل اطلاعات"
    AWAITING_INQUIRIES = "awaiting_inquiries", "در انتظار پاسخ استعلام‌ها"
    READY_FOR_PROVINCE = "ready_for_province", "آماده طرح در کارگروه استان"
    APPROVED_BY_PROVINCE = "approved_by_province", "مصوب کارگروه استان"
    REJECTED_BY_PROVINCE = "rejected_by_province", "رد در کارگروه استان (مختومه)"
    CONFIRMED_NATIONALLY = "confirmed_nationally", "تأیید کارگروه دائمی کشور"
    REFUSED_NATIONALLY = "refused_nationally", "رد در کارگروه دائمی کشور (مختومه)"
    CARD_CANCELLED = "card_cancelled", "کارت باطل و در نجوا ثبت شد"
    EXPULSION_ORDERED = "expulsion_ordered", "دستور اخراج صادر شد"
    EXPELLED = "expelled", "اخراج شد (مختومه)"
    CLOSED_DEPARTED = "closed_departed", "مختومه: خروج پیشین از کشور"
    WITHDRAWN = "withdrawn", "مختومه: استرداد درخواست"


CLOSED_STATES = frozenset(
    {
        CaseState.REJECTED_BY_PROVINCE,
        CaseState.REFUSED_NATIONALLY,
        CaseState.EXPELLED,
        CaseState.CLOSED_DEPARTED,
        CaseState.WITHDRAWN,
    }
)
# Closing in one of these leaves the subjects' documents as they were before the case.
CLOSED_WITHOUT_CANCELLATION = frozenset(
    {CaseState.REJECTED_BY_PROVINCE, CaseState.REFUSED_NATIONALLY, CaseState.WITHDRAWN}
)
# The registry operator works across provinces, on cases from national confirmation on.
REGISTRY_STATES = frozenset(
    {
        CaseState.CONFIRMED_NATIONALLY,
        CaseState.CARD_CANCELLED,
        CaseState.EXPULSION_ORDERED,
        CaseState.EXPELLED,
        CaseState.CLOSED_DEPARTED,
    }
)
# Before the provincial working group votes, a case can still be withdrawn.
WITHDRAWABLE_STATES = [
    CaseState.RECEIVED,
    CaseState.EXPERT_REVIEW,
    CaseState.RETURNED,
    CaseState.AWAITING_INQUIRIES,
    CaseState.READY_FOR_PROVINCE,
]


class SourceType(models.TextChoices):
    JUDICIAL_RULING = "judicial_ruling", "حکم قضایی"
    COMMISSION_RESOLUTION = "commission_resolution", "مصوبه کمیسیون ساماندهی"
    AGENCY_REPORT = "agency_report", "گزارش دستگاه ذی‌ربط (اطلاعات، انتظامی)"
    ILLEGAL_EXIT_REPORT = "illegal_exit_report", "گزارش مبادی مبنی بر خروج غیرقانونی"
    HOUSEHOLD_MEMBER = "household_member", "درخواست یا گزارش عضو خانوار"


class EvidenceType(models.TextChoices):
    LOCAL_AFFIDAVIT = "local_affidavit", "استشهاد محلی"
    EXIT_PROOF = "exit_proof", "مستندات خروج غیرقانونی"
    JUDICIAL_RULING = "judicial_ruling", "حکم قضایی"
    COMMISSION_RESOLUTION = "commission_resolution", "مصوبه کمیسیون ساماندهی"
    AGENCY_REPORT = "agency_report", "گزارش دستگاه ذی‌ربط"
    ID_DOCUMENT_COPY = "id_document_copy", "تصویر کارت آمایش یا برگه تردد ۹۰ روزه"
    OTHER = "other", "سایر"


# The required-documents checklist of each source type (from the service card).
REQUIRED_EVIDENCE = {
    SourceType.JUDICIAL_RULING: [EvidenceType.JUDICIAL_RULING, EvidenceType.ID_DOCUMENT_COPY],
    SourceType.COMMISSION_RESOLUTION: [
        EvidenceType.COMMISSION_RESOLUTION,
        EvidenceType.ID_DOCUMENT_COPY,
    ],
    SourceType.AGENCY_REPORT: [EvidenceType.AGENCY_REPORT, EvidenceType.ID_DOCUMENT_COPY],
    SourceType.ILLEGAL_EXIT_REPORT: [
        EvidenceType.EXIT_PROOF,
        EvidenceType.LOCAL_AFFIDAVIT,
        EvidenceType.ID_DOCUMENT_COPY,
    ],
    SourceType.HOUSEHOLD_MEMBER: [EvidenceType.LOCAL_AFFIDAVIT, EvidenceType.ID_DOCUMENT_COPY],
}


class Agency(models.TextChoices):
    INTELLIGENCE = "intelligence", "اداره اطلاعات"
    POLICE = "police", "انتظامی"


class InquiryOutcome(models.TextChoices):
    NO_RECORD = "no_record", "فاقد سابقه"
    RECORD_FOUND = "record_found", "دارای سابقه"
    OBJECTION = "objection", "اعلام مخالفت"


class SubjectDecision(models.TextChoices):
    PENDING = "pending", "در انتظار تصمیم"
    CANCEL = "cancel", "ابطال مدارک"
    KEEP = "keep", "حفظ وضعیت"
    SEPARATE = "separate", "رسیدگی در پرونده جداگانه"


def condition(description: str, *, needs_input: bool = False):
    """Mark a transition condition with the Persian sentence shown when it fails.

    ``needs_input`` conditions are met by what the user enters with the action (a reason, a
    resolution number): the case page offers such an action and asks for the input.
    """

    def decorate(func):
        func.description = description
        func.needs_input = needs_input
        return func

    return decorate


@condition("نامه استعلام به اداره اطلاعات و به انتظامی هر دو ارسال و ثبت شده باشد.")
def inquiries_sent(case):
    sent = case.inquiries.exclude(letter_number="").exclude(sent_on=None)
    return set(sent.values_list("agency", flat=True)) >= set(Agency.values)


@condition("پاسخ استعلام اداره اطلاعات و انتظامی هر دو ثبت شده باشد.")
def inquiry_replies_recorded(case):
    replied = case.inquiries.exclude(replied_on=None).exclude(outcome="")
    return set(replied.values_list("agency", flat=True)) >= set(Agency.values)


@condition("همه مدارک لازم برای این نوع منشأ بارگذاری شده باشد.")
def required_evidence_attached(case):
    return not case.missing_evidence_types()


@condition("برای هر یک از اشخاص پرونده تصمیم (ابطال، حفظ یا پرونده جداگانه) ثبت شده باشد.")
def subjects_decided(case):
    return (
        case.subjects.exists()
        and not case.subjects.filter(decision=SubjectDecision.PENDING).exists()
    )


@condition(
    "اگر مدارک سرپرست خانوار باطل می‌شود، سرپرست جدید خانوار ثبت شده یا همه اعضا در پرونده باشند."
)
def household_settled(case):
    # Cancelling a head never silently settles the others: either every other member is on this
    # case with the decision to cancel, or a new head has been recorded for the household first.
    cancelled = set(
        case.subjects.filter(decision=SubjectDecision.CANCEL).values_list("person_id", flat=True)
    )
    heads = Household.objects.filter(head_id__in=cancelled)
    for household in heads:
        members = set(household.members.values_list("pk", flat=True))
        if not members <= cancelled:
            return False
    return True


@condition("دلیل ذکر شده باشد.", needs_input=True)
def has_reason(case):
    return bool(case.reason.strip())


@condition("شماره و تاریخ مصوبه کارگروه استان ثبت شده باشد.", needs_input=True)
def has_province_resolution(case):
    return (
        bool(case.province_resolution_number.strip()) and case.province_resolution_date is not None
    )


@condition("شماره و تاریخ نامه کارگروه دائمی کشور ثبت شده باشد.", needs_input=True)
def has_national_letter(case):
    return bool(case.national_letter_number.strip()) and case.national_letter_date is not None


@condition("نوع جرم و شماره ثبت در نجوا ثبت شده باشد.", needs_input=True)
def has_najva_registration(case):
    return case.offence_type_id is not None and bool(case.najva_registration_number.strip())


@condition("مرز خروجی و تاریخ اجرای اخراج ثبت شده باشد.", needs_input=True)
def expulsion_recorded(case):
    return case.expulsion_border_point_id is not None and case.expelled_on is not None


@condition("منشأ پرونده خروج غیرقانونی است؛ شخص پیش‌تر از کشور خارج شده است.")
def source_is_illegal_exit(case):
    return case.source_type == SourceType.ILLEGAL_EXIT_REPORT


@condition("منشأ پرونده خروج غیرقانونی نیست؛ شخص هنوز در کشور است.")
def source_is_not_illegal_exit(case):
    return case.source_type != SourceType.ILLEGAL_EXIT_REPORT


def role_permission(codename: str):
    """The transition permission of a role: the role's model permission, in that role's scope.

    Only the roles whose group carries the permission count, and only their scope: an expert of
    Isfahan who is also an auditor cannot start a Tehran review. A case shared for reading does
    not count; a per-case guardian grant of this very permission does, for a user who also holds
    it through a role. IT administrators' implicit superuser permissions never count.
    """
    permission = f"cases.{codename}"

    def check(case, user) -> bool:
        if not user.is_active:
            return False
        roles = user.roles_granting(permission)
        if not roles:
            return False
        if Case.objects.filter(role_scope(user, roles), pk=case.pk).exists():
            return True
        return CaseUserObjectPermission.objects.filter(
            user=user, content_object=case, permission__codename=codename
        ).exists()

    check.codename = codename
    return check


def role_scope(user, roles) -> Q:
    """The cases that ``roles`` of ``user`` cover (without per-case grants)."""
    from accounts.roles import PROVINCIAL_ROLES, Role

    roles = set(roles)
    if roles & {Role.NATIONAL_SECRETARIAT, Role.AUDITOR}:
        return Q(pk__isnull=False)
    scope = Q(pk__in=[])
    if Role.REGISTRY_OPERATOR in roles:
        scope |= Q(state__in=REGISTRY_STATES)
    if roles & PROVINCIAL_ROLES and user.province_id:
        scope |= Q(province_id=user.province_id)
    return scope


class CaseQuerySet(models.QuerySet):
    def for_user(self, user, *, include_grants: bool = True):
        """The cases ``user`` may see: the one scoping every case query goes through.

        Provincial roles see their province; the national secretariat and the auditor see every
        province; the registry operator sees every province from national confirmation on; a
        per-case guardian grant of ``view_case`` adds that one case (unless ``include_grants`` is
        false: a case shared for reading is not a case its reader may act on).
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        scope = role_scope(user, user.roles)
        if include_grants:
            scope |= Q(
                pk__in=CaseUserObjectPermission.objects.filter(
                    user=user, permission__codename="view_case"
                ).values("content_object_id")
            )
        return self.filter(scope)


class CaseNumberSequence(models.Model):
    """The last case number issued per province and Solar Hijri year (rows locked when used)."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"], name="one_sequence_per_province_year"
            )
        ]

    def __str__(self):
        return f"{self.province.code}-{self.year}: {self.last_value}"


class Case(ConcurrentTransitionMixin, models.Model):
    number = models.CharField("شماره پرونده", max_length=20, unique=True, editable=False)
    province = models.ForeignKey(
        Province, verbose_name="استان", on_delete=models.PROTECT, related_name="cases"
    )
    year = models.PositiveSmallIntegerField("سال", editable=False)
    sequence = models.PositiveIntegerField("ردیف", editable=False)
    state = FSMField(
        "وضعیت",
        max_length=32,
        choices=CaseState.choices,
        default=CaseState.RECEIVED,
        protected=True,
    )
    source_type = models.CharField("منشأ", max_length=32, choices=SourceType.choices)
    source_reference = models.CharField("شماره مرجع منشأ", max_length=64)
    source_date = models.DateField("تاریخ مرجع منشأ")
    summary = models.TextField("خلاصه", blank=True)
    assigned_expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="کارشناس مسئول",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ثبت‌کننده",
        on_delete=models.PROTECT,
        related_name="opened_cases",
    )
    opened_at = models.DateTimeField("تاریخ ثبت", editable=False)
    closed_at = models.DateTimeField("تاریخ مختومه شدن", null=True, blank=True, editable=False)
    # The reason given with the latest return, rejection, refusal or withdrawal.
    reason = models.TextField("دلیل", blank=True)
    province_resolution_number = models.CharField(
        "شماره مصوبه کارگروه استان", max_length=64, blank=True
    )
    province_resolution_date = models.DateField("تاریخ مصوبه کارگروه استان", null=True, blank=True)
    national_letter_number = models.CharField(
        "شماره نامه کارگروه دائمی کشور", max_length=64, blank=True
    )
    national_letter_date = models.DateField("تاریخ نامه کارگروه دائمی کشور", null=True, blank=True)
    # The catalogue row in force when the case was decided; later catalogues do not change it.
    offence_type = models.ForeignKey(
        OffenceType, verbose_name="نوع جرم", on_delete=models.PROTECT, null=True, blank=True
    )
    najva_registration_number = models.CharField("شماره ثبت در نجوا", max_length=64, blank=True)
    expulsion_border_point = models.ForeignKey(
        BorderPoint, verbose_name="مرز خروجی", on_delete=models.PROTECT, null=True, blank=True
    )
    expelled_on = models.DateField("تاریخ اجرای اخراج", null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = "پرونده"
        verbose_name_plural = "پرونده‌ها"
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "sequence"], name="case_sequence_per_province_year"
            )
        ]
        permissions = [
            ("open_case", "ثبت پرونده"),
            ("review_case", "بررسی کارشناسی و استعلام"),
            ("decide_in_province", "ثبت رأی کارگروه استان"),
            ("decide_nationally", "تأیید یا رد در کارگروه دائمی کشور"),
            ("register_in_najva", "ابطال کارت و ثبت در نجوا"),
            ("supervise_case", "نظارت، دستور اخراج و مختومه کردن"),
            ("record_expulsion", "ثبت اجرای اخراج"),
        ]

    def __str__(self):
        return self.number

    @staticmethod
    def format_number(province_code: str, year: int, sequence: int) -> str:
        """``23-1405-00017``: province, Solar Hijri year, sequence; sorts by province and year."""
        return f"{province_code}-{year}-{sequence:05d}"

    @staticmethod
    def year_of(moment) -> int:
        return jalali_year(moment)

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED_STATES

    def missing_evidence_types(self) -> list[str]:
        present = set(self.evidence.values_list("evidence_type", flat=True))
        return [t for t in REQUIRED_EVIDENCE.get(self.source_type, []) if t not in present]

    # The steps of the work. Each body touches only this row; see cases.services for the rest.

    @transition(
        field=state,
        source=CaseState.RECEIVED,
        target=CaseState.EXPERT_REVIEW,
        permission=role_permission("review_case"),
        custom={"label": "شروع بررسی کارشناسی"},
    )
    def start_review(self):
        pass

    @transition(
        field=state,
        source=CaseState.EXPERT_REVIEW,
        target=CaseState.AWAITING_INQUIRIES,
        permission=role_permission("review_case"),
        conditions=[inquiries_sent],
        custom={"label": "ثبت ارسال استعلام‌ها"},
    )
    def send_inquiries(self):
        pass

    @transition(
        field=state,
        source=CaseState.AWAITING_INQUIRIES,
        target=CaseState.READY_FOR_PROVINCE,
        permission=role_permission("review_case"),
        conditions=[
            inquiry_replies_recorded,
            required_evidence_attached,
            subjects_decided,
            household_settled,
        ],
        custom={"label": "ارسال به کارگروه استان"},
    )
    def submit_to_province(self):
        self.reason = ""

    @transition(
        field=state,
        source=CaseState.READY_FOR_PROVINCE,
        target=CaseState.RETURNED,
        permission=role_permission("decide_in_province"),
        conditions=[has_reason],
        custom={"label": "بازگشت برای تکمیل اطلاعات", "needs_reason": True},
    )
    def return_for_information(self):
        pass

    @transition(
        field=state,
        source=CaseState.RETURNED,
        target=CaseState.EXPERT_REVIEW,
        permission=role_permission("review_case"),
        custom={"label": "ازسرگیری بررسی کارشناسی"},
    )
    def resume_review(self):
        self.reason = ""

    @transition(
        field=state,
        source=CaseState.READY_FOR_PROVINCE,
        target=CaseState.APPROVED_BY_PROVINCE,
        permission=role_permission("decide_in_province"),
        conditions=[has_province_resolution],
        custom={
            "label": "تصویب در کارگروه استان",
            "inputs": ("province_resolution_number", "province_resolution_date"),
        },
    )
    def approve_in_province(self):
        pass

    @transition(
        field=state,
        source=CaseState.READY_FOR_PROVINCE,
        target=CaseState.REJECTED_BY_PROVINCE,
        permission=role_permission("decide_in_province"),
        conditions=[has_province_resolution, has_reason],
        custom={
            "label": "رد در کارگروه استان",
            "needs_reason": True,
            "irreversible": True,
            "inputs": ("province_resolution_number", "province_resolution_date"),
        },
    )
    def reject_in_province(self):
        pass

    @transition(
        field=state,
        source=CaseState.APPROVED_BY_PROVINCE,
        target=CaseState.CONFIRMED_NATIONALLY,
        permission=role_permission("decide_nationally"),
        conditions=[has_national_letter],
        custom={
            "label": "تأیید در کارگروه دائمی کشور",
            "inputs": ("national_letter_number", "national_letter_date"),
        },
    )
    def confirm_nationally(self):
        pass

    @transition(
        field=state,
        source=CaseState.APPROVED_BY_PROVINCE,
        target=CaseState.REFUSED_NATIONALLY,
        permission=role_permission("decide_nationally"),
        conditions=[has_national_letter, has_reason],
        custom={
            "label": "رد در کارگروه دائمی کشور",
            "needs_reason": True,
            "irreversible": True,
            "inputs": ("national_letter_number", "national_letter_date"),
        },
    )
    def refuse_nationally(self):
        pass

    @transition(
        field=state,
        source=CaseState.CONFIRMED_NATIONALLY,
        target=CaseState.CARD_CANCELLED,
        permission=role_permission("register_in_najva"),
        conditions=[subjects_decided, household_settled, has_najva_registration],
        custom={
            "label": "ابطال کارت و ثبت در نجوا",
            "irreversible": True,
            "inputs": ("offence_type", "najva_registration_number"),
        },
    )
    def cancel_card(self):
        pass

    @transition(
        field=state,
        source=CaseState.CARD_CANCELLED,
        target=CaseState.EXPULSION_ORDERED,
        permission=role_permission("supervise_case"),
        conditions=[source_is_not_illegal_exit],
        custom={"label": "صدور دستور اخراج"},
    )
    def order_expulsion(self):
        pass

    @transition(
        field=state,
        source=CaseState.EXPULSION_ORDERED,
        target=CaseState.EXPELLED,
        permission=role_permission("record_expulsion"),
        conditions=[expulsion_recorded],
        custom={
            "label": "ثبت اجرای اخراج",
            "irreversible": True,
            "inputs": ("expulsion_border_point", "expelled_on"),
        },
    )
    def record_expulsion(self):
        pass

    @transition(
        field=state,
        source=CaseState.CARD_CANCELLED,
        target=CaseState.CLOSED_DEPARTED,
        permission=role_permission("supervise_case"),
        conditions=[source_is_illegal_exit],
        custom={"label": "مختومه: خروج پیشین از کشور", "irreversible": True},
    )
    def close_as_departed(self):
        pass

    @transition(
        field=state,
        source=WITHDRAWABLE_STATES,
        target=CaseState.WITHDRAWN,
        permission=role_permission("supervise_case"),
        conditions=[has_reason],
        custom={"label": "مختومه کردن به علت استرداد", "needs_reason": True, "irreversible": True},
    )
    def withdraw(self):
        pass


class CaseSubject(models.Model):
    """A person named on a case, and what the case decides for that person."""

    case = models.ForeignKey(
        Case, verbose_name="پرونده", on_delete=models.PROTECT, related_name="subjects"
    )
    person = models.ForeignKey(
        Person, verbose_name="تبعه", on_delete=models.PROTECT, related_name="case_subjects"
    )
    decision = models.CharField(
        "تصمیم", max_length=16, choices=SubjectDecision.choices, default=SubjectDecision.PENDING
    )

    class Meta:
        verbose_name = "شخص موضوع پرونده"
        verbose_name_plural = "اشخاص موضوع پرونده"
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="person_once_per_case")
        ]

    def __str__(self):
        return f"{self.person} — {self.case}"


def evidence_upload_to(instance, filename):
    # Generated names only: what the uploader called the file is never used on disk.
    return f"evidence/{instance.case.province.code}/{instance.case_id}/{instance.sha256}"


class Evidence(models.Model):
    case = models.ForeignKey(
        Case, verbose_name="پرونده", on_delete=models.PROTECT, related_name="evidence"
    )
    evidence_type = models.CharField("نوع مستند", max_length=32, choices=EvidenceType.choices)
    file = models.FileField("فایل", upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField("نام اصلی فایل", max_length=255)
    sha256 = models.CharField("چکیده SHA-256", max_length=64)
    size = models.PositiveIntegerField("اندازه (بایت)")
    content_type = models.CharField("نوع محتوا", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="بارگذاری‌کننده", on_delete=models.PROTECT
    )
    uploaded_at = models.DateTimeField("زمان بارگذاری", auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = "مستند"
        verbose_name_plural = "مستندات"

    def __str__(self):
        return f"{self.get_evidence_type_display()} ({self.original_name})"

    @staticmethod
    def digest(content) -> str:
        sha = hashlib.sha256()
        for chunk in content.chunks():
            sha.update(chunk)
        return sha.hexdigest()


def inquiry_reply_upload_to(instance, filename):
    return f"inquiries/{instance.case.province.code}/{instance.case_id}/{instance.agency}"


class Inquiry(models.Model):
    """The letter to the intelligence office or the police, and the reply (often on paper)."""

    case = models.ForeignKey(
        Case, verbose_name="پرونده", on_delete=models.PROTECT, related_name="inquiries"
    )
    agency = models.CharField("مرجع", max_length=16, choices=Agency.choices)
    letter_number = models.CharField("شماره نامه", max_length=64, blank=True)
    sent_on = models.DateField("تاریخ ارسال", null=True, blank=True)
    due_on = models.DateField("مهلت پاسخ", null=True, blank=True)
    replied_on = models.DateField("تاریخ پاسخ", null=True, blank=True)
    outcome = models.CharField(
        "نتیجه پاسخ", max_length=16, choices=InquiryOutcome.choices, blank=True
    )
    reply_document = models.FileField(
        "تصویر پاسخ", upload_to=inquiry_reply_upload_to, blank=True, max_length=255
    )

    class Meta:
        verbose_name = "استعلام"
        verbose_name_plural = "استعلام‌ها"
        constraints = [
            models.UniqueConstraint(fields=["case", "agency"], name="one_inquiry_per_agency")
        ]

    def __str__(self):
        return f"{self.get_agency_display()} — {self.case}"

    @property
    def is_overdue(self) -> bool:
        """Sent, unanswered, and past its due date."""
        from django.utils import timezone

        return (
            self.replied_on is None
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


# --------------------------------------------------------------------------------------------------
# Audit trail


class ImmutableRecord(Exception):
    pass


class CaseEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRecord("رویدادهای پرونده قابل ویرایش نیستند.")

    def delete(self):
        raise ImmutableRecord("رویدادهای پرونده قابل حذف نیستند.")


class CaseEvent(models.Model):
    """One entry of a case's audit trail: who did what, when, from which state to which, and why.

    Append-only: the model refuses updates and deletes, the admin shows it read-only, and on
    PostgreSQL a trigger refuses UPDATE and DELETE on the table itself (migration 0002).
    """

    class Kind(models.TextChoices):
        OPENED = "opened", "ثبت پرونده"
        TRANSITION = "transition", "تغییر وضعیت"
        CHANGE = "change", "تغییر اطلاعات"

    case = models.ForeignKey(
        Case, verbose_name="پرونده", on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="انجام‌دهنده",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField("زمان", auto_now_add=True, db_index=True)
    kind = models.CharField("نوع", max_length=16, choices=Kind.choices)
    action = models.CharField("اقدام", max_length=64)
    from_state = models.CharField("از وضعیت", max_length=32, choices=CaseState.choices, blank=True)
    to_state = models.CharField("به وضعیت", max_length=32, choices=CaseState.choices, blank=True)
    reason = models.TextField("دلیل", blank=True)
    changes = models.JSONField("تغییرات", default=dict, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "رویداد پرونده"
        verbose_name_plural = "رویدادهای پرونده"

    def __str__(self):
        return f"{self.case} — {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableRecord("رویدادهای پرونده قابل ویرایش نیستند.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord("رویدادهای پرونده قابل حذف نیستند.")

    @property
    def label(self) -> str:
        """What happened, in Persian, for the case timeline."""
        if self.kind == self.Kind.TRANSITION:
            method = getattr(Case, self.action, None)
            meta = getattr(method, "_django_fsm", None)
            transition = meta.get_transition(self.from_state) if meta else None
            if transition is not None:
                return transition.custom.get("label", self.action)
        label = CHANGE_LABELS.get(self.action, self.action)
        detail = self._change_detail()
        return f"{label} — {detail}" if detail else label

    def _change_detail(self) -> str:
        """Which inquiry or which kind of evidence a change was about."""
        for key, (_, new) in self.changes.items():
            if key.startswith("inquiry:"):
                return Agency(key.split(":")[1]).label
            if key.startswith("evidence:") and new:
                return EvidenceType(str(new).split(" ")[0]).label
            if key.startswith("subject:") and new in SubjectDecision.values:
                person = Person.objects.filter(pk=key.split(":")[1]).first()
                return f"{person}: {SubjectDecision(new).label}" if person else ""
        return ""


CHANGE_LABELS = {
    "case_open": "ثبت پرونده",
    "evidence_add": "بارگذاری مستند",
    "inquiry_record_sent": "ثبت ارسال استعلام",
    "inquiry_correct_sent": "اصلاح نامه استعلام",
    "inquiry_record_reply": "ثبت پاسخ استعلام",
    "subject_decide": "ثبت تصمیم درباره شخص",
    "household_change_head": "ثبت سرپرست جدید خانوار",
    "case_grant_access": "اشتراک پرونده با کاربر دیگر",
}


# --------------------------------------------------------------------------------------------------
# Per-case grants (django-guardian, direct foreign keys)


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
