from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from revocation.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup (manage.py backup) into the empty database of DATABASE_URL and the empty "
        "file directories, after checking every part against its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, help="the backup directory")

    def handle(self, *args, source, **options):
        try:
            manifest = restore(Path(source))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"restored {', '.join(manifest['parts'])} from {source} "
            f"(made {manifest['made_at']}); now run: manage.py verify_audit"
        )
