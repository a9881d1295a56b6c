"""What a submission freezes — "bản tự đánh giá đã nộp": the snapshot, its hash, its inputs.

A submitted (not reopened) assessment is served from its snapshot, and nothing that feeds its
score may change until the chairman reopens it (``cchc par reopen``): ``FrozenInputs`` takes
the scoring inputs of every submitted assessment of the units a change touches, and after the
change refuses it when any of them differ. ``snapshot_breaks`` re-checks every stored snapshot
against its hash and the hash the audit log recorded at submission (``cchc audit verify``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from domain.audit_chain import Break
from domain.errors import LocalizedError
from domain.scoring import Inputs, Scorecard, scorecard_from_dict
from models import Assessment, UnitRecord
from storage.appraisal import cycle_of
from storage.assessment import (
    ENTRY_FIELDS,
    assessments,
    canonical,
    entry_values,
    gather,
    last_submissions,
    submitted,
)

if TYPE_CHECKING:
    from sqlmodel import Session


def frozen_card(assessment: Assessment) -> Scorecard | None:
    """The submitted scorecard of a submitted assessment (None while it is open)."""
    if assessment.status != "submitted" or not assessment.snapshot:
        return None
    return scorecard_from_dict(assessment.snapshot["scorecard"])


def _unit_code(session: Session, unit_id: int) -> str:
    row = session.get(UnitRecord, unit_id)
    return row.code if row else str(unit_id)


@dataclass
class FrozenInputs:
    """The scoring inputs of the submitted assessments of some units, taken before a change."""

    now: dt.datetime
    before: dict[int, tuple[Assessment, Inputs]]

    @classmethod
    def take(
        cls, session: Session, unit_ids: Iterable[int] | None, now: dt.datetime
    ) -> FrozenInputs:
        """Before a change: ``unit_ids`` None for every unit."""
        ids = None if unit_ids is None else sorted(set(unit_ids))
        before = {row.id or 0: (row, _inputs(session, row, now)) for row in submitted(session, ids)}
        return cls(now, before)

    def check(self, session: Session, *, change: str) -> None:
        """After the change (not yet committed): refuse it (``LocalizedError``, the unit of
        work rolls it back) when it changed what a submitted assessment was scored from."""
        if not self.before:
            return
        session.flush()
        for row, inputs in self.before.values():
            if _inputs(session, row, self.now) != inputs:
                raise LocalizedError(
                    "error.assessment_input_frozen",
                    change=change,
                    unit=_unit_code(session, row.unit_id),
                    year=row.year,
                )


def _inputs(session: Session, row: Assessment, now: dt.datetime) -> Inputs:
    _, inputs, _ = gather(session, unit_id=row.unit_id, year=row.year, now=now, create=False)
    return inputs


def snapshot_hash(snapshot: dict[str, Any] | None) -> str:
    """The SHA-256 of a snapshot's canonical JSON (as ``par submit`` computed it)."""
    return hashlib.sha256(canonical(snapshot).encode()).hexdigest()


def snapshot_breaks(session: Session) -> list[Break]:
    """Every submitted snapshot (and what it froze) that does not hold: each problem a
    ``Break`` of the ``par_submit`` entry, naming the unit, the year and what differs."""
    logged = last_submissions(session)
    out: list[Break] = []
    for row in assessments(session):
        entry = logged.get((row.unit_id, str(row.year)))
        was_submitted = entry is not None and entry.action == "par_submit"
        if row.status != "submitted" and not was_submitted:
            continue
        where = f"snapshot {_unit_code(session, row.unit_id)} {row.year}"
        entry_id = entry.id or 0 if entry is not None else 0
        out += [Break(entry_id, f"{where}: {what}") for what in _problems(session, row, entry)]
    return out


def _problems(session: Session, row: Assessment, entry: Any) -> list[str]:
    if row.status != "submitted":
        return [f"status is {row.status!r} but the audit log has no reopening"]
    if entry is None or entry.action != "par_submit":
        return ["submitted but the audit log has no submission"]
    problems = []
    logged = (entry.after or {}).get("sha256")
    content = snapshot_hash(row.snapshot)
    if row.snapshot_sha256 != logged:
        problems.append(f"stored hash {row.snapshot_sha256} is not the submitted {logged}")
    if content != logged:
        problems.append(f"content hashes to {content}, not the submitted {logged}")
    snapshot = row.snapshot or {}
    if "entries" in snapshot:
        # once the province's appraisal has begun, the appraisal columns are the council's
        # (cleared when round 1 opens, then each score logged as ``appraisal_score``), not
        # what the unit submitted
        council = cycle_of(session, row.id or 0) is not None
        fields = [f for f in ENTRY_FIELDS if not (council and f.startswith("appraisal_"))]
        problems += _item_changes(snapshot["entries"], entry_values(session, row), fields)
    for name in ("bonus", "penalty", "bonus_reason", "penalty_reason", "difficulties"):
        if name in snapshot and snapshot[name] != getattr(row, name):
            problems.append(f"{name} {snapshot[name]!r} is now {getattr(row, name)!r}")
    return problems


def _item_changes(
    frozen: dict[str, Any], now: dict[str, dict[str, Any]], fields: Iterable[str]
) -> list[str]:
    out = []
    for item in sorted(set(frozen) | set(now)):
        was, is_ = frozen.get(item) or {}, now.get(item) or {}
        for name in fields:
            if was.get(name) != is_.get(name):
                out.append(f"item {item} {name} {was.get(name)!r} is now {is_.get(name)!r}")
    return out
