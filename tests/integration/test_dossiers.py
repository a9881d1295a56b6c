"""Importing dossier exports and computing KPIs, on SQLite and PostgreSQL.

The fixture below is small enough to compute by hand; every expected figure is worked out
in the comments next to it (period: 2020-Q1, report time: 2020-04-15 08:00 local).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, func, select

from application.access import Identity
from application.dossiers import import_dossiers, target_results
from application.uow import UnitOfWork
from domain.dossiers import COLUMNS, DossierFileInvalid
from models import AuditEntry, Dossier
from storage.dossiers import measurements, record_measurement
from storage.kpi_inputs import kpis, late_without_apology
from storage.units import get_unit

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2020, 4, 15, 8, 0, tzinfo=VN)
Q1 = (dt.date(2020, 1, 1), dt.date(2020, 3, 31))
OPERATOR = Identity.operator("test")  # scripts import exports as the operator


def d(ma: str, field: str, name: str, code: str, channel: str, level: int, received: str,
      appointment: str, returned: str, status: str, postal: str = "", rating: str = "",
      apology: str = "", unit: str = "phu-huu", ready: str = "") -> dict[str, Any]:  # fmt: skip
    return {
        "ma_ho_so": ma,
        "ma_don_vi": unit,
        "ma_linh_vuc": field,
        "ten_thu_tuc": name,
        "ma_thu_tuc": code,
        "kenh_nop": channel,
        "muc_do_dvc": str(level),
        "ngay_tiep_nhan": received,
        "ngay_hen_tra": appointment,
        "ngay_tra": returned,
        "trang_thai": status,
        "tra_qua_buu_chinh": postal,
        "danh_gia": rating,
        "phieu_xin_loi": apology,
        "so_lan_bo_sung": "",
        "ngay_co_ket_qua": ready,
    }


GCN = "Cấp Giấy chứng nhận quyền sử dụng đất"
ROWS = [
    # on time: returned at 16:30 on the appointment day (appointment given as a date = 00:00)
    d("A1", "dat_dai", GCN, "1.001", "truc_tuyen", 3, "2020-03-02 08:00", "2020-03-10",
      "10/03/2020 16:30", "da_tra", postal="1", rating="hai_long"),
    # late by a day, apology slip issued
    d("A2", "dat_dai", GCN, "1.001", "truc_tiep", 3, "2020-03-03", "2020-03-12 17:00",
      "2020-03-13T09:00", "da_tra", rating="khong_hai_long", apology="1"),
    # not returned, appointment 20/03 passed at now → late, no apology; no code → a procedure
    # of its own, told apart from A1's by its name
    d("A3", "dat_dai", GCN, "", "truc_tiep", 2, "05/03/2020", "20/03/2020", "", "dang_xu_ly"),
    d("H1", "ho_tich", "Đăng ký khai sinh", "", "truc_tuyen", 4, "2020-02-03", "2020-02-05",
      "2020-02-04 10:00", "da_tra", rating="rat_hai_long"),
    # withdrawn: received, never due
    d("H2", "ho_tich", "Đăng ký khai sinh", "", "truc_tiep", 4, "2020-02-10", "2020-02-12", "",
      "rut"),
    # appointment in April: not due in Q1
    d("H3", "ho_tich", "Đăng ký kết hôn", "", "truc_tiep", 2, "2020-03-25", "2020-04-20", "",
      "dang_xu_ly"),
    # returned 01/04 after its 31/03 appointment: due in Q1 and late; returned outside Q1
    d("C1", "chung_thuc", "Chứng thực bản sao", "2.000", "buu_chinh", 2, "2020-03-30 14:00",
      "2020-03-31", "2020-04-01 08:00", "da_tra", rating="binh_thuong"),
    # refused and returned late by post: never due; returned in Q1
    d("C2", "chung_thuc", "Chứng thực bản sao", "2.000", "truc_tiep", 2, "2020-03-02",
      "2020-03-03", "2020-03-05", "tu_choi", postal="1"),
    d("K1", "ho_kinh_doanh", "Đăng ký hộ kinh doanh", "3.000", "truc_tuyen", 3, "2020-01-06",
      "2020-01-09", "2020-01-08", "da_tra"),
    d("K2", "ho_kinh_doanh", "Đăng ký hộ kinh doanh", "3.000", "truc_tiep", 3, "2020-01-07",
      "2020-01-10", "2020-01-10 17:00", "da_tra"),
    # received in 2019: due and returned in Q1, not received in Q1
    d("K3", "ho_kinh_doanh", "Đăng ký hộ kinh doanh", "3.000", "truc_tuyen", 3,
      "2019-12-30", "2020-01-03", "2020-01-02", "da_tra", postal="1", rating="rat_hai_long"),
    # level 2 dossier of procedure 1.001: the procedure stays online (A1, A2 say 3)
    d("X1", "dat_dai", GCN, "1.001", "truc_tiep", 2, "2020-03-30", "2020-04-14", "",
      "dang_xu_ly"),
    # another unit, same dossier id: its own dossier, never counted for phu-huu
    d("A1", "ho_tich", "Đăng ký khai sinh", "", "truc_tuyen", 4, "2020-03-02", "2020-03-03",
      "2020-03-09", "da_tra", unit="quan-9"),
]  # fmt: skip


def write_csv(path: Path, rows: list[dict[str, Any]], *, sep: str = ",", bom: bool = False,
              header: tuple[str, ...] = COLUMNS) -> Path:  # fmt: skip
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep)
    writer.writerow([h.upper() if i % 2 else h for i, h in enumerate(header)])
    for r in rows:
        writer.writerow([r[h] for h in header])
    path.write_text(("\ufeff" if bom else "") + buf.getvalue(), encoding="utf-8")
    return path


def _native(column: str, value: str) -> object:
    """The value as a spreadsheet would hold it: native date-times and numbers."""
    if column.startswith("ngay_") and value:
        for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M"):
            try:
                return dt.datetime.strptime(value, fmt)
            except ValueError:
                continue
    if column in ("muc_do_dvc", "tra_qua_buu_chinh", "phieu_xin_loi") and value:
        return int(value)
    return value or None


def write_xlsx(path: Path, rows: list[dict[str, Any]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([*COLUMNS, "ghi_chu"])
    for r in rows:
        sheet.append([*(_native(c, r[c]) for c in COLUMNS), "không dùng"])
    sheet.append([None] * (len(COLUMNS) + 1))  # trailing empty row, as spreadsheets have
    book.save(path)
    return path


@pytest.fixture
def ward(load, session: Session, engine):  # type: ignore[no-untyped-def]
    """The bundled plan loaded (units phu-huu ← quan-9 ← tp-hcm); the ward's unit id."""
    load()
    return get_unit("phu-huu", session=session).id


def import_file(engine: Any, path: Path, identity: Identity = OPERATOR, **options: Any):  # type: ignore[no-untyped-def]
    """The import use case, in a unit of work of its own, as the command runs it."""
    return import_dossiers(UnitOfWork(engine), identity, NOW, path=path, **options)


def dossier_count(engine: Any) -> int:
    with Session(engine) as s:
        return int(s.exec(select(func.count()).select_from(Dossier)).one())


def snapshot(engine: Any) -> list[tuple[Any, ...]]:
    with Session(engine) as s:
        rows = s.exec(select(Dossier).order_by(col(Dossier.unit_id), col(Dossier.ma_ho_so)))
        return [tuple(v for k, v in r.model_dump().items() if k != "id") for r in rows]


def report_for(session: Session, unit_id: int, now: dt.datetime = NOW, period=Q1):  # type: ignore[no-untyped-def]
    session.expire_all()
    return kpis(session=session, unit_id=unit_id, start=period[0], end=period[1], now=now)


def test_every_kpi_on_the_hand_computed_fixture(ward, engine, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    report = import_file(engine, write_csv(tmp_path / "q1.csv", ROWS))
    assert (report.rows, report.created, report.updated) == (13, 13, 0)
    k = report_for(session, ward).as_dict()["kpis"]
    # due in Q1: A1 A2 A3 H1 C1 K1 K2 K3 (H2 withdrawn, C2 refused, H3 X1 due in April)
    # on time: A1 (returned later on the appointment day) H1 K1 K2 K3
    assert (k["on_time_rate"]["numerator"], k["on_time_rate"]["denominator"]) == (5, 8)
    assert k["on_time_rate"]["value"] == 62.5
    fields = k["on_time_rate"]["fields"]
    assert (fields["dat_dai"]["numerator"], fields["dat_dai"]["denominator"]) == (1, 3)
    assert fields["ho_tich"]["value"] == 100.0 and fields["chung_thuc"]["value"] == 0.0
    assert fields["ho_kinh_doanh"]["value"] == 100.0
    # online: received in Q1 by truc_tuyen A1 H1 K1 ÷ received at level 3/4 A1 A2 H1 H2 K1 K2
    assert (k["online_rate"]["numerator"], k["online_rate"]["denominator"]) == (3, 6)
    # online over all received in Q1: A1 H1 K1 of A1 A2 A3 H1 H2 H3 C1 C2 K1 K2 X1
    share = k["online_dossier_share"]
    assert (share["numerator"], share["denominator"]) == (3, 11)
    # procedures received in Q1: 1.001 (online), "GCN" without code (A3, level 2), khai sinh
    # (online), kết hôn, 2.000, 3.000 (online) → 3 of 6
    assert (
        k["online_procedure_share"]["numerator"],
        k["online_procedure_share"]["denominator"],
    ) == (3, 6)
    assert k["online_procedure_share"]["fields"]["dat_dai"]["value"] == 50.0
    # returned in Q1: A1 A2 H1 C2 K1 K2 K3 (C1 returned in April); by post: A1 C2 K3
    assert (k["postal_return_rate"]["numerator"], k["postal_return_rate"]["denominator"]) == (
        3,
        7,
    )
    # rated and received in Q1: A1 hai_long, A2 khong, H1 rat_hai_long, C1 binh_thuong
    assert (k["satisfaction_rate"]["numerator"], k["satisfaction_rate"]["denominator"]) == (2, 4)
    # late: A2 (apology), A3, C1
    assert (k["apology_coverage"]["numerator"], k["apology_coverage"]["denominator"]) == (1, 3)
    # household business received in Q1: K1 online, K2 in person
    hb = k["household_business_online_rate"]
    assert (hb["numerator"], hb["denominator"], hb["value"]) == (1, 2, 50.0)

    late = late_without_apology(session=session, unit_id=ward, start=Q1[0], end=Q1[1], now=NOW)
    # in working days: A3 from Friday 20/03 to 15/04 (26 calendar days; 02/04 a holiday)
    assert [(x.ma_ho_so, x.days_late) for x in late] == [("A3", 17), ("C1", 1)]


def test_not_returned_is_late_only_once_the_appointment_day_has_passed(  # type: ignore[no-untyped-def]
    ward, engine, session, tmp_path
) -> None:
    import_file(engine, write_csv(tmp_path / "q1.csv", ROWS))
    on_day = dt.datetime(2020, 3, 20, 23, 0, tzinfo=VN)  # A3's appointment day, not returned
    after = dt.datetime(2020, 3, 21, 0, 30, tzinfo=VN)
    dat_dai = report_for(session, ward, on_day).kpis["on_time_rate"].fields["dat_dai"]
    assert (dat_dai.numerator, dat_dai.denominator) == (1, 2)  # A1 on time, A2 late
    dat_dai = report_for(session, ward, after).kpis["on_time_rate"].fields["dat_dai"]
    assert (dat_dai.numerator, dat_dai.denominator) == (1, 3)  # A3 now late too


def test_zero_denominators_are_no_data(ward, engine, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import_file(engine, write_csv(tmp_path / "q1.csv", ROWS))
    q3 = (dt.date(2020, 7, 1), dt.date(2020, 9, 30))
    k = report_for(session, ward, period=q3).as_dict()["kpis"]
    assert all(k[name]["value"] is None for name in k)
    assert k["on_time_rate"] == {"value": None, "numerator": 0, "denominator": 0, "fields": {}}
    # a field with a dossier returned in April (C1) but none due then: no data, not 0 %
    april = (dt.date(2020, 4, 1), dt.date(2020, 4, 30))
    k = report_for(session, ward, period=april).as_dict()["kpis"]
    assert k["on_time_rate"]["fields"]["chung_thuc"] == {
        "value": None,
        "numerator": 0,
        "denominator": 0,
    }
    assert k["postal_return_rate"]["fields"]["chung_thuc"]["value"] == 0.0
    assert k["on_time_rate"]["fields"]["ho_tich"]["value"] is None  # H3 due 20/04, after now
    assert k["household_business_online_rate"]["value"] is None


def test_import_is_idempotent_and_a_later_export_updates(ward, engine, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "q1.csv", ROWS)
    first = import_file(engine, path)
    before = snapshot(engine)
    again = import_file(engine, path)
    assert (again.rows, again.created, again.updated) == (13, 0, 13)
    assert snapshot(engine) == before and dossier_count(engine) == 13
    assert first.sha256 == again.sha256

    a3 = {**ROWS[2], "ngay_tra": "2020-04-16 09:00", "trang_thai": "da_tra", "phieu_xin_loi": "1"}
    new = d("N1", "khac", "Thủ tục khác", "", "truc_tiep", 2, "2020-04-02", "2020-04-03", "",
            "dang_xu_ly")  # fmt: skip
    later = import_file(engine, write_csv(tmp_path / "april.csv", [a3, new]))
    assert (later.rows, later.created, later.updated) == (2, 1, 1)
    assert dossier_count(engine) == 14
    with Session(engine) as s:
        row = s.exec(select(Dossier).where(Dossier.unit_id == ward, Dossier.ma_ho_so == "A3")).one()
        assert row.trang_thai == "da_tra" and row.phieu_xin_loi is True
        assert row.tra_day == dt.date(2020, 4, 16)
        assert row.ngay_tra == dt.datetime(2020, 4, 16, 2, 0, tzinfo=dt.UTC)
        entries = s.exec(select(AuditEntry).where(AuditEntry.action == "import")).all()
    assert len(entries) == 3
    assert entries[0].after is not None and entries[0].after["sha256"] == first.sha256
    assert entries[0].after["rows"] == 13 and entries[0].entity == "dossier_file"


def test_a_file_with_one_bad_row_imports_nothing(ward, engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [*ROWS]
    rows[4] = {**rows[4], "muc_do_dvc": "5"}  # spreadsheet row 6
    rows[9] = {**rows[9], "ma_don_vi": "khong-co", "ngay_hen_tra": "2019-12-01"}  # row 11
    with pytest.raises(DossierFileInvalid) as caught:
        import_file(engine, write_csv(tmp_path / "bad.csv", rows))
    found = [(p.row, p.path, p.code) for p in caught.value.problems]
    assert found == [
        (6, "muc_do_dvc", "dossier_bad_cell"),
        (11, "ma_don_vi", "dossier_unknown_unit"),
        (11, "ngay_hen_tra", "dossier_appointment_before_received"),
    ]
    assert dossier_count(engine) == 0
    with Session(engine) as s:
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "import")).all() == []


def test_missing_columns_are_reported_once(ward, engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    header = tuple(c for c in COLUMNS if c not in ("kenh_nop", "trang_thai"))
    path = write_csv(tmp_path / "cols.csv", ROWS, header=header)
    with pytest.raises(DossierFileInvalid) as caught:
        import_file(engine, path)
    assert [(p.row, p.path) for p in caught.value.problems] == [
        (1, "kenh_nop"),
        (1, "trang_thai"),
    ]


def test_problems_are_capped_with_a_count_of_the_rest(ward, engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import storage.dossiers

    monkeypatch.setattr(storage.dossiers, "MAX_PROBLEMS", 5)
    rows = [{**ROWS[0], "ma_ho_so": f"B{i}", "kenh_nop": "fax"} for i in range(8)]
    with pytest.raises(DossierFileInvalid) as caught:
        import_file(engine, write_csv(tmp_path / "many.csv", rows))
    assert [p.row for p in caught.value.problems] == [2, 3, 4, 5, 6]
    assert caught.value.more == 3


def test_csv_xlsx_and_semicolon_bom_csv_give_identical_results(  # type: ignore[no-untyped-def]
    ward, engine, session, tmp_path
) -> None:
    import_file(engine, write_csv(tmp_path / "q1.csv", ROWS))
    from_csv = snapshot(engine)
    report_csv = report_for(session, ward).as_dict()

    xlsx = import_file(engine, write_xlsx(tmp_path / "q1.xlsx", ROWS))
    assert (xlsx.rows, xlsx.created) == (13, 0)
    assert snapshot(engine) == from_csv
    assert report_for(session, ward).as_dict() == report_csv

    semi = write_csv(tmp_path / "semi.csv", ROWS, sep=";", bom=True)
    import_file(engine, semi)
    assert snapshot(engine) == from_csv
    assert report_for(session, ward).as_dict() == report_csv


def test_targets_from_kpis_and_manual_measurements(  # type: ignore[no-untyped-def]
    ward, engine, session, tmp_path, bundled_plan
) -> None:
    import_file(engine, write_csv(tmp_path / "q1.csv", ROWS))
    record_measurement(
        "T2.5", 90, session=session, unit_id=ward, year=2020, note="", actor="t", now=NOW
    )
    record_measurement(
        "T2.5",
        100,
        session=session,
        unit_id=ward,
        year=2020,
        note="Sổ theo dõi",
        actor="t",
        now=NOW,
    )
    session.commit()
    stored = measurements(session=session, unit_id=ward, year=2020)
    assert [(m.code, m.value, m.note) for m in stored] == [("T2.5", 100, "Sổ theo dõi")]
    lines = target_results(
        bundled_plan, report_for(session, ward), {m.code: m.value for m in stored}
    )
    status = {line.result.code: line.result.status for line in lines}
    assert status["T2.5"] == "met" and status["T2.6"] == "no_data" and status["T2.7"] == "no_data"
    assert status["T2.2a"] == "not_met"  # dat_dai 33 % < 98 %
    each = next(line.result for line in lines if line.result.code == "T2.2b")
    assert each.status == "not_met"  # chung_thuc 0 % although ho_tich, ho_kinh_doanh are 100 %
    assert each.fields["ho_tich"] == (100.0, "met") and each.fields["chung_thuc"][1] == "not_met"
    assert "dat_dai" not in each.fields
    assert status["T2.3d"] == "met"  # household business online 50 % ≥ 40 %
    assert status["T2.1a"] == "not_met"  # satisfaction 50 % not > 95 %


def test_a_dossier_repeated_in_one_file_keeps_its_last_row(ward, engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    later = {**ROWS[2], "ngay_tra": "2020-04-16 09:00", "trang_thai": "da_tra"}
    path = write_csv(tmp_path / "dup.csv", [ROWS[2], ROWS[0], later])
    report = import_file(engine, path)
    assert (report.rows, report.created, report.updated) == (3, 2, 1)
    with Session(engine) as s:
        row = s.exec(select(Dossier).where(Dossier.ma_ho_so == "A3")).one()
    assert row.trang_thai == "da_tra"


# --- who may import, one unit at a time, and the unit's time zone --------------------------

ANH = Identity.officer("anh.btn@phuhuu.gov.vn")  # the one-stop desk
TAM = Identity.officer("tam.vm@phuhuu.gov.vn")  # justice: no part in importing


@pytest.fixture
def roster(ward, session: Session, bundled_plan) -> int:  # type: ignore[no-untyped-def]
    """The ward with the demo roster (its officers are officers of phu-huu only)."""
    from cchc.tables import read_table
    from plans import HERE
    from responsibilities.roster import read_roster
    from storage.officers import import_roster

    header, rows = read_table(HERE / "demo-roster.csv")
    entries = read_roster(
        header,
        rows,
        file="demo-roster.csv",
        positions=[r.code for r in bundled_plan.roles],
        areas=[a.code for a in bundled_plan.areas],
    )
    import_roster(entries, session=session, unit_id=ward, actor="test", now=NOW)
    session.commit()
    return int(ward)


def refusals(engine: Any) -> list[AuditEntry]:
    with Session(engine) as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.action == "refused")).all())


def test_the_one_stop_desk_imports_its_ward_but_not_another_unit(roster, engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from application.access import Refused

    ward_rows = [r for r in ROWS if r["ma_don_vi"] == "phu-huu"]
    report = import_file(engine, write_csv(tmp_path / "ward.csv", ward_rows), ANH)
    assert (report.rows, report.created) == (12, 12)
    with Session(engine) as s:
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "import")).one()
    assert entry.actor == "anh.btn@phuhuu.gov.vn" and entry.unit_id == roster

    # the district's row: she is no officer of quan-9, so nothing of the file is written
    with pytest.raises(Refused) as caught:
        import_file(engine, write_csv(tmp_path / "all.csv", ROWS), ANH)
    assert caught.value.decision.rule == "unknown_identity"
    assert "anh.btn@phuhuu.gov.vn" in caught.value.render("en")
    assert dossier_count(engine) == 12
    assert [(e.entity, e.key) for e in refusals(engine)] == [("dossier_file", "all.csv")]


def test_an_officer_outside_the_one_stop_desk_may_not_import(roster, engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from application.access import Refused

    path = write_csv(tmp_path / "ward.csv", ROWS[:3])
    with pytest.raises(Refused) as caught:
        import_file(engine, path, TAM)
    message = caught.value.render("vi")
    assert "Bộ phận tiếp nhận và trả kết quả (một cửa)" in message
    assert "Công chức phụ trách công tác CCHC" in message and "Chủ tịch UBND phường" in message
    assert dossier_count(engine) == 0
    assert refusals(engine)[0].actor == "tam.vm@phuhuu.gov.vn"
    # naming the unit, she is refused before the file is read (its quan-9 row is no matter)
    with pytest.raises(Refused):
        import_file(engine, write_csv(tmp_path / "all.csv", ROWS), TAM, unit="phu-huu")
    assert len(refusals(engine)) == 2 and dossier_count(engine) == 0


def test_a_file_checked_for_one_unit_names_the_rows_of_another(ward, engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "q1.csv", ROWS)
    with pytest.raises(DossierFileInvalid) as caught:
        import_file(engine, path, unit="phu-huu")
    assert [(p.row, p.path, p.code) for p in caught.value.problems] == [
        (14, "ma_don_vi", "dossier_other_unit")
    ]
    assert "quan-9" in caught.value.render("en") and dossier_count(engine) == 0
    report = import_file(engine, write_csv(tmp_path / "ward.csv", ROWS[:12]), unit="phu-huu")
    assert report.rows == 12


def test_times_and_days_are_the_units_plan_time_zone(  # type: ignore[no-untyped-def]
    load, session, engine, tmp_path, bundled_plan
) -> None:
    import dataclasses

    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")  # UTC+9: two hours ahead of Vietnam
    load(dataclasses.replace(bundled_plan, timezone="Asia/Tokyo"))
    ward = get_unit("phu-huu", session=session).id
    row = {**ROWS[0], "ngay_tra": "2020-03-11 01:00"}  # still 10 March in Vietnam
    import_file(engine, write_csv(tmp_path / "tokyo.csv", [row, ROWS[-1]]))
    with Session(engine) as s:
        mine = s.exec(select(Dossier).where(Dossier.unit_id == ward)).one()
        district = s.exec(select(Dossier).where(Dossier.unit_id != ward)).one()
    assert mine.ngay_tra == dt.datetime(2020, 3, 11, 1, 0, tzinfo=tokyo)
    assert mine.tra_day == dt.date(2020, 3, 11)  # a day late on the ward's calendar
    assert mine.ngay_tiep_nhan == dt.datetime(2020, 3, 2, 8, 0, tzinfo=tokyo)
    # quan-9 has no plan: its rows are read in the plan format's default zone
    assert district.ngay_tra == dt.datetime(2020, 3, 9, tzinfo=VN)
    late = late_without_apology(session=session, unit_id=ward or 0, start=Q1[0], end=Q1[1], now=NOW)
    assert [(x.ma_ho_so, x.days_late) for x in late] == [("A1", 1)]
