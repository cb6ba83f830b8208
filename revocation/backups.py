"""Backup and restore: the database and the stored files, with a manifest of their SHA-256.

``manage.py backup`` (``make backup``) writes a directory: ``database.dump`` (PostgreSQL,
``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite, its online backup API), one
``.tar.gz`` per directory of files (the private files: evidence, scans and printed PDFs; the audit
chain's exported heads), and ``manifest.json`` naming each part with its size and SHA-256.

Every part is encrypted (shared.backupcrypt: AES-256-GCM under the key of
``REVOCATION_BACKUP_KEY_FILE``, kept outside the backup); the manifest names the key by a short id
and signs the encrypted parts' digests. A backup is refused without a key.

``manage.py restore --from DIR`` (``make restore FROM=DIR``) checks every part against the manifest,
opens every part with the key (without it, or with another, nothing is restored), then restores
into the database of ``DATABASE_URL``, which must be empty (a fresh database: a
restore never overwrites), and the files into their directories, which must be empty too. On
PostgreSQL the app role's grants are given again (``DATABASE_APP_ROLE``). Afterwards, run
``manage.py verify_audit`` on the restored copy.
"""

import datetime
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection

from shared import backupcrypt
from shared.http import sha256_of

MANIFEST = "manifest.json"
TRANSIENT_TABLES = ("accounts_savedsearch", "django_session")
# 1: parts in clear (still restored); 2: parts encrypted.
FORMAT = 2


class BackupError(Exception):
    pass


def file_directories() -> dict[str, Path]:
    """The directories a backup carries, by the name of their archive."""
    from django.core.files.storage import default_storage

    return {
        "private": Path(default_storage.location),
        "audit-heads": Path(settings.DATA_DIR) / "audit-heads",
    }


def _signature(manifest: dict) -> str:
    """The manifest's signature (all but the signature itself) under the audit key
    (AUDIT_HEAD_KEY): whoever alters a part cannot write a manifest that matches it without it."""
    from audit.heads import signature

    body = {name: value for name, value in manifest.items() if name != "signature"}
    return signature(body, purpose="backup-manifest")


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return sha256_of(handle)


def _pg_environment(database: dict) -> tuple[list[str], dict]:
    """libpq's connection options for pg_dump / pg_restore, the password in the environment."""
    options = ["--dbname", database["NAME"]]
    if database.get("HOST"):
        options += ["--host", database["HOST"]]
    if database.get("PORT"):
        options += ["--port", str(database["PORT"])]
    if database.get("USER"):
        options += ["--username", database["USER"]]
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return options, env


def _run(command: list[str], env: dict) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)") from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _key() -> bytes:
    try:
        return backupcrypt.load_key()
    except backupcrypt.BackupKeyMissing as error:
        raise BackupError(str(error)) from None


def backup(target: Path) -> dict:
    """Write a backup into ``target`` (created; must not exist yet). Returns the manifest.

    The parts are made in clear in a private folder inside ``target`` (0700), each encrypted
    beside it and the clear one removed; the folder goes whatever happens."""
    key = _key()  # before anything is written: no key, no backup
    target.mkdir(parents=True, exist_ok=False, mode=0o750)
    plain = Path(tempfile.mkdtemp(prefix=".clear-", dir=target))
    try:
        clear = _write_parts(plain)
        parts = {}
        for name, path in clear.items():
            sealed = target / f"{path.name}.enc"
            backupcrypt.encrypt_file(path, sealed, key=key, name=name)
            path.unlink()
            parts[name] = sealed
    finally:
        shutil.rmtree(plain, ignore_errors=True)
    for path in parts.values():
        path.chmod(0o640)
    manifest = {
        "format": FORMAT,
        "made_at": datetime.datetime.now(datetime.UTC).isoformat(),  # real time, as the name
        "vendor": connection.vendor,
        "encryption": {"cipher": backupcrypt.CIPHER, "key_id": backupcrypt.key_id(key)},
        "parts": {
            name: {"file": path.name, "bytes": path.stat().st_size, "sha256": _sha256(path)}
            for name, path in parts.items()
        },
    }
    manifest["signature"] = _signature(manifest)
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    (target / MANIFEST).chmod(0o640)
    return manifest


def _write_parts(target: Path) -> dict[str, Path]:
    """The database and the file archives, in clear, into ``target``."""
    database = settings.DATABASES["default"]
    parts = {}
    if connection.vendor == "postgresql":
        dump = target / "database.dump"
        options, env = _pg_environment(database)
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(dump)]
            # The searches kept for a few hours hold the identity numbers typed: not in backups.
            + [f"--exclude-table-data={table}" for table in TRANSIENT_TABLES]
            + options,
            env,
        )
        parts["database"] = dump
    elif connection.vendor == "sqlite":
        copy = target / "database.sqlite3"
        if connection.in_atomic_block:
            # SQLite's backup would wait forever for the open transaction's lock.
            raise BackupError("SQLite cannot be backed up inside a transaction")
        connection.ensure_connection()
        destination = sqlite3.connect(copy)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        parts["database"] = copy
    else:
        raise BackupError(f"no backup for the {connection.vendor} database")

    for name, directory in file_directories().items():
        archive = target / f"{name}.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            if directory.is_dir():
                tar.add(directory, arcname=".")
        parts[name] = archive
    return parts


def _checked_manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{source / MANIFEST} cannot be read: {error}") from None
    if manifest.get("format") not in (1, FORMAT):
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    if not hmac.compare_digest(str(manifest.get("signature", "")), _signature(manifest)):
        raise BackupError(
            "the manifest's signature does not match: it was altered, or the backup was made "
            "under another AUDIT_HEAD_KEY (restore with the key it was made with)"
        )
    for name, part in manifest["parts"].items():
        path = source / part["file"]
        if not path.is_file():
            raise BackupError(f"the part {name} ({path}) is missing")
        if _sha256(path) != part["sha256"]:
            raise BackupError(
                f"the part {name} ({path}) does not match its SHA-256 in the manifest"
            )
    return manifest


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def restore(source: Path) -> dict:
    """Restore the backup in ``source`` into the (empty) configured database and directories."""
    manifest = _checked_manifest(source)
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"a {manifest['vendor']} backup cannot be restored into {connection.vendor}"
        )
    if not _database_is_empty():
        raise BackupError(
            "the database of DATABASE_URL already has tables: restore into a fresh, empty database"
        )
    directories = file_directories()
    for name in directories:
        if name in manifest["parts"] and directories[name].is_dir():
            if any(directories[name].iterdir()):
                raise BackupError(
                    f"{directories[name]} is not empty: restore into empty directories"
                )
    with tempfile.TemporaryDirectory(prefix="revocation-restore-") as clear:
        parts = _opened_parts(source, manifest, Path(clear))
        _restore_parts(parts, directories)
    return manifest


def _opened_parts(source: Path, manifest: dict, clear: Path) -> dict[str, Path]:
    """Every part in clear: opened with the key into ``clear`` (all of them, before anything is
    restored), or as it is in a backup of format 1."""
    parts = {name: source / part["file"] for name, part in manifest["parts"].items()}
    if "encryption" not in manifest:
        return parts
    try:
        key = backupcrypt.load_key()
    except backupcrypt.BackupKeyMissing as error:
        raise BackupError(
            f"این نسخه پشتیبان رمزگذاری شده است و بدون کلید بازگردانده نمی‌شود؛ چیزی بازگردانده "
            f"نشد / the backup is encrypted and nothing was restored: {error}"
        ) from None
    if backupcrypt.key_id(key) != manifest["encryption"]["key_id"]:
        raise BackupError(
            "کلید پشتیبان با کلیدی که این نسخه با آن ساخته شد یکی نیست؛ چیزی بازگردانده نشد / "
            "the backup key is not the one this backup was made with: nothing was restored"
        )
    opened = {}
    for name, path in parts.items():
        opened[name] = clear / path.name.removesuffix(".enc")
        try:
            backupcrypt.decrypt_file(path, opened[name], key=key, name=name)
        except backupcrypt.Undecryptable as error:
            raise BackupError(f"{error}: nothing was restored") from None
    return opened


def _restore_parts(parts: dict[str, Path], directories: dict[str, Path]) -> None:
    database_part = parts["database"]
    if connection.vendor == "postgresql":
        connection.close()
        options, env = _pg_environment(settings.DATABASES["default"])
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
            ]
            + options
            + [str(database_part)],
            env,
        )
        if settings.DATABASE_APP_ROLE:
            from shared.dbroles import grant_app_role

            grant_app_role(settings.DATABASE_APP_ROLE)
    else:
        connection.close()
        shutil.copyfile(database_part, settings.DATABASES["default"]["NAME"])

    for name, directory in directories.items():
        if name not in parts:
            continue
        directory.mkdir(parents=True, exist_ok=True, mode=0o750)
        with tarfile.open(parts[name], "r:gz") as tar:
            tar.extractall(directory, filter="data")
