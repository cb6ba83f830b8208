"""The user admin: roles are chosen from the roles defined in code; groups are not editable.

No one widens a user's access here: roles, province, groups, permissions and superuser status
cannot be set on this form. A role is proposed on the "role grants" page (accounts.admin_grants)
and approved in the app by someone else (accounts.grants). What stays here: taking roles away
(narrowing, recorded), and the account's own fields."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import (
    admin_grants,  # noqa: F401 - registers the role grants' page
    resets,
)
from accounts.models import EnrolmentCode, User
from accounts.roles import Role
from accounts.services import account_set_roles, totp_device_changed, totp_device_remove
from accounts.trail import account_snapshot, recorded_by_service
from audit.admin_changes import CountsOnlyDelete

# What a role may do is code (accounts.roles); a group edited here would change every holder.
admin.site.unregister(Group)


class UserChangeForm(BaseUserAdmin.form):
    """The roles the user holds, each of which may be unticked (taken away); no other role is
    offered, so none can be added here (accounts.grants)."""

    roles = forms.MultipleChoiceField(
        label="نقش‌ها",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "تنها می‌توان نقشی را گرفت. دادن نقش یا استان: «پیشنهادهای اعطای نقش»؛ "
            "با تأیید دارنده نقش تأییدکننده در سامانه."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        held = sorted(self.instance.role_codes) if self.instance.pk else []
        self.fields["roles"].choices = [(code, Role(code).label) for code in held]
        self.fields["roles"].initial = held

    def clean(self):
        cleaned = super().clean()
        was_staff = self.instance.ever_staff or self.instance.is_superuser
        if (cleaned.get("is_staff") or was_staff) and cleaned.get("roles"):
            raise forms.ValidationError(
                {"roles": "حساب مدیر فنی نمی‌تواند نقش پرونده داشته باشد؛ نخست نقش‌ها را بگیرید."}
            )
        # An inactive account holds no role (accounts.permissions): activating one that kept its
        # roles would give them back with no approval. Its roles go first, then are proposed.
        if self.instance.pk and not self.instance.is_active and cleaned.get("is_active"):
            if cleaned.get("roles"):
                raise forms.ValidationError(
                    {
                        "roles": "حساب غیرفعال با نقش‌هایش فعال نمی‌شود: نقش‌ها را بگیرید و "
                        "پس از فعال شدن، دوباره پیشنهاد دهید."
                    }
                )
        return cleaned


class UserCreationForm(BaseUserAdmin.add_form):
    pass


# CountsOnlyDelete: an account anything points at (its events, cases it worked on) is deactivated,
# not deleted, and no delete page lists those rows (case numbers, names).
@admin.register(User)
class UserAdmin(CountsOnlyDelete, BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("username", "first_name", "last_name", "province", "is_active", "is_staff")
    list_filter = ("province", "groups", "is_active", "is_staff")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("مشخصات", {"fields": ("first_name", "last_name", "email")}),
        ("نقش و استان", {"fields": ("roles", "province")}),
        ("وضعیت", {"fields": ("is_active", "is_staff", "is_superuser", "ever_staff")}),
        ("تاریخ‌ها", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "usable_password", "password1", "password2")}),
        ("وضعیت", {"fields": ("is_staff",)}),
    )
    # Shown, never set here: a province comes with an approved role grant; superuser status only
    # from the server's shell (createsuperuser).
    readonly_fields = ("province", "is_superuser", "ever_staff")
    filter_horizontal = ()

    def user_change_password(self, request, id, form_url=""):
        # An administrator's reset of a password: an event of the audit chain and an e-mail to
        # the user, in the same transaction; the next enrolment needs another administrator's
        # enrolment code (accounts.resets).
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, unquote(id))
                if user is not None:
                    resets.password_reset_by_admin(by=request.user, user=user)
        return response

    def log_addition(self, request, obj, message):
        # An account made here with a password: the administrator knows it, as after a reset, so
        # its first enrolment needs another administrator's enrolment code too (accounts.resets).
        super().log_addition(request, obj, message)
        if obj.has_usable_password():
            resets.password_reset_by_admin(by=request.user, user=obj, created=True)

    def save_model(self, request, obj, form, change):
        # The account as it was, to record what this save changes (see save_related).
        previous = User.objects.get(pk=obj.pk) if obj.pk else User()
        request._account_before = account_snapshot(previous)
        with recorded_by_service():  # recorded once, with the admin as actor, in save_related
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Only what the user held and still holds: roles are taken away here, never given.
        held = set(form.instance.role_codes) if change else set()
        account_set_roles(
            by=request.user,
            user=form.instance,
            roles=sorted(held & set(form.cleaned_data.get("roles") or [])),
            before=request._account_before,
        )


# A user's second-factor device (django-otp's admin): the IT admin removes a lost one here, and
# the user enrols a new one at their next sign-in. Each removal and each change is an account
# event. Devices are made only by the user's enrolment: no "add" here, and whose device it is,
# its key (never shown: OTP_ADMIN_HIDE_SENSITIVE_DATA) and whether it is confirmed cannot be
# changed, so no admin can give a user a device whose key the admin knows.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class RecordedTOTPDeviceAdmin(TOTPDeviceAdmin):
    readonly_fields = [
        *TOTPDeviceAdmin.readonly_fields,
        "user",
        "key",
        "confirmed",
        "step",
        "t0",
        "digits",
    ]
    raw_id_fields = []
    radio_fields = {}

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        before = TOTPDevice.objects.get(pk=obj.pk) if obj.pk else TOTPDevice()
        super().save_model(request, obj, form, change)
        changed = {
            name: (str(getattr(before, name) or ""), str(getattr(obj, name) or ""))
            for name in form.changed_data
        }
        totp_device_changed(device=obj, by=request.user, changed=changed)

    def delete_model(self, request, obj):
        totp_device_remove(device=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            totp_device_remove(device=device, by=request.user)


# --------------------------------------------------------------------------------------------------
# Enrolment codes (accounts.resets): after an administrator reset a user's password or device, a
# second administrator issues the code here and hands it to the user in person. It is shown once,
# on the page that answers the issue; the list shows who issued which, never a code.


class EnrolmentCodeIssueForm(forms.ModelForm):
    issuer = None  # the administrator issuing (set per request by get_form)

    class Meta:
        model = EnrolmentCode
        fields = ["user"]

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user")
        if user is not None:
            try:
                resets.check_may_issue(by=self.issuer, user=user)
            except resets.IssueRefused as refused:
                raise ValidationError(str(refused)) from None
        return cleaned


@admin.register(EnrolmentCode)
class EnrolmentCodeAdmin(admin.ModelAdmin):
    list_display = ("user", "issued_by", "issued_at", "expires_at", "used_at")
    list_select_related = ("user", "issued_by")
    fields = ("user", "issued_by", "issued_at", "expires_at", "used_at", "failures")
    readonly_fields = ("issued_by", "issued_at", "expires_at", "used_at", "failures")
    raw_id_fields = ()
    view_on_site = False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            form = type(
                "EnrolmentCodeIssueForm", (EnrolmentCodeIssueForm,), {"issuer": request.user}
            )
            # The accounts an administrator reset (those whose enrolment may need a code).
            form.base_fields["user"].queryset = (
                User.objects.filter(account_events__action__in=resets.RESET_ACTIONS)
                .distinct()
                .order_by("username")
            )
            return form
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return ("user",) if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        issued, code = resets.enrolment_code_issue(by=request.user, user=obj.user)
        obj.pk = issued.pk
        request._enrolment_code = (issued, code)

    def response_add(self, request, obj, post_url_continue=None):
        issued, code = request._enrolment_code
        return TemplateResponse(
            request,
            "admin/accounts/enrolmentcode/issued.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "کد فعال‌سازی صادر شد",
                "issued": issued,
                "code": resets.shown(code),
            },
        )
