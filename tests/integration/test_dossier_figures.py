"""The one-stop figures on SQLite and PostgreSQL: the SQL aggregates against the formulas in
plain Python (``domain.dossier_kpis``) on the same export, the procedure catalogue import,
apology slips, and the schema migration that holds them.

The export is the one of tests/unit/test_dossier_kpis.py, whose figures are worked out by hand
there, and one more unit's row. Period: 2020-Q1; report time: 2020-04-15 08:00 local.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from application.access import Identity, Refused
from application.late_dossiers import record_apology
from application.procedures import import_procedures, list_procedures
from application.uow import UnitOfWork
from domain.dossier_kpis import CATALOGUE, PROCEDURES_WITH_DOSSIERS, compute_kpis
from domain.dossiers import match_header, parse_row
from domain.procedures import CatalogueFileInvalid, Procedure
from models import AuditEntry, ProcedureRecord
from storage.kpi_inputs import kpis
from storage.units import get_unit

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2020, 4, 15, 8, 0, tzinfo=VN)
Q1 = (dt.date(2020, 1, 1), dt.date(2020, 3, 31))
OPERATOR = Identity.operator("test")
ANH = Identity.officer("anh.btn@phuhuu.gov.vn")  # the one-stop desk
TAM = Identity.officer("tam.vm@phuhuu.gov.vn")  # justice: no part in the one-stop desk

HEADER = (
    "ma_ho_so,ma_don_vi,ma_linh_vuc,ten_thu_tuc,ma_thu_tuc,kenh_nop,muc_do_dvc,ngay_tiep_nhan,"
    "ngay_hen_tra,ngay_tra,ngay_co_ket_qua,trang_thai,tra_qua_buu_chinh,danh_gia,phieu_xin_loi"
)
BODY = """\
D1,phu-huu,dat_dai,Cấp GCN,DD1,truc_tuyen,3,2020-03-02 08:00,2020-03-10,2020-03-10 16:00,,da_tra,,hai_long,
D2,phu-huu,dat_dai,Cấp GCN,DD1,truc_tiep,3,2020-03-03,2020-03-12,2020-03-13 09:00,2020-03-11 15:00,da_tra,,,
D3,phu-huu,dat_dai,Xác nhận nhà đất,DD2,truc_tiep,2,2020-03-05,2020-03-20,,2020-03-24 10:00,dang_xu_ly,,,
H1,phu-huu,ho_tich,Đăng ký khai sinh,HT1,truc_tuyen,4,2020-02-03,2020-02-05,2020-02-04 10:00,,da_tra,,rat_hai_long,
H2,phu-huu,ho_tich,Đăng ký khai sinh,HT1,truc_tiep,4,2020-02-10,2020-02-12,,,rut,,,
H3,phu-huu,ho_tich,Đăng ký kết hôn,HT2,truc_tiep,2,2020-03-25,2020-03-27,,2020-03-27 11:00,dang_xu_ly,,,
C1,phu-huu,chung_thuc,Chứng thực bản sao,CT1,truc_tiep,2,2020-03-02,2020-03-03,,,dang_xu_ly,,,1
C2,phu-huu,chung_thuc,Chứng thực bản sao,CT1,truc_tiep,2,2020-03-02,2020-03-06,2020-03-10 08:00,,da_tra,,khong_hai_long,
C3,phu-huu,chung_thuc,Chứng thực bản sao,CT1,buu_chinh,2,2020-03-09,2020-03-11,2020-03-16 08:00,,da_tra,1,,1
C1,quan-9,chung_thuc,Chứng thực bản sao,CT1,truc_tuyen,2,2020-03-02,2020-03-03,2020-03-03,,da_tra,,,
"""
# the export as it stood on 05/03: C2 and C3 not returned yet (C3 not even received)
EARLIER = """\
C2,phu-huu,chung_thuc,Chứng thực bản sao,CT1,truc_tiep,2,2020-03-02,2020-03-06,,,dang_xu_ly,,,
C3,phu-huu,chung_thuc,Chứng thực bản sao,CT1,buu_chinh,2,2020-03-09,2020-03-11,,,dang_xu_ly,,,
"""
SLIPS = {"C2": dt.date(2020, 3, 5), "C3": dt.date(2020, 3, 12)}
CATALOGUE_CSV = """\
ma_thu_tuc,ten_thu_tuc,linh_vuc,muc_do
DD1,Cấp GCN,dat_dai,3
DD2,Xác nhận nhà đất,dat_dai,2
HT1,Đăng ký khai sinh,ho_tich,4
HT2,Đăng ký kết hôn,ho_tich,2
HT3,Đăng ký khai tử,ho_tich,3
CT1,Chứng thực bản sao,chung_thuc,2
CT2,Chứng thực chữ ký,chung_thuc,2
KD1,Đăng ký hộ kinh doanh,ho_kinh_doanh,4
"""


def export(path: Path, body: str) -> Path:
    path.write_text(HEADER + "\n" + body, encoding="utf-8")
    return path


def parsed(body: str, unit: str = "phu-huu") -> list[Any]:
    lines = list(csv.reader(io.StringIO(HEADER + "\n" + body)))
    index, _ = match_header(lines[0])
    rows = [parse_row(cells, index, row=n, tz=VN)[0] for n, cells in enumerate(lines[1:], 2)]
    return [r for r in rows if r is not None and r.ma_don_vi == unit]


def catalogue_rows() -> list[Procedure]:
    lines = list(csv.reader(io.StringIO(CATALOGUE_CSV)))[1:]
    return [Procedure(c, n, f, int(level)) for c, n, f, level in lines]


@pytest.fixture
def ward(load, session: Session, bundled_plan) -> int:  # type: ignore[no-untyped-def]
    """The bundled plan loaded, with the demo roster; the ward's unit id."""
    from cchc.tables import read_table
    from plans import HERE
    from responsibilities.roster import read_roster
    from storage.officers import import_roster

    load()
    uid = get_unit("phu-huu", session=session).id or 0
    header, rows = read_table(HERE / "demo-roster.csv")
    entries = read_roster(
        header,
        rows,
        file="demo-roster.csv",
        positions=[r.code for r in bundled_plan.roles],
        areas=[a.code for a in bundled_plan.areas],
    )
    import_roster(entries, session=session, unit_id=uid, actor="test", now=NOW)
    session.commit()
    return uid


def import_export(engine: Any, path: Path) -> None:
    from application.dossiers import import_dossiers

    import_dossiers(UnitOfWork(engine), OPERATOR, NOW, path=path)


def slip(engine: Any, ma_ho_so: str, on: dt.date, new: dt.date, who: Identity = ANH):  # type: ignore[no-untyped-def]
    at = dt.datetime.combine(on, dt.time(9, 0), tzinfo=VN)
    return record_apology(UnitOfWork(engine), who, at, dossier_id=ma_ho_so, new_appointment=new)


def sql_figures(session: Session, unit_id: int, period=Q1, now=NOW):  # type: ignore[no-untyped-def]
    session.expire_all()
    return kpis(session=session, unit_id=unit_id, start=period[0], end=period[1], now=now)


# --- the SQL and the formulas agree ---------------------------------------------------------


def test_sql_kpis_agree_with_the_formulas_on_the_same_export(  # type: ignore[no-untyped-def]
    ward, engine, session, tmp_path
) -> None:
    import_export(engine, export(tmp_path / "early.csv", EARLIER))
    slip(engine, "C2", dt.date(2020, 3, 5), dt.date(2020, 3, 10))
    slip(engine, "C3", dt.date(2020, 3, 12), dt.date(2020, 3, 16))  # after its appointment
    import_export(engine, export(tmp_path / "q1.csv", BODY))  # the slips outlive re-imports
    rows = parsed(BODY)

    periods = [
        Q1,
        (dt.date(2020, 3, 1), dt.date(2020, 3, 31)),
        (dt.date(2020, 3, 16), dt.date(2020, 4, 30)),
    ]
    moments = [NOW, dt.datetime(2020, 3, 21, 8, 0, tzinfo=VN)]
    for period in periods:
        for now in moments:
            today = now.date()
            report = sql_figures(session, ward, period, now)
            expected, basis = compute_kpis(
                rows, start=period[0], end=period[1], today=today, slips=SLIPS
            )
            assert report.online_procedure_basis == basis == PROCEDURES_WITH_DOSSIERS
            assert report.as_dict()["kpis"] == {n: k.as_dict() for n, k in expected.items()}, (
                period,
                now,
            )

    report = sql_figures(session, ward).as_dict()["kpis"]
    # the hand-computed figures of tests/unit/test_dossier_kpis.py
    share = report["online_dossier_share"]
    assert (share["numerator"], share["denominator"]) == (2, 9)  # quan-9's online row apart
    on_time = report["on_time_rate"]
    assert (on_time["numerator"], on_time["denominator"]) == (4, 8)
    coverage = report["apology_coverage"]
    assert (coverage["numerator"], coverage["denominator"]) == (2, 4)  # C1's flag, C2's slip

    # with the catalogue, online_procedure_share is over it
    path = tmp_path / "danh-muc.csv"
    path.write_text(CATALOGUE_CSV, encoding="utf-8")
    import_procedures(UnitOfWork(engine), OPERATOR, NOW, path=path)
    report = sql_figures(session, ward)
    expected, basis = compute_kpis(
        rows, start=Q1[0], end=Q1[1], today=NOW.date(), slips=SLIPS, catalogue=catalogue_rows()
    )
    assert report.online_procedure_basis == basis == CATALOGUE
    assert report.as_dict()["kpis"] == {n: k.as_dict() for n, k in expected.items()}
    ops = report.kpis["online_procedure_share"]
    assert (ops.overall.numerator, ops.overall.denominator) == (4, 8)
    assert ops.fields["ho_kinh_doanh"].value == 100.0  # a catalogue field without dossiers


def test_the_late_list_skips_slips_and_counts_working_days(ward, engine, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from storage.kpi_inputs import late_without_apology

    import_export(engine, export(tmp_path / "early.csv", EARLIER))
    slip(engine, "C3", dt.date(2020, 3, 12), dt.date(2020, 3, 16))
    import_export(engine, export(tmp_path / "q1.csv", BODY))
    late = late_without_apology(session=session, unit_id=ward, start=Q1[0], end=Q1[1], now=NOW)
    # late: D3 (ready Tue 24/03, appointment Fri 20/03: 2 working days), C1 and C3 had slips
    # (C1 the export's flag, C3 one recorded, though late), C2 (Fri 06/03 → Tue 10/03)
    assert [(x.ma_ho_so, x.days_late) for x in late] == [("C2", 2), ("D3", 2)]
    ready = dt.datetime.fromisoformat(late[1].as_dict()["ngay_co_ket_qua"])
    assert ready == dt.datetime(2020, 3, 24, 10, 0, tzinfo=VN)


# --- the procedure catalogue ----------------------------------------------------------------


def catalogue_codes(engine: Any) -> list[tuple[str, int]]:
    listed = list_procedures(UnitOfWork(engine), unit="phu-huu").procedures
    return [(p.ma_thu_tuc, p.muc_do) for p in listed]


def imports(engine: Any) -> list[AuditEntry]:
    with Session(engine) as s:
        return list(
            s.exec(select(AuditEntry).where(AuditEntry.entity == "procedure_catalogue")).all()
        )


def test_the_catalogue_import_is_all_or_nothing(ward, engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "danh-muc.csv"
    good.write_text(CATALOGUE_CSV, encoding="utf-8")
    report = import_procedures(UnitOfWork(engine), ANH, NOW, path=good)
    assert (report.rows, report.added, report.updated, report.removed) == (8, 8, 0, 0)
    assert len(catalogue_codes(engine)) == 8
    before = catalogue_codes(engine)

    bad = tmp_path / "loi.csv"
    bad.write_text(
        "MA_THU_TUC;Ten_Thu_Tuc;linh_vuc;muc_do;ghi_chu\n"
        "DD1;Cấp GCN;dat_dai;4;\n"  # fine, but the file has bad rows: not written
        "DD9;Thủ tục mới;dat_dai;1;\n"
        ";Không mã;ho_tich;3;\n"
        "DD1;Cấp GCN lặp;dat_dai;3;\n"
        "X1;" + "x" * 10 + ";" + "y" * 65 + ";abc;\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueFileInvalid) as caught:
        import_procedures(UnitOfWork(engine), ANH, NOW, path=bad)
    assert [(p.row, p.path, p.code) for p in caught.value.problems] == [
        (3, "muc_do", "procedure_bad_level"),
        (4, "ma_thu_tuc", "procedure_empty_cell"),
        (5, "ma_thu_tuc", "procedure_repeated"),
        (6, "linh_vuc", "procedure_too_long"),
        (6, "muc_do", "procedure_bad_level"),
    ]
    rendered = caught.value.render("vi").splitlines()
    assert all(line.startswith(f"{bad}:row ") and "(Gợi ý: " in line for line in rendered[:-1])
    assert "Hint" not in caught.value.render("vi")
    assert len(rendered) == 6 and "5" in rendered[-1]
    assert catalogue_codes(engine) == before and len(imports(engine)) == 1

    missing = tmp_path / "thieu.csv"
    missing.write_text("ma_thu_tuc,ten_thu_tuc\nDD1,Cấp GCN\n", encoding="utf-8")
    with pytest.raises(CatalogueFileInvalid) as caught:
        import_procedures(UnitOfWork(engine), ANH, NOW, path=missing)
    assert [(p.row, p.path) for p in caught.value.problems] == [(1, "linh_vuc"), (1, "muc_do")]
    empty = tmp_path / "rong.csv"
    empty.write_text("ma_thu_tuc,ten_thu_tuc,linh_vuc,muc_do\n\n", encoding="utf-8")
    with pytest.raises(CatalogueFileInvalid) as caught:
        import_procedures(UnitOfWork(engine), ANH, NOW, path=empty)
    assert [p.code for p in caught.value.problems] == ["empty_table"]
    assert catalogue_codes(engine) == before


def test_a_later_catalogue_replaces_the_list_and_xlsx_reads_as_csv(ward, engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    first = tmp_path / "danh-muc.csv"
    first.write_text(CATALOGUE_CSV, encoding="utf-8")
    import_procedures(UnitOfWork(engine), OPERATOR, NOW, path=first)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ma_thu_tuc", "ten_thu_tuc", "linh_vuc", "muc_do"])
    sheet.append(["DD1", "Cấp GCN", "dat_dai", 4])
    sheet.append(["NEW", "Thủ tục mới", "khac", 3.0])
    sheet.append([None, None, None, None])  # trailing empty row
    later = tmp_path / "danh-muc.xlsx"
    book.save(later)
    report = import_procedures(UnitOfWork(engine), OPERATOR, NOW, path=later)
    assert (report.rows, report.added, report.updated, report.removed) == (2, 1, 1, 7)
    assert catalogue_codes(engine) == [("DD1", 4), ("NEW", 3)]
    entries = imports(engine)
    assert [e.after["removed"] for e in entries if e.after] == [0, 7]


def test_an_officer_outside_the_desk_may_not_import_a_catalogue(ward, engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "danh-muc.csv"
    path.write_text(CATALOGUE_CSV, encoding="utf-8")
    with pytest.raises(Refused) as caught:
        import_procedures(UnitOfWork(engine), TAM, NOW, path=path)
    assert "Bộ phận tiếp nhận và trả kết quả (một cửa)" in caught.value.render("vi")
    with Session(engine) as s:
        assert s.exec(select(ProcedureRecord)).all() == []
        refused = s.exec(select(AuditEntry).where(AuditEntry.action == "refused")).all()
    assert [(e.entity, e.actor) for e in refused] == [("procedure_catalogue", TAM.audit_name)]


# --- apology slips --------------------------------------------------------------------------


def test_slip_rules_in_the_use_case(ward, engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from domain.errors import ConflictError, LocalizedError

    import_export(engine, export(tmp_path / "q1.csv", BODY))
    with pytest.raises(ConflictError) as caught:
        slip(engine, "D1", dt.date(2020, 3, 9), dt.date(2020, 3, 12))  # returned 10/03
    assert caught.value.key == "error.apology_returned"
    assert "10/03/2020" in caught.value.render("vi")
    with pytest.raises(ConflictError) as caught:
        slip(engine, "H2", dt.date(2020, 2, 11), dt.date(2020, 2, 14))  # withdrawn
    assert caught.value.key == "error.apology_closed"
    with pytest.raises(LocalizedError) as caught:
        slip(engine, "C1", dt.date(2020, 3, 2), dt.date(2020, 3, 3))  # not after 03/03
    assert caught.value.key == "error.apology_new_appointment"
    with pytest.raises(Refused):
        slip(engine, "C1", dt.date(2020, 3, 2), dt.date(2020, 3, 6), who=OPERATOR)
    recorded = slip(engine, "C1", dt.date(2020, 3, 2), dt.date(2020, 3, 6))
    assert (recorded.date, recorded.new_appointment, recorded.in_time) == (
        dt.date(2020, 3, 2),
        dt.date(2020, 3, 6),
        True,
    )
    with Session(engine) as s:
        entry = s.exec(
            select(AuditEntry).where(
                AuditEntry.entity == "apology_slip", AuditEntry.action != "refused"
            )
        ).one()
    assert (entry.action, entry.key, entry.actor) == ("create", "C1", ANH.audit_name)
    assert entry.after == {
        "date": "2020-03-02",
        "new_appointment": "2020-03-06",
        "appointment": "2020-03-03",
    }


# --- the schema -------------------------------------------------------------------------------


def test_migration_0006_goes_down_and_up_again(engine) -> None:  # type: ignore[no-untyped-def]
    from alembic import command
    from sqlalchemy import inspect

    from storage.migrate import alembic_config, current_revision, head_revision, upgrade

    head = head_revision(engine)
    assert current_revision(engine) == head
    assert {"procedure", "apology_slip"} <= set(inspect(engine).get_table_names())
    command.downgrade(alembic_config(engine), "0005")
    inspector = inspect(engine)
    assert "procedure" not in inspector.get_table_names()
    assert "co_ket_qua_day" not in {c["name"] for c in inspector.get_columns("dossier")}
    assert upgrade(engine) == ("0005", head)
    columns = {c["name"] for c in inspect(engine).get_columns("dossier")}
    assert {"ngay_co_ket_qua", "co_ket_qua_day"} <= columns
