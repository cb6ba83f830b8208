"""The hash chain: every audit record is sealed in order as it is inserted.

A record's ``hash`` is SHA-256 (hex) over a canonical serialization of its sealed fields, its
``seq`` and its ``prev_hash`` (the ``hash`` of the record before it; the first record's is
``GENESIS``). Rewriting, deleting or inserting a record in the middle breaks every link after it.

Canonical serialization: a JSON object of the sealed fields by attribute name (a foreign key as its
id, ``actor_id``), keys sorted, no spaces, UTF-8, datetimes in UTC ISO 8601. The database id is not
sealed (it is known only after the INSERT): ``seq`` is the order. Which fields are sealed is
fixed per model (``SEALED_FIELDS``): a field added later is outside the seal unless the chain is
re-based, since old records' hashes were computed without it.

Sealing takes the chain's lock, reads the last record and inserts, in one transaction: on
PostgreSQL ``pg_advisory_xact_lock(<the chain's key>)``, held to the commit, so that two writers
never take the same ``seq`` (and ``seq`` is unique besides); SQLite serializes writers already. A
record is complete when inserted: nothing seals it by a later UPDATE, which the database refuses.
"""

import datetime
import decimal
import hashlib
import json
import uuid
from dataclasses import dataclass

from django.db import connections, models, router, transaction

GENESIS = "0" * 64

# The fixed pg_advisory_xact_lock keys, one per chain ("audit" in ASCII, then the chain's number).
LOCK_EVENTS = 0x617564697401
LOCK_READS = 0x617564697402


def _plain(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError("a sealed datetime must be aware")
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"cannot seal {type(value).__name__}")


def canonical(values: dict) -> bytes:
    """The bytes that are hashed: ``values`` as sorted, compact JSON."""
    return json.dumps(
        values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain
    ).encode("utf-8")


def digest(values: dict, *, seq: int, prev_hash: str) -> str:
    """The hash of one record whose sealed fields are ``values``."""
    return hashlib.sha256(canonical({**values, "seq": seq, "prev_hash": prev_hash})).hexdigest()


def _sealed_fields(model) -> list[models.Field]:
    return [model._meta.get_field(name) for name in model.SEALED_FIELDS]


def _normalize(instance) -> dict:
    """The sealed fields as the database will give them back (a ``str`` subclass as ``str``, a
    JSON value through JSON, an IPv6 address in its short form), set back on ``instance``."""
    values = {}
    for field in _sealed_fields(type(instance)):
        value = getattr(instance, field.attname)
        if isinstance(field, models.JSONField):
            value = json.loads(json.dumps(value, cls=field.encoder))
        else:
            value = field.to_python(value)
            if isinstance(value, str):
                value = str(value)
        setattr(instance, field.attname, value)
        values[field.attname] = value
    return values


def seal(instance, *, using=None) -> None:
    """Give ``instance`` (not yet saved) its ``seq``, ``prev_hash`` and ``hash``. Call inside the
    transaction that inserts it (``Chained.save`` does)."""
    model = type(instance)
    using = using or router.db_for_write(model, instance=instance)
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [model.CHAIN_LOCK])
    last = model._base_manager.using(using).order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    values = _normalize(instance)
    instance.seq, instance.prev_hash = seq, prev_hash
    instance.hash = digest(values, seq=seq, prev_hash=prev_hash)


class Chained(models.Model):
    """An append-only record sealed into its model's chain when inserted."""

    seq = models.BigIntegerField("شماره در زنجیره", unique=True, editable=False)
    prev_hash = models.CharField("چکیده پیشین", max_length=64, editable=False)
    hash = models.CharField("چکیده", max_length=64, editable=False)

    SEALED_FIELDS: tuple[str, ...] = ()
    CHAIN_LOCK: int = 0

    class Meta:
        abstract = True

    def save(self, *args, using=None, **kwargs):
        using = using or router.db_for_write(type(self), instance=self)
        # The lock, the last record and the INSERT in one transaction (no savepoint: an audit
        # record that cannot be written fails the change it records).
        with transaction.atomic(using=using, savepoint=False):
            seal(self, using=using)
            super().save(*args, using=using, **kwargs)


# --------------------------------------------------------------------------------------------------
# Verification


@dataclass
class ChainState:
    """What walking one chain found."""

    name: str
    table: str
    checked: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    broken_seq: int | None = None
    broken_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def verify(name: str, model, *, batch: int = 2000) -> ChainState:
    """Walk ``model``'s chain in ``seq`` order in batches (flat memory on millions of rows),
    recompute each hash and check each link; stop at the first broken one."""
    state = ChainState(name=name, table=model._meta.db_table)
    fields = [field.attname for field in _sealed_fields(model)]
    rows = (
        model._base_manager.order_by("seq")
        .values_list("pk", "seq", "prev_hash", "hash", *fields)
        .iterator(chunk_size=batch)
    )
    expected_seq, prev_hash = 1, GENESIS
    for pk, seq, stored_prev, stored_hash, *values in rows:
        problem = ""
        if seq != expected_seq:
            problem = (
                f"شماره {expected_seq} در زنجیره نیست (حذف شده؟): پس از {expected_seq - 1} "
                f"رکورد {seq} آمده است / seq {expected_seq} missing (deleted?): "
                f"{seq} follows {expected_seq - 1}"
            )
        elif stored_prev != prev_hash:
            problem = (
                "چکیده پیشین با چکیده رکورد قبلی نمی‌خواند / prev_hash does not match the "
                "previous record's hash"
            )
        elif digest(dict(zip(fields, values, strict=True)), seq=seq, prev_hash=stored_prev) != (
            stored_hash
        ):
            problem = (
                "محتوای رکورد با چکیده آن نمی‌خواند (دستکاری شده) / the record's content does "
                "not match its hash (altered)"
            )
        if problem:
            state.broken_seq, state.broken_id, state.problem = seq, pk, problem
            return state
        state.checked += 1
        state.head_seq, state.head_hash = seq, stored_hash
        expected_seq, prev_hash = seq + 1, stored_hash
    return state
