"""Late dossiers, apology slips and dossiers coming due — "hồ sơ trễ hạn", "phiếu xin lỗi".

Use cases: the late dossiers still owed an apology slip (lateness in working days, as task
deadlines count), the slip itself (Mẫu 04: printed, and recorded with its date and the new
appointment it gives), and the dossiers coming due within N working days and not yet
returned — so a slip can be issued before the appointment passes, which is when it counts.

Who may: recording a slip is ``dossier.apology`` (the one-stop desk, the CCHC officer or the
chairman; not the operator), audited. Printing a slip and the lists only read.

A slip is refused for a dossier already returned, withdrawn or refused; its date (today by
default) may not be after today nor before the dossier was received; the new appointment
must be after both the dossier's appointment and the slip's date. A slip dated after the
appointment is kept but does not count for ``apology_coverage`` (``in_time`` says so).

Local days and times are in the unit's plan time zone (``plan.timezone``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session

from application.access import Gate, Identity
from application.dossiers import Period, default_period
from application.frozen import FrozenInputs
from application.plans import unit_plan
from application.units import letterhead
from application.uow import UnitOfWork
from domain.clock import local_moment, local_today, require_aware
from domain.dossiers import EXCLUDED_STATUSES
from domain.errors import ConflictError, LocalizedError
from domain.letterhead import Letterhead
from models import Dossier, UnitRecord
from responsibilities.policy import Subject
from storage.apology_slips import due_between, latest_slips, record_slip, slips_for
from storage.calendar import load_calendar
from storage.dossiers import find_dossier
from storage.kpi_inputs import LateDossier, late_without_apology
from storage.plans import unit_timezone
from storage.units import resolve_unit


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


# --- late dossiers -----------------------------------------------------------------------


@dataclass(frozen=True)
class LateDossiers:
    """Late dossiers due in ``start``..``end`` with no apology slip; times shown in
    ``timezone``; ``days_late`` in working days. ``--json`` prints ``rows``."""

    unit: str
    start: dt.date
    end: dt.date
    timezone: str
    rows: list[LateDossier]

    def local(self, moment: dt.datetime) -> dt.datetime:
        return local_moment(moment, self.timezone)


def late_dossiers(
    uow: UnitOfWork, now: dt.datetime, *, unit: str | None = None, period: Period | None = None
) -> LateDossiers:
    """``cchc dossiers late``: who is owed an apology slip (Mẫu 04), late by how many
    working days (the stored working-day calendar)."""
    with uow as session:
        unit_row = resolve_unit(unit, session=session)
        uid = unit_row.id or 0
        timezone = unit_timezone(session=session, unit_id=uid)
        first, last = period or default_period(session, uid, now)
        today = local_today(now, timezone)
        calendar = load_calendar(session=session, years=range(first.year, today.year + 1))
        rows = late_without_apology(
            session=session,
            unit_id=uid,
            start=first,
            end=last,
            now=now,
            timezone=timezone,
            calendar=calendar,
        )
        return LateDossiers(unit_row.code, first, last, timezone, rows)


# --- dossiers coming due -----------------------------------------------------------------


@dataclass(frozen=True)
class DueDossier:
    """A dossier not yet returned whose appointment is ``working_days_left`` working days
    away (0: today), with the latest slip recorded for it, if any."""

    ma_ho_so: str
    ma_linh_vuc: str
    ten_thu_tuc: str
    ngay_tiep_nhan: dt.datetime
    ngay_hen_tra: dt.datetime
    working_days_left: int
    slip_date: dt.date | None = None
    slip_new_appointment: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        slip = None
        if self.slip_date is not None and self.slip_new_appointment is not None:
            slip = {
                "date": self.slip_date.isoformat(),
                "new_appointment": self.slip_new_appointment.isoformat(),
            }
        return {
            "ma_ho_so": self.ma_ho_so,
            "ma_linh_vuc": self.ma_linh_vuc,
            "ten_thu_tuc": self.ten_thu_tuc,
            "ngay_tiep_nhan": self.ngay_tiep_nhan.isoformat(),
            "ngay_hen_tra": self.ngay_hen_tra.isoformat(),
            "working_days_left": self.working_days_left,
            "apology": slip,
        }


@dataclass(frozen=True)
class DueDossiers:
    """Dossiers due from ``today`` to ``last`` (``within`` working days); ``--json`` prints
    ``rows``."""

    unit: str
    today: dt.date
    last: dt.date
    within: int
    timezone: str
    rows: list[DueDossier]

    def local(self, moment: dt.datetime) -> dt.datetime:
        return local_moment(moment, self.timezone)


def due_dossiers(
    uow: UnitOfWork, now: dt.datetime, *, within: int, unit: str | None = None
) -> DueDossiers:
    """``cchc dossiers due``: dossiers whose appointment falls today or within the next
    ``within`` working days, not yet returned (nor their result ready), earliest first."""
    require_aware(now)
    if within < 0:
        raise ValueError("within must be >= 0")
    with uow as session:
        unit_row = resolve_unit(unit, session=session)
        uid = unit_row.id or 0
        timezone = unit_timezone(session=session, unit_id=uid)
        today = local_today(now, timezone)
        calendar = load_calendar(session=session, years=[today.year])
        last = calendar.add(today, within)
        rows = due_between(session=session, unit_id=uid, first=today, last=last)
        slips = latest_slips([d.id for d in rows if d.id is not None], session=session)
        out = []
        for d in rows:
            slip = slips.get(d.id or 0)
            out.append(
                DueDossier(
                    ma_ho_so=d.ma_ho_so,
                    ma_linh_vuc=d.ma_linh_vuc,
                    ten_thu_tuc=d.ten_thu_tuc,
                    ngay_tiep_nhan=d.ngay_tiep_nhan,
                    ngay_hen_tra=d.ngay_hen_tra,
                    working_days_left=calendar.count(today, d.hen_tra_day),
                    slip_date=slip.issued_on if slip else None,
                    slip_new_appointment=slip.new_appointment if slip else None,
                )
            )
        return DueDossiers(unit_row.code, today, last, within, timezone, out)


# --- the apology slip --------------------------------------------------------------------


@dataclass(frozen=True)
class ApologySlip:
    """What the apology slip (Mẫu 04) prints: the unit, its parent, the dossier, its dates on
    the unit's wall clock and, once recorded, the slip's date and new appointment.
    ``in_time``: the slip was issued by the appointment day (it counts for coverage).
    ``head``: the issuing body, the place-and-date line and who signs (the chairman on the
    slip's date; on a blank slip, today's chairman and a date left to the pen)."""

    unit_name: str
    parent_name: str
    ma_ho_so: str
    ten_thu_tuc: str
    ma_thu_tuc: str
    received: dt.datetime
    appointment: dt.datetime
    date: dt.date | None = None
    new_appointment: dt.date | None = None
    recorded_by: str = ""
    head: Letterhead | None = None

    @property
    def in_time(self) -> bool | None:
        return None if self.date is None else self.date <= self.appointment.date()

    def as_dict(self) -> dict[str, Any]:
        return {
            "ma_ho_so": self.ma_ho_so,
            "appointment": self.appointment.date().isoformat(),
            "date": None if self.date is None else self.date.isoformat(),
            "new_appointment": (
                None if self.new_appointment is None else self.new_appointment.isoformat()
            ),
            "in_time": self.in_time,
            "recorded_by": self.recorded_by,
        }


def _refuse_closed(row: Dossier, timezone: str) -> None:
    """A slip for a dossier already returned, withdrawn or refused is an error."""
    if row.ngay_tra is not None or row.trang_thai == "da_tra":
        returned = local_moment(row.ngay_tra, timezone).date() if row.ngay_tra else None
        raise ConflictError(
            "error.apology_returned",
            id=row.ma_ho_so,
            returned=_day(returned) if returned else "?",
        )
    if row.trang_thai in EXCLUDED_STATUSES:
        raise ConflictError("error.apology_closed", id=row.ma_ho_so, status=row.trang_thai)


def _slip(
    session: Session, unit_row: UnitRecord, row: Dossier, timezone: str, today: dt.date | None
) -> ApologySlip:
    parent = session.get(UnitRecord, unit_row.parent_id) if unit_row.parent_id else None
    slips = slips_for(row.id or 0, session=session)
    latest = slips[-1] if slips else None
    if latest is not None:
        head = letterhead(session, unit_row, latest.issued_on)
    else:
        head = replace(letterhead(session, unit_row, today), on=None)
    return ApologySlip(
        unit_name=unit_row.name or unit_row.code,
        parent_name=parent.name if parent else "",
        ma_ho_so=row.ma_ho_so,
        ten_thu_tuc=row.ten_thu_tuc,
        ma_thu_tuc=row.ma_thu_tuc,
        received=local_moment(row.ngay_tiep_nhan, timezone),
        appointment=local_moment(row.ngay_hen_tra, timezone),
        date=latest.issued_on if latest else None,
        new_appointment=latest.new_appointment if latest else None,
        recorded_by=latest.recorded_by if latest else "",
        head=head,
    )


def apology_slip(
    uow: UnitOfWork,
    *,
    dossier_id: str,
    unit: str | None = None,
    now: dt.datetime | None = None,
) -> ApologySlip:
    """``cchc dossiers apology ID``: the slip's contents for one dossier, with the latest
    slip recorded for it (read only). Without a recorded slip, a blank form to fill in by
    hand — refused for a dossier already returned — signed by the chairman of ``now``'s day
    (the name left blank without ``now``)."""
    with uow as session:
        unit_row = resolve_unit(unit, session=session)
        uid = unit_row.id or 0
        row = find_dossier(dossier_id, session=session, unit_id=uid)
        timezone = unit_timezone(session=session, unit_id=uid)
        today = local_today(now, timezone) if now is not None else None
        slip = _slip(session, unit_row, row, timezone, today)
        if slip.date is None:
            _refuse_closed(row, timezone)
        return slip


def record_apology(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    dossier_id: str,
    new_appointment: dt.date,
    date: dt.date | None = None,
    unit: str | None = None,
) -> ApologySlip:
    """``cchc dossiers apology ID --new-appointment DATE [--date DATE]``: record the slip
    issued for a dossier on ``date`` (today by default) giving ``new_appointment``."""
    require_aware(now)
    with uow as session:
        unit_row = resolve_unit(unit, session=session)
        uid = unit_row.id or 0
        row = find_dossier(dossier_id, session=session, unit_id=uid)
        timezone = unit_timezone(session=session, unit_id=uid)
        today = local_today(now, timezone)
        actor = Gate.load(session, uid, unit_plan(session, uid, today.year)).check(
            identity,
            "dossier.apology",
            Subject(),
            on=today,
            entity="apology_slip",
            key=row.ma_ho_so,
        )
        _refuse_closed(row, timezone)
        issued = date or today
        received = local_moment(row.ngay_tiep_nhan, timezone).date()
        appointment = local_moment(row.ngay_hen_tra, timezone).date()
        if issued > today:
            raise LocalizedError("error.apology_date_future", date=_day(issued), today=_day(today))
        if issued < received:
            raise LocalizedError(
                "error.apology_date_before_received",
                date=_day(issued),
                received=_day(received),
                id=row.ma_ho_so,
            )
        if new_appointment <= appointment:
            raise LocalizedError(
                "error.apology_new_appointment",
                new=_day(new_appointment),
                appointment=_day(appointment),
                id=row.ma_ho_so,
            )
        if new_appointment <= issued:
            raise LocalizedError(
                "error.apology_new_before_slip", new=_day(new_appointment), date=_day(issued)
            )
        frozen = FrozenInputs.take(session, [uid], now)
        record_slip(
            row,
            session=session,
            issued_on=issued,
            new_appointment=new_appointment,
            actor=actor.identity,
            now=now,
        )
        frozen.check(session, change=f"dossiers apology {row.ma_ho_so}")
        return _slip(session, unit_row, row, timezone, today)
