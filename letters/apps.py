from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = "نامه‌ها و ارسال پستی"

    def ready(self):
        # Its parts of the case page and the work queue (cases.panels).
        from letters import panels

        panels.register()

        # The letter is a printed kind: its PDF and verification page are documents'.
        # The letters of a decision are written when it is taken (cases.signals.step_taken).
        from letters import receivers  # noqa: F401
        from letters.printed import KIND
        from revocation.printing import register

        register(KIND)
