from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property

from accounts.roles import NATIONAL_ROLES, PROVINCIAL_ROLES, Role


class User(AbstractUser):
    """A person who works in the system: a province (for provincial roles) and one or more roles.

    Roles are the user's groups (see accounts.roles); national roles carry no province.
    """

    province = models.ForeignKey(
        "cases.Province",
        verbose_name="استان",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    class Meta:
        verbose_name = "کاربر"
        verbose_name_plural = "کاربران"

    @cached_property
    def roles(self) -> frozenset[str]:
        """The role codes of this user (cached per request; active users only)."""
        if not self.is_active:
            return frozenset()
        valid = set(Role.values)
        return frozenset(
            name for name in self.groups.values_list("name", flat=True) if name in valid
        )

    def roles_granting(self, permission: str) -> frozenset[str]:
        """The user's roles whose group carries ``permission`` ("app.codename").

        Read from the role groups themselves, never from ``has_perm``: a superuser's implicit
        permissions and a second role's permissions must not act in the first role's scope.
        """
        return self._role_permissions.get(permission, frozenset())

    @cached_property
    def _role_permissions(self) -> dict[str, frozenset[str]]:
        from django.contrib.auth.models import Permission

        granted: dict[str, set[str]] = {}
        rows = Permission.objects.filter(group__user=self, group__name__in=self.roles).values_list(
            "group__name", "content_type__app_label", "codename"
        )
        for role, app_label, codename in rows:
            granted.setdefault(f"{app_label}.{codename}", set()).add(role)
        return {permission: frozenset(roles) for permission, roles in granted.items()}

    @property
    def role_labels(self) -> list[str]:
        return [Role(role).label for role in Role.values if role in self.roles]

    def clean(self):
        super().clean()
        # Checked where the groups are known (the admin form and services); here only the province
        # of an existing user can be checked against the roles already saved.
        if self.pk:
            validate_roles_and_province(roles=self.roles, province=self.province)


def validate_roles_and_province(*, roles, province):
    """A provincial role needs a province; national roles have none; no user holds both."""
    roles = set(roles)
    if roles & PROVINCIAL_ROLES and roles & NATIONAL_ROLES:
        raise ValidationError(
            {"groups": "یک کاربر نمی‌تواند هم نقش استانی و هم نقش ملی داشته باشد."}
        )
    if roles & PROVINCIAL_ROLES and province is None:
        raise ValidationError({"province": "برای نقش‌های استانی، استان کاربر را تعیین کنید."})
    if roles and roles <= NATIONAL_ROLES and province is not None:
        raise ValidationError({"province": "نقش‌های ملی به استان خاصی تعلق ندارند."})
