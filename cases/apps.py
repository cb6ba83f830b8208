from django.apps import AppConfig
from django.core import checks


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "پرونده‌های ابطال مدارک"

    def ready(self):
        from accounts import permissions
        from cases import panels, states

        # accounts sits below cases: it learns the registry operator's scope from the rule book.
        permissions.use_confirmed_states(states.FROM_NATIONAL_CONFIRMATION)
        checks.register(panels.check_panels)

        from cases import tasks
        from cases.services.common import queue
        from cases.workflow import checks as workflow_checks  # noqa: F401  (registers the start-up check)
        from cases.workflow.registry import register_effect

        # First of all effects: the notice to those who must act next is written with the step
        # (notices.Notice) and sent once it commits (never for one rolled back).
        register_effect(
            "cases.notify_next_actors",
            lambda taken: queue(tasks.notify_next_actors, taken.event.pk),
            order=0,
        )
