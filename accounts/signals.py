"""A change of roles, province or staff status made outside ``accounts.services`` (the shell, a
script, a data fix) is recorded too, with no actor: nothing that decides what a user may do changes
without a trace. Changes made through the services are recorded there, once, with their actor.

Sign-ins too: each failure (Django's ``user_login_failed``), each lockout (axes'
``user_locked_out``) and each success (``user_logged_in``) goes to ``accounts.signin``."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save

from accounts import signin
from accounts.models import User
from accounts.trail import (
    ACCOUNT_FIELDS,
    record_account_change,
    recording_by_service,
    roles_snapshot,
)
from audit import services as audit

LABEL = "تغییر دسترسی کاربر {} (بیرون از صفحه مدیریت)"


def _stash_account(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or recording_by_service() or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & {*ACCOUNT_FIELDS, "province_id"}:
        # A save of other fields (every sign-in saves last_login): no read of the old row.
        instance._account_before = None
        return
    previous = User.objects.filter(pk=instance.pk).first()
    instance._account_before = audit.snapshot(previous, ACCOUNT_FIELDS) if previous else None


def _record_account(sender, instance, created=False, raw=False, **kwargs):
    before = getattr(instance, "_account_before", None)
    instance._account_before = None
    if raw or recording_by_service() or created or before is None:
        return
    record_account_change(
        by=None,
        user=instance,
        before=before,
        after=audit.snapshot(instance, ACCOUNT_FIELDS),
        label=LABEL.format(instance.username),
    )


def _record_roles(sender, instance, action, reverse=False, pk_set=None, **kwargs):
    """Roles changed from either side: ``user.groups.add(g)`` or ``g.user_set.add(user)``."""
    if recording_by_service():
        return
    if reverse:  # instance is the group; pk_set the users (None for a clear: all its users)
        users = list(
            User.objects.filter(pk__in=pk_set) if pk_set is not None else instance.user_set.all()
        )
    else:
        users = [instance]
    if action in {"pre_add", "pre_remove", "pre_clear"}:
        instance._roles_before = {user.pk: (user, roles_snapshot(user)) for user in users}
    elif action in {"post_add", "post_remove", "post_clear"}:
        for user, before in getattr(instance, "_roles_before", {}).values():
            user.__dict__.pop("role_codes", None)
            record_account_change(
                by=None,
                user=user,
                before=before,
                after=roles_snapshot(user),
                label=LABEL.format(user.username),
            )
        instance._roles_before = {}


def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django's credentials dict has the password replaced by stars; only the username is read.
    signin.record_failure(request=request, username=str(credentials.get("username") or ""))


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    signin.record_lockout(request=request, username=username or "", address=ip_address or "")


def _signed_in(sender, request=None, user=None, **kwargs):
    if request is not None:
        signin.record_success(request=request, user=user)


def connect():
    user_login_failed.connect(_sign_in_failed, dispatch_uid="accounts.sign_in_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="accounts.locked_out")
    user_logged_in.connect(_signed_in, dispatch_uid="accounts.signed_in")
    pre_save.connect(_stash_account, sender=User, dispatch_uid="accounts.stash_account")
    post_save.connect(_record_account, sender=User, dispatch_uid="accounts.record_account")
    m2m_changed.connect(
        _record_roles, sender=User.groups.through, dispatch_uid="accounts.record_roles"
    )
