"""How an event is shown: the timeline on a case page and the auditor's reading of the log."""

import datetime

from shared import persian


def shown_value(value, kind: str) -> str:
    """A stored change value as people read it: Solar Hijri dates, Persian digits, «—» for none."""
    if value in (None, ""):
        return "—"
    if kind == "date":
        return persian.jalali(datetime.date.fromisoformat(value))
    if kind == "datetime":
        return persian.jalali(datetime.datetime.fromisoformat(value), "%Y/%m/%d %H:%M")
    if kind == "code":  # a checksum or machine identifier: kept exactly as it is
        return str(value)
    return persian.digits_to_persian(value)


def changes_of(event) -> list[dict]:
    """The changes of an event, each with its label and its old and new values shown."""
    return [
        {
            # A label naming a machine format («SHA-256») keeps its digits.
            "label": item.get("label", "")
            if item.get("type") == "code"
            else persian.digits_to_persian(item.get("label", "")),
            "old": shown_value(item.get("old"), item.get("type", "text")),
            "new": shown_value(item.get("new"), item.get("type", "text")),
            "was_empty": item.get("old") in (None, ""),
            "code": item.get("type") == "code",
        }
        for item in event.changes
    ]
