from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shared.dbroles import RoleMisconfigured, grant_app_role


class Command(BaseCommand):
    help = (
        "Give the app's database role (DATABASE_APP_ROLE) its grants: read and write, but only "
        "SELECT and INSERT on the append-only audit tables. Run as the owner; migrate runs it too."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", default=settings.DATABASE_APP_ROLE)

    def handle(self, *args, role, **options):
        if not role:
            raise CommandError("no role: set DATABASE_APP_ROLE or pass --role")
        try:
            kept_off = grant_app_role(role)
        except RoleMisconfigured as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{role}: read and write on every table; SELECT and INSERT only on "
            f"{', '.join(kept_off) or '(no append-only table)'}"
        )
