"""Rendering reports: rich for people, JSON for programs."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console

if TYPE_CHECKING:
    from domain.i18n import Lang

# markup and emoji codes are off: names, titles and messages are printed as typed ("[tạm nghỉ]"
# and ":x:" stay, a stray "[/b]" does not crash); styled output is built with rich.text.Text
console = Console(highlight=False, markup=False, emoji=False)
err_console = Console(stderr=True, highlight=False, markup=False, emoji=False)


def reset_consoles() -> None:
    """Make both consoles again for the streams and environment the process has now: a
    console reads the terminal's colours and width (``COLUMNS``) when it is made, and a
    command started from the preloaded process (``cchc.preload``) has another terminal than
    the one the consoles were made for. In place, so every module's name for them follows."""
    console.__init__(highlight=False, markup=False, emoji=False)  # type: ignore[misc]
    err_console.__init__(stderr=True, highlight=False, markup=False, emoji=False)  # type: ignore[misc]


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, set | tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(data: Any) -> None:
    """Stable, readable JSON on stdout (UTF-8, Vietnamese kept as is)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n")


def fmt_num(value: float | None, lang: str = "vi") -> str:
    """A score or count as officers write it: "69,45" in Vietnamese, "69.45" in English."""
    from domain.numbers import decimal

    return "" if value is None else decimal(value, lang)


@contextmanager
def problems_json(json_wanted: bool, lang: Lang) -> Iterator[None]:
    """With ``--json``, an input refused (``InvalidInput``) is also printed as JSON on stdout:
    every problem with its own row (the text on stderr groups repeated ones), then re-raised
    so the command still fails with its message."""
    from domain.errors import InvalidInput

    try:
        yield
    except InvalidInput as exc:
        if json_wanted:
            print_json(
                {
                    "file": exc.source or None,
                    "problems": [p.as_dict(lang) for p in exc.problems],
                    "more": int(getattr(exc, "more", 0)),
                }
            )
        raise
