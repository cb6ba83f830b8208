from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property

from accounts.roles import NATIONAL_ROLES, PROVINCIAL_ROLES, Role
from shared import clock


class User(AbstractUser):
    """A person who works in the system: a province (for provincial roles) and one or more roles.

    Roles are the user's groups named by role code (see accounts.roles); national roles carry no
    province. A staff account (the IT administrator) holds no case role: see accounts.permissions.
    Nor does an account that was ever staff (``ever_staff``, set on every save of a staff or
    superuser account and never cleared by the app): unticking "staff" on itself does not make the
    IT administrator a case actor. Roles are widened only through an approved ``RoleGrant``.
    """

    province = models.ForeignKey(
        "reference.Province",
        verbose_name="استان",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    ever_staff = models.BooleanField(
        "زمانی مدیر فنی بوده",
        default=False,
        editable=False,
        help_text="حسابی که روزی کارمند یا ابرکاربر بوده است هرگز نقش پرونده نمی‌گیرد.",
    )

    class Meta:
        verbose_name = "کاربر"
        verbose_name_plural = "کاربران"
        constraints = [
            # A staff or superuser row is marked for good (save() sets the mark; an UPDATE that
            # makes an account staff without it is refused by the database).
            models.CheckConstraint(
                condition=Q(ever_staff=True) | Q(is_staff=False, is_superuser=False),
                name="accounts_user_staff_is_marked",
            )
        ]

    def save(self, *args, **kwargs):
        if (self.is_staff or self.is_superuser) and not self.ever_staff:
            self.ever_staff = True
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "ever_staff"}
        super().save(*args, **kwargs)

    @property
    def was_staff(self) -> bool:
        """Staff or superuser now, or ever: such an account holds no case role."""
        return bool(self.is_staff or self.is_superuser or self.ever_staff)

    @cached_property
    def role_codes(self) -> frozenset[str]:
        """The role codes held through groups (cached per instance; see permissions.roles_of).
        Read with the user itself when signed in (accounts.backends), otherwise here."""
        return self.roles_from(self.groups.values_list("name", flat=True))

    @staticmethod
    def roles_from(group_names) -> frozenset[str]:
        valid = set(Role.values)
        return frozenset(name for name in group_names if name in valid)

    @property
    def role_labels(self) -> list[str]:
        return [Role(role).label for role in Role.values if role in self.role_codes]


def validate_roles(*, roles, province, is_staff: bool) -> None:
    """A provincial role needs a province; national roles have none; no user holds both; a staff
    account (IT administration), or one that ever was (``User.was_staff``: pass that as
    ``is_staff``), holds no case role at all."""
    roles = set(roles)
    if roles and is_staff:
        raise ValidationError(
            {"roles": "حساب مدیر فنی (کارمند یا ابرکاربر) نمی‌تواند نقش پرونده داشته باشد."}
        )
    if roles & PROVINCIAL_ROLES and roles & NATIONAL_ROLES:
        raise ValidationError({"roles": "یک کاربر نمی‌تواند هم نقش استانی و هم نقش ملی داشته باشد."})
    if roles & PROVINCIAL_ROLES and province is None:
        raise ValidationError({"province": "برای نقش‌های استانی، استان کاربر را تعیین کنید."})
    if roles and roles <= NATIONAL_ROLES and province is not None:
        raise ValidationError({"province": "نقش‌های ملی به استان خاصی تعلق ندارند."})


class SavedSearch(models.Model):
    """A search a user POSTed, kept on the server under an opaque token, so that the result page
    is a GET (Back works, no resubmission prompt) without identity numbers in any URL or log."""

    token = models.CharField(max_length=43, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32)
    params = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "جست‌وجوی ذخیره‌شده"
        verbose_name_plural = "جست‌وجوهای ذخیره‌شده"

    def __str__(self):
        return f"{self.kind} ({self.user_id})"


class AuthState(models.Model):
    """One row: a token that changes, by trigger on PostgreSQL, with every change to users, their
    groups, groups, provinces and second-factor devices (accounts.usercache)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.UUIDField()

    class Meta:
        verbose_name = "نشانه وضعیت دسترسی‌ها"
        verbose_name_plural = verbose_name

    def __str__(self):
        return str(self.token)


class EnrolmentCode(models.Model):
    """A one-time code for a second-factor enrolment after an administrator's reset (a password set
    in the admin, a device removed): issued by another administrator than any who reset that
    account, handed to the user in person, and asked at the enrolment (accounts.resets).

    Only its keyed digest is kept; it is good once, until ``expires_at``, and for a few wrong tries.
    """

    user = models.ForeignKey(
        User, verbose_name="کاربر", on_delete=models.CASCADE, related_name="enrolment_codes"
    )
    digest = models.CharField("چکیده", max_length=64, editable=False)
    issued_by = models.ForeignKey(
        User, verbose_name="صادرکننده", on_delete=models.PROTECT, related_name="+", editable=False
    )
    issued_at = models.DateTimeField("زمان صدور", editable=False)
    expires_at = models.DateTimeField("پایان اعتبار", editable=False)
    used_at = models.DateTimeField("زمان به‌کارگیری", null=True, blank=True, editable=False)
    failures = models.PositiveSmallIntegerField("تلاش‌های نادرست", default=0, editable=False)

    class Meta:
        verbose_name = "کد فعال‌سازی ورود دومرحله‌ای"
        verbose_name_plural = "کدهای فعال‌سازی ورود دومرحله‌ای"
        ordering = ["-issued_at"]

    def __str__(self):
        return f"کد فعال‌سازی {self.user}"


class RoleGrant(models.Model):
    """A role (in a province, for a provincial role) proposed for a user by an IT administrator,
    and approved or refused in the app by a holder of the approving role
    (``accounts.permissions.approving_role``): never the proposer, never the user it is for.
    Until approved it grants nothing; approved, the user's group and province are set
    (``accounts.grants``). The rows are kept: who proposed what, who decided, when and why."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "در انتظار تأیید"
        APPROVED = "approved", "تأیید شد"
        REFUSED = "refused", "رد شد"

    user = models.ForeignKey(
        User, verbose_name="کاربر", on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField("نقش", max_length=32, choices=Role.choices)
    province = models.ForeignKey(
        "reference.Province",
        verbose_name="استان",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="برای نقش‌های استانی؛ نقش‌های ملی استان ندارند.",
    )
    reason = models.TextField("دلیل پیشنهاد", max_length=1000)
    proposed_by = models.ForeignKey(
        User, verbose_name="پیشنهاددهنده", on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField("زمان پیشنهاد", default=clock.now)
    outcome = models.CharField(
        "نتیجه", max_length=16, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_by = models.ForeignKey(
        User,
        verbose_name="تصمیم‌گیرنده",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("زمان تصمیم", null=True, blank=True)
    decision_note = models.TextField("توضیح تصمیم", max_length=1000, blank=True)

    class Meta:
        verbose_name = "پیشنهاد اعطای نقش"
        verbose_name_plural = "پیشنهادهای اعطای نقش"
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(outcome="pending"),
                name="accounts_rolegrant_one_pending",
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("proposed_by")),
                name="accounts_rolegrant_not_by_proposer",
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("user")),
                name="accounts_rolegrant_not_by_grantee",
            ),
        ]

    def __str__(self):
        where = f"، استان {self.province}" if self.province_id else ""
        return f"{Role(self.role).label}{where} برای {self.user}"
