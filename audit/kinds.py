"""The words of the trail that belong to the apps above audit: the kinds of event they record and
the actions of the read log (what was read: a case page, a printed order...).

Audit names only its own kinds (``Event.Kind``: a change of fields, a security event). Every other
kind or read action is a plain string in the tables, declared with its Persian label by the app
that writes it, in the module ``trail`` of that app (``cases.trail``, ``najva.trail``...), with
``@kinds.events`` or ``@kinds.reads`` on a ``TextChoices`` of its own. Audit's ready() imports
every app's ``trail`` module (as the admin finds ``admin`` modules), so the labels are known before
the first request, and ``record``/``record_read`` refuse a word no app declared.
"""

from django.core.exceptions import ImproperlyConfigured

_WORDS: dict[str, dict[str, str]] = {"events": {}, "reads": {}}


def _declare(log: str, choices):
    for value, label in choices.choices:
        known = _WORDS[log].get(value)
        # Two apps may share a word (the signed scan of any printed document) only with one label.
        if known is not None and str(known) != str(label):
            raise ImproperlyConfigured(
                f"audit {log}: {value!r} declared as {known!r} and as {label!r}"
            )
        _WORDS[log][value] = label
    return choices


def events(choices):
    """Class decorator: the kinds of event of a ``TextChoices`` are known to the trail."""
    return _declare("events", choices)


def reads(choices):
    """Class decorator: the read actions of a ``TextChoices`` are known to the read log."""
    return _declare("reads", choices)


def label(log: str, value: str) -> str:
    """The Persian label of ``value`` in ``log`` ("events" or "reads"); the value itself if none."""
    return str(_WORDS[log].get(value, value))


def choices(log: str) -> list[tuple[str, str]]:
    """(value, label) of every declared word of ``log``, in the order they were declared."""
    return [(value, str(text)) for value, text in _WORDS[log].items()]


def known(log: str, value: str) -> str:
    """``value``, if an app declared it for ``log``: a typo fails at its first use."""
    if value not in _WORDS[log]:
        raise ValueError(f"audit {log}: {value!r} is declared by no app (<app>/trail.py)")
    return value
