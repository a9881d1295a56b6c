"""The spec's KPI formulas in plain Python (domain.dossier_kpis), on small hand-made exports.

Every expected figure is worked out by hand in the comments next to it. Period: 2020-Q1;
"today" (the report day): 2020-04-15. 2 April 2020 is a public holiday (Hùng Kings).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo

import pytest

from domain.dossier_kpis import (
    CATALOGUE,
    PROCEDURES_WITH_DOSSIERS,
    compute_kpis,
    is_on_time,
    settled_day,
    working_days_late,
)
from domain.dossiers import DossierRow, match_header, parse_row
from domain.procedures import Procedure
from domain.workdays import WorkCalendar

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
Q1 = (dt.date(2020, 1, 1), dt.date(2020, 3, 31))
TODAY = dt.date(2020, 4, 15)
CALENDAR = WorkCalendar(holidays={dt.date(2020, 4, 2): "Giỗ Tổ Hùng Vương"})

EXPORT = """\
ma_ho_so,ma_don_vi,ma_linh_vuc,ten_thu_tuc,ma_thu_tuc,kenh_nop,muc_do_dvc,ngay_tiep_nhan,ngay_hen_tra,ngay_tra,ngay_co_ket_qua,trang_thai,tra_qua_buu_chinh,danh_gia,phieu_xin_loi
D1,phu-huu,dat_dai,Cấp GCN,DD1,truc_tuyen,3,2020-03-02 08:00,2020-03-10,2020-03-10 16:00,,da_tra,,hai_long,
D2,phu-huu,dat_dai,Cấp GCN,DD1,truc_tiep,3,2020-03-03,2020-03-12,2020-03-13 09:00,2020-03-11 15:00,da_tra,,,
D3,phu-huu,dat_dai,Xác nhận nhà đất,DD2,truc_tiep,2,2020-03-05,2020-03-20,,2020-03-24 10:00,dang_xu_ly,,,
H1,phu-huu,ho_tich,Đăng ký khai sinh,HT1,truc_tuyen,4,2020-02-03,2020-02-05,2020-02-04 10:00,,da_tra,,rat_hai_long,
H2,phu-huu,ho_tich,Đăng ký khai sinh,HT1,truc_tiep,4,2020-02-10,2020-02-12,,,rut,,,
H3,phu-huu,ho_tich,Đăng ký kết hôn,HT2,truc_tiep,2,2020-03-25,2020-03-27,,2020-03-27 11:00,dang_xu_ly,,,
C1,phu-huu,chung_thuc,Chứng thực bản sao,CT1,truc_tiep,2,2020-03-02,2020-03-03,,,dang_xu_ly,,,1
C2,phu-huu,chung_thuc,Chứng thực bản sao,CT1,truc_tiep,2,2020-03-02,2020-03-06,2020-03-10 08:00,,da_tra,,khong_hai_long,
C3,phu-huu,chung_thuc,Chứng thực bản sao,CT1,buu_chinh,2,2020-03-09,2020-03-11,2020-03-16 08:00,,da_tra,1,,1
"""
# slips recorded with `cchc dossiers apology`: C2 before its appointment (06/03), C3 after
# its appointment (11/03); the earliest slip of each dossier counts
SLIPS = {"C2": dt.date(2020, 3, 5), "C3": dt.date(2020, 3, 12)}
CATALOGUE_ROWS = [
    Procedure("DD1", "Cấp GCN", "dat_dai", 3),
    Procedure("DD2", "Xác nhận nhà đất", "dat_dai", 2),
    Procedure("HT1", "Đăng ký khai sinh", "ho_tich", 4),
    Procedure("HT2", "Đăng ký kết hôn", "ho_tich", 2),
    Procedure("HT3", "Đăng ký khai tử", "ho_tich", 3),  # no dossier received
    Procedure("CT1", "Chứng thực bản sao", "chung_thuc", 2),
    Procedure("CT2", "Chứng thực chữ ký", "chung_thuc", 2),
    Procedure("KD1", "Đăng ký hộ kinh doanh", "ho_kinh_doanh", 4),
]


def read(text: str) -> list[DossierRow]:
    lines = list(csv.reader(io.StringIO(text)))
    index, missing = match_header(lines[0])
    assert missing == []
    out = []
    for n, cells in enumerate(lines[1:], start=2):
        row, problems = parse_row(cells, index, row=n, tz=VN)
        assert problems == [], problems
        assert row is not None
        out.append(row)
    return out


ROWS = read(EXPORT)
BY_ID = {r.ma_ho_so: r for r in ROWS}


def figures(kpis, name):  # type: ignore[no-untyped-def]
    r = kpis[name].overall
    return r.numerator, r.denominator


def test_online_dossier_share_is_over_all_dossiers_received() -> None:
    kpis, _ = compute_kpis(ROWS, start=Q1[0], end=Q1[1], today=TODAY)
    # received in Q1: all nine; filed online: D1 H1
    assert figures(kpis, "online_dossier_share") == (2, 9)
    assert kpis["online_dossier_share"].overall.value == pytest.approx(22.222, abs=1e-3)
    # the PAR formula divides by the dossiers of level-3/4 procedures: D1 D2 H1 H2
    assert figures(kpis, "online_rate") == (2, 4)
    assert kpis["online_dossier_share"].fields["dat_dai"].value == pytest.approx(100 / 3)
    assert kpis["online_dossier_share"].fields["chung_thuc"].value == 0.0


def test_on_time_is_judged_by_the_ready_date_when_the_export_has_one() -> None:
    # D2 handed over on 13/03 after its appointment 12/03, but the result was ready 11/03
    assert settled_day(BY_ID["D2"]) == dt.date(2020, 3, 11) and is_on_time(BY_ID["D2"])
    # D3 not handed over, ready 24/03 after its appointment 20/03: late
    assert settled_day(BY_ID["D3"]) == dt.date(2020, 3, 24) and not is_on_time(BY_ID["D3"])
    # H3 ready on its appointment day, not handed over yet: on time
    assert is_on_time(BY_ID["H3"])
    # without a ready date, the hand-over date decides
    assert settled_day(BY_ID["C2"]) == dt.date(2020, 3, 10) and not is_on_time(BY_ID["C2"])
    kpis, _ = compute_kpis(ROWS, start=Q1[0], end=Q1[1], today=TODAY)
    # due in Q1: D1 D2 D3 H1 H3 C1 C2 C3 (H2 withdrawn); on time: D1 D2 H1 H3
    assert figures(kpis, "on_time_rate") == (4, 8)
    fields = kpis["on_time_rate"].fields
    assert (fields["dat_dai"].numerator, fields["dat_dai"].denominator) == (2, 3)
    assert fields["ho_tich"].value == 100.0 and fields["chung_thuc"].value == 0.0


def test_apology_coverage_counts_slips_issued_by_the_appointment_date() -> None:
    kpis, _ = compute_kpis(ROWS, start=Q1[0], end=Q1[1], today=TODAY, slips=SLIPS)
    # late: D3 C1 C2 C3. Covered: C1 (the export's flag, no slip recorded here), C2 (slip on
    # 05/03, appointment 06/03). C3's export flag is overruled by its recorded slip of 12/03,
    # a day after its appointment.
    assert figures(kpis, "apology_coverage") == (2, 4)
    # without the recorded slips, the export's flags decide: C1 C3
    kpis, _ = compute_kpis(ROWS, start=Q1[0], end=Q1[1], today=TODAY)
    assert figures(kpis, "apology_coverage") == (2, 4)
    kpis, _ = compute_kpis(
        ROWS, start=Q1[0], end=Q1[1], today=TODAY, slips={**SLIPS, "D3": dt.date(2020, 3, 20)}
    )
    assert figures(kpis, "apology_coverage") == (3, 4)  # on the appointment day counts


def test_online_procedure_share_over_the_catalogue_when_there_is_one() -> None:
    kpis, basis = compute_kpis(ROWS, start=Q1[0], end=Q1[1], today=TODAY)
    # procedures that received dossiers: DD1 (3) DD2 (2) HT1 (4) HT2 (2) CT1 (2)
    assert basis == PROCEDURES_WITH_DOSSIERS
    assert figures(kpis, "online_procedure_share") == (2, 5)
    kpis, basis = compute_kpis(ROWS, start=Q1[0], end=Q1[1], today=TODAY, catalogue=CATALOGUE_ROWS)
    # the catalogue: 8 procedures, online DD1 HT1 HT3 KD1
    assert basis == CATALOGUE
    assert figures(kpis, "online_procedure_share") == (4, 8)
    fields = kpis["online_procedure_share"].fields
    assert fields["ho_tich"].numerator == 2 and fields["ho_tich"].denominator == 3
    assert fields["ho_kinh_doanh"].value == 100.0 and fields["chung_thuc"].value == 0.0


def test_the_other_kpis_on_the_same_export() -> None:
    kpis, _ = compute_kpis(ROWS, start=Q1[0], end=Q1[1], today=TODAY)
    # returned in Q1: D1 D2 H1 C2 C3; by post: C3
    assert figures(kpis, "postal_return_rate") == (1, 5)
    # rated: D1 hai_long, H1 rat_hai_long, C2 khong_hai_long
    assert figures(kpis, "satisfaction_rate") == (2, 3)
    assert kpis["household_business_online_rate"].overall.value is None  # no data


def test_lateness_counts_working_days() -> None:
    # D3: appointment Friday 20/03, ready Tuesday 24/03 → Monday, Tuesday
    assert working_days_late(BY_ID["D3"], TODAY, CALENDAR) == 2
    # C1: appointment 03/03, not returned at 15/04: 43 calendar days, 30 working days
    # (weekends and 02/04 off)
    assert working_days_late(BY_ID["C1"], TODAY, CALENDAR) == 30
    # C2: appointment Friday 06/03, returned Tuesday 10/03
    assert working_days_late(BY_ID["C2"], TODAY, CALENDAR) == 2


def test_ready_before_received_is_an_error() -> None:
    lines = list(csv.reader(io.StringIO(EXPORT)))
    index, _ = match_header(lines[0])
    cells = lines[2]
    cells[index["ngay_co_ket_qua"]] = "2020-03-01"
    row, problems = parse_row(cells, index, row=3, file="f.csv", tz=VN)
    assert row is None
    assert [(p.row, p.path, p.code) for p in problems] == [
        (3, "ngay_co_ket_qua", "dossier_ready_before_received")
    ]
    assert problems[0].render("en") == (
        "f.csv:row 3: ngay_co_ket_qua: result ready 2020-03-01 before the date received 2020-03-03"
    )
