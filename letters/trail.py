"""What the letters app writes into the read log (audit.kinds): the documents it serves."""

from django.db import models

from audit import kinds


@kinds.reads
class LetterRead(models.TextChoices):
    LETTER = "letter", "چاپ نامه"
    DISPATCH_REGISTER = "dispatch_register", "چاپ فهرست ارسال پستی"
