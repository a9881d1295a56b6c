"""Repeated problems grouped for reading, and the export's words folded (issue 11)."""

from __future__ import annotations

import pytest

from domain.dossier_columns import read_vocabulary
from domain.dossiers import DossierFileInvalid
from domain.errors import InvalidInput, Problem, grouped
from domain.names import fold


def unknown_unit(row: int, unit: str = "long-truong") -> Problem:
    return Problem(
        "dossier_unknown_unit", file="x.csv", row=row, path="ma_don_vi", params={"value": unit}
    )


ROWS = [11, 18, 20, *range(30, 167)]  # 140 rows


def test_140_repeated_problems_are_one_group_keeping_every_row() -> None:
    groups = grouped([unknown_unit(r) for r in ROWS])
    assert len(groups) == 1 and groups[0].rows == tuple(ROWS)
    assert (
        groups[0]
        .render("vi")
        .startswith(
            "x.csv: ma_don_vi: không có đơn vị 'long-truong' (dòng 11, 18, 20 … 140 dòng) (Gợi ý: "
        )
    )
    assert (
        groups[0]
        .render("en")
        .startswith("x.csv: ma_don_vi: no unit 'long-truong' (rows 11, 18, 20 … 140 rows) (Hint: ")
    )


def test_the_report_shows_one_line_for_140_problems_but_keeps_140() -> None:
    error = DossierFileInvalid([unknown_unit(r) for r in ROWS], source="x.csv")
    lines = error.render("vi").splitlines()
    assert len(lines) == 2 and lines[1] == "Tổng cộng 140 lỗi."
    assert lines[0].startswith("x.csv: ma_don_vi: không có đơn vị 'long-truong' (dòng 11, 18, 20 …")
    assert error.render("en").splitlines()[-1] == "140 problem(s) in all."
    assert [p.row for p in error.problems] == ROWS


def test_different_values_stay_apart_and_few_rows_are_all_named() -> None:
    problems = [unknown_unit(2), unknown_unit(3, "an-phu"), unknown_unit(4), unknown_unit(9)]
    lines = [g.render("en").split(" (Hint")[0] for g in grouped(problems)]
    assert lines == [
        "x.csv: ma_don_vi: no unit 'long-truong' (rows 2, 4, 9)",
        "x.csv:row 3: ma_don_vi: no unit 'an-phu'",
    ]


def test_problems_not_on_a_row_are_never_merged() -> None:
    a = Problem("unknown_key", file="p.yaml", line=3, column=1, params={"key": "k", "allowed": "a"})
    error = InvalidInput([a, a])
    assert error.render("en").count("unknown key 'k'") == 2


@pytest.mark.parametrize(
    ("given", "folded"),
    [("  Mã  Hồ sơ ", "ma ho so"), ("ĐÃ TRẢ KẾT QUẢ", "da tra ket qua"), ("ma_ho_so", "ma_ho_so")],
)
def test_headers_fold_case_diacritics_and_spaces(given: str, folded: str) -> None:
    assert fold(given) == folded


def test_a_mapping_file_must_be_a_mapping_of_known_keys() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_vocabulary("- a\n- b\n", "m.yaml")
    assert [p.code for p in caught.value.problems] == ["wrong_type"]
    with pytest.raises(InvalidInput) as caught:
        read_vocabulary("cot:\n  ma_ho_so: x\ncolumns:\n  ma_ho_so: [1]\n", "m.yaml")
    assert [(p.line, p.code) for p in caught.value.problems] == [
        (1, "unknown_key"),
        (4, "wrong_type"),
    ]
    words = read_vocabulary("values:\n  muc_do_dvc:\n    4: Toàn trình\n", "m.yaml")
    assert words.code("muc_do_dvc", "toan trinh") == "4"
