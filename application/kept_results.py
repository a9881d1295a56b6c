"""The province's results kept while nothing they were read from has changed.

A province's pages add up every occurrence, document and dossier of up to hundreds of units,
and its officers open them again and again while the figures stay the same. A result is
kept under what it was asked with (the view, the database, who asked, the arguments) and
served again only while all of these hold:

- the audit log's newest entry is the one it was read under: every change to what these
  views read — plans, occurrences, documents, assessments, units, people and their roles,
  dossier imports, deadlines — appends an entry, so a new one means the result may be stale;
- the clock has not reached the next deadline among the result's occurrences (what is due so
  far and what is overdue change then) nor the next quarter of an hour: every time zone's
  midnight falls on one, so no unit's "today" changes unseen;
- it is at most ``MAX_AGE`` old, for a change made in the database by hand, without the log.

Who asked is part of the key, and whether they may read was decided under the same log
entry: a role given or taken away is a change, after which the decision is made again.
Kept per process (each web worker its own), at most ``KEPT`` results, the least used dropped.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

MAX_AGE = dt.timedelta(seconds=60)
KEPT = 32
QUARTER = 15 * 60  # seconds


@dataclass(frozen=True)
class _Kept:
    entry: tuple[int, str] | None
    at: dt.datetime
    until: dt.datetime
    value: Any


def _next_quarter(now: dt.datetime) -> dt.datetime:
    """The first quarter of an hour (UTC) strictly after ``now``."""
    seconds = int(now.timestamp())
    return dt.datetime.fromtimestamp((seconds // QUARTER + 1) * QUARTER, dt.UTC)


class KeptResults:
    """Results by key, each valid under one audit log entry and until a moment."""

    def __init__(self, size: int = KEPT) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, entry: tuple[int, str] | None, now: dt.datetime) -> Any | None:
        """The result kept for ``key`` if it still holds at ``now`` under ``entry``."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is None:
                return None
            if kept.entry != entry or not (kept.at <= now < kept.until or now == kept.at):
                del self._kept[key]
                return None
            self._kept.move_to_end(key)
            return kept.value

    def put(
        self,
        key: Hashable,
        entry: tuple[int, str] | None,
        now: dt.datetime,
        value: Any,
        *,
        deadline: dt.datetime | None = None,
    ) -> None:
        """Keep ``value``, read at ``now`` under ``entry``; ``deadline``: the next moment at
        or after ``now`` when the clock alone changes it (None: none but midnight)."""
        until = min(_next_quarter(now), now + MAX_AGE)
        if deadline is not None:
            until = min(until, deadline)
        with self._lock:
            self._kept[key] = _Kept(entry, now, until, value)
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        """Forget every result (a benchmark measuring the work itself)."""
        with self._lock:
            self._kept.clear()


PROVINCE = KeptResults()
