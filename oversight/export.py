"""The read log as an Excel workbook: one right-to-left sheet with Persian headers."""

import xlsxwriter
from django.db.models import OuterRef, Subquery

from audit.models import Seal
from oversight.selectors import case_numbers
from shared.persian import jalali

# At most this many rows (newest first): past it the auditor narrows the search. The workbook is
# written in constant-memory mode, row by row, in batches read with iterator().
CAP = 50_000
BATCH = 2000

HEADERS = (
    "زمان",
    "کاربر",
    "نقش",
    "اقدام",
    "پرونده",
    "پرونده‌های یافته",
    "تعداد یافته",
    "عبارت جست‌وجو (شماره‌ها چکیده‌شده)",
    "جزئیات",
    "نشانی",
    "شماره در زنجیره",
)


def write_reads(output, rows) -> int:
    """Write ``rows`` (Read, newest first) to ``output``; returns how many were written."""
    book = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": False})
    sheet = book.add_worksheet("خواندن‌ها")
    sheet.right_to_left()
    bold = book.add_format({"bold": True})
    for column, header in enumerate(HEADERS):
        sheet.write_string(0, column, header, bold)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 3, 22)
    sheet.set_column(4, 5, 30)
    sheet.set_column(7, 7, 40)
    written = 0
    batch = []

    def flush():
        nonlocal written
        case_numbers(batch)  # sets case_number and found_numbers on each
        for read in batch:
            written += 1
            found = "، ".join(read.found_numbers)
            values = (
                jalali(read.at, "%Y/%m/%d %H:%M:%S"),
                read.actor_name,
                read.actor_roles,
                read.action_label,
                read.case_number,
                found,
                "" if read.found is None else read.found,
                read.query,
                read.detail,
                read.ip or "",
                "" if read.seq is None else read.seq,  # not yet sealed
            )
            for column, value in enumerate(values):
                if isinstance(value, int):
                    sheet.write_number(written, column, value)
                else:
                    sheet.write_string(written, column, value)
        batch.clear()

    # Each read's place in its chain (audit.chain), from its seal.
    seals = Seal.objects.filter(chain="reads", record_id=OuterRef("pk")).values("seq")[:1]
    for read in rows.annotate(seq=Subquery(seals))[:CAP].iterator(chunk_size=BATCH):
        batch.append(read)
        if len(batch) >= BATCH:
            flush()
    flush()
    book.close()
    return written
