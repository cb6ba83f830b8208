from django.apps import AppConfig


class NajvaConfig(AppConfig):
    name = "najva"
    verbose_name = "نجوا"

    def ready(self):
        # The outbox rows are written when a card is cancelled (cases.signals.step_taken).
        from najva import receivers  # noqa: F401
