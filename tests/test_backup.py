"""make backup / make restore (issue 11, item 10): a backup restores into a fresh database with its
files, the audit trail intact; a restore refuses a database in use and a part that was altered.
Issue 21: every part is encrypted under a key kept outside the backup; without the key, or with
another, a restore says so and restores nothing."""

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory

from accounts.searches import search_save
from audit.heads import export_heads
from audit.models import Event, Seal
from audit.reads import record_read
from cases.choices import CaseState
from cases.models import Evidence
from shared import backupcrypt

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, env: dict) -> subprocess.CompletedProcess:
    """``manage.py`` in a fresh interpreter with only ``env`` set (as an operator would run it)."""
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "revocation.settings"}
    if os.environ.get("PYTHONPATH"):
        base["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "manage.py", *args],
        env={**base, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


KEY = backupcrypt.new_key()
OTHER_KEY = backupcrypt.new_key()


@pytest.fixture(autouse=True)
def backup_key(settings, tmp_path):
    """The key in a file outside the backup, as an operator keeps it."""
    path = tmp_path / "keys" / "backup.key"
    path.parent.mkdir()
    path.write_text(KEY + "\n")
    settings.BACKUP_KEY_FILE = str(path)
    settings.BACKUP_KEY = ""
    return path


@pytest.fixture
def fresh_database(postgres):
    """An empty PostgreSQL database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    settings_dict = connection.settings_dict
    credentials = settings_dict["USER"]
    if settings_dict.get("PASSWORD"):
        credentials += f":{settings_dict['PASSWORD']}"
    yield f"postgres://{credentials}@{settings_dict['HOST']}:{settings_dict['PORT']}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_with_its_files_and_audit_trail(
    private_storage, case_in, tmp_path, settings, fresh_database, backup_key
):
    settings.DATA_DIR = tmp_path / "data"
    settings.AUDIT_HEAD_KEY = "restore-test-audit-key"
    case = case_in(CaseState.EXPELLED)
    evidence = list(Evidence.objects.filter(case=case))
    assert evidence
    # A read of the case page and the day's exported heads are in the backup too.
    request = RequestFactory().get(f"/cases/{case.number}/")
    request.user = Event.objects.filter(case_id=case.pk).first().actor
    record_read(request, "case_page", case=case)
    export_heads()
    # A search kept for its result page holds the number typed: it stays out of the backup.
    search_save(user=request.user, kind="cases", params={"q": "1234567890"})
    events = list(Event.objects.order_by("pk").values_list("pk", "action", "case_id"))
    # (each commit sealed its records: the seals are in the backup too)
    seals = list(
        Seal.objects.order_by("chain", "seq").values_list("chain", "seq", "record_id", "hash")
    )
    assert len(seals) == len(events) + 1

    call_command("backup", to=str(tmp_path / "backup"))
    assert (tmp_path / "backup" / "database.dump.enc").stat().st_mode & 0o777 == 0o640
    # Nothing in clear: not pg_dump's header, not an evidence file's bytes.
    dump = (tmp_path / "backup" / "database.dump.enc").read_bytes()
    assert dump.startswith(backupcrypt.MAGIC) and b"PGDMP" not in dump
    assert {p.name for p in (tmp_path / "backup").iterdir()} == {
        "manifest.json",
        "database.dump.enc",
        "private.tar.gz.enc",
        "audit-heads.tar.gz.enc",
    }

    restored_files = tmp_path / "restored" / "files"
    env = {
        "DATABASE_URL": fresh_database,
        "REVOCATION_DATA_DIR": str(tmp_path / "restored"),
        "REVOCATION_PRIVATE_MEDIA_ROOT": str(restored_files),
        "AUDIT_HEAD_KEY": "restore-test-audit-key",
    }
    if os.environ.get("DATABASE_APP_ROLE"):
        env["DATABASE_APP_ROLE"] = os.environ["DATABASE_APP_ROLE"]
    # Without the key, and with another, nothing is restored and the operator is told why.
    refused = manage("restore", "--from", str(tmp_path / "backup"), env=env)
    assert refused.returncode != 0
    assert "the backup is encrypted and nothing was restored" in refused.stderr
    other = manage(
        "restore",
        "--from",
        str(tmp_path / "backup"),
        env={**env, "REVOCATION_BACKUP_KEY": OTHER_KEY},
    )
    assert other.returncode != 0
    assert "not the one this backup was made with" in other.stderr
    import psycopg2

    with psycopg2.connect(fresh_database) as copy, copy.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchone() == (0,)
    copy.close()
    assert not restored_files.exists() or not any(restored_files.iterdir())

    env["REVOCATION_BACKUP_KEY_FILE"] = str(backup_key)
    restored = manage("restore", "--from", str(tmp_path / "backup"), env=env)
    assert restored.returncode == 0, restored.stderr

    # The restored database holds the same case and the same events, in the same order.
    with psycopg2.connect(fresh_database) as copy, copy.cursor() as cursor:
        cursor.execute("SELECT state FROM cases_case WHERE number = %s", [case.number])
        assert cursor.fetchone() == (CaseState.EXPELLED,)
        cursor.execute("SELECT id, action, case_id FROM audit_event ORDER BY id")
        assert cursor.fetchall() == events
        cursor.execute("SELECT chain, seq, record_id, hash FROM audit_seal ORDER BY chain, seq")
        assert cursor.fetchall() == seals
        # The append-only triggers came back with the tables.
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname IN "
            "('audit_event_append_only', 'audit_seal_append_only')"
        )
        assert cursor.fetchone() == (2,)
    copy.close()
    # Every stored file is back, byte for byte.
    for item in evidence:
        assert sha256(restored_files / item.file.name) == item.sha256

    # The restored audit chains, and the restored exported heads, verify.
    verified = manage("verify_audit", env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert list((tmp_path / "restored" / "audit-heads").glob("*.json"))

    # And a second restore into it is refused: it is no longer empty.
    again = manage("restore", "--from", str(tmp_path / "backup"), env=env)
    assert again.returncode != 0
    assert "restore into a fresh, empty database" in again.stderr


@pytest.mark.django_db(transaction=True)
def test_a_restore_refuses_a_database_in_use_and_an_altered_backup(
    private_storage, case_in, tmp_path, settings
):
    settings.DATA_DIR = tmp_path / "data"
    case_in(CaseState.AWAITING_INQUIRIES)
    call_command("backup", to=str(tmp_path / "backup"))

    with pytest.raises(CommandError, match="already has tables"):
        call_command("restore", source=str(tmp_path / "backup"))

    archive = tmp_path / "backup" / "private.tar.gz.enc"
    archive.write_bytes(archive.read_bytes() + b"\0")
    with pytest.raises(CommandError, match="does not match its SHA-256"):
        call_command("restore", source=str(tmp_path / "backup"))

    # Nor does writing the altered part's hash into the manifest help without the audit key.
    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["parts"]["private"]["sha256"] = sha256(archive)
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="signature does not match"):
        call_command("restore", source=str(tmp_path / "backup"))


def test_the_embedded_sqlite_database_backs_up_and_restores(tmp_path):
    """What `make backup` and `make restore` do for a newcomer on SQLite."""
    original = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REVOCATION_DATA_DIR": str(tmp_path / "data"),
        "AUDIT_HEAD_KEY": "sqlite-backup-test-key",
        "REVOCATION_BACKUP_KEY_FILE": str(tmp_path / "backup.key"),
    }
    # No key, no backup; then a key made by the command, outside the backup.
    refused = manage("backup", "--to", str(tmp_path / "unkeyed"), env=original)
    assert refused.returncode != 0 and "backup key file" in refused.stderr
    assert not (tmp_path / "unkeyed").exists()
    made_key = manage("backup", "--new-key", str(tmp_path / "backup.key"), env=original)
    assert made_key.returncode == 0, made_key.stderr
    assert (tmp_path / "backup.key").stat().st_mode & 0o777 == 0o600
    assert manage("backup", "--new-key", str(tmp_path / "backup.key"), env=original).returncode
    assert manage("migrate", "-v0", env=original).returncode == 0
    (tmp_path / "data" / "private" / "evidence").mkdir(parents=True)
    (tmp_path / "data" / "private" / "evidence" / "scan").write_bytes(b"%PDF-1.4 scan")

    made = manage("backup", "--to", str(tmp_path / "backup"), env=original)
    assert made.returncode == 0, made.stderr
    assert b"SQLite format 3" not in (tmp_path / "backup" / "database.sqlite3.enc").read_bytes()
    restored = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        "REVOCATION_DATA_DIR": str(tmp_path / "restored"),
        "AUDIT_HEAD_KEY": "sqlite-backup-test-key",
    }
    keyless = manage("restore", "--from", str(tmp_path / "backup"), env=restored)
    assert keyless.returncode != 0
    assert "رمزگذاری شده است" in keyless.stderr and "nothing was restored" in keyless.stderr
    with sqlite3.connect(tmp_path / "restored.sqlite3") as empty:  # opened by the check alone
        assert empty.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
    assert not (tmp_path / "restored" / "private").exists()
    restored["REVOCATION_BACKUP_KEY_FILE"] = str(tmp_path / "backup.key")
    done = manage("restore", "--from", str(tmp_path / "backup"), env=restored)
    assert done.returncode == 0, done.stderr

    tables = "SELECT count(*) FROM reference_province"
    with sqlite3.connect(tmp_path / "db.sqlite3") as before:
        with sqlite3.connect(tmp_path / "restored.sqlite3") as after:
            assert after.execute(tables).fetchone() == before.execute(tables).fetchone() != (0,)
    assert (
        tmp_path / "restored" / "private" / "evidence" / "scan"
    ).read_bytes() == b"%PDF-1.4 scan"
