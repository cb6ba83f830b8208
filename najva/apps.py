from django.apps import AppConfig


class NajvaConfig(AppConfig):
    name = "najva"
    verbose_name = "نجوا"

    def ready(self):
        # Its parts of the case page and the work queue (cases.panels).
        from najva import panels

        panels.register()

        # The cancellation form is a printed kind: its PDF and verification page are documents'.
        from najva.printed import KIND
        from shared.printing import register

        register(KIND)

        from cases.choices import Step
        from cases.workflow.registry import register_effect
        from najva import services

        # The outbox rows are written in the cancellation's own transaction (a row written with
        # the cancellation, never after it); before the letters, as the signal's receivers ran.
        register_effect(
            "najva.registrations_queue",
            lambda taken: services.registrations_queue(
                case=taken.case, by=taken.by, cancelled_documents=taken.cancelled_documents
            ),
            steps=[Step.CANCEL_CARD],
            order=10,
        )
