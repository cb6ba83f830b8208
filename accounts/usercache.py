"""The signed-in user of each request, kept in the process between requests and checked against the
database on every one.

Loading the user with their province and roles through the ORM costs more Python per request than
all the rest a signed-in request adds to an anonymous one (bench/load.py; what keeping them saves at
1,000,000 persons: ``bench/pages.py --compare usercache``, docs/perf-internals.md).
So each process keeps the users it loaded (and the second-factor devices that verified their
sessions), each with the *token* the database held when it was loaded: ``accounts.AuthState``, one
row. Every request still reads that token, one primary-key query on a one-row table with no ORM,
and a kept user is used only when the token is the same; otherwise the user is loaded again.
``FAST_USERCACHE=false`` keeps nothing: every request loads the user (``bench/pages.py --compare``).

The token is changed by triggers (migration ``accounts/0002``), in the same transaction, by every
statement that inserts, updates, deletes or truncates a user, a user's groups, a group, a province
or a TOTP device: through the services, the admin, a script or psql alike. So a role taken away, an
account deactivated, a password changed or a device removed counts from the next request, exactly
as when every request loaded the user; and since the token is a row like any other, a rolled-back
change leaves it as it was. The token is read before the user is, so a user loaded while a change
commits is kept under the older token and loaded again at the next request.

On SQLite (no triggers here) nothing is kept: every request loads the user, as before.
"""

import uuid

from django.apps import apps
from django.conf import settings
from django.db import connections

# The most users (and devices) a process keeps; past it, it starts again empty.
MAX_KEPT = 10_000
# What is kept of a second-factor device.
DEVICE_FIELDS = ("id", "user_id", "name", "confirmed")

_users: dict = {}
_devices: dict = {}


def token(using: str = "default") -> str | None:
    """The database's present token, or None where nothing may be kept (not PostgreSQL, or
    FAST_USERCACHE off)."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not settings.FAST_USERCACHE:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM accounts_authstate WHERE id = 1")
        row = cursor.fetchone()
        if row is None:
            # The table was emptied (a test database flushed): a new token, nothing kept matches.
            cursor.execute(
                "INSERT INTO accounts_authstate (id, token) VALUES (1, %s) "
                "ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token RETURNING token",
                [uuid.uuid4()],
            )
            row = cursor.fetchone()
    return str(row[0])


def _values(instance, names=None) -> tuple:
    """(field names, values) of ``instance``: ``names``, or every concrete field."""
    fields = list(names or (field.attname for field in instance._meta.concrete_fields))
    return fields, [getattr(instance, name) for name in fields]


def _keep(store: dict, key, entry) -> None:
    if len(store) >= MAX_KEPT:
        store.clear()
    store[key] = entry


def kept_user(user_id, token_now: str | None):
    """A fresh instance of the user kept under ``token_now``, or None."""
    entry = _users.get(user_id) if token_now is not None else None
    if entry is None or entry[0] != token_now:
        return None
    _token, using, (fields, values), province, group_names = entry
    from accounts.models import User

    user = User.from_db(using, fields, list(values))
    if province is not None:
        Province = User._meta.get_field("province").related_model
        province = Province.from_db(using, province[0], list(province[1]))
    User._meta.get_field("province").set_cached_value(user, province)
    if group_names is not None:
        user.group_names = list(group_names)
        user.role_codes = User.roles_from(group_names)
    return user


def keep_user(user, token_then: str | None) -> None:
    """Keep ``user`` (as loaded by accounts.backends) under the token read before loading it."""
    if token_then is None:
        return
    from accounts.models import User

    province = User._meta.get_field("province")
    province = province.get_cached_value(user) if province.is_cached(user) else None
    _keep(
        _users,
        user.pk,
        (
            token_then,
            user._state.db,
            _values(user),
            _values(province) if province is not None else None,
            tuple(user.group_names) if hasattr(user, "group_names") else None,
        ),
    )


def device(persistent_id: str, token_then: str | None, load):
    """The device of ``persistent_id`` (django_otp's ``<app>.<model>/<pk>``): kept under
    ``token_then``, else ``load(persistent_id)`` from the database, kept."""
    entry = _devices.get(persistent_id) if token_then is not None else None
    if entry is not None and entry[0] == token_then:
        _token, using, label, (fields, values) = entry
        return apps.get_model(label).from_db(using, fields, list(values))
    found = load(persistent_id)
    if found is not None and token_then is not None:
        # What the middleware reads of it (whose device, confirmed), not its secret key: a
        # kept device's other fields are read from the database if anything asks for them.
        _keep(
            _devices,
            persistent_id,
            (token_then, found._state.db, found._meta.label, _values(found, DEVICE_FIELDS)),
        )
    return found


def forget() -> None:
    """Drop everything kept (tests; never needed for correctness)."""
    _users.clear()
    _devices.clear()
