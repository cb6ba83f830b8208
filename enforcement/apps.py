from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = "اخراج و خروج از کشور"

    def ready(self):
        # Its parts of the case page and the work queue (cases.panels).
        from enforcement import panels

        panels.register()

        # The expulsion order is a printed kind: its PDF and verification page are documents'.
        from enforcement.printed import KIND
        from revocation.printing import register

        register(KIND)
