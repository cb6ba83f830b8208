from django.apps import AppConfig


class NajvaConfig(AppConfig):
    name = "najva"
    verbose_name = "نجوا"

    def ready(self):
        # Its parts of the case page and the work queue (cases.panels).
        from najva import panels

        panels.register()

        # The cancellation form is a printed kind: its PDF and verification page are documents'.
        # The outbox rows are written when a card is cancelled (cases.signals.step_taken).
        from najva import receivers  # noqa: F401
        from najva.printed import KIND
        from revocation.printing import register

        register(KIND)
