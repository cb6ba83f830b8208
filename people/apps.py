from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "اتباع، خانوارها و مدارک"

    def ready(self):
        from people import checks  # noqa: F401 - registers the system checks
