"""``manage.py verify_audit``: walk the audit chains and the exported heads, and check every stored
upload against its row and the trail; exit 1 when anything is broken."""

from django.core.management.base import BaseCommand, CommandError

from audit.verification import verify_all


class Command(BaseCommand):
    help = "Verify the audit trail's and the read log's hash chains and the exported daily heads."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000, help="rows read per round trip")
        parser.add_argument(
            "--no-record", action="store_true", help="do not keep this run for the auditor's page"
        )
        parser.add_argument(
            "--no-files",
            action="store_true",
            help="do not read the stored uploads (their bytes against their rows and the trail)",
        )

    def handle(self, *args, batch, no_record, no_files, **options):
        report = verify_all(batch=batch, keep=not no_record, stored_files=not no_files)
        for state in report.chains:
            self.stdout.write(
                f"{state.name} ({state.table}): {state.checked} رکورد وارسی شد / records checked; "
                f"سر زنجیره / head seq {state.head_seq} {state.head_hash}"
            )
        self.stdout.write(f"پرونده‌های سر زنجیره / exported head files: {report.exports_checked}")
        if report.files_checked is not None:
            self.stdout.write(
                f"فایل‌های بارگذاری‌شده / stored uploads checked: {report.files_checked}"
            )
        for problem in report.file_problems:
            self.stderr.write(f"فایل / file {problem}")
        if not report.ok:
            raise CommandError(f"زنجیره شکسته است / chain broken: {report.problem}")
        self.stdout.write(self.style.SUCCESS("زنجیره سالم است / chain intact"))
