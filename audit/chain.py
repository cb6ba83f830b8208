"""The hash chains of the audit records, sealed after commit by a single sealer.

A record (``audit.Event``, ``audit.Read``) is inserted plainly, with no lock and nothing of the
chain: the service's transaction that writes it holds no lock on its account. After that
transaction commits, ``seal_pending`` seals it: in a short transaction of its own it takes the
chain's lock (on PostgreSQL ``pg_advisory_xact_lock(<the chain's key>)``; SQLite serializes
writers already), reads the chain's last seal, finds the committed records not yet sealed, in id
order, and inserts one ``audit.Seal`` row for each. Nothing else happens in that transaction, so
no lock is ever waited for while holding another: no lock cycle (deadlock) with the services'
row locks is possible, and writers no longer queue behind each other's first record.

A seal's ``hash`` is SHA-256 (hex) over a canonical serialization of its record's sealed fields,
its ``seq`` and its ``prev_hash`` (the ``hash`` of the seal before it; the first one's is
``GENESIS``). Rewriting or deleting a record, or a seal, breaks every link after it. The seals
table is append-only like the records (a trigger refuses UPDATE and DELETE on PostgreSQL).

Canonical serialization: a JSON object of the sealed fields by attribute name (a foreign key as its
id, ``actor_id``), keys sorted, no spaces, UTF-8, datetimes in UTC ISO 8601, as the database gives
them back (the sealer reads the committed row). The database id is not hashed: ``seq`` is the
order. Which fields are sealed is fixed per model (``SEALED_FIELDS``): a field added later is
outside the seal unless the chain is re-based, since old records' hashes were computed without it.

When: ``Chained.save`` asks for ``seal_pending`` at the commit of its transaction (once per
transaction and chain; at once when there is no transaction), and a beat task runs it every
minute for records whose process died between its commit and the sealing.

Finding the pending records stays cheap on millions of rows: the records with an id above the
highest sealed one, plus the few committed late with a lower id (a transaction that took its id
before another one but committed after it), looked for only among the ids just below the highest
sealed one (the window's ids less the ids its seals name, each read by its index from the same
bound): ``AFTER_COMMIT_WINDOW`` of them after a commit, ``SEAL_WINDOW`` in the beat's sweep. A
record committed later than that, or never sealed for any reason, is reported by ``verify_audit``
once it is older than ``AUDIT_SEAL_GRACE`` seconds.
"""

import datetime
import decimal
import hashlib
import json
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, models, router, transaction
from django.db.models import Exists, OuterRef

from shared import clock

GENESIS = "0" * 64

# The fixed pg_advisory_xact_lock keys, one per chain ("audit" in ASCII, then the chain's number).
LOCK_EVENTS = 0x617564697401
LOCK_READS = 0x617564697402

# How far below the highest sealed record id the sealer looks for records committed late: the beat's
# sweep every minute, and the sealer after a commit (a record committed later than 200 others that
# took their ids after it is left to the sweep; looking 10,000 back after every commit cost 3 to 5
# ms of index probes per page read at a million records).
SEAL_WINDOW = 10_000
AFTER_COMMIT_WINDOW = 200
# Records sealed per INSERT (a backlog is sealed in several short transactions).
SEAL_BATCH = 1_000


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


def sealed_attnames(model) -> list[str]:
    return [model._meta.get_field(name).attname for name in model.SEALED_FIELDS]


# --------------------------------------------------------------------------------------------------
# Sealing


def _seal_batch(name: str, model, *, using: str, window: int, batch: int) -> int:
    """One short transaction: the lock, the chain's last seal and highest sealed record, then up to
    ``batch`` pending records, then their seals."""
    from audit.models import Seal

    connection = connections[using]
    seal_table = Seal._meta.db_table
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [model.CHAIN_LOCK])
            # Read after the lock: what the previous sealer committed is seen. The highest record
            # id sealed is not the last seal's when a late record was sealed last.
            cursor.execute(
                f"""SELECT (SELECT seq FROM {seal_table} WHERE chain = %s
                           ORDER BY seq DESC LIMIT 1),
                          (SELECT hash FROM {seal_table} WHERE chain = %s
                           ORDER BY seq DESC LIMIT 1),
                          (SELECT record_id FROM {seal_table} WHERE chain = %s
                           ORDER BY record_id DESC LIMIT 1)""",  # noqa: S608 - the model's table
                [name, name, name],
            )
            last_seq, last_hash, top = cursor.fetchone()
        fields = sealed_attnames(model)
        # The ids of the window less the ids sealed in it, both read by their index from the same
        # constant bound, then the rows of what is left: the work is the window's, whatever the
        # chain's length and whatever PostgreSQL believes of the tables. (The anti-join this
        # replaces bounded the records only: on statistics older than the chain's last rows,
        # PostgreSQL read every seal of the chain for each record of the window, 0.6 s a page read
        # at 10,000 reads; bench/pages.py.) A raw query of the model: its fields come back through
        # their converters, as verify() reads them, without building an ORM query on every read.
        table = model._meta.db_table
        bound = (top or 0) - window
        records = model._base_manager.using(using).raw(
            f"""SELECT r.* FROM {table} r WHERE r.id IN (
                    SELECT id FROM {table} WHERE id > %s
                    EXCEPT SELECT record_id FROM {seal_table} WHERE chain = %s AND record_id > %s)
                ORDER BY r.id LIMIT %s""",  # noqa: S608 - the models' own table names
            [bound, name, bound, batch],
        )
        pending = [(record.pk, *(getattr(record, f) for f in fields)) for record in records]
        if not pending:
            return 0
        seq, prev_hash = last_seq or 0, last_hash or GENESIS
        rows = []
        now = clock.now()
        for pk, *values in pending:
            seq += 1
            hash_ = digest(dict(zip(fields, values, strict=True)), seq=seq, prev_hash=prev_hash)
            rows.append(
                Seal(
                    chain=name,
                    seq=seq,
                    record_id=pk,
                    prev_hash=prev_hash,
                    hash=hash_,
                    sealed_at=now,
                )
            )
            prev_hash = hash_
        Seal.objects.using(using).bulk_create(rows)
        return len(rows)


def seal_pending(name: str, *, using: str | None = None, window: int = SEAL_WINDOW,
                 batch: int = SEAL_BATCH) -> int:  # fmt: skip
    """Seal the committed records of chain ``name`` ("events", "reads") not yet sealed, in id
    order; returns how many. Call it outside the writer's transaction (at its commit)."""
    from audit.models import CHAINS, Seal

    model = CHAINS[name]
    using = using or router.db_for_write(Seal)
    total = 0
    while True:
        sealed = _seal_batch(name, model, using=using, window=window, batch=batch)
        total += sealed
        if sealed < batch:
            return total


def seal_all(*, using: str | None = None) -> dict[str, int]:
    """Every chain's pending records sealed (the beat task, the demo and the bench)."""
    from audit.models import CHAINS

    return {name: seal_pending(name, using=using) for name in CHAINS}


def after_commit_window() -> int:
    """How far back the sealer after a commit looks: ``AFTER_COMMIT_WINDOW`` where the beat sweeps
    ``SEAL_WINDOW`` back every minute; the whole ``SEAL_WINDOW`` where no beat runs (tasks run
    in-process: no Redis), or a record committed late would never be sealed."""
    return SEAL_WINDOW if settings.CELERY_TASK_ALWAYS_EAGER else AFTER_COMMIT_WINDOW


def _seal_after_commit(name: str, using: str) -> None:
    """Ask for ``seal_pending(name)`` when the current transaction commits (at once without
    one), once per transaction and chain."""
    connection = connections[using]
    if connection.in_atomic_block and any(
        getattr(func, "audit_chain", None) == name
        for _sids, func, _robust in connection.run_on_commit
    ):
        return

    def seal():
        seal_pending(name, using=using, window=after_commit_window())

    seal.audit_chain = name
    # robust: the change has committed; a failed sealing is logged and left to the beat task
    # (and verify_audit reports a record left unsealed too long), not shown as the user's error.
    transaction.on_commit(seal, using=using, robust=True)


class Chained(models.Model):
    """An append-only record sealed into its chain (``CHAIN``) after its transaction commits."""

    SEALED_FIELDS: tuple[str, ...] = ()
    CHAIN: str = ""
    CHAIN_LOCK: int = 0

    class Meta:
        abstract = True

    def save(self, *args, using=None, **kwargs):
        using = using or router.db_for_write(type(self), instance=self)
        super().save(*args, using=using, **kwargs)
        _seal_after_commit(self.CHAIN, using)

    @property
    def seal(self):
        """This record's seal (None while pending)."""
        from audit.models import Seal

        return Seal.objects.filter(chain=self.CHAIN, record_id=self.pk).first()


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


def _broken(state, seq, pk, problem) -> ChainState:
    state.broken_seq, state.broken_id, state.problem = seq, pk, problem
    return state


def verify(name: str, model, *, batch: int = 2000, now=None) -> ChainState:
    """Walk chain ``name``'s seals in ``seq`` order in batches (flat memory on millions of rows),
    join each to its record, recompute its hash and check each link; stop at the first broken
    one. Then look for records left unsealed longer than ``AUDIT_SEAL_GRACE`` seconds."""
    from audit.models import Seal

    state = ChainState(name=name, table=model._meta.db_table)
    fields = sealed_attnames(model)
    seals = (
        Seal.objects.filter(chain=name)
        .order_by("seq")
        .values_list("seq", "record_id", "prev_hash", "hash")
        .iterator(chunk_size=batch)
    )
    expected_seq, prev_hash = 1, GENESIS
    chunk: list[tuple] = []

    def walk(chunk) -> bool:
        nonlocal expected_seq, prev_hash
        records = {
            pk: values
            for pk, *values in model._base_manager.filter(
                pk__in=[record_id for _seq, record_id, _prev, _hash in chunk]
            ).values_list("pk", *fields)
        }
        for seq, record_id, stored_prev, stored_hash in chunk:
            values = records.get(record_id)
            if seq != expected_seq:
                problem = (
                    f"شماره {expected_seq} در زنجیره نیست (حذف شده؟): پس از {expected_seq - 1} "
                    f"مهر {seq} آمده است / seq {expected_seq} missing (deleted?): "
                    f"{seq} follows {expected_seq - 1}"
                )
            elif stored_prev != prev_hash:
                problem = (
                    "چکیده پیشین با چکیده مهر قبلی نمی‌خواند / prev_hash does not match the "
                    "previous seal's hash"
                )
            elif values is None:
                problem = (
                    "رکورد مهرشده در پایگاه داده نیست (حذف شده) / the sealed record is missing "
                    "(deleted)"
                )
            elif digest(dict(zip(fields, values, strict=True)), seq=seq, prev_hash=stored_prev) != (
                stored_hash
            ):
                problem = (
                    "محتوای رکورد با چکیده آن نمی‌خواند (دستکاری شده) / the record's content does "
                    "not match its hash (altered)"
                )
            else:
                state.checked += 1
                state.head_seq, state.head_hash = seq, stored_hash
                expected_seq, prev_hash = seq + 1, stored_hash
                continue
            _broken(state, seq, record_id, problem)
            return False
        return True

    for row in seals:
        chunk.append(row)
        if len(chunk) >= batch:
            if not walk(chunk):
                return state
            chunk = []
    if chunk and not walk(chunk):
        return state

    grace = datetime.timedelta(seconds=settings.AUDIT_SEAL_GRACE)
    unsealed = (
        model._base_manager.filter(at__lt=(now or clock.now()) - grace)
        .filter(~Exists(Seal.objects.filter(chain=name, record_id=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if unsealed is not None:
        minutes = settings.AUDIT_SEAL_GRACE // 60
        _broken(
            state,
            None,
            unsealed,
            f"رکورد بیش از {minutes} دقیقه پس از ثبت مهر نشده است / not sealed "
            f"(older than {settings.AUDIT_SEAL_GRACE} s)",
        )
    return state


def pending_count(name: str, model) -> int:
    """How many records of chain ``name`` wait for their seal, where the sealer looks (above the
    highest sealed id, and in the window below it): the auditor's page. Older unsealed records
    are ``verify``'s to report."""
    from audit.models import Seal

    seals = Seal.objects.filter(chain=name)
    top = seals.order_by("-record_id").values_list("record_id", flat=True).first() or 0
    return (
        model._base_manager.filter(pk__gt=top - SEAL_WINDOW)
        .filter(~Exists(seals.filter(record_id=OuterRef("pk"))))
        .count()
    )
