"""What the enforcement app writes into the read log (audit.kinds): the documents it serves."""

from django.db import models

from audit import kinds


@kinds.reads
class EnforcementRead(models.TextChoices):
    ORDER = "order", "چاپ دستور اخراج"
    # Shared with the other printed documents, with the same label.
    SCAN = "scan", "دریافت نسخه امضاشده"
