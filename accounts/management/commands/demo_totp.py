"""manage.py demo_totp <username>: the code a demo user's authenticator app would show now.

For the demo only: it prints a code only for a device that holds the published demo key
(accounts.services.DEMO_TOTP_SECRET), so it can never reveal a real user's code.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import demo_totp_key


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo user (demo key only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        device = TOTPDevice.objects.filter(user=user, confirmed=True, key=demo_totp_key()).first()
        if device is None:
            raise CommandError(f"{username!r} has no device with the demo key: no code to show.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
