"""Apology slips kept for dossiers, and the dossiers coming due — "phiếu xin lỗi".

A slip (Mẫu 04) is recorded with its date and the new appointment it gives, in a table of
its own: importing the export rewrites dossier rows, never the slips. Whether a slip may be
recorded (the policy, a dossier already returned, the dates) is decided by
``application.late_dossiers``; ``apology_coverage`` reads the slips in ``storage.kpi_inputs``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session, col, select

from domain.dossiers import EXCLUDED_STATUSES
from models import ApologySlipRecord, Dossier
from storage.audit import record


def slips_for(dossier_id: int, *, session: Session) -> list[ApologySlipRecord]:
    """The slips recorded for a dossier, oldest first."""
    return list(
        session.exec(
            select(ApologySlipRecord)
            .where(ApologySlipRecord.dossier_id == dossier_id)
            .order_by(col(ApologySlipRecord.issued_on), col(ApologySlipRecord.id))
        ).all()
    )


def latest_slips(dossier_ids: Sequence[int], *, session: Session) -> dict[int, ApologySlipRecord]:
    """The latest slip of each of these dossiers that has one."""
    if not dossier_ids:
        return {}
    rows = session.exec(
        select(ApologySlipRecord)
        .where(col(ApologySlipRecord.dossier_id).in_(list(dossier_ids)))
        .order_by(col(ApologySlipRecord.issued_on), col(ApologySlipRecord.id))
    ).all()
    return {r.dossier_id: r for r in rows}


def record_slip(
    dossier: Dossier,
    *,
    session: Session,
    issued_on: dt.date,
    new_appointment: dt.date,
    actor: str,
    now: dt.datetime,
) -> ApologySlipRecord:
    """Keep a slip issued for ``dossier`` on ``issued_on`` giving ``new_appointment``,
    with one audit entry (entity ``apology_slip``, key the dossier's ``ma_ho_so``); the unit's
    monthly dossier counts follow (``storage.dossier_tally``)."""
    from storage.dossier_tally import refresh

    assert dossier.id is not None
    slip = ApologySlipRecord(
        unit_id=dossier.unit_id,
        dossier_id=dossier.id,
        issued_on=issued_on,
        new_appointment=new_appointment,
        recorded_by=actor,
        recorded_at=now,
    )
    session.add(slip)
    session.flush()
    refresh([dossier.unit_id], session=session)  # a slip in time counts in the KPIs
    record(
        session=session,
        actor=actor,
        now=now,
        action="create",
        entity="apology_slip",
        key=dossier.ma_ho_so,
        unit_id=dossier.unit_id,
        after={
            "date": issued_on.isoformat(),
            "new_appointment": new_appointment.isoformat(),
            "appointment": dossier.hen_tra_day.isoformat(),
        },
    )
    return slip


def due_between(*, session: Session, unit_id: int, first: dt.date, last: dt.date) -> list[Dossier]:
    """Dossiers whose appointment day is in ``first``..``last``, not handed over, with no
    result ready and not withdrawn or refused: earliest appointment first."""
    return list(
        session.exec(
            select(Dossier)
            .where(
                Dossier.unit_id == unit_id,
                col(Dossier.hen_tra_day).between(first, last),
                col(Dossier.tra_day).is_(None),
                col(Dossier.co_ket_qua_day).is_(None),
                col(Dossier.trang_thai).not_in(EXCLUDED_STATUSES),
            )
            .order_by(col(Dossier.hen_tra_day), col(Dossier.ngay_hen_tra), col(Dossier.ma_ho_so))
        ).all()
    )
