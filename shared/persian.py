"""Persian text helpers: the one place where names, identifiers, digits and dates are normalized.

Names reach us typed with Arabic or Persian letters (ي/ی, ك/ک), with or without zero-width
non-joiners, with diacritics or tatweel, and digits in three scripts. Everything that stores,
compares or searches goes through these functions so that the same name or number is always the
same key. NFKC is not enough: it maps presentation forms to the *Arabic* yeh.
"""

import datetime
import re
import unicodedata
from functools import lru_cache

import jdatetime
from django.utils import timezone

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
ASCII_DIGITS = "0123456789"

_TO_ASCII_DIGITS = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, ASCII_DIGITS * 2)
_TO_PERSIAN_DIGITS = str.maketrans(ASCII_DIGITS + ARABIC_INDIC_DIGITS, PERSIAN_DIGITS * 2)

ZWNJ = "\u200c"
TATWEEL = "\u0640"

# Letters that Arabic keyboards and older systems produce, mapped to the Persian letter people mean.
_LETTERS = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh
        "ى": "ی",  # Arabic alef maksura
        "ئ": "ی",  # yeh with hamza (spelled both ways in names)
        "ك": "ک",  # Arabic kaf
        "ة": "ه",  # teh marbuta
        "ۀ": "ه",  # heh with yeh above
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "آ": "ا",
        "ؤ": "و",
        "ە": "ه",  # Kurdish ae, typed for heh
        ZWNJ: " ",
        "\u200b": " ",  # zero-width space, typed where a ZWNJ was meant
        "\u200d": "",  # zero-width joiner
        "\u200f": "",  # right-to-left mark
        "\u200e": "",  # left-to-right mark
        TATWEEL: "",
        "\u00a0": " ",
    }
)

_WHITESPACE = re.compile(r"\s+")


def digits_to_ascii(text: str) -> str:
    """Persian and Arabic-Indic digits to ASCII; everything else unchanged."""
    return text.translate(_TO_ASCII_DIGITS)


def digits_to_persian(value) -> str:
    """Any digits in ``value`` (formatted with ``str``) to Persian digits, for what people read."""
    if value is None:
        return ""
    return str(value).translate(_TO_PERSIAN_DIGITS)


def isolated(value) -> str:
    """An identifier in plain text (a message, an error) in Persian digits, isolated left to right
    (U+2066 … U+2069), so that «۲۳-۱۴۰۵-۰۰۰۱۷» reads in order inside a Persian sentence where no
    <bdi> can be used."""
    return f"\u2066{digits_to_persian(value)}\u2069"


def normalize_name(text: str) -> str:
    """The search key of a name: Persian letters, no diacritics or tatweel, ZWNJ as a space,
    digits in ASCII, single spaces, no case differences for Latin letters."""
    if not text:
        return ""
    # NFKC first folds presentation forms (ﻳ, ﮐ ...) to base letters; _LETTERS then maps the Arabic
    # letters NFKC produces to the Persian ones.
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_LETTERS)
    # Harakat and hamza above (Mn), and invisible format characters left after the ZWNJ became a
    # space: zero-width space, BOM, direction marks (Cf).
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Mn", "Cf"})
    text = digits_to_ascii(text)
    return _WHITESPACE.sub(" ", text).strip().casefold()


def name_parts(*names: str) -> list[str]:
    """The parts of a person's name as the search indexes them: each name (first, last, father)
    normalized, with its spaces and anything but letters and digits removed, once each.

    «کریمی‌نژاد», «کريمي نژاد» and «کریمینژاد» are all the part «کریمینژاد»; a word typed in the
    search box is looked for inside these parts (people.selectors).
    """
    parts: list[str] = []
    for name in names:
        part = name_part(name)
        if part and part not in parts:
            parts.append(part)
    return parts


def name_part(text: str) -> str:
    """One name (or one typed word) as the search compares it: normalized, letters and digits
    only, so «کريمي‌نژاد» and «کریمینژاد» are the same part."""
    return "".join(ch for ch in normalize_name(text) if ch.isalnum())


def normalize_identifier(text) -> str:
    """An identifier (document number, household number): its letters and ASCII digits only.

    Spaces, dashes, slashes and direction marks are dropped; digits in any script become ASCII;
    Persian letters are kept, normalized as in names (so «الف-۱۲۳» stays distinct from «ب-۱۲۳»
    and from «123»); Latin letters are upper-cased so that ``ab123`` equals ``AB123``.
    """
    if text is None:
        return ""
    text = digits_to_ascii(unicodedata.normalize("NFKC", str(text))).translate(_LETTERS)
    return "".join(ch for ch in text if ch.isalnum()).upper()


def parse_jalali_date(text: str) -> datetime.date:
    """A Solar Hijri date typed as ``1405/09/04`` (any digits, ``/`` or ``-``) to a Gregorian date.

    Raises ``ValueError`` with a Persian message for malformed or impossible dates (e.g. 1405/12/31
    in a non-leap year).
    """
    cleaned = digits_to_ascii((text or "").strip()).replace("-", "/")
    match = re.fullmatch(r"(\d{4})/(\d{1,2})/(\d{1,2})", cleaned)
    if not match:
        raise ValueError("تاریخ را به صورت سال/ماه/روز خورشیدی وارد کنید، مانند ۱۴۰۵/۰۹/۰۴.")
    year, month, day = (int(part) for part in match.groups())
    try:
        return jdatetime.date(year, month, day).togregorian()
    except ValueError:
        raise ValueError(
            f"تاریخ {digits_to_persian(cleaned)} در تقویم خورشیدی وجود ندارد."
        ) from None


def jalali(value, fmt: str = "%Y/%m/%d") -> str:
    """A date or datetime in the Solar Hijri calendar with Persian digits.

    Aware datetimes are shown in the local time zone (Asia/Tehran); dates as they are.
    """
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        if fmt in _PLAIN_FORMATS:  # the formats of nearly every page, without jdatetime's strftime
            year, month, day = _jalali_day(value.date())
            text = f"{year:04d}/{month:02d}/{day:02d}"
            if fmt == _DAY_AND_TIME:
                text += f" {value.hour:02d}:{value.minute:02d}"
            return digits_to_persian(text)
        converted = jdatetime.datetime.fromgregorian(datetime=value, locale="fa_IR")
    elif isinstance(value, datetime.date):
        if fmt == _DAY:
            return digits_to_persian("{:04d}/{:02d}/{:02d}".format(*_jalali_day(value)))
        converted = jdatetime.date.fromgregorian(date=value, locale="fa_IR")
    else:
        return str(value)
    fmt = fmt.replace("%-d", str(converted.day))
    return digits_to_persian(converted.strftime(fmt))


_DAY, _DAY_AND_TIME = "%Y/%m/%d", "%Y/%m/%d %H:%M"
_PLAIN_FORMATS = (_DAY, _DAY_AND_TIME)


@lru_cache(maxsize=8192)
def _jalali_day(day: datetime.date) -> tuple[int, int, int]:
    """(year, month, day) in the Solar Hijri calendar: a list of 250 rows shows few days."""
    converted = jdatetime.date.fromgregorian(date=day)
    return converted.year, converted.month, converted.day


def jalali_year(value: datetime.date | datetime.datetime) -> int:
    """The Solar Hijri year of a date, or of an aware datetime in the local time zone."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return jdatetime.date.fromgregorian(date=value).year
