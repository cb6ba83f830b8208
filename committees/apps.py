from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = "کارگروه‌ها"

    def ready(self):
        # The minutes are a printed kind: their PDF is served by documents' download page.
        from committees.printed import KIND
        from revocation.printing import register

        register(KIND)
