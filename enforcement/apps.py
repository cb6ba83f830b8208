from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = "اخراج و خروج از کشور"

    def ready(self):
        # The expulsion order is a printed kind: its PDF and verification page are documents'.
        from enforcement.printed import KIND
        from revocation.printing import register

        register(KIND)
