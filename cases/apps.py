from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "پرونده‌های ابطال مدارک"

    def ready(self):
        from accounts import permissions
        from cases import states

        # accounts sits below cases: it learns the registry operator's scope from the rule book.
        permissions.use_confirmed_states(states.FROM_NATIONAL_CONFIRMATION)
