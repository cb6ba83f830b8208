from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "پرونده‌های ابطال مدارک"

    def ready(self):
        from cases.services.common import notify_next_actors
        from cases.workflow import checks  # noqa: F401  (registers the start-up check)
        from cases.workflow.registry import register_effect

        # First of all effects, as the notice was queued before anything else on commit: those
        # who must act next hear of the step once it is committed (never of one rolled back).
        register_effect(
            "cases.notify_next_actors",
            lambda taken: notify_next_actors(taken.event),
            order=0,
            on_commit=True,
        )
