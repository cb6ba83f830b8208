from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import grants


class Command(BaseCommand):
    help = (
        "Give the national secretariat role to USERNAME when no active account holds it: the "
        "first approver of role grants (docs/security.md). Refused once one exists. Recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        try:
            grants.grant_first_approver(user=user)
        except grants.GrantRefused as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(f"{username}: national secretariat (first approver), recorded.")
