"""Progress in the categories Vietnamese task tracking reports use ("tiến độ thực hiện nhiệm vụ").

Every occurrence falls in exactly one of five categories, or is set aside:

- ``done_on_time`` — "đã hoàn thành đúng hạn": accepted, and the submission that was accepted
  came at or before the deadline (17:00 local time on the due date, ``due_at``; a submission at
  17:00 sharp is on time);
- ``done_late`` — "đã hoàn thành quá hạn": accepted, that submission came after the deadline;
- ``in_progress_on_time`` — "đang thực hiện trong hạn": open, being worked on or returned, its
  period has begun and the deadline has not passed; or submitted (not yet reviewed) at or
  before the deadline — the officer handed it in on time, the review is pending;
- ``in_progress_late`` — "đang thực hiện quá hạn": open, being worked on or returned after the
  deadline; or submitted after the deadline and not yet accepted;
- ``not_yet_due`` — "chưa đến hạn": not started (open) and its period has not begun yet.

Waived occurrences ("miễn") are neither done nor late: they are counted apart (``waived``) and
left out of the total and the shares; cancelled ones are left out entirely. Shares are percents
of the total of the five categories.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from domain.i18n import Lang, t
from domain.lifecycle import ACCEPTED, CANCELLED, OPEN, SUBMITTED, WAIVED
from domain.numbers import percent

CATEGORIES = (
    "done_on_time",
    "done_late",
    "in_progress_on_time",
    "in_progress_late",
    "not_yet_due",
)


@dataclass(frozen=True)
class Item:
    """What the classification needs of one occurrence: its status, when its period begins and
    its deadline (aware), and when the work was submitted (the last submission, aware)."""

    status: str
    period_start: dt.datetime
    due_at: dt.datetime
    submitted_at: dt.datetime | None = None


def _aware(value: dt.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def classify(item: Item, now: dt.datetime) -> str | None:
    """The category of ``item`` at ``now`` (one of ``CATEGORIES``), ``"waived"`` for a waived
    occurrence, ``None`` for a cancelled one."""
    _aware(now, "now")
    handed_in = item.submitted_at
    return category(
        item.status,
        ahead=now < item.period_start,
        past=now > item.due_at,
        handed_in=handed_in is not None,
        handed_in_late=handed_in is not None and handed_in > item.due_at,
    )


def category(
    status: str, *, ahead: bool, past: bool, handed_in: bool, handed_in_late: bool
) -> str | None:
    """The category of an occurrence in ``status`` whose period has not begun (``ahead``),
    whose deadline has passed (``past``), handed in at some time (``handed_in``), after its
    deadline (``handed_in_late``): what :func:`classify` decides, for counts read in groups."""
    if status == CANCELLED:
        return None
    if status == WAIVED:
        return "waived"
    if status == ACCEPTED:
        return "done_late" if handed_in_late else "done_on_time"
    if status == SUBMITTED and handed_in:
        return "in_progress_late" if handed_in_late else "in_progress_on_time"
    if past:
        return "in_progress_late"
    if status == OPEN and ahead:
        return "not_yet_due"
    return "in_progress_on_time"


@dataclass(frozen=True)
class Progress:
    """How many occurrences fall in each category, and their shares of ``total`` (percent)."""

    done_on_time: int = 0
    done_late: int = 0
    in_progress_on_time: int = 0
    in_progress_late: int = 0
    not_yet_due: int = 0
    waived: int = 0

    @property
    def total(self) -> int:
        return sum(self.count(c) for c in CATEGORIES)

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    def count(self, category: str) -> int:
        return int(getattr(self, category))

    def share(self, category: str) -> float:
        """The percent of ``total`` in ``category`` (0 when there is nothing to count)."""
        total = self.total
        return 100 * self.count(category) / total if total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "done": self.done,
            "waived": self.waived,
            "categories": {
                c: {"count": self.count(c), "share": round(self.share(c), 1)} for c in CATEGORIES
            },
        }


def summarize(items: Iterable[Item], now: dt.datetime) -> Progress:
    """The counts of ``items`` per category at ``now``."""
    counts = dict.fromkeys((*CATEGORIES, "waived"), 0)
    for item in items:
        category = classify(item, now)
        if category is not None:
            counts[category] += 1
    return Progress(**counts)


def label(category: str, lang: Lang = "vi") -> str:
    """A category's name as reports write it ("đã hoàn thành đúng hạn", "chưa đến hạn")."""
    return t(f"progress.{category}", lang)


def describe(progress: Progress, lang: Lang = "vi") -> str:
    """One line for a summary: "Tiến độ: 12 nhiệm vụ: 5 đã hoàn thành đúng hạn (41,7%); …",
    every category with its count and share, then the waived ones apart when there are any."""
    parts = [
        t(
            "progress.part",
            lang,
            n=progress.count(c),
            label=label(c, lang),
            share=percent(progress.share(c), lang),
        )
        for c in CATEGORIES
    ]
    line = t("progress.line", lang, total=progress.total, parts="; ".join(parts))
    if progress.waived:
        line += " " + t("progress.line_waived", lang, n=progress.waived)
    return line
