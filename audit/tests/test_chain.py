"""The hash chain: every record sealed in order as it is inserted, verify_audit finding the first
broken link, and the daily signed heads that rewriting history would also have to forge."""

import io
import itertools
import json
import logging
import stat
import threading
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.db.migrations.loader import MigrationLoader

from audit import heads
from audit.chain import GENESIS, digest
from audit.models import CHAINS, Event, Read, Verification
from audit.services import record
from audit.tasks import export_heads
from cases.choices import CaseState

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


@pytest.fixture
def trail(case_in):
    """A real trail: a case walked by the services (its events), and a few reads."""
    case = case_in(CaseState.EXPERT_REVIEW)
    for _ in range(3):
        Read.objects.create(actor=case.opened_by, action=Read.Action.CASE_PAGE, case=case)
    return case


def test_each_record_is_sealed_in_order_at_insert(trail):
    events = list(Event.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    last = events[-1]
    fields = {f: getattr(last, Event._meta.get_field(f).attname) for f in Event.SEALED_FIELDS}
    fields = {Event._meta.get_field(f).attname: v for f, v in fields.items()}
    assert last.hash == digest(fields, seq=last.seq, prev_hash=last.prev_hash)
    assert len(last.hash) == 64
    reads = list(Read.objects.order_by("seq"))
    assert [r.seq for r in reads] == [1, 2, 3] and reads[0].prev_hash == GENESIS


def test_a_clean_chain_passes_and_the_run_is_kept(trail, data_dir):
    out = verify()
    events = Event.objects.count()
    assert f"events (audit_event): {events} رکورد" in out
    assert "reads (audit_read): 3 رکورد" in out
    assert Event.objects.order_by("-seq").first().hash in out
    assert "chain intact" in out
    run = Verification.objects.get()
    assert run.ok and run.chains["events"]["checked"] == events
    assert run.chains["reads"]["head_seq"] == 3


def test_a_tampered_event_is_found_at_that_record(trail):
    event = Event.objects.order_by("seq")[2]
    raw("UPDATE audit_event SET reason = %s WHERE id = %s", ["دستکاری", event.pk])
    message = broken()
    assert f"audit_event, seq {event.seq}, id {event.pk}" in message
    assert "altered" in message
    run = Verification.objects.get()
    assert not run.ok and f"شماره {event.seq}" in run.problem


def test_a_tampered_read_is_found_at_that_record(trail, users):
    read = Read.objects.get(seq=2)
    raw("UPDATE audit_read SET actor_id = %s WHERE id = %s", [users["auditor"].pk, read.pk],
        table="audit_read")  # fmt: skip
    assert f"audit_read, seq 2, id {read.pk}" in broken()


def test_a_deleted_event_is_found_as_a_gap(trail):
    gone = Event.objects.order_by("seq")[3]
    raw("DELETE FROM audit_event WHERE id = %s", [gone.pk])
    message = broken()
    assert f"seq {gone.seq} missing" in message


def test_a_wrong_prev_hash_is_found(trail):
    event = Event.objects.order_by("seq")[1]
    raw("UPDATE audit_event SET prev_hash = %s WHERE id = %s", ["f" * 64, event.pk])
    message = broken()
    assert f"seq {event.seq}, id {event.pk}" in message and "prev_hash" in message


def test_a_rewritten_chain_is_found_by_the_exported_head(trail, data_dir):
    """An attacker who rewrites a record and re-seals every record after it leaves a valid chain,
    but not the head exported before."""
    export_heads.delay()
    last = Event.objects.order_by("-seq").first()
    forged = digest({"forged": True}, seq=last.seq, prev_hash=last.prev_hash)
    raw("UPDATE audit_event SET hash = %s WHERE id = %s", [forged, last.pk])
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
    last = Event.objects.order_by("-seq").first()
    assert data["chains"]["events"] == {"seq": last.seq, "hash": last.hash}
    assert data["chains"]["reads"]["seq"] == 3
    assert len(data["signature"]) == 64
    assert f"events seq={last.seq} hash={last.hash}" in caplog.text
    assert heads.check_export(path) == []
    assert "exported head files: 1" in verify()

    # Another key (a forger's) does not sign it; nor does an edited file.
    settings.AUDIT_HEAD_KEY = "another"
    assert "signature does not verify" in heads.check_export(path)[0]
    settings.AUDIT_HEAD_KEY = "a-key-kept-apart-from-the-database"
    data["chains"]["reads"]["seq"] = 2
    path.write_text(json.dumps(data))
    assert "signature does not verify" in broken()


def test_the_export_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["audit-export-heads"]
    assert entry["task"] == "audit.tasks.export_heads"
    assert entry["schedule"].hour == {0}


def test_the_migration_seals_existing_events_as_the_live_chain_does(trail):
    """0005 sealed the events that were there before the chain: re-sealing the same rows by the
    migration's code gives the hashes sealing at insert gave."""
    sealed = dict(Event.objects.values_list("pk", "hash"))
    raw("UPDATE audit_event SET hash = '', prev_hash = ''")
    migration = import_module("audit.migrations.0005_chain")
    # What the migration uses of its schema editor (a real one cannot open inside a test's
    # transaction on SQLite).
    editor = SimpleNamespace(connection=connection, execute=connection.cursor().execute)
    historical = MigrationLoader(connection).project_state(("audit", "0005_chain")).apps
    migration.seal_existing(historical, editor)
    assert dict(Event.objects.values_list("pk", "hash")) == sealed
    verify()


def test_records_cannot_be_inserted_around_the_seal(trail):
    from audit.models import ImmutableRecord

    with pytest.raises(ImmutableRecord):
        Event.objects.bulk_create([Event(kind="change", action="x", label="x")])
    read = Read.objects.first()
    with pytest.raises(ImmutableRecord):
        read.save()
    with pytest.raises(ImmutableRecord):
        Read.objects.filter(pk=read.pk).update(query="x")


def test_postgresql_refuses_update_and_delete_on_the_read_log(postgres, trail):
    from django.db import DatabaseError

    read = Read.objects.first()
    for sql in ["UPDATE audit_read SET query = 'x' WHERE id = %s",
                "DELETE FROM audit_read WHERE id = %s"]:  # fmt: skip
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [read.pk])


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_postgresql_do_not_fork_the_chain(postgres, reference_data):
    """Two connections append at once, each in its own transactions: the advisory lock makes them
    take turns, so the seqs stay gapless and every link holds."""
    start = threading.Barrier(2)
    failures = []

    def writer(name):
        try:
            start.wait()
            for index in range(25):
                with transaction.atomic():
                    record(by=None, kind="security", action="test", label=f"{name} {index}")
                    Read.objects.create(action=Read.Action.CASE_SEARCH, query=f"{name} {index}")
        except Exception as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    for model in CHAINS.values():
        assert list(model.objects.order_by("seq").values_list("seq", flat=True)) == list(
            range(1, 51)
        )
    assert "chain intact" in verify()
