"""The unit's procedure catalogue — "danh mục thủ tục hành chính".

Use cases: importing the catalogue (CSV or XLSX, all or nothing; the file replaces the
unit's list) and listing it. With a catalogue, the KPI ``online_procedure_share`` (target
T2.3a) is over its procedures; without one, over the procedures that received dossiers.

Who may import: ``dossier.import`` — the one-stop desk, the CCHC officer, the chairman, or
the installation's operator — for the unit named (``--unit``, else the only unit), asked
before the file is read. Every row is checked before anything is written; one audit entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from application.access import Gate, Identity
from application.dossiers import vocabulary
from application.frozen import FrozenInputs
from application.plans import unit_plan
from application.uow import UnitOfWork
from domain.clock import local_today, require_aware
from domain.procedures import Procedure
from responsibilities.policy import Subject
from storage.audit import record
from storage.dossiers import file_sha256
from storage.plans import unit_timezone
from storage.procedures import catalogue, check_catalogue, write_catalogue
from storage.units import resolve_unit


@dataclass(frozen=True)
class CatalogueImport:
    """What one catalogue import did: ``rows`` procedures now listed, of which ``added`` are
    new and ``updated`` were listed before; ``removed`` are no longer listed."""

    file: str
    rows: int
    added: int
    updated: int
    removed: int
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rows": self.rows,
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "sha256": self.sha256,
        }


def import_procedures(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    path: Path,
    unit: str | None = None,
    mapping: Path | None = None,
) -> CatalogueImport:
    """``cchc procedures import``: the unit's catalogue becomes the file's. Headers and the
    field and level labels may be the dossier export's words (extended by ``mapping``)."""
    require_aware(now)
    words = vocabulary(mapping)
    with uow as session:
        unit_row = resolve_unit(unit, session=session)
        uid = unit_row.id or 0
        Gate.load(session, uid, unit_plan(session, uid)).check(
            identity,
            "dossier.import",
            Subject(),
            on=local_today(now, unit_timezone(session=session, unit_id=uid)),
            entity="procedure_catalogue",
            key=path.name,
        )
        check_catalogue(path, vocabulary=words)
        frozen = FrozenInputs.take(session, [uid], now)
        rows, added, updated, removed = write_catalogue(
            path, session=session, unit_id=uid, vocabulary=words
        )
        frozen.check(session, change=f"procedures import {path.name}")
        report = CatalogueImport(path.name, rows, added, updated, removed, file_sha256(path))
        record(
            session=session,
            actor=identity.audit_name,
            now=now,
            action="import",
            entity="procedure_catalogue",
            key=path.name,
            unit_id=uid,
            after=report.as_dict(),
        )
    return report


@dataclass(frozen=True)
class Catalogue:
    """The unit's catalogue, by procedure code."""

    unit: str
    procedures: list[Procedure]

    @property
    def online(self) -> int:
        return sum(p.online for p in self.procedures)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "ma_thu_tuc": p.ma_thu_tuc,
                "ten_thu_tuc": p.ten_thu_tuc,
                "linh_vuc": p.linh_vuc,
                "muc_do": p.muc_do,
                "online": p.online,
            }
            for p in self.procedures
        ]


def list_procedures(uow: UnitOfWork, *, unit: str | None = None) -> Catalogue:
    """``cchc procedures list``: the unit's catalogue (empty when none was imported)."""
    with uow as session:
        unit_row = resolve_unit(unit, session=session)
        return Catalogue(unit_row.code, catalogue(session=session, unit_id=unit_row.id or 0))
