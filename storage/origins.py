"""Where a unit's plan came from when it was derived from a province's template plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from models import PlanOrigin, PlanRecord, UnitRecord
from storage.audit import record


@dataclass(frozen=True)
class Origin:
    """A derived plan's template (code, version, SHA-256) and the unit's overlay (file name
    and SHA-256; none: the template alone), when and by whom it was derived."""

    template_code: str
    template_version: str
    template_sha256: str
    overlay_file: str
    overlay_sha256: str
    derived_at: dt.datetime
    derived_by: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "template": {
                "code": self.template_code,
                "version": self.template_version,
                "sha256": self.template_sha256,
            },
            "overlay": (
                {"file": self.overlay_file, "sha256": self.overlay_sha256}
                if self.overlay_sha256
                else None
            ),
            "derived_at": self.derived_at.isoformat(),
            "derived_by": self.derived_by,
        }


def _origin(row: PlanOrigin) -> Origin:
    return Origin(
        row.template_code,
        row.template_version,
        row.template_sha256,
        row.overlay_file,
        row.overlay_sha256,
        row.derived_at,
        row.derived_by,
    )


def origin_row(plan_id: int, *, session: Session) -> PlanOrigin | None:
    return session.exec(select(PlanOrigin).where(PlanOrigin.plan_id == plan_id)).first()


def origin_of(plan_id: int, *, session: Session) -> Origin | None:
    """Where plan ``plan_id`` came from; None for a plan loaded from its own file."""
    row = origin_row(plan_id, session=session)
    return _origin(row) if row is not None else None


def units_of_template(code: str, *, session: Session) -> list[UnitRecord]:
    """The units whose plan was derived from template ``code``, by code."""
    return list(
        session.exec(
            select(UnitRecord)
            .join(PlanRecord, col(PlanRecord.unit_id) == col(UnitRecord.id))
            .join(PlanOrigin, col(PlanOrigin.plan_id) == col(PlanRecord.id))
            .where(PlanOrigin.template_code == code)
            .order_by(col(UnitRecord.code))
        ).unique()
    )


def record_origin(
    plan_row: PlanRecord,
    *,
    session: Session,
    actor: str,
    now: dt.datetime,
    template: tuple[str, str, str],
    overlay: tuple[str, str, str] | None,
) -> bool:
    """Keep that ``plan_row`` was derived from ``template`` (code, version, SHA-256) with
    ``overlay`` (file name, SHA-256, text); audited when it changes. Whether it changed."""
    assert plan_row.id is not None
    row = origin_row(plan_row.id, session=session)
    file, digest, text = overlay or ("", "", "")
    values = {
        "template_code": template[0],
        "template_version": template[1],
        "template_sha256": template[2],
        "overlay_file": file,
        "overlay_sha256": digest,
    }
    before = {k: getattr(row, k) for k in values} if row is not None else None
    if before == values:
        return False
    if row is None:
        row = PlanOrigin(
            plan_id=plan_row.id,
            template_code=template[0],
            template_sha256=template[2],
            derived_at=now,
        )
    for key, value in values.items():
        setattr(row, key, value)
    row.overlay_text, row.derived_at, row.derived_by = text, now, actor
    session.add(row)
    record(
        session=session,
        actor=actor,
        now=now,
        action="derive",
        entity="plan",
        key=plan_row.code,
        unit_id=plan_row.unit_id,
        before=before,
        after=values,
    )
    return True


def forget_origin(plan_row: PlanRecord, *, session: Session, actor: str, now: dt.datetime) -> bool:
    """A plan loaded from its own file no longer comes from a template: its origin goes (so a
    revised template does not overwrite it), audited. Whether there was one."""
    row = origin_row(plan_row.id or 0, session=session)
    if row is None:
        return False
    before = {"template_code": row.template_code, "template_version": row.template_version}
    session.delete(row)
    record(
        session=session,
        actor=actor,
        now=now,
        action="update",
        entity="plan",
        key=plan_row.code,
        unit_id=plan_row.unit_id,
        before={"origin": before},
        after={"origin": None},
    )
    return True
