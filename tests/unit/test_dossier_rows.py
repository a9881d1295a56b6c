"""Reading rows of a dossier export (spec: shared/specs/dossiers.md)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from domain.dossiers import (
    COLUMNS,
    REQUIRED,
    DossierFileInvalid,
    RowParser,
    match_header,
    parse_datetime,
    parse_row,
)
from domain.errors import Problem

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
UNITS = {"phu-huu": 1, "long-binh": 2}
GOOD = {
    "ma_ho_so": "HS-001",
    "ma_don_vi": "phu-huu",
    "ma_linh_vuc": "dat_dai",
    "ten_thu_tuc": "Cấp giấy chứng nhận quyền sử dụng đất",
    "ma_thu_tuc": "1.001",
    "kenh_nop": "truc_tuyen",
    "muc_do_dvc": "3",
    "ngay_tiep_nhan": "2020-03-02 08:15",
    "ngay_hen_tra": "2020-03-10",
    "ngay_tra": "2020-03-10 16:30",
    "trang_thai": "da_tra",
    "tra_qua_buu_chinh": "1",
    "danh_gia": "hai_long",
    "phieu_xin_loi": "0",
    "so_lan_bo_sung": "2",
    "ngay_co_ket_qua": "",
}


def cells(**overrides: object) -> list[object]:
    values = {**GOOD, **overrides}
    return [values[c] for c in COLUMNS]


INDEX = {c: i for i, c in enumerate(COLUMNS)}


def both(row_cells: list[object], row: int = 2):  # type: ignore[no-untyped-def]
    """The slow path and the fast path must agree on every row."""
    slow = parse_row(row_cells, INDEX, row=row, file="f.csv", units=UNITS, tz=VN)
    fast = RowParser(INDEX, file="f.csv", units=UNITS, tz=VN)(row_cells, row)
    assert slow == fast
    return slow


def problems(**overrides: object) -> list[Problem]:
    parsed, found = both(cells(**overrides))
    assert parsed is None
    return found


def test_a_clean_row_gives_aware_times_and_local_days() -> None:
    row, found = both(cells())
    assert found == [] and row is not None
    assert row.ngay_tiep_nhan == dt.datetime(2020, 3, 2, 8, 15, tzinfo=VN)
    assert row.ngay_hen_tra == dt.datetime(2020, 3, 10, tzinfo=VN)
    assert row.ngay_tra == dt.datetime(2020, 3, 10, 16, 30, tzinfo=VN)
    assert (row.tiep_nhan_day, row.hen_tra_day, row.tra_day) == (
        dt.date(2020, 3, 2),
        dt.date(2020, 3, 10),
        dt.date(2020, 3, 10),
    )
    assert row.muc_do_dvc == 3 and row.so_lan_bo_sung == 2
    assert row.tra_qua_buu_chinh is True and row.phieu_xin_loi is False
    assert row.danh_gia == "hai_long" and row.ma_thu_tuc == "1.001"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-03-02", dt.datetime(2020, 3, 2, tzinfo=VN)),
        ("2020-03-02 08:15", dt.datetime(2020, 3, 2, 8, 15, tzinfo=VN)),
        ("2020-03-02 08:15:30", dt.datetime(2020, 3, 2, 8, 15, 30, tzinfo=VN)),
        ("2020-03-02T08:15", dt.datetime(2020, 3, 2, 8, 15, tzinfo=VN)),
        ("2020-03-02T08:15:30", dt.datetime(2020, 3, 2, 8, 15, 30, tzinfo=VN)),
        ("02/03/2020", dt.datetime(2020, 3, 2, tzinfo=VN)),
        ("2/3/2020", dt.datetime(2020, 3, 2, tzinfo=VN)),
        ("02/03/2020 08:15", dt.datetime(2020, 3, 2, 8, 15, tzinfo=VN)),
        ("02/03/2020 08:15:30", dt.datetime(2020, 3, 2, 8, 15, 30, tzinfo=VN)),
        ("  02/03/2020 08:15  ", dt.datetime(2020, 3, 2, 8, 15, tzinfo=VN)),
        ("2020-03-02T01:15:00+00:00", dt.datetime(2020, 3, 2, 8, 15, tzinfo=VN)),
        ("2020-03-02T01:15:00Z", dt.datetime(2020, 3, 2, 8, 15, tzinfo=VN)),
        ("2020-03-02 10:15+09:00", dt.datetime(2020, 3, 2, 8, 15, tzinfo=VN)),
        (dt.datetime(2020, 3, 2, 8, 15), dt.datetime(2020, 3, 2, 8, 15, tzinfo=VN)),
        (dt.date(2020, 3, 2), dt.datetime(2020, 3, 2, tzinfo=VN)),
    ],
)
def test_every_date_form_reads_as_local_time_unless_an_offset_is_given(
    text: object, expected: dt.datetime
) -> None:
    parsed = parse_datetime(text, VN)
    assert parsed == expected and parsed is not None and parsed.tzinfo is not None
    row, found = both(cells(ngay_tiep_nhan=text, ngay_hen_tra="2020-03-20", ngay_tra=""), 2)
    if found:  # ngay_tra is required for da_tra; use a processing dossier
        row, found = both(
            cells(ngay_tiep_nhan=text, ngay_hen_tra="2020-03-20", ngay_tra="", trang_thai="rut")
        )
    assert found == [] and row is not None and row.ngay_tiep_nhan == expected


def test_an_offset_moves_the_local_day() -> None:
    row, _ = both(cells(ngay_tra="2020-03-10T18:30:00+00:00", ngay_hen_tra="2020-03-10"))
    assert row is not None and row.tra_day == dt.date(2020, 3, 11)  # 01:30 next day in Vietnam


def test_wall_times_are_read_in_the_time_zone_given() -> None:
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")  # a plan in another time zone: UTC+9, not UTC+7
    values = cells(ngay_tiep_nhan="2020-03-02 08:15", ngay_tra="2020-03-11 01:00")
    slow = parse_row(values, INDEX, row=2, units=UNITS, tz=tokyo)
    fast = RowParser(INDEX, units=UNITS, tz=tokyo)(values, 2)
    assert slow == fast
    row, found = slow
    assert found == [] and row is not None
    assert row.ngay_tiep_nhan == dt.datetime(2020, 3, 2, 8, 15, tzinfo=tokyo)
    assert row.ngay_tiep_nhan == dt.datetime(2020, 3, 2, 6, 15, tzinfo=VN)
    assert row.tra_day == dt.date(2020, 3, 11)  # the unit's day, though still the 10th in Vietnam
    assert parse_datetime("02/03/2020", tokyo) == dt.datetime(2020, 3, 2, tzinfo=tokyo)


@pytest.mark.parametrize(
    "text",
    [
        "2020-13-01",
        "31/02/2020",
        "2020/03/02",
        "02-03-2020",
        "2020-03-02 25:00",
        "hôm nay",
        "20200302",
        "2020-W10-1",
        "1583136000",
    ],
)
def test_bad_dates_are_reported_with_the_forms_expected(text: str) -> None:
    assert parse_datetime(text, VN) is None
    found = problems(ngay_tiep_nhan=text)
    assert [(p.code, p.path, p.row) for p in found] == [("dossier_bad_cell", "ngay_tiep_nhan", 2)]
    assert found[0].params["value"] == text and "DD/MM/YYYY" in found[0].params["expected"]


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("kenh_nop", "online", "truc_tiep | truc_tuyen | buu_chinh"),
        ("muc_do_dvc", "1", "2 | 3 | 4"),
        ("muc_do_dvc", "5", "2 | 3 | 4"),
        ("trang_thai", "xong", "dang_xu_ly | da_tra | rut | tu_choi"),
        ("tra_qua_buu_chinh", "2", "0 | 1"),
        ("tra_qua_buu_chinh", "có", "0 | 1"),
        ("danh_gia", "tot", "rat_hai_long | hai_long | binh_thuong | khong_hai_long"),
        ("phieu_xin_loi", "yes", "0 | 1"),
        ("so_lan_bo_sung", "-1", "số nguyên 0–999 / integer 0–999"),
        ("so_lan_bo_sung", "1.5", "số nguyên 0–999 / integer 0–999"),
        ("ma_ho_so", "X" * 101, "≤ 100 ký tự / characters"),
    ],
)
def test_each_bad_cell_names_column_value_and_what_was_expected(
    column: str, value: str, expected: str
) -> None:
    found = problems(**{column: value})
    assert len(found) == 1
    p = found[0]
    assert (p.code, p.path, p.row, p.file) == ("dossier_bad_cell", column, 2, "f.csv")
    shown = value if len(value) <= 80 else value[:80] + "…"  # a long value is shown cut
    assert p.params == {"column": column, "value": shown, "expected": expected}
    assert p.render("en").startswith(f"f.csv:row 2: {column}: '")


@pytest.mark.parametrize("column", REQUIRED)
def test_every_required_cell_must_be_filled(column: str) -> None:
    found = problems(**{column: "  "})
    assert ("dossier_empty_cell", column) in [(p.code, p.path) for p in found]


def test_optional_cells_default_when_empty() -> None:
    row, found = both(
        cells(
            ma_thu_tuc="",
            tra_qua_buu_chinh="",
            danh_gia="",
            phieu_xin_loi="",
            so_lan_bo_sung="",
        )
    )
    assert found == [] and row is not None
    assert (row.ma_thu_tuc, row.tra_qua_buu_chinh, row.danh_gia) == ("", False, None)
    assert (row.phieu_xin_loi, row.so_lan_bo_sung) == (False, 0)


def test_optional_columns_may_be_absent_and_extra_columns_are_ignored() -> None:
    header = [" MA_HO_SO ", "Ma_Don_Vi", "ghi_chu", *[c for c in REQUIRED[2:]]]
    index, missing = match_header(header)
    assert missing == [] and "ghi_chu" not in index
    values = ["HS-9", "phu-huu", "bất kỳ", *[GOOD[c] for c in REQUIRED[2:]]]
    values[header.index("trang_thai")] = "dang_xu_ly"
    row, found = parse_row(values, index, row=7, units=UNITS, tz=VN)
    fast = RowParser(index, units=UNITS, tz=VN)(values, 7)
    assert (row, found) == fast
    assert found == [] and row is not None and row.ngay_tra is None and row.ma_ho_so == "HS-9"


def test_missing_required_columns_are_each_reported_once_on_row_1() -> None:
    _, missing = match_header(["ma_ho_so", "MA_DON_VI", "ngay_tra"], file="x.csv")
    assert [(p.code, p.row, p.path) for p in missing] == [
        ("dossier_missing_column", 1, c) for c in REQUIRED[2:]
    ]
    assert "ma_linh_vuc" in missing[0].render("en")


def test_unknown_unit_is_an_error_with_its_row() -> None:
    found = problems(ma_don_vi="khong-co")
    assert [(p.code, p.path, p.params["value"]) for p in found] == [
        ("dossier_unknown_unit", "ma_don_vi", "khong-co")
    ]


@pytest.mark.parametrize(
    ("overrides", "code", "column"),
    [
        (
            {"ngay_tiep_nhan": "2020-03-10 09:00", "ngay_hen_tra": "2020-03-10"},
            "dossier_appointment_before_received",
            "ngay_hen_tra",
        ),
        (
            {"ngay_tra": "01/03/2020 10:00", "ngay_hen_tra": "2020-03-10"},
            "dossier_returned_before_received",
            "ngay_tra",
        ),
        ({"ngay_tra": "", "trang_thai": "da_tra"}, "dossier_returned_needs_date", "ngay_tra"),
        ({"trang_thai": "dang_xu_ly"}, "dossier_processing_has_return", "ngay_tra"),
    ],
)
def test_consistency_rules(overrides: dict[str, str], code: str, column: str) -> None:
    found = problems(**overrides)
    assert [(p.code, p.path) for p in found] == [(code, column)]


@pytest.mark.parametrize("status", ["rut", "tu_choi"])
def test_withdrawn_and_refused_may_have_a_return_date_or_not(status: str) -> None:
    assert both(cells(trang_thai=status))[1] == []
    assert both(cells(trang_thai=status, ngay_tra=""))[1] == []


def test_same_instant_received_and_appointment_is_fine() -> None:
    row, found = both(cells(ngay_tiep_nhan="2020-03-10", ngay_hen_tra="10/03/2020"))
    assert found == [] and row is not None


def test_every_problem_of_a_row_is_reported_together() -> None:
    found = problems(kenh_nop="fax", muc_do_dvc="9", ngay_hen_tra="mai", danh_gia="?")
    assert sorted(p.path for p in found) == ["danh_gia", "kenh_nop", "muc_do_dvc", "ngay_hen_tra"]


def test_spreadsheet_values_numbers_and_native_dates() -> None:
    row, found = both(
        cells(
            ma_ho_so=12345.0,
            muc_do_dvc=4,
            ngay_tiep_nhan=dt.datetime(2020, 3, 2, 8, 15),
            ngay_hen_tra=dt.datetime(2020, 3, 10),
            ngay_tra=None,
            trang_thai="dang_xu_ly",
            tra_qua_buu_chinh=None,
            phieu_xin_loi=1,
            so_lan_bo_sung=0,
        )
    )
    assert found == [] and row is not None
    assert row.ma_ho_so == "12345" and row.muc_do_dvc == 4 and row.phieu_xin_loi is True
    assert row.ngay_tiep_nhan == dt.datetime(2020, 3, 2, 8, 15, tzinfo=VN)


def test_a_file_error_lists_the_first_problems_and_counts_the_rest() -> None:
    # two different problems (the same one on several rows is one line: test_problem_groups)
    found = [
        Problem("dossier_empty_cell", file="f.csv", row=n, path=path)
        for n, path in ((9, "ten_thu_tuc"), (3, "ma_ho_so"))
    ]
    exc = DossierFileInvalid(found, more=5)
    text = exc.render("en")
    lines = text.splitlines()
    assert lines[0].startswith("f.csv:row 3: ma_ho_so:") and lines[1].startswith("f.csv:row 9")
    assert "5 more" in lines[2] and lines[3] == "7 problem(s) in all."
    assert "và 5 lỗi khác" in exc.render("vi")


def test_the_optional_ready_date_is_read_on_both_paths() -> None:
    parsed, found = both(cells(ngay_co_ket_qua="09/03/2020 15:00"))
    assert found == [] and parsed is not None
    assert parsed.ngay_co_ket_qua == dt.datetime(2020, 3, 9, 15, 0, tzinfo=VN)
    assert parsed.co_ket_qua_day == dt.date(2020, 3, 9)
    parsed, _ = both(cells(ngay_co_ket_qua="2020-03-09T23:30+00:00"))  # 10/03 in Vietnam
    assert parsed is not None and parsed.co_ket_qua_day == dt.date(2020, 3, 10)
    parsed, _ = both(cells())
    assert parsed is not None and parsed.ngay_co_ket_qua is None and parsed.co_ket_qua_day is None
    found = problems(ngay_co_ket_qua="2020-03-01")
    assert [(p.path, p.code) for p in found] == [
        ("ngay_co_ket_qua", "dossier_ready_before_received")
    ]
    assert [p.path for p in problems(ngay_co_ket_qua="sớm")] == ["ngay_co_ket_qua"]
