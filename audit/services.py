"""Writing the audit trail: every service that changes a case or an account calls ``record``."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models

from audit import kinds
from audit.models import Event
from shared.text import TRAIL_REASON_MAX_CHARS, too_long_message


def describe_actor(user) -> tuple[str, str]:
    """The actor's name and roles as they are now, to be kept with the event."""
    if user is None:
        return "سامانه", ""
    name = (user.get_full_name() or "").strip() or user.username
    roles = "، ".join(getattr(user, "role_labels", []) or [])
    if not roles and (user.is_superuser or user.is_staff):
        roles = "مدیر فنی سامانه"
    province = getattr(user, "province", None)
    if roles and province is not None:
        roles = f"{roles}، استان {province}"
    return name, roles


def record_change(*, case, by, action: str, label: str, changes=(), reason: str = "") -> Event:
    """A change on a case that moves it nowhere (what an outbox row, a printed form, an order or
    a letter did): one event of kind CHANGE."""
    return record(
        case=case,
        by=by,
        kind=Event.Kind.CHANGE,
        action=action,
        label=label,
        reason=reason,
        changes=list(changes),
    )


def record(
    *,
    by,
    kind: str,
    action: str,
    label: str,
    case=None,
    household=None,
    account=None,
    from_state: str = "",
    from_state_label: str = "",
    to_state: str = "",
    to_state_label: str = "",
    reason: str = "",
    changes: list | None = None,
) -> Event:
    """Append one event about ``case`` or ``household`` (the objects, or their ids). Call it inside
    the transaction of the change it records.

    A reason past ``TRAIL_REASON_MAX_CHARS`` is refused (``ValidationError``): what is written
    here stays for good. Typed reasons are held to fewer by their forms and services
    (shared.text); this is the last guard for one that came another way."""
    if len(reason or "") > TRAIL_REASON_MAX_CHARS:
        raise ValidationError({"reason": [too_long_message(TRAIL_REASON_MAX_CHARS)]})
    actor_name, actor_roles = describe_actor(by)
    return Event.objects.create(
        case_id=getattr(case, "pk", case),
        household_id=getattr(household, "pk", household),
        account=account,
        actor=by,
        actor_name=actor_name,
        actor_roles=actor_roles,
        kind=kinds.known("events", kind),
        action=action,
        label=label,
        from_state=from_state,
        from_state_label=from_state_label,
        to_state=to_state,
        to_state_label=to_state_label,
        reason=reason,
        changes=list(changes or []),
    )


def record_integrity_failure(request, *, name, expected, actual, case, label, trail=None) -> Event:
    """A stored file whose bytes changed on disk, or whose digest the trail never recorded
    (``trail`` False): a security event (shared.http calls it)."""
    extra = []
    if trail is False:
        extra = [
            change(
                "چکیده در سوابق", "", "ثبت نشده (فایل و چکیده ردیف با هم عوض شده‌اند)", field="trail"
            )
        ]
    return record(
        by=request.user,
        kind=Event.Kind.SECURITY,
        action="file_integrity_failed",
        label=f"فایل خراب یا دست‌خورده: {label or name}",
        case=case,
        changes=[
            change("چکیده ثبت‌شده", "", expected or "—", field="sha256", kind="code"),
            change(
                "چکیده فایل روی دیسک", "", actual or "فایل یافت نشد", field="actual", kind="code"
            ),
            *extra,
        ],
    )


# --------------------------------------------------------------------------------------------------
# What changed, field by field, with labels and shown values kept at the moment of the change


def _shown(instance, field) -> tuple[object, str]:
    """(value as stored in the event, type) for one field of ``instance``."""
    if field.choices:
        raw = getattr(instance, field.attname)
        return (str(dict(field.flatchoices).get(raw, raw)) if raw not in (None, "") else ""), "text"
    if isinstance(field, models.ForeignKey):
        related = getattr(instance, field.name)
        return (str(related) if related is not None else ""), "text"
    value = field.value_from_object(instance)
    if isinstance(value, datetime.datetime):
        return value.isoformat(), "datetime"
    if isinstance(value, datetime.date):
        return value.isoformat(), "date"
    if isinstance(field, models.FileField):
        # Whether a file is attached; which file, the service records by its checksum.
        return ("پیوست شده" if value else ""), "text"
    if isinstance(value, bool):
        return ("بله" if value else "خیر"), "text"
    return ("" if value is None else str(value)), "text"


def snapshot(instance, fields) -> dict:
    """The named fields of ``instance`` as the audit trail will show them."""
    taken = {}
    for name in fields:
        field = instance._meta.get_field(name)
        value, kind = _shown(instance, field)
        taken[name] = {"label": str(field.verbose_name), "value": value, "type": kind}
    return taken


def diff(before: dict, after: dict, *, prefix: str = "") -> list[dict]:
    """The fields whose shown value changed between two snapshots, as event changes."""
    changes = []
    for name, now in after.items():
        was = before.get(name, {"value": ""})
        if was["value"] != now["value"]:
            changes.append(
                {
                    "field": name,
                    "label": f"{prefix}{now['label']}",
                    "old": was["value"],
                    "new": now["value"],
                    "type": now["type"],
                }
            )
    return changes


def change(label: str, old, new, *, field: str = "", kind: str = "text") -> dict:
    """One change written by hand (a decision about a person, the documents settled)."""
    return {"field": field, "label": label, "old": old or "", "new": new or "", "type": kind}
