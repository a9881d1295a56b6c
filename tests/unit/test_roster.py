"""Reading an officer roster: every row checked, every problem reported with its row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pytest

from domain.errors import InvalidInput
from responsibilities.roster import RosterEntry, parse_date, read_roster

D = dt.date
HEADER = ["name", "email", "phone", "position", "scope", "from", "to", "kind", "acting_for"]
POSITIONS = {"chairman", "vice_chairman", "cchc_officer", "justice", "office"}
AREAS = {str(n) for n in range(1, 10)}


def rows(*data: Mapping[str, str], header: list[str] = HEADER) -> list[tuple[int, dict[str, str]]]:
    """Data rows numbered as a spreadsheet shows them: the header is row 1."""
    return [(n, {c: row.get(c, "") for c in header}) for n, row in enumerate(data, start=2)]


def read(
    data: list[tuple[int, dict[str, str]]],
    header: list[str] = HEADER,
    known: Mapping[str, str] | None = None,
) -> list[RosterEntry]:
    return read_roster(
        header, data, file="roster.csv", positions=POSITIONS, areas=AREAS, known_names=known
    )


def problems_of(data: list[tuple[int, dict[str, str]]], **kw: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        read(data, **kw)  # type: ignore[arg-type]
    return caught.value


MAI = {
    "name": "Trần Thị Mai",
    "email": "mai.tt@phuhuu.gov.vn",
    "phone": "0909000002",
    "position": "vice_chairman",
    "scope": "3,6,7",
    "from": "01/01/2020",
}
SON = {
    "name": "Đỗ Thanh Sơn",
    "email": "son.dt@phuhuu.gov.vn",
    "position": "office",
    "from": "2020-01-01",
}
NHUNG = {
    "name": "Phạm Thị Hồng Nhung",
    "email": "nhung.pth@phuhuu.gov.vn",
    "position": "cchc_officer",
    "from": "01/01/2020",
}


# --- the happy path ----------------------------------------------------------------------


def test_a_good_roster_reads_into_entries_with_their_row_numbers() -> None:
    acting = {
        **SON,
        "position": "cchc_officer",
        "from": "1/7/2020",
        "to": "2020-08-31",
        "kind": "acting",
        "acting_for": "Nhung.PTH@phuhuu.gov.vn",
    }

    entries = read(rows(MAI, SON, NHUNG, acting))

    assert [e.row for e in entries] == [2, 3, 4, 5]
    mai = entries[0]
    assert (mai.name, mai.email, mai.phone, mai.position) == (
        "Trần Thị Mai",
        "mai.tt@phuhuu.gov.vn",
        "0909000002",
        "vice_chairman",
    )
    assert (mai.start, mai.end, mai.kind, mai.scope, mai.acting_for) == (
        D(2020, 1, 1),
        None,
        "holder",
        ("3", "6", "7"),
        None,
    )
    assert entries[1].start == D(2020, 1, 1)  # YYYY-MM-DD
    stand_in = entries[3]
    assert (stand_in.start, stand_in.end) == (D(2020, 7, 1), D(2020, 8, 31))
    assert (stand_in.kind, stand_in.acting_for) == ("acting", "nhung.pth@phuhuu.gov.vn")


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("3,6,7", ("3", "6", "7")),
        ("3;6;7", ("3", "6", "7")),
        (" 1, 2 ;4,5 ; 8;9 ", ("1", "2", "4", "5", "8", "9")),
        ("", ()),
    ],
)
def test_the_scope_splits_on_commas_and_semicolons(scope: str, expected: tuple[str, ...]) -> None:
    [entry] = read(rows({**MAI, "scope": scope}))
    assert entry.scope == expected


def test_blank_rows_are_skipped_but_still_counted() -> None:
    entries = read(rows(MAI, {}, {"name": "  ", "email": ""}, SON))

    assert [(e.row, e.email) for e in entries] == [(2, MAI["email"]), (5, SON["email"])]


def test_headers_are_matched_without_case_or_spaces_and_emails_are_lowercased() -> None:
    header = [" Name", "EMAIL ", "Position", "From"]
    data = [
        (
            2,
            {
                " Name": "Trần Thị Mai",
                "EMAIL ": "Mai.TT@PhuHuu.gov.vn",
                "Position": "vice_chairman",
                "From": "01/01/2020",
            },
        )
    ]

    [entry] = read(data, header=header)

    assert (entry.name, entry.email, entry.start) == (
        "Trần Thị Mai",
        "mai.tt@phuhuu.gov.vn",
        D(2020, 1, 1),
    )


def test_acting_for_may_name_an_officer_already_in_the_database() -> None:
    [entry] = read(
        rows({**SON, "kind": "acting", "acting_for": NHUNG["email"]}),
        known={NHUNG["email"]: NHUNG["name"]},
    )
    assert entry.acting_for == NHUNG["email"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-07-01", D(2020, 7, 1)),
        ("01/07/2020", D(2020, 7, 1)),
        ("1/7/2020", D(2020, 7, 1)),
        (" 31/12/2020 ", D(2020, 12, 31)),
        ("31/02/2020", None),
        ("2020-02-30", None),
        ("07/01/20", None),
        ("2020/07/01", None),
        ("", None),
    ],
)
def test_dates_are_iso_or_vietnamese_day_month_year(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


# --- problems ----------------------------------------------------------------------------


def test_missing_required_columns_are_reported_on_row_1() -> None:
    header = ["name", "phone", "position", "to"]
    error = problems_of(rows({**MAI}, header=header), header=header)

    assert [(p.code, p.row, p.params["column"]) for p in error.problems] == [
        ("missing_column", 1, "email"),
        ("missing_column", 1, "from"),
    ]
    assert "roster.csv:row 1" in str(error)


def test_every_bad_row_is_reported_together_with_its_row_and_column() -> None:
    data = rows(
        MAI,  # row 2: fine
        {**SON, "position": "deputy_mayor"},  # row 3
        {**SON, "email": "son.dt-at-phuhuu"},  # row 4
        {**SON, "from": "31/02/2020"},  # row 5
        {**SON, "from": "01/06/2020", "to": "31/05/2020"},  # row 6
        {**SON, "scope": "3,10"},  # row 7
        {**SON, "kind": "assistant"},  # row 8
        {**MAI, "name": "Trần Thị Mây"},  # row 9: Mai's email, another name
        {**NHUNG, "kind": "acting", "acting_for": "ghost@phuhuu.gov.vn"},  # row 10
        {**SON, "name": "", "to": "someday"},  # row 11: two bad cells
    )

    error = problems_of(data)

    assert [(p.row, p.path) for p in error.problems] == [
        (3, "position"),
        (4, "email"),
        (5, "from"),
        (6, "to"),
        (7, "scope"),
        (8, "kind"),
        (9, "name"),
        (10, "acting_for"),
        (11, "name"),
        (11, "to"),
    ]
    message = str(error)
    for row in range(3, 12):
        assert f"roster.csv:row {row}" in message
    assert "roster.csv:row 2" not in message
    assert "deputy_mayor" in message and "31/02/2020" in message and "10" in message


def test_a_roster_cannot_rename_an_officer_already_in_the_database() -> None:
    error = problems_of(rows({**MAI, "name": "Trần Thị Mây"}), known={MAI["email"]: MAI["name"]})

    [problem] = error.problems
    assert (problem.code, problem.row, problem.path) == ("conflicting_officer", 2, "name")
    assert MAI["name"] in str(error)


def test_a_roster_with_only_blank_rows_is_refused() -> None:
    error = problems_of(rows({}, {}))

    assert [p.code for p in error.problems] == ["empty_table"]
