from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "پرونده‌های ابطال مدارک"

    def ready(self):
        from cases import checks  # noqa: F401 - registers the system checks
