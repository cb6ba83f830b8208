"""What the cases app writes into the audit trail: its kinds of event and its read actions."""

from django.db import models

from audit import kinds


@kinds.events
class CaseEvent(models.TextChoices):
    OPENED = "opened", "ثبت پرونده"
    STEP = "transition", "تغییر وضعیت"


@kinds.reads
class CaseRead(models.TextChoices):
    CASE_PAGE = "case_page", "دیدن صفحه پرونده"
    EVIDENCE = "evidence", "دریافت مستند پرونده"
    INQUIRY_REPLY = "inquiry_reply", "دریافت پاسخ استعلام"
    CASE_SEARCH = "case_search", "جست‌وجوی پرونده"
