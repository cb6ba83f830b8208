"""What the najva app writes into the read log (audit.kinds): the documents it serves."""

from django.db import models

from audit import kinds


@kinds.reads
class NajvaRead(models.TextChoices):
    NAJVA_FORM = "najva_form", "چاپ فرم ابطال کارت"
    # Shared with the other printed documents, with the same label.
    SCAN = "scan", "دریافت نسخه امضاشده"
