"""The working-day calendar: Vietnam's public holidays plus the stored overrides."""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from domain.workdays import WorkCalendar
from models import CalendarOverride
from storage.audit import record


def public_holidays(years: Iterable[int], *, lang: str = "vi") -> dict[dt.date, str]:
    """Vietnam's public holidays (Tết, Hùng Kings, 30/4, 1/5, National Day, observed days),
    named in ``lang`` ("vi" or "en") whatever the machine's locale."""
    return dict(_public_holidays(tuple(sorted(set(years))), "en_US" if lang == "en" else "vi"))


@lru_cache(maxsize=64)
def _public_holidays(years: tuple[int, ...], language: str) -> tuple[tuple[dt.date, str], ...]:
    # The language is always given: left out, the library follows LANGUAGE/LC_ALL/LANG.
    vietnam = _vietnam()
    if vietnam is None:
        import holidays

        return tuple(holidays.country_holidays("VN", years=list(years), language=language).items())
    return tuple(vietnam(years=list(years), language=language).items())


@cache
def _vietnam() -> Any:
    """The holidays library's class for Vietnam, its module loaded alone: the library's own
    ``country_holidays`` first imports the modules of every country it knows (about 250, most
    of the time a reading command spends on its calendar). ``None`` when the library is not
    laid out as expected (then ``country_holidays`` is used)."""
    import holidays  # the library's core, which the country's module uses

    folder = Path(holidays.__file__).parent / "countries"
    spec = importlib.util.spec_from_file_location(
        "holidays.countries.vietnam", folder / "vietnam.py"
    )
    if spec is None or spec.loader is None or not (folder / "vietnam.py").is_file():
        return None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except ImportError:
        return None
    return getattr(module, "Vietnam", None)


def load_calendar(*, session: Session, years: Iterable[int], lang: str = "vi") -> WorkCalendar:
    """The calendar for ``years`` (and the years either side, for deadlines that spill over);
    any other year's public holidays are looked up when a day of it is first asked about.
    Holidays are named in ``lang``."""
    wanted = set(years)
    wanted |= {y + 1 for y in wanted} | {y - 1 for y in wanted}
    overrides = session.exec(select(CalendarOverride)).all()
    return WorkCalendar(
        holidays=public_holidays(wanted, lang=lang),
        holidays_of=lambda year: public_holidays([year], lang=lang),
        days_off={o.day: o.reason for o in overrides if not o.working},
        working={o.day: o.reason for o in overrides if o.working},
    )


def set_override(
    day: dt.date, working: bool, reason: str, *, session: Session, actor: str, now: dt.datetime
) -> None:
    """Make ``day`` a working day or a day off, with its legal source; replaces an earlier override."""
    row = session.exec(select(CalendarOverride).where(col(CalendarOverride.day) == day)).first()
    before = None if row is None else {"working": row.working, "reason": row.reason}
    if row is None:
        row = CalendarOverride(day=day, working=working, reason=reason)
    else:
        row.working, row.reason = working, reason
    session.add(row)
    record(
        session=session,
        actor=actor,
        now=now,
        action="set",
        entity="calendar_override",
        key=day.isoformat(),
        before=before,
        after={"working": working, "reason": reason},
    )


def clear_override(day: dt.date, *, session: Session, actor: str, now: dt.datetime) -> bool:
    row = session.exec(select(CalendarOverride).where(col(CalendarOverride.day) == day)).first()
    if row is None:
        return False
    session.delete(row)
    record(
        session=session,
        actor=actor,
        now=now,
        action="clear",
        entity="calendar_override",
        key=day.isoformat(),
        before={"working": row.working, "reason": row.reason},
    )
    return True
