"""Who holds a position on a date — "phân công, kiêm nhiệm, quyền, ủy quyền"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

KINDS = ("holder", "acting", "delegate")


@dataclass(frozen=True)
class Holding:
    """An officer holding a position from ``start`` to ``end`` (inclusive; None = open).

    ``kind``: ``holder`` (the appointed holder), ``acting`` (quyền: stands in while the
    post is vacant or the holder is away) or ``delegate`` (ủy quyền: acts for a named
    holder). ``scope`` lists the plan areas the holding covers; empty means all areas.
    """

    officer: str
    name: str
    position: str
    start: dt.date
    end: dt.date | None = None
    kind: str = "holder"
    scope: tuple[str, ...] = ()
    acting_for: str | None = None

    def active(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)

    def covers(self, area: str | None) -> bool:
        return not self.scope or area is None or area in self.scope


def holders(
    holdings: Iterable[Holding], position: str, on: dt.date, area: str | None = None
) -> list[Holding]:
    """The officers accountable through ``position`` on ``on`` for work in ``area``.

    Holders whose scope names the area come first; without one, holders with no scope
    answer. Among those, an acting or delegated holder stands in, while their holding
    runs, for the holder named in ``acting_for`` — or for every appointed holder when it
    names nobody (a vacant post). Several answers mean shared accountability.
    """
    active = [h for h in holdings if h.position == position and h.active(on)]
    if area is not None:
        scoped = [h for h in active if h.scope and area in h.scope]
        pool = scoped or [h for h in active if not h.scope]
    else:
        pool = active
    standing_in = [h for h in pool if h.kind != "holder"]
    replaced = {h.acting_for for h in standing_in}
    if None in replaced:
        chosen = standing_in
    else:
        chosen = [h for h in pool if h.kind == "holder" and h.officer not in replaced] + standing_in
    return sorted(chosen, key=lambda h: (h.kind != "holder", h.start, h.officer))
