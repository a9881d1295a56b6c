"""The ranking as the web pages read it — "xếp hạng": the province's whole ranking for its
staff and appraisers (``application.appraisal_ranking.ranking``), a unit's own published
result and place for the unit's CCHC officer and chairman (never another unit's figures),
and the ranking's report as the bytes of an XLSX or DOCX file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from application.access import Identity
from application.appraisal_ranking import Ranking
from application.uow import UnitOfWork
from domain.i18n import Lang

FILES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class OwnResult:
    """A unit's own result of ``year``: its figures once published (None before), its rank
    among the province's published units (``ranked`` of them) and its change since last
    year."""

    unit: str
    name: str
    year: int
    stage: str
    self_index: float | None
    survey: float | None
    appraised_index: float | None = None
    grade: str | None = None
    rank: int | None = None
    ranked: int = 0
    index_change: float | None = None
    rank_change: int | None = None

    @property
    def published(self) -> bool:
        return self.stage == "published"


def standing(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str | None = None,
    year: int | None = None,
) -> Ranking | OwnResult:
    """The province's ranking below ``unit`` (default: the reader's unit) for whoever may read
    it (``ranking.read``); for an officer of a unit with nothing below it, that unit's own
    result (``appraisal.explain``: its CCHC officer and chairman; the figures only once
    published, ``appraisal.read_final``). Anyone else is refused."""
    from application.appraisal import _context
    from application.appraisal_board import default_year
    from application.appraisal_ranking import ranking
    from application.units import unit_of
    from domain.ranking import standings
    from storage.appraisal import ranking_rows, tree

    with uow as session:
        shape = tree(session)
        row = unit_of(session, identity, unit, now)
        ctx = _context(session, row.code, now, shape)
        below = shape.below(ctx.unit_id)
        if year is None:
            year = default_year(session, below or [ctx.unit_id], ctx.today)
        subject = ctx.subject(year=year)
        own = not below and ctx.may(identity, "appraisal.explain", subject)
        if not own:
            ctx.check(identity, "ranking.read", subject, key=str(year))
            code = row.code
        else:
            top = shape.above(ctx.unit_id)[-1]
            units = shape.below(top) or [ctx.unit_id]
            rows = ranking_rows(session, units, [year, year - 1])
            mine = next((r for r in rows if r.unit_id == ctx.unit_id and r.year == year), None)
            stage = mine.stage if mine else "missing"
            result = OwnResult(
                row.code,
                row.name,
                year,
                stage,
                mine.self_index if mine else None,
                mine.survey_total if mine else None,
            )
            if mine is None or stage != "published":
                return result
            ctx.check(
                identity, "appraisal.read_final", ctx.subject(year=year, stage=stage), key=str(year)
            )

            def published(wanted: int) -> dict[str, float | None]:
                return {
                    shape.units[r.unit_id].code: r.appraised_index
                    for r in rows
                    if r.year == wanted and r.stage == "published"
                }

            now_published = published(year)
            codes = [shape.units[u].code for u in units]
            place = next(
                s
                for s in standings(codes, now_published, published(year - 1))
                if s.code == row.code
            )
            return OwnResult(
                row.code,
                row.name,
                year,
                stage,
                mine.self_index,
                mine.survey_total,
                mine.appraised_index,
                mine.grade,
                place.rank,
                len(now_published),
                place.index_change,
                place.rank_change,
            )
    return ranking(uow, identity, now, unit=code, year=year)


def report_file(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str | None,
    year: int | None,
    kind: str,
    lang: Lang = "vi",
) -> tuple[str, bytes]:
    """The province's ranking as ``kind`` (``xlsx`` or ``docx``, as ``cchc appraisal ranking
    --xlsx/--docx`` writes it): its file name and bytes, for ``ranking.read`` holders."""
    import tempfile
    from pathlib import Path

    from application.appraisal_ranking import write_docx, write_xlsx

    if kind not in FILES:
        raise ValueError(f"no ranking report of kind {kind!r}")
    found: Any = standing(uow, identity, now, unit=unit, year=year)
    if not isinstance(found, Ranking):  # a unit's own result is no report of the province
        from application.appraisal_ranking import ranking

        found = ranking(uow, identity, now, unit=found.unit, year=found.year)
    name = f"xep-hang-cchc-{found.unit}-{found.year}.{kind}"
    with tempfile.TemporaryDirectory(prefix="cchc-ranking-") as tmp:
        path = Path(tmp) / name
        if kind == "xlsx":
            write_xlsx(found, path, lang)
        else:
            write_docx(found, path)
        return name, path.read_bytes()
