"""Messages about the province's deadlines for its units — "nhắc hạn", "quá hạn".

``deadline``: to a unit's chairman and CCHC officer, a reminder before the day the province
set (the self-assessment's submission, the end of the explanation window), on the day, and —
once late — that the lateness was reported to the province's CCHC staff. ``deadline_overdue``:
to each of the province's CCHC staff, one message listing every unit found late by a sweep.
The context builders take plain data and touch no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from domain.i18n import Lang

DEADLINE, OVERDUE = "deadline", "deadline_overdue"
KINDS = (DEADLINE, OVERDUE)
SELF_ASSESSMENT, EXPLANATION = "self_assessment", "explanation"


@dataclass(frozen=True)
class State:
    """Where a unit stands against a deadline on the day a message is written."""

    days_left: int
    overdue: bool
    days_late: int

    @classmethod
    def of(cls, working_days_left: int, passed: bool) -> State:
        """From the working days left (negative: late) and whether the deadline has passed."""
        late = passed or working_days_left < 0
        return cls(
            0 if late else working_days_left, late, max(-working_days_left, 0) if late else 0
        )

    def as_dict(self) -> dict[str, Any]:
        return {"days_left": self.days_left, "overdue": self.overdue, "days_late": self.days_late}


def command(deadline: str, unit_code: str, year: int) -> str:
    """What a unit's officer types to do what the deadline asks."""
    if deadline == SELF_ASSESSMENT:
        return f"cchc par submit --year {year}"
    return f"cchc appraisal show --unit {unit_code} --year {year}"


def deadline_context(
    *,
    lang: Lang,
    unit_name: str,
    unit_code: str,
    recipient_name: str,
    province_name: str,
    deadline: str,
    year: int,
    due: dt.date,
    state: State,
    unanswered: int = 0,
    told: Sequence[str] = (),
    catch_up: bool = False,
    link: str | None = None,
) -> dict[str, Any]:
    """Context of a ``deadline`` message to one of a unit's officers: what the province asks
    (``deadline``), by when, where the unit stands (``state``), for an explanation how many
    items still wait (``unanswered``), and — late — to whom it was reported (``told``)."""
    return {
        "lang": lang,
        "unit_name": unit_name,
        "unit_code": unit_code,
        "recipient_name": recipient_name,
        "province_name": province_name,
        "deadline": deadline,
        "year": year,
        "due": due,
        "state": state.as_dict(),
        "unanswered": unanswered,
        "told": list(told),
        "catch_up": catch_up,
        "command": command(deadline, unit_code, year),
        "link": link,
        "links": link is not None,
    }


def late_unit(
    *,
    unit_name: str,
    unit_code: str,
    deadline: str,
    year: int,
    due: dt.date,
    state: State,
    chairman: Sequence[str] = (),
    cchc_officer: Sequence[str] = (),
    unanswered: int = 0,
    province_code: str = "",
    link: str | None = None,
) -> dict[str, Any]:
    """One late unit in a ``deadline_overdue`` message: the unit, what it has not done, since
    when, and who answers for it there."""
    if deadline == SELF_ASSESSMENT:
        see = f"cchc province progress --unit {province_code or unit_code} --year {year}"
    else:
        see = command(deadline, unit_code, year)
    return {
        "unit_name": unit_name,
        "unit_code": unit_code,
        "deadline": deadline,
        "year": year,
        "due": due,
        "state": state.as_dict(),
        "chairman": list(chairman),
        "cchc_officer": list(cchc_officer),
        "unanswered": unanswered,
        "command": see,
        "link": link,
    }


def overdue_context(
    *,
    lang: Lang,
    province_name: str,
    recipient_name: str,
    units: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """Context of a ``deadline_overdue`` message to one of the province's CCHC staff: the
    ``units`` (``late_unit``) found late, in one message."""
    kinds = {u["deadline"] for u in units}
    years = {u["year"] for u in units}
    return {
        "lang": lang,
        "unit_name": province_name,
        "recipient_name": recipient_name,
        "units": list(units),
        "deadline": next(iter(kinds)) if len(kinds) == 1 else "",
        "year": next(iter(years)) if len(years) == 1 else None,
        "links": any(u["link"] for u in units),
    }


# --- samples for `cchc notify preview` ------------------------------------------------------

SAMPLE_UNIT = "UBND phường Phú Hữu"
_PROVINCE = {"vi": "Thành phố Hồ Chí Minh", "en": "Ho Chi Minh City"}


def sample_context(kind: str, lang: Lang) -> dict[str, Any]:
    """A realistic ``deadline`` or ``deadline_overdue`` context."""
    due = dt.date(2020, 2, 3)  # the Monday right after Tết
    if kind == DEADLINE:
        return deadline_context(
            lang=lang,
            unit_name=SAMPLE_UNIT,
            unit_code="phu-huu",
            recipient_name="Nguyễn Văn Hùng",
            province_name=_PROVINCE[lang],
            deadline=SELF_ASSESSMENT,
            year=2019,
            due=due,
            state=State.of(2, passed=False),
        )
    if kind == OVERDUE:
        return overdue_context(
            lang=lang,
            province_name=_PROVINCE[lang],
            recipient_name="Lê Thị Thu",
            units=[
                late_unit(
                    unit_name=SAMPLE_UNIT,
                    unit_code="phu-huu",
                    deadline=SELF_ASSESSMENT,
                    year=2019,
                    due=due,
                    state=State.of(-1, passed=True),
                    chairman=["Nguyễn Văn Hùng"],
                    cchc_officer=["Phạm Thị Hồng Nhung"],
                    province_code="tp-hcm",
                ),
                late_unit(
                    unit_name="UBND phường Long Trường",
                    unit_code="long-truong",
                    deadline=EXPLANATION,
                    year=2019,
                    due=dt.date(2020, 1, 31),
                    state=State.of(-2, passed=True),
                    chairman=["Trần Văn Nam"],
                    unanswered=3,
                ),
            ],
        )
    raise ValueError(f"unknown message kind {kind!r}")
