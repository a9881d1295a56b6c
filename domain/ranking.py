"""Ranking units by their appraised PAR Index — "xếp hạng Chỉ số CCHC".

Pure: given each unit's published index this year and last, the rank (equal indexes share a
rank, the next rank skips: 1, 1, 3), and the change since last year (index points, and places
moved up: positive is better). Units without a published index are listed after the ranked
ones, unranked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Standing:
    """A unit's place: ``rank`` None when it has no published index."""

    code: str
    index: float | None
    rank: int | None
    previous_index: float | None = None
    previous_rank: int | None = None

    @property
    def index_change(self) -> float | None:
        if self.index is None or self.previous_index is None:
            return None
        return round(self.index - self.previous_index, 2)

    @property
    def rank_change(self) -> int | None:
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


def ranks(indexes: Mapping[str, float | None]) -> dict[str, int]:
    """Competition ranks of the units with an index, highest index first."""
    ranked = sorted(((v, k) for k, v in indexes.items() if v is not None), key=lambda p: -p[0])
    out: dict[str, int] = {}
    for n, (value, code) in enumerate(ranked):
        out[code] = n + 1 if n == 0 or value != ranked[n - 1][0] else out[ranked[n - 1][1]]
    return out


def standings(
    codes: Sequence[str],
    this_year: Mapping[str, float | None],
    last_year: Mapping[str, float | None],
) -> list[Standing]:
    """Every unit of ``codes``: ranked ones by rank (then code), then the others by code."""
    now_ranks, then_ranks = ranks(this_year), ranks(last_year)
    rows = [
        Standing(
            code,
            this_year.get(code),
            now_ranks.get(code),
            last_year.get(code),
            then_ranks.get(code),
        )
        for code in codes
    ]
    return sorted(rows, key=lambda s: (s.rank is None, s.rank or 0, s.code))
