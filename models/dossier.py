"""One-stop dossiers (hồ sơ TTHC) imported from the electronic one-stop system, and manual
measurements for targets that no export feeds."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime

WAITING = "tra_day IS NULL AND co_ket_qua_day IS NULL"


class Dossier(SQLModel, table=True):
    """A dossier as the export gives it (spec: shared/specs/dossiers.md), keyed by unit + id.

    The ``*_day`` columns hold the local (plan time zone's) calendar dates the KPI formulas use.
    """

    __tablename__ = "dossier"
    __table_args__ = (
        UniqueConstraint("unit_id", "ma_ho_so"),
        Index("ix_dossier_unit_due", "unit_id", "hen_tra_day"),
        Index("ix_dossier_unit_received", "unit_id", "tiep_nhan_day"),
        Index("ix_dossier_unit_returned", "unit_id", "tra_day"),
        # the dossiers still waiting for a result, by appointment (the KPIs of today's month)
        Index(
            "ix_dossier_unit_waiting",
            "unit_id",
            "hen_tra_day",
            postgresql_where=text(WAITING),
            sqlite_where=text(WAITING),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    ma_ho_so: str = Field(max_length=100)
    ma_linh_vuc: str = Field(max_length=64)
    ten_thu_tuc: str
    ma_thu_tuc: str = ""
    kenh_nop: str = Field(max_length=16)
    muc_do_dvc: int
    ngay_tiep_nhan: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ngay_hen_tra: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ngay_tra: dt.datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    tiep_nhan_day: dt.date
    hen_tra_day: dt.date
    tra_day: dt.date | None = None
    trang_thai: str = Field(max_length=16)
    tra_qua_buu_chinh: bool = False
    danh_gia: str | None = Field(default=None, max_length=32)
    phieu_xin_loi: bool = False
    so_lan_bo_sung: int = 0
    # extension (docs/formats.md): when the result was ready; on time is judged by it
    ngay_co_ket_qua: dt.datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    co_ket_qua_day: dt.date | None = None


class Measurement(SQLModel, table=True):
    """A number a person records for a target or a framework ``measure`` (with evidence)."""

    __tablename__ = "measurement"
    __table_args__ = (UniqueConstraint("unit_id", "year", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    year: int
    code: str = Field(max_length=64)
    value: float
    note: str = ""
    evidence_id: int | None = Field(default=None, foreign_key="evidence.id")
    recorded_by: str = ""
    recorded_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ProcedureRecord(SQLModel, table=True):
    """A procedure of the unit's catalogue — "thủ tục hành chính" (``cchc procedures import``):
    the denominator of the online procedure share when present."""

    __tablename__ = "procedure"
    __table_args__ = (UniqueConstraint("unit_id", "ma_thu_tuc"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    ma_thu_tuc: str = Field(max_length=100)
    ten_thu_tuc: str
    linh_vuc: str = Field(max_length=64)
    muc_do: int


class ApologySlipRecord(SQLModel, table=True):
    """An apology and new-appointment slip (Mẫu 04) issued for a dossier — "phiếu xin lỗi và
    hẹn lại ngày trả kết quả": the day it was issued and the new appointment. Kept apart from
    the dossier row, which every import of the export rewrites."""

    __tablename__ = "apology_slip"
    __table_args__ = (Index("ix_apology_slip_dossier", "dossier_id"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    dossier_id: int = Field(foreign_key="dossier.id")
    issued_on: dt.date
    new_appointment: dt.date
    recorded_by: str = Field(default="", max_length=320)
    recorded_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class DossierMonth(SQLModel, table=True):
    """A unit's one-stop dossiers of one field counted by month — "số liệu hồ sơ theo tháng":
    what the KPIs are made of, kept by every import and every apology slip recorded
    (``storage.dossier_tally``) so that a province's ranking reads a few thousand rows, not
    every dossier. Received ones count in the month received, returned ones in the month
    returned, the others in the month of their appointment (``hen_tra_day``): ``settled``
    (a result, ``on_time`` of them, ``settled_apology`` of the late ones with an apology in
    time) and ``waiting`` (no result yet, ``waiting_apology`` of them with an apology)."""

    __tablename__ = "dossier_month"
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    year: int = Field(primary_key=True)
    month: int = Field(primary_key=True)
    field: str = Field(primary_key=True, max_length=64)
    received: int = 0
    online: int = 0
    level34: int = 0
    rated: int = 0
    satisfied: int = 0
    returned: int = 0
    postal: int = 0
    settled: int = 0
    on_time: int = 0
    settled_apology: int = 0
    waiting: int = 0
    waiting_apology: int = 0


class DossierProcedure(SQLModel, table=True):
    """A procedure a unit received dossiers for in a year (its code, else its name), with the
    months it did (bit ``1 << (month - 1)``) and the months one of them was online at level 3
    or 4: the distinct procedures of any months of the year without reading the dossiers.
    One row per field, and one with the empty field for every field together."""

    __tablename__ = "dossier_procedure"
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    year: int = Field(primary_key=True)
    field: str = Field(primary_key=True, max_length=64)
    code: str = Field(primary_key=True, max_length=100)
    name: str = Field(primary_key=True)
    months: int = 0
    online: int = 0
