from django.apps import AppConfig


class NajvaConfig(AppConfig):
    name = "najva"
    verbose_name = "نجوا"

    def ready(self):
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
