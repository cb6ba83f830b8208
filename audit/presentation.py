"""How an event is shown: the timeline on a case page and the auditor's reading of the log."""

import datetime

from revocation import persian


def shown_value(value, kind: str) -> str:
    """A stored change value as people read it: Solar Hijri dates, Persian digits, «—» for none."""
    if value in (None, ""):
        return "—"
    if kind == "date":
        return persian.jalali(datetime.date.fromisoformat(value))
    if kind == "datetime":
        return persian.jalali(datetime.datetime.fromisoformat(value), "%Y/%m/%d %H:%M")
    return persian.digits_to_persian(value)


def changes_of(event) -> list[dict]:
    """The changes of an event, each with its label and its old and new values shown."""
    return [
        {
            "label": item.get("label", ""),
            "old": shown_value(item.get("old"), item.get("type", "text")),
            "new": shown_value(item.get("new"), item.get("type", "text")),
            "was_empty": item.get("old") in (None, ""),
        }
        for item in event.changes
    ]
