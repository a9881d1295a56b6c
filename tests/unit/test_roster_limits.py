"""Hostile and clumsy rosters: two holders at once, self-acting, control characters in names,
huge cells and huge sheets — each refused as a problem with its row, never a traceback."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

import pytest
from hostile_inputs import big_xlsx

from cchc.tables import MAX_CELL, MAX_CSV_BYTES, MAX_ROWS, read_table
from domain.errors import InvalidInput, Problem
from plans import HERE
from responsibilities.roster import RosterEntry, read_roster

HEADER = ["name", "email", "phone", "position", "scope", "from", "to", "kind", "acting_for"]
POSITIONS = {"chairman", "vice_chairman", "cchc_officer", "justice", "office", "one_stop"}
AREAS = {str(n) for n in range(1, 10)}

HUNG = {"name": "Nguyễn Văn Hùng", "email": "hung.nv@phuhuu.gov.vn", "position": "chairman"}
BINH = {"name": "Trần Văn Bình", "email": "binh.tv@phuhuu.gov.vn", "position": "chairman"}
MAI = {"name": "Trần Thị Mai", "email": "mai.tt@phuhuu.gov.vn", "position": "vice_chairman"}
BAO = {"name": "Lê Quốc Bảo", "email": "bao.lq@phuhuu.gov.vn", "position": "vice_chairman"}
SON = {"name": "Đỗ Thanh Sơn", "email": "son.dt@phuhuu.gov.vn", "position": "office"}
NHUNG = {"name": "Phạm Thị Hồng Nhung", "email": "nhung.pth@phuhuu.gov.vn"}


def rows(*data: Mapping[str, str]) -> list[tuple[int, dict[str, str]]]:
    return [
        (n, {c: row.get(c, "") for c in HEADER})
        for n, row in enumerate(({"from": "01/01/2020", **r} for r in data), start=2)
    ]


def read(*data: Mapping[str, str]) -> list[RosterEntry]:
    return read_roster(HEADER, rows(*data), file="roster.csv", positions=POSITIONS, areas=AREAS)


def refused(*data: Mapping[str, str]) -> list[Problem]:
    with pytest.raises(InvalidInput) as caught:
        read(*data)
    return caught.value.problems


# --- one holder at a time -------------------------------------------------------------------


def test_two_chairmen_at_the_same_time_are_refused_at_the_second_row() -> None:
    [p] = refused(HUNG, {**BINH, "from": "01/06/2020"})

    assert (p.code, p.row, p.path) == ("two_chairmen", 3, "position")
    assert p.params["first"] == 2 and p.params["other"] == HUNG["name"]
    assert "roster.csv:row 3" in p.render("vi")
    assert HUNG["name"] in p.render("vi") and "(Hint: " in p.render("en")


def test_a_chairman_follows_another_once_the_first_holding_ends() -> None:
    entries = read({**HUNG, "to": "31/05/2020"}, {**BINH, "from": "01/06/2020"})
    assert [e.email for e in entries] == [HUNG["email"], BINH["email"]]


def test_a_scope_does_not_split_the_chairmanship() -> None:
    [p] = refused({**HUNG, "scope": "1,2"}, {**BINH, "scope": "3"})
    assert (p.code, p.row) == ("two_chairmen", 3)


def test_vice_chairmen_may_split_the_areas_by_scope() -> None:
    entries = read({**MAI, "scope": "3,6,7"}, {**BAO, "scope": "1,2,4,5,8,9"})
    assert len(entries) == 2


def test_a_holder_with_a_scope_and_one_without_answer_for_different_areas() -> None:
    # the scoped holder answers for its areas, the other for the rest (holders() says so)
    assert len(read({**MAI, "scope": "3"}, BAO)) == 2


@pytest.mark.parametrize(
    ("first", "second"),
    [("3,6", "6,7"), ("", "")],
    ids=["shared-area", "both-unscoped"],
)
def test_two_holders_of_a_position_for_the_same_area_are_refused(first: str, second: str) -> None:
    [p] = refused({**MAI, "scope": first}, {**BAO, "scope": second, "from": "2020-03-01"})

    assert (p.code, p.row, p.path) == ("two_holders", 3, "position")
    assert p.params["position"] == "vice_chairman" and p.params["first"] == 2


def test_acting_and_delegated_rows_stand_in_beside_the_holder() -> None:
    acting = {**SON, "position": "cchc_officer", "kind": "acting", "acting_for": NHUNG["email"]}
    entries = read({**NHUNG, "position": "cchc_officer"}, {**acting, "from": "01/07/2020"})
    assert len(entries) == 2


def test_the_bundled_demo_roster_passes() -> None:
    header, data = read_table(HERE / "demo-roster.csv")
    entries = read_roster(
        header,
        data,
        file="demo-roster.csv",
        positions={*POSITIONS, "justice", "accounting", "culture_info"}
        | {"party_mass_mobilisation", "fatherland_front", "peoples_council"},
        areas=AREAS,
    )
    assert len(entries) == 13


# --- the same person twice, acting for oneself ----------------------------------------------


@pytest.mark.parametrize("kind", ["holder", "acting"])
def test_overlapping_rows_for_one_person_and_position_are_refused(kind: str) -> None:
    later = {**SON, "from": "01/03/2020", "to": "30/06/2020", "kind": kind}
    if kind == "acting":
        later["acting_for"] = ""

    [p] = refused(SON, later)

    assert (p.code, p.row, p.path) == ("overlapping_rows", 3, "from")
    assert p.params["first"] == 2 and p.params["email"] == SON["email"]


def test_the_same_person_may_hold_a_position_again_after_a_gap() -> None:
    assert len(read({**SON, "to": "31/03/2020"}, {**SON, "from": "01/05/2020"})) == 2


def test_acting_for_oneself_is_refused() -> None:
    me = {**NHUNG, "position": "cchc_officer", "kind": "acting", "acting_for": NHUNG["email"]}

    [p] = refused(me)

    assert (p.code, p.row, p.path) == ("acting_for_self", 2, "acting_for")
    assert NHUNG["email"] in p.render("en")


# --- characters in cells --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Nguyễn Văn\nHùng", "Nguyễn Văn Hùng"),  # Alt+Enter in Excel
        ("Nguyễn Văn\r\nHùng", "Nguyễn Văn Hùng"),
        ("Nguyễn\tVăn  Hùng ", "Nguyễn Văn Hùng"),
        ("Nguyễn\u2028Văn\u00a0Hùng", "Nguyễn Văn Hùng"),
    ],
)
def test_line_breaks_and_tabs_in_a_name_become_single_spaces(raw: str, clean: str) -> None:
    [entry] = read({**HUNG, "name": raw})
    assert entry.name == clean


@pytest.mark.parametrize(
    ("column", "char"), [("name", "\x00"), ("name", "\x1b"), ("email", "\x00")]
)
def test_a_control_character_in_a_cell_is_refused(column: str, char: str) -> None:
    value = HUNG[column][:5] + char + HUNG[column][5:]

    found = refused({**HUNG, column: value})

    [p] = [p for p in found if p.code == "control_character"]
    assert (p.row, p.path) == (2, column)
    assert f"U+{ord(char):04X}" in p.render("vi")
    assert "ký tự điều khiển" in p.render("vi")


# --- reading files --------------------------------------------------------------------------


def write_csv(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def table_problems(path: Path, **kw: int) -> list[Problem]:
    with pytest.raises(InvalidInput) as caught:
        read_table(path, **kw)
    return caught.value.problems


@pytest.mark.parametrize("size", [MAX_CELL + 1, 200_000])
def test_a_huge_csv_cell_is_a_problem_at_its_row_and_column(tmp_path: Path, size: int) -> None:
    path = write_csv(
        tmp_path / "roster.csv",
        "name,email,phone,position,from",
        "Nguyễn Văn Hùng,hung.nv@phuhuu.gov.vn,,chairman,01/01/2020",
        f'Trần Thị Mai,mai.tt@phuhuu.gov.vn,"{"9" * size}",vice_chairman,01/01/2020',
    )

    [p] = table_problems(path)

    assert (p.code, p.row, p.path) == ("cell_too_long", 3, "phone")
    assert p.render("en").startswith(f"{path}:row 3: phone: ")
    assert len(p.render("en")) < 300


def test_a_quoted_line_break_is_kept_inside_its_cell(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "roster.csv",
        "name,email,position,from",
        '"Nguyễn Văn\nHùng",hung.nv@phuhuu.gov.vn,chairman,01/01/2020',
        "Trần Thị Mai,mai.tt@phuhuu.gov.vn,vice_chairman,01/01/2020",
    )

    _, data = read_table(path)

    assert [(n, row["name"]) for n, row in data] == [(2, "Nguyễn Văn\nHùng"), (3, "Trần Thị Mai")]


def test_a_csv_with_too_many_rows_is_refused(tmp_path: Path) -> None:
    lines = [f"Người {i},u{i}@x.vn,justice,01/01/2020" for i in range(MAX_ROWS + 5)]
    path = write_csv(tmp_path / "roster.csv", "name,email,position,from", *lines)

    [p] = table_problems(path)

    assert (p.code, p.row) == ("too_many_rows", MAX_ROWS + 2)
    assert str(MAX_ROWS) in p.render("vi")


def test_a_small_xlsx_of_two_million_rows_is_refused_at_once(tmp_path: Path) -> None:
    path = big_xlsx(tmp_path / "roster.xlsx", 2_000_000)
    assert path.stat().st_size < 8_000_000

    started = time.monotonic()
    found = table_problems(path)

    assert time.monotonic() - started < 2
    assert [p.code for p in found] == ["xlsx_too_large"]
    assert found[0].render("en").startswith(f"{path}: the spreadsheet is larger than 16 MB")


def test_an_xlsx_with_too_many_rows_is_streamed_and_stopped_at_the_cap(tmp_path: Path) -> None:
    path = big_xlsx(tmp_path / "roster.xlsx", 3 * MAX_ROWS)
    assert [(p.code, p.row) for p in table_problems(path)] == [("too_many_rows", MAX_ROWS + 2)]


def test_the_row_cap_is_a_parameter(tmp_path: Path) -> None:
    path = big_xlsx(tmp_path / "roster.xlsx", 200)
    assert [(p.code, p.row) for p in table_problems(path, max_rows=100)] == [("too_many_rows", 102)]
    assert len(read_table(path, max_rows=200)[1]) == 200


def test_a_huge_xlsx_cell_is_a_problem_at_its_row_and_column(tmp_path: Path) -> None:
    path = big_xlsx(tmp_path / "roster.xlsx", 2, cell="x" * (MAX_CELL + 1))
    found = table_problems(path)
    assert [(p.code, p.row, p.path) for p in found] == [
        ("cell_too_long", 2, "name"),
        ("cell_too_long", 3, "name"),
    ]


def test_a_huge_csv_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("name,email,position,from\n")
        line = "Người,u@x.vn,justice,01/01/2020\n"
        f.write(line * (MAX_CSV_BYTES // len(line.encode()) + 1))
    assert [p.code for p in table_problems(path)] == ["csv_too_large"]
