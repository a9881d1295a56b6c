"""Property: every parser of a user's value returns a value or refuses it with a located,
translated error (``CchcError``) — never another exception — and what it returns is in range.

Hostile cells go into every column of a dossier export, a procedure catalogue and a roster;
hostile text into the shared parsers of dates, times, periods and numbers."""

from __future__ import annotations

import datetime as dt
import unicodedata
import zoneinfo

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.dossiers import COLUMNS, MAX_SUPPLEMENTS, MAX_YEAR, MIN_YEAR, RowParser, match_header
from domain.errors import CchcError
from domain.procedures import COLUMNS as CATALOGUE_COLUMNS
from domain.procedures import CatalogueRows, match_catalogue_header

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
HOSTILE = (
    "",
    "nan",
    "inf",
    "1e400",
    "-1",
    "99999999999999999999999999999",
    "²",
    "٣",
    "a\x00b",
    "x" * 3000,
    "0001-01-01T00:00:00+07:00",
    "9999-12-31T23:59:59-05:00",
    "9999-12-31",
    "0001-01-01",
    "31/12/9999 23:59",
    "29/02/2021",
    "2020-02-03T25:00",
    "=cmd|' /C calc'!A0",
    "[/b]",
)
cells = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=20),
    st.integers().map(str),
    st.integers(),
    st.floats(),
    st.none(),
    st.datetimes(timezones=st.sampled_from([None, dt.UTC, VN])),
    st.dates(),
)
GOOD = {
    "ma_ho_so": "A1",
    "ma_don_vi": "phu-huu",
    "ma_linh_vuc": "ho_tich",
    "ten_thu_tuc": "Đăng ký khai sinh",
    "ma_thu_tuc": "",
    "kenh_nop": "truc_tiep",
    "muc_do_dvc": "3",
    "ngay_tiep_nhan": "2020-02-03",
    "ngay_hen_tra": "2020-02-05",
    "ngay_tra": "2020-02-04",
    "trang_thai": "da_tra",
    "tra_qua_buu_chinh": "",
    "danh_gia": "",
    "phieu_xin_loi": "",
    "so_lan_bo_sung": "",
    "ngay_co_ket_qua": "",
}
INDEX, _ = match_header(COLUMNS)


def controls(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" for c in text)


PARSE = RowParser(INDEX, file="f.csv", units={"phu-huu": 1}, tz=VN)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(column=st.sampled_from(COLUMNS), value=cells)
def test_a_dossier_row_is_parsed_in_range_or_refused_at_its_cell(
    column: str, value: object
) -> None:
    row = [GOOD[c] for c in COLUMNS]
    row[COLUMNS.index(column)] = value  # type: ignore[call-overload]
    parsed, problems = PARSE(row, 2)
    if parsed is None:
        assert problems and all(p.row == 2 and p.path for p in problems)
        for p in problems:
            p.render("en")  # every problem renders in both languages
            p.render("vi")
        return
    assert not problems
    moments = [parsed.ngay_tiep_nhan, parsed.ngay_hen_tra, parsed.ngay_tra, parsed.ngay_co_ket_qua]
    assert all(MIN_YEAR <= m.year <= MAX_YEAR for m in moments if m is not None)
    assert 0 <= parsed.so_lan_bo_sung <= MAX_SUPPLEMENTS
    texts = (parsed.ma_ho_so, parsed.ma_linh_vuc, parsed.ten_thu_tuc, parsed.ma_thu_tuc)
    assert all(not controls(t) and len(t) <= 1000 for t in texts)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(column=st.sampled_from(CATALOGUE_COLUMNS), value=cells)
def test_a_procedure_row_is_parsed_or_refused_at_its_cell(column: str, value: object) -> None:
    good = {"ma_thu_tuc": "1.001", "ten_thu_tuc": "Khai sinh", "linh_vuc": "ho_tich", "muc_do": "3"}
    index, _ = match_catalogue_header(CATALOGUE_COLUMNS)
    row: list[object] = [good[c] for c in CATALOGUE_COLUMNS]
    row[CATALOGUE_COLUMNS.index(column)] = value
    parsed, problems = CatalogueRows(index, file="p.csv")(row, 2)
    assert (parsed is None) == bool(problems)


ROSTER_GOOD = {
    "name": "Nguyễn Văn Hùng",
    "email": "hung.nv@phuhuu.gov.vn",
    "phone": "0909",
    "position": "chairman",
    "scope": "",
    "from": "01/01/2020",
    "to": "",
    "kind": "",
    "acting_for": "",
}


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(
    column=st.sampled_from(tuple(ROSTER_GOOD)),
    value=st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20)),
)
def test_a_roster_row_is_read_or_refused_with_problems(column: str, value: str) -> None:
    from responsibilities.roster import read_roster

    cells = ROSTER_GOOD | {column: value}
    try:
        entries = read_roster(
            list(cells), [(2, cells)], file="r.csv", positions={"chairman"}, areas={"1", "2"}
        )
    except CchcError:
        return
    assert all(not controls(e.name) for e in entries)


texts = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30), st.integers().map(str))


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(value=texts)
def test_the_shared_parsers_return_or_refuse(value: str) -> None:
    from cchc.commands.officer import parse_day
    from domain.clock import parse_moment
    from domain.kpi import period_of
    from domain.periods import parse_period
    from responsibilities.roster import parse_date

    parse_date(value)
    parse_moment(value, "Asia/Ho_Chi_Minh")
    period_of(quarter=value)
    for parser in (parse_day, parse_period):
        try:
            parser(value)
        except CchcError as exc:
            exc.render("en")


def test_quarters_at_the_edge_of_the_calendar_are_refused_not_crashed() -> None:
    from domain.kpi import period_of

    assert period_of(quarter="9999-Q4") is None
    assert period_of(quarter="0000-Q1") is None
