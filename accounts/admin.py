from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User, validate_roles_and_province


class UserRolesForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups")
        if groups is not None:
            validate_roles_and_province(
                roles=[group.name for group in groups], province=cleaned.get("province")
            )
        return cleaned


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = type("UserChangeForm", (UserRolesForm, BaseUserAdmin.form), {})
    list_display = ("username", "first_name", "last_name", "province", "is_active", "is_staff")
    list_filter = ("province", "groups", "is_active", "is_staff")
    fieldsets = BaseUserAdmin.fieldsets + (("استان", {"fields": ("province",)}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("استان", {"fields": ("province",)}),)
