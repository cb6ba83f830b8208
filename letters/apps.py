from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = "نامه‌ها و ارسال پستی"

    def ready(self):
        # Its parts of the case page and the work queue (cases.panels).
        from letters import panels

        panels.register()

        # The letter is a printed kind: its PDF and verification page are documents'.
        from letters.printed import KIND
        from shared.printing import register

        register(KIND)

        from cases.choices import Step
        from cases.workflow.registry import register_effect
        from letters import (
            receivers,  # noqa: F401  (the letters telling an expulsion order)
            services,
        )

        # The letters of a decision are written in the decision's own transaction: they commit
        # or roll back with it.
        register_effect(
            "letters.letters_for_step",
            lambda taken: services.letters_for_step(case=taken.case, step=taken.step, by=taken.by),
            steps=[Step.CANCEL_CARD, Step.CLOSE_AS_DEPARTED],
            order=20,
        )
