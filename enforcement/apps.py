from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = "اخراج و خروج از کشور"

    def ready(self):
        # Its parts of the case page and the work queue (cases.panels).
        from enforcement import panels

        panels.register()
