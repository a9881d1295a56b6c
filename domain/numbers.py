"""Numbers as officers write them — "99,5%", "69,45 điểm" in Vietnamese (a decimal comma),
"99.5%", "69.45" in English — and numbers read back from either form ("8,5" or "8.5")."""

from __future__ import annotations

import math
import re

_LOCALES = {"vi": "vi_VN", "en": "en"}
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)


def decimal(value: float, lang: str = "vi", digits: int = 2) -> str:
    """``value`` with at most ``digits`` decimals, in ``lang``'s way: "69,45" (vi), "69.45" (en).
    Thousands are grouped ("1.234,5" / "1,234.5"); a non-finite value prints as itself."""
    if not math.isfinite(value):
        return str(value)
    from babel.numbers import format_decimal  # here, not at import: ``cchc --help`` stays fast

    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=_LOCALES.get(lang, "vi_VN"))


def percent(value: float, lang: str = "vi", digits: int = 1) -> str:
    """``value`` (already in percent: 99.5 for 99.5 %) as "99,5%" (vi) or "99.5%" (en)."""
    return f"{decimal(value, lang, digits)}%"


def parse_number(text: str) -> float | None:
    """The number in ``text`` written with a decimal point or a decimal comma ("8.5", "8,5",
    "-0,5", "1e3", and ``nan``/``inf`` for the caller to refuse); ``None`` when it is not one
    plain number in ASCII digits (thousands separators are not read: "1.234,5" is ambiguous on
    a command line and is refused)."""
    cleaned = text.strip()
    if _NOT_FINITE.fullmatch(cleaned):
        return float(cleaned)  # nan, inf: the caller decides whether they are allowed
    if _NUMBER.fullmatch(cleaned) is None:
        return None  # other scripts' digits, "1_000", words
    return float(cleaned.replace(",", "."))
