"""The encryption of a backup's parts: AES-256-GCM in chunks of 1 MiB, under a key kept outside
the backup (settings.BACKUP_KEY_FILE, or BACKUP_KEY), so that a copied backup directory tells
nothing without it. Whoever holds the key can read every backup made with it: keep it off the
backup disk, with whoever may restore (docs/operations.md, Backup and restore).

A part is written as ``MAGIC``, an 8-byte random prefix, then its chunks, each sealed with a
nonce of the prefix, the chunk's number and whether it is the last, and the part's name as
associated data: a chunk moved, dropped, cut short or taken from another part or backup fails
to open, as does the whole part under another key. (The STREAM construction of Hoang, Reyhanitabar,
Rogaway and Vizár, as age and Tink use it.)
"""

import base64
import hashlib
import os
import struct
from pathlib import Path

from django.conf import settings

MAGIC = b"REVOCATION-BACKUP-AES256GCM-1\n"
CHUNK = 1024 * 1024
TAG = 16
CIPHER = "aes-256-gcm-stream"


class BackupKeyMissing(Exception):
    """No key, or a key that is not one (the message in Persian and English)."""


class Undecryptable(Exception):
    """A part that does not open under the key: another key, or altered bytes."""


def new_key() -> str:
    """A fresh key, as it is kept in the key file: 32 random bytes in base64."""
    return base64.b64encode(os.urandom(32)).decode("ascii")


def load_key() -> bytes:
    """The key of the settings: BACKUP_KEY (base64), else the contents of BACKUP_KEY_FILE."""
    text = getattr(settings, "BACKUP_KEY", "") or ""
    path = getattr(settings, "BACKUP_KEY_FILE", "") or ""
    if not text and path:
        try:
            text = Path(path).read_text().strip()
        except OSError as error:
            raise BackupKeyMissing(
                f"کلید پشتیبان در {path} خوانده نشد / the backup key file {path} cannot be read: "
                f"{error.strerror or error}"
            ) from None
    if not text:
        raise BackupKeyMissing(
            "کلید رمزگذاری پشتیبان تعیین نشده است (REVOCATION_BACKUP_KEY_FILE) / no backup key: "
            "set REVOCATION_BACKUP_KEY_FILE to the file holding it (made by "
            "`manage.py backup --new-key FILE`), kept outside the backups"
        )
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise BackupKeyMissing(
            "کلید پشتیبان نادرست است (۳۲ بایت در base64) / the backup key is not 32 bytes of base64"
        )
    return key


def key_id(key: bytes) -> str:
    """A short name of the key, kept in the manifest: a restore under another key says so before
    it tries a byte (it tells nothing of the key itself)."""
    return hashlib.sha256(b"revocation-backup-key-id" + key).hexdigest()[:16]


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", number) + (b"\x01" if last else b"\x00")


def encrypt_file(source: Path, target: Path, *, key: bytes, name: str) -> None:
    """``source`` encrypted into ``target`` (``name``: the part's name, bound to it)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead, prefix = AESGCM(key), os.urandom(7)
    with source.open("rb") as plain, target.open("wb") as out:
        out.write(MAGIC + prefix)
        number, chunk = 0, plain.read(CHUNK)
        while True:
            following = plain.read(CHUNK)
            last = not following
            out.write(aead.encrypt(_nonce(prefix, number, last), chunk, name.encode()))
            if last:
                break
            number, chunk = number + 1, following


def decrypt_file(source: Path, target: Path, *, key: bytes, name: str) -> None:
    """``source`` opened into ``target``; ``Undecryptable`` when any chunk does not open."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead = AESGCM(key)
    with source.open("rb") as sealed, target.open("wb") as out:
        if sealed.read(len(MAGIC)) != MAGIC:
            raise Undecryptable(f"{source.name} is not an encrypted backup part")
        prefix = sealed.read(7)
        number, chunk = 0, sealed.read(CHUNK + TAG)
        while True:
            following = sealed.read(CHUNK + TAG)
            last = not following
            try:
                out.write(aead.decrypt(_nonce(prefix, number, last), chunk, name.encode()))
            except InvalidTag:
                raise Undecryptable(
                    f"{source.name} does not open under this key (another key, or altered)"
                ) from None
            if last:
                break
            number, chunk = number + 1, following
