"""How many lines a wrapped cell takes, so that printed rows are tall enough for their text."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment

from application.print_setup import LINE_PT, fit_row_heights, wrapped_lines


def test_text_wraps_at_spaces_and_long_words_break() -> None:
    assert wrapped_lines("", 10) == 1
    assert wrapped_lines("ngày 15/01/2020", 20) == 1
    # a column 9 wide holds about 9 characters of text ("0" is wider than most letters)
    assert wrapped_lines("một hai ba bốn năm sáu bảy tám chín mười", 9) == 5
    assert wrapped_lines("dòng một\ndòng hai", 30) == 2  # a line break starts a line
    assert wrapped_lines("x" * 45, 9) == 5  # a word wider than the column is broken


def test_rows_are_as_tall_as_their_longest_wrapped_cell() -> None:
    sheet = Workbook().active
    assert sheet is not None
    sheet.column_dimensions["A"].width = 9
    sheet.column_dimensions["B"].width = 9
    sheet.append(["ngắn", "một hai ba bốn năm sáu bảy tám chín mười"])
    sheet.append(["ngắn", "một hai ba bốn năm sáu bảy tám chín mười"])
    sheet["B1"].alignment = Alignment(wrap_text=True)  # row 2 does not wrap: left alone
    fit_row_heights(sheet)
    assert sheet.row_dimensions[1].height == 5 * LINE_PT
    assert sheet.row_dimensions[2].height is None
