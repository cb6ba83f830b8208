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

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

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
    """A provincial role needs a province; a user with only national roles has none."""
    roles = set(roles)
    if roles & PROVINCIAL_ROLES and province is None:
        raise ValidationError({"province": "برای نقش‌های استانی، استان کاربر را تعیین کنید."})
    if roles and roles <= NATIONAL_ROLES and province is not None:
        raise ValidationError({"province": "نقش‌های ملی به استان خاصی تعلق ندارند."})
