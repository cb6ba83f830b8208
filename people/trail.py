"""What the register of people writes into the audit trail: its kinds of event and read actions."""

from django.db import models

from audit import kinds


@kinds.events
class PeopleEvent(models.TextChoices):
    REGISTER = "register", "ثبت در فهرست اتباع"


@kinds.reads
class PeopleRead(models.TextChoices):
    PEOPLE_SEARCH = "people_search", "جست‌وجوی شخص یا خانوار"
