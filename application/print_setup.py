"""How a worksheet prints — "thiết lập trang in": the spreadsheets the engine writes are printed,
signed and stamped, so each one prints on A4, landscape when its columns are wide, every column
on the page's width (as many pages down as needed), its header rows repeated on every page, its
title in the page header and "Trang 1/3" in the footer."""

from __future__ import annotations

from typing import Any

# the width (in Excel character units) that fits across a portrait A4 page at 100 %
PORTRAIT_WIDTH = 95
DEFAULT_COLUMN_WIDTH = 8.43


def columns_width(sheet: Any) -> float:
    """The sum of the used columns' widths (the default for a column without one)."""
    from openpyxl.utils import get_column_letter

    total = 0.0
    for index in range(1, (sheet.max_column or 1) + 1):
        dim = sheet.column_dimensions.get(get_column_letter(index))
        total += dim.width if dim is not None and dim.width else DEFAULT_COLUMN_WIDTH
    return total


def print_setup(sheet: Any, *, title: str, header_rows: tuple[int, int] | None = None) -> None:
    """Set ``sheet`` (openpyxl) to print on A4 (landscape when wider than a portrait page),
    one page wide, ``header_rows`` (first, last) repeated on every page, ``title`` in the
    page header and page numbers in the footer."""
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    wide = columns_width(sheet) > PORTRAIT_WIDTH
    setup.orientation = sheet.ORIENTATION_LANDSCAPE if wide else sheet.ORIENTATION_PORTRAIT
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages down as the rows need
    margins = sheet.page_margins
    margins.left = margins.right = 0.5
    margins.top = margins.bottom = 0.75
    margins.header = margins.footer = 0.3
    sheet.print_options.horizontalCentered = True
    if header_rows is not None:
        first, last = header_rows
        sheet.print_title_rows = f"{first}:{last}"
    # "&" starts a header/footer code: a title that holds one is written as "&&"
    sheet.oddHeader.center.text = title.replace("&", "&&")
    sheet.oddHeader.center.size = 10
    sheet.oddFooter.center.text = "Trang &P/&N"
    sheet.oddFooter.center.size = 10


# points per line of 11 pt text (the default row height)
LINE_PT = 15.0
# characters of running text per unit of column width (the width of "0"): letters and spaces
# are narrower on average; kept low so that the estimate errs long, never cutting a line
CHARS_PER_WIDTH = 1.1


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a column ``width`` characters wide, wrapping at
    spaces as a spreadsheet does (a word longer than the column is broken)."""
    capacity = max(1, int(width * CHARS_PER_WIDTH))
    lines = 0
    for paragraph in str(text).split("\n"):
        used = 0
        lines += 1
        for word in paragraph.split():
            size = len(word)
            if used and used + 1 + size <= capacity:
                used += 1 + size
                continue
            if used:
                lines += 1
            lines += (size - 1) // capacity  # a word wider than the column
            used = size % capacity or capacity
    return lines


def fit_row_heights(sheet: Any, *, first_row: int = 1) -> None:
    """Give each row from ``first_row`` the height its wrapped cells need, so a printed
    sheet shows every line of a long title, citation or note instead of cutting it (a file
    keeps no row height of its own otherwise, and LibreOffice prints one line)."""
    for row in sheet.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
                continue
            dim = sheet.column_dimensions.get(cell.column_letter)
            width = dim.width if dim is not None and dim.width else DEFAULT_COLUMN_WIDTH
            lines = max(lines, wrapped_lines(str(cell.value), width))
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = lines * LINE_PT
