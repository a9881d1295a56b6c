"""The unit's procedure catalogue in the database — "danh mục thủ tục hành chính".

Importing reads the file twice like a dossier export (``storage.dossiers``): once to check
every row (:func:`check_catalogue`), once to write (:func:`write_catalogue`), so a file with
any bad row writes nothing. The file is the whole catalogue: writing it replaces the unit's
list (procedures no longer in it are removed). Who may import belongs to
``application.procedures``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlmodel import Session, col, select

from domain.dossier_columns import Vocabulary
from domain.dossiers import is_blank
from domain.errors import Problem
from domain.procedures import (
    CatalogueFileInvalid,
    CatalogueRows,
    Procedure,
    match_catalogue_header,
)
from models import ProcedureRecord
from storage.dossiers import MAX_PROBLEMS, not_utf8, open_table


def _rows(
    path: Path, *, file: str, vocabulary: Vocabulary | None = None
) -> Iterator[tuple[Procedure | None, list[Problem]]]:
    """Every non-blank row of the file; a missing column stops before any row. With
    ``vocabulary``, headers and labels may be the dossier export's words as well as codes."""
    with open_table(path) as (header, body):
        index, missing = match_catalogue_header(header, file=file, vocabulary=vocabulary)
        if missing:
            raise CatalogueFileInvalid(missing, source=file)
        read = CatalogueRows(index, file=file, vocabulary=vocabulary)
        n = 1
        try:
            for n, cells in body:
                if is_blank(cells):
                    continue
                yield read(cells, n)
        except UnicodeDecodeError as exc:
            yield None, [not_utf8(path, n + 1, exc)]


def check_catalogue(path: Path, *, vocabulary: Vocabulary | None = None) -> int:
    """The first pass: every row checked; the number of procedures.

    Raises :class:`CatalogueFileInvalid` with every problem (the first ``MAX_PROBLEMS``,
    then a count of the rest), or when the file lists no procedure at all.
    """
    file = str(path)
    problems: list[Problem] = []
    more = rows = 0
    for parsed, found in _rows(path, file=file, vocabulary=vocabulary):
        rows += parsed is not None
        for problem in found:
            if len(problems) < MAX_PROBLEMS:
                problems.append(problem)
            else:
                more += 1
    if not problems and not rows:
        problems.append(Problem("empty_table", file=file))
    if problems:
        raise CatalogueFileInvalid(problems, source=file, more=more)
    return rows


def write_catalogue(
    path: Path, *, session: Session, unit_id: int, vocabulary: Vocabulary | None = None
) -> tuple[int, int, int, int]:
    """The second pass over a checked file: the unit's catalogue becomes the file's, in the
    caller's transaction; (procedures, added, kept from before, removed)."""
    file = str(path)
    existing = {
        r.ma_thu_tuc: r
        for r in session.exec(select(ProcedureRecord).where(ProcedureRecord.unit_id == unit_id))
    }
    seen: set[str] = set()
    added = kept = 0
    for parsed, found in _rows(path, file=file, vocabulary=vocabulary):
        if found or parsed is None:  # the file changed between the passes
            raise CatalogueFileInvalid(found, source=file)
        seen.add(parsed.ma_thu_tuc)
        record = existing.get(parsed.ma_thu_tuc)
        if record is None:
            record = ProcedureRecord(
                unit_id=unit_id,
                ma_thu_tuc=parsed.ma_thu_tuc,
                ten_thu_tuc=parsed.ten_thu_tuc,
                linh_vuc=parsed.linh_vuc,
                muc_do=parsed.muc_do,
            )
            added += 1
        else:
            record.ten_thu_tuc = parsed.ten_thu_tuc
            record.linh_vuc = parsed.linh_vuc
            record.muc_do = parsed.muc_do
            kept += 1
        session.add(record)
    removed = [r for code, r in existing.items() if code not in seen]
    for record in removed:
        session.delete(record)
    session.flush()
    return added + kept, added, kept, len(removed)


def catalogue(*, session: Session, unit_id: int) -> list[Procedure]:
    """The unit's catalogue by procedure code; empty when none was imported."""
    rows = session.exec(
        select(ProcedureRecord)
        .where(ProcedureRecord.unit_id == unit_id)
        .order_by(col(ProcedureRecord.ma_thu_tuc))
    )
    return [Procedure(r.ma_thu_tuc, r.ten_thu_tuc, r.linh_vuc, r.muc_do) for r in rows]
