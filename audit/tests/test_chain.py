"""The hash chain: every record sealed in order by the sealer after its commit, verify_audit
finding the first broken link (or a record left unsealed), and the daily signed heads that
rewriting history would also have to forge.

Most tests here run inside one transaction that never commits (pytest-django's ``db``): there the
sealer that runs at each commit never runs, so they call ``seal_all`` where a commit would have
sealed. The ``transaction=True`` tests show the sealing at commit by itself."""

import datetime
import io
import itertools
import json
import logging
import stat
import threading
import time
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.db.migrations.loader import MigrationLoader

from audit import heads
from audit.chain import GENESIS, digest, seal_all, seal_pending
from audit.models import CHAINS, Event, ImmutableRecord, Read, Seal, Verification
from audit.services import record
from audit.tasks import export_heads
from cases.choices import CaseState
from cases.trail import CaseRead
from shared import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def raw(sql: str, params=(), *, table: str = "audit_event"):
    """SQL that the models refuse: on PostgreSQL the test's superuser connection disables the
    append-only trigger around it, as an attacker owning the table could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # (the test's own inserts leave deferred foreign-key checks pending, which ALTER
            # TABLE refuses to run past)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def broken() -> str:
    with pytest.raises(CommandError) as raised:
        verify()
    return str(raised.value)


def seals(name: str) -> list[Seal]:
    return list(Seal.objects.filter(chain=name).order_by("seq"))


@pytest.fixture
def trail(case_in):
    """A real trail: a case walked by the services (its events), and a few reads; sealed, as
    their commits would have sealed them."""
    case = case_in(CaseState.EXPERT_REVIEW)
    for _ in range(3):
        Read.objects.create(actor=case.opened_by, action=CaseRead.CASE_PAGE, case_id=case.pk)
    seal_all()
    return case


def test_records_are_inserted_plainly_and_sealed_in_order_after(case_in):
    case = case_in(CaseState.EXPERT_REVIEW)
    Read.objects.create(action=CaseRead.CASE_SEARCH, query="x")
    # Nothing is sealed before the commit (this test's transaction never commits).
    assert not Seal.objects.exists()
    assert seal_all() == {"events": Event.objects.count(), "reads": 1}
    assert seal_all() == {"events": 0, "reads": 0}  # each record once

    chain = seals("events")
    assert [s.seq for s in chain] == list(range(1, len(chain) + 1))
    assert [s.record_id for s in chain] == list(
        Event.objects.order_by("pk").values_list("pk", flat=True)
    )
    assert chain[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(chain):
        assert after.prev_hash == before.hash
    last = Event.objects.get(pk=chain[-1].record_id)
    fields = {Event._meta.get_field(f).attname: getattr(last, Event._meta.get_field(f).attname)
              for f in Event.SEALED_FIELDS}  # fmt: skip
    assert chain[-1].hash == digest(fields, seq=chain[-1].seq, prev_hash=chain[-1].prev_hash)
    assert len(last.seal.hash) == 64 and case.events.exists()
    assert [s.seq for s in seals("reads")] == [1]


def test_a_clean_chain_passes_and_the_run_is_kept(trail, data_dir):
    out = verify()
    events = Event.objects.count()
    assert f"events (audit_event): {events} رکورد" in out
    assert "reads (audit_read): 3 رکورد" in out
    assert seals("events")[-1].hash in out
    assert "chain intact" in out
    run = Verification.objects.get()
    assert run.ok and run.chains["events"]["checked"] == events
    assert run.chains["reads"]["head_seq"] == 3


def test_a_tampered_event_is_found_at_that_record(trail):
    seal = seals("events")[2]
    raw("UPDATE audit_event SET reason = %s WHERE id = %s", ["دستکاری", seal.record_id])
    message = broken()
    assert f"audit_event, seq {seal.seq}, id {seal.record_id}" in message
    assert "altered" in message
    run = Verification.objects.get()
    assert not run.ok and f"شماره {seal.seq}" in run.problem


def test_a_tampered_read_is_found_at_that_record(trail, users):
    seal = seals("reads")[1]
    raw("UPDATE audit_read SET actor_id = %s WHERE id = %s", [users["auditor"].pk, seal.record_id],
        table="audit_read")  # fmt: skip
    assert f"audit_read, seq 2, id {seal.record_id}" in broken()


def test_a_deleted_event_is_found_by_its_seal(trail):
    seal = seals("events")[3]
    raw("DELETE FROM audit_event WHERE id = %s", [seal.record_id])
    message = broken()
    assert f"seq {seal.seq}, id {seal.record_id}" in message
    assert "the sealed record is missing (deleted)" in message


def test_a_deleted_event_and_its_seal_are_found_as_a_gap(trail):
    seal = seals("events")[3]
    raw("DELETE FROM audit_event WHERE id = %s", [seal.record_id])
    raw("DELETE FROM audit_seal WHERE id = %s", [seal.pk], table="audit_seal")
    assert f"seq {seal.seq} missing" in broken()


def test_a_wrong_prev_hash_is_found(trail):
    seal = seals("events")[1]
    raw("UPDATE audit_seal SET prev_hash = %s WHERE id = %s", ["f" * 64, seal.pk],
        table="audit_seal")  # fmt: skip
    message = broken()
    assert f"seq {seal.seq}, id {seal.record_id}" in message and "prev_hash" in message


def test_a_record_left_unsealed_past_the_grace_is_reported(trail, settings):
    """A record the sealer never sealed (its process died, and the beat task too; or it was
    written around the sealer) is pending for a while, then broken."""
    settings.AUDIT_SEAL_GRACE = 600
    young = Read.objects.create(action=CaseRead.CASE_SEARCH, query="young")
    assert "chain intact" in verify()  # pending, not yet late
    old = Read.objects.create(action=CaseRead.CASE_SEARCH, query="old",
                              at=clock.now() - datetime.timedelta(minutes=11))  # fmt: skip
    message = broken()
    assert f"audit_read, id {old.pk}" in message and "not sealed" in message
    run = Verification.objects.order_by("-pk").first()
    assert "۱۰ دقیقه" in run.problem or "10 دقیقه" in run.problem
    assert seal_pending("reads") == 2 and young.seal.seq == 4 and old.seal.seq == 5
    assert "chain intact" in verify()


def test_the_sealer_seals_a_late_record_within_its_window_only(trail):
    """Ids below the highest sealed one are looked for in a window only (cheap on millions)."""
    first = Read.objects.create(action=CaseRead.CASE_SEARCH, query="first")
    second = Read.objects.create(action=CaseRead.CASE_SEARCH, query="second")
    # As if ``first``'s transaction committed after ``second``'s had been sealed.
    seal_pending("reads", window=0, batch=10)
    raw("DELETE FROM audit_seal WHERE chain = 'reads' AND record_id = %s", [first.pk],
        table="audit_seal")  # fmt: skip
    raw("UPDATE audit_seal SET seq = 4, prev_hash = %s WHERE chain = 'reads' AND record_id = %s",
        [seals("reads")[2].hash, second.pk], table="audit_seal")  # fmt: skip
    assert seal_pending("reads", window=0) == 0  # outside a window of 0
    assert seal_pending("reads", window=second.pk - first.pk) == 0  # just outside
    assert seal_pending("reads") == 1  # within the default window
    assert [s.record_id for s in seals("reads")][3:] == [second.pk, first.pk]


def test_a_rewritten_chain_is_found_by_the_exported_head(trail, data_dir):
    """An attacker who rewrites a record and re-seals every seal after it leaves a valid chain,
    but not the head exported before."""
    export_heads.delay()
    last = seals("events")[-1]
    forged = digest({"forged": True}, seq=last.seq, prev_hash=last.prev_hash)
    raw("UPDATE audit_seal SET hash = %s WHERE id = %s", [forged, last.pk], table="audit_seal")
    message = broken()  # the hash no longer matches: the chain itself says so
    assert f"seq {last.seq}" in message
    problems = heads.check_export(heads.exported_files()[0])
    assert problems and f"events head seq {last.seq}" in problems[0]


def test_the_daily_heads_file_is_signed_private_and_logged(trail, data_dir, caplog, settings):
    settings.AUDIT_HEAD_KEY = "a-key-kept-apart-from-the-database"
    with caplog.at_level(logging.INFO, logger="audit.heads"):
        path = heads.export_heads()
    assert path.parent == data_dir / "audit-heads" and path.suffix == ".json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    data = json.loads(path.read_text())
    last = seals("events")[-1]
    assert data["chains"]["events"] == {"seq": last.seq, "hash": last.hash}
    assert data["chains"]["reads"]["seq"] == 3
    assert len(data["signature"]) == 64
    # (the message's hash may be masked where it holds a long run of digits, shared.logs;
    # the structured extra keeps it whole)
    assert f"events seq={last.seq} hash=" in caplog.text
    assert caplog.records[-1].audit_heads["events"] == {"seq": last.seq, "hash": last.hash}
    assert heads.check_export(path) == []
    assert "exported head files: 1" in verify()

    # Another key (a forger's) does not sign it; nor does an edited file.
    settings.AUDIT_HEAD_KEY = "another"
    assert "signature does not verify" in heads.check_export(path)[0]
    settings.AUDIT_HEAD_KEY = "a-key-kept-apart-from-the-database"
    data["chains"]["reads"]["seq"] = 2
    path.write_text(json.dumps(data))
    assert "signature does not verify" in broken()


def test_the_export_is_scheduled_daily_and_the_sealer_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["audit-export-heads"]
    assert entry["task"] == "audit.tasks.export_heads"
    assert entry["schedule"].hour == {0}
    entry = settings.CELERY_BEAT_SCHEDULE["audit-seal"]
    assert entry == {"task": "audit.tasks.seal", "schedule": 60.0}


def test_the_beat_task_seals_what_was_left(case_in):
    from audit.tasks import seal

    case_in(CaseState.EXPERT_REVIEW)
    assert seal.delay().get() == {"events": Event.objects.count(), "reads": 0}
    assert "chain intact" in verify()


def test_the_migration_seals_existing_events_as_the_sealer_does(trail):
    """0006 sealed the events that were there before the chain: sealing the same rows by the
    migration's code gives the hashes the sealer gave."""
    sealed = dict(Seal.objects.filter(chain="events").values_list("record_id", "hash"))
    raw("DELETE FROM audit_seal WHERE chain = 'events'", table="audit_seal")
    migration = import_module("audit.migrations.0006_seal")
    # What the migration uses of its schema editor (a real one cannot open inside a test's
    # transaction on SQLite).
    editor = SimpleNamespace(connection=connection, execute=connection.cursor().execute)
    historical = MigrationLoader(connection).project_state(("audit", "0006_seal")).apps
    migration.seal_existing(historical, editor)
    assert dict(Seal.objects.filter(chain="events").values_list("record_id", "hash")) == sealed
    verify()


def test_records_and_seals_cannot_be_written_around_the_models(trail):
    with pytest.raises(ImmutableRecord):
        Event.objects.bulk_create([Event(kind="change", action="x", label="x")])
    read = Read.objects.first()
    with pytest.raises(ImmutableRecord):
        read.save()
    with pytest.raises(ImmutableRecord):
        Read.objects.filter(pk=read.pk).update(query="x")
    seal = Seal.objects.first()
    for refused in (seal.save, seal.delete, Seal.objects.all().delete,
                    lambda: Seal.objects.update(hash="x")):  # fmt: skip
        with pytest.raises(ImmutableRecord):
            refused()


def test_postgresql_refuses_update_and_delete_on_the_read_log_and_the_seals(postgres, trail):
    from django.db import DatabaseError

    read, seal = Read.objects.first(), Seal.objects.first()
    for sql, pk in [("UPDATE audit_read SET query = 'x' WHERE id = %s", read.pk),
                    ("DELETE FROM audit_read WHERE id = %s", read.pk),
                    ("UPDATE audit_seal SET hash = 'x' WHERE id = %s", seal.pk),
                    ("DELETE FROM audit_seal WHERE id = %s", seal.pk)]:  # fmt: skip
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [pk])


@pytest.mark.django_db(transaction=True)
def test_records_are_sealed_when_their_transaction_commits(reference_data):
    """No explicit sealing: the commit seals (once per transaction and chain); a record outside a
    transaction is sealed at once; a rolled-back one leaves nothing."""
    with transaction.atomic():
        record(by=None, kind="security", action="test", label="a")
        record(by=None, kind="security", action="test", label="b")
        Read.objects.create(action=CaseRead.CASE_SEARCH, query="a")
        assert not Seal.objects.exists()
        assert len(connection.run_on_commit) == 2  # one sealing per chain
    assert [s.seq for s in seals("events")] == [1, 2]
    assert [s.seq for s in seals("reads")] == [1]

    with pytest.raises(RuntimeError), transaction.atomic():
        record(by=None, kind="security", action="test", label="rolled back")
        raise RuntimeError
    read = Read.objects.create(action=CaseRead.CASE_SEARCH, query="autocommit")
    assert read.seal.seq == 2
    with transaction.atomic():
        record(by=None, kind="security", action="test", label="c")
    assert [s.seq for s in seals("events")] == [1, 2, 3]
    assert "chain intact" in verify()


def _thread(target, failures):
    def run():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '20s'")  # a hang fails, not hangs
            target()
        except Exception as error:
            failures.append(error)
        finally:
            connections.close_all()

    return threading.Thread(target=run)


@pytest.mark.django_db(transaction=True)
def test_a_service_locking_rows_after_its_event_does_not_deadlock_on_postgresql(
    postgres, reference_data
):
    """T1 records an event, then locks row B; T2 locks row B, then records an event. With the
    chain's lock taken at insert and held to the commit, each waited for the other's lock and
    PostgreSQL aborted one of them (a deadlock). Records take no lock now: both commit."""
    from reference.models import Province

    row_b = Province.objects.order_by("pk").first().pk
    both = threading.Barrier(2, timeout=30)
    failures = []

    def first():
        with transaction.atomic():
            record(by=None, kind="security", action="test", label="T1 event")
            both.wait()  # T2 holds row B now
            Province.objects.select_for_update().get(pk=row_b)  # waits for T2's commit

    def second():
        with transaction.atomic():
            Province.objects.select_for_update().get(pk=row_b)
            both.wait()  # T1 has recorded its event
            time.sleep(0.5)  # T1 waits on row B
            record(by=None, kind="security", action="test", label="T2 event")

    threads = [_thread(first, failures), _thread(second, failures)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert set(Event.objects.values_list("label", flat=True)) == {"T1 event", "T2 event"}
    assert [s.seq for s in seals("events")] == [1, 2]
    assert "chain intact" in verify()


@pytest.mark.django_db(transaction=True)
def test_a_record_committed_late_is_sealed_after_the_later_one(postgres, reference_data):
    """T1 takes the lower id but commits after T2: T2's record is sealed first, T1's next (the
    sealer looks below the highest sealed id too)."""
    inserted, committed = threading.Event(), threading.Event()
    failures, ids = [], {}

    def early():
        with transaction.atomic():
            ids["early"] = Read.objects.create(action=CaseRead.CASE_SEARCH, query="early").pk
            inserted.set()
            assert committed.wait(30)

    def late():
        assert inserted.wait(30)
        ids["late"] = Read.objects.create(action=CaseRead.CASE_SEARCH, query="late").pk
        committed.set()

    threads = [_thread(early, failures), _thread(late, failures)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and ids["early"] < ids["late"]
    assert [s.record_id for s in seals("reads")] == [ids["late"], ids["early"]]
    assert "chain intact" in verify()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_postgresql_do_not_fork_the_chain(postgres, reference_data):
    """Two connections append at once, each in its own transactions: the sealers take turns on
    the chain's lock, so the seqs stay gapless, every record is sealed once and every link
    holds."""
    start = threading.Barrier(2)
    failures = []

    def writer(name):
        def write():
            start.wait()
            for index in range(25):
                with transaction.atomic():
                    record(by=None, kind="security", action="test", label=f"{name} {index}")
                    Read.objects.create(action=CaseRead.CASE_SEARCH, query=f"{name} {index}")

        return write

    threads = [_thread(writer(name), failures) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    for name, model in CHAINS.items():
        chain = seals(name)
        assert [s.seq for s in chain] == list(range(1, 51))
        assert sorted(s.record_id for s in chain) == sorted(
            model.objects.values_list("pk", flat=True)
        )
    assert "chain intact" in verify()


def test_after_a_commit_the_sealer_looks_far_back_only_where_the_beat_does_not(settings):
    """With a worker and its beat, the sealer after a commit looks 200 ids back and the beat's
    sweep 10,000; with tasks run in-process (no beat) the sealer after a commit looks 10,000."""
    from audit.chain import AFTER_COMMIT_WINDOW, SEAL_WINDOW, after_commit_window

    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert after_commit_window() == AFTER_COMMIT_WINDOW == 200
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert after_commit_window() == SEAL_WINDOW == 10_000
