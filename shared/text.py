"""Free text that people type and others read (reasons, notes): the rules every form and every
service applies where the text enters, so that one typed through no form (a service called from
a command, a task, a test) meets them too.

- No bidi embedding, override or isolate (U+202A-U+202E, U+2066-U+2069): they reorder what the
  next reader sees ("‮fdp.exe" shows as "exe.pdf"). The marks U+200E and U+200F (LRM, RLM) and
  U+061C (ALM) stay: the Persian keyboard types them, and they move only the neutral characters
  next to them, never hide the order of a run.
- At most ``TEXT_MAX_CHARS`` characters: a reason is a few sentences, and what is written goes to
  the append-only trail for good (issue 21: 200 KB reasons were written there). The trail itself
  refuses a reason past ``TRAIL_REASON_MAX_CHARS`` (audit.services.record), the text with the
  sentence the system puts around it.
"""

from django.core.exceptions import ValidationError

from shared.persian import digits_to_persian
from shared.uploads import BIDI_MESSAGE, has_bidi_controls

TEXT_MAX_CHARS = 2000
TRAIL_REASON_MAX_CHARS = 4000


def too_long_message(limit: int = TEXT_MAX_CHARS) -> str:
    return f"این متن بیش از {digits_to_persian(limit)} نویسه است؛ کوتاه‌ترش کنید."


def text_refusal(text, *, limit: int = TEXT_MAX_CHARS) -> str | None:
    """Why ``text`` may not be kept (a Persian sentence), or None."""
    if not isinstance(text, str):
        return None
    if has_bidi_controls(text):
        return BIDI_MESSAGE
    if len(text) > limit:
        return too_long_message(limit)
    return None


def checked_text(text, *, field: str = "reason", refuse=ValidationError) -> str:
    """``text`` stripped, or ``refuse({field: [why]})`` (a service passes its own refusal class,
    a subclass of ValidationError its views already answer)."""
    text = (text or "").strip()
    problem = text_refusal(text)
    if problem:
        raise refuse({field: [problem]})
    return text
