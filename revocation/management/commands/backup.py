import datetime
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from revocation.backups import BackupError, backup
from shared import backupcrypt


class Command(BaseCommand):
    help = (
        "Back up the database and the stored files into a directory, encrypted under the key of "
        "REVOCATION_BACKUP_KEY_FILE, with a signed manifest of hashes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            help="the directory to create (default: DATA_DIR/backups/<UTC time>)",
        )
        parser.add_argument(
            "--new-key",
            metavar="FILE",
            help="write a new backup key into FILE (0600, never overwritten) and stop; keep it "
            "off the backup disk and set REVOCATION_BACKUP_KEY_FILE to it",
        )

    def handle(self, *args, to=None, new_key=None, **options):
        if new_key:
            try:
                descriptor = os.open(new_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except OSError as error:
                raise CommandError(f"{new_key}: {error.strerror}") from None
            with os.fdopen(descriptor, "w") as handle:
                handle.write(backupcrypt.new_key() + "\n")
            self.stdout.write(f"new backup key written to {new_key}")
            return
        # The machine's time (not shared.clock): a backup is named when it really was made.
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        target = Path(to) if to else Path(settings.DATA_DIR) / "backups" / stamp
        try:
            manifest = backup(target)
        except (BackupError, FileExistsError) as error:
            raise CommandError(str(error)) from None
        for name, part in manifest["parts"].items():
            self.stdout.write(
                f"{name:12} {part['file']:20} {part['bytes']:>12} bytes  {part['sha256']}"
            )
        self.stdout.write(f"backup written to {target}")
