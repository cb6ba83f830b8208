from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "پرونده‌های ابطال مدارک"
