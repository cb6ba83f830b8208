import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from revocation.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the stored files into a directory, with a manifest of hashes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            help="the directory to create (default: DATA_DIR/backups/<UTC time>)",
        )

    def handle(self, *args, to=None, **options):
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
