"""The responsibility matrix as an Excel sheet, grouped by area."""

from __future__ import annotations

from pathlib import Path

from application.cells import xlsx_row
from application.print_setup import print_setup
from cchc.context import AppContext
from domain.plan import Plan
from responsibilities.matrix import Matrix


def write_matrix(m: Matrix, plan: Plan, path: Path, ctx: AppContext) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    titles = {
        r.code: (r.title_en if ctx.lang == "en" and r.title_en else r.title) for r in plan.roles
    }
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Ma tran" if ctx.lang == "vi" else "Matrix"
    sheet.append(xlsx_row(sheet, [ctx.t("cli.matrix_title", plan=m.plan)]))
    sheet.append(
        xlsx_row(
            sheet,
            [ctx.t("label.task"), ctx.t("label.title"), *[titles.get(c, c) for c in m.positions]],
        )
    )
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for group in m.groups:
        sheet.append(xlsx_row(sheet, [group.area, group.title]))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in group.rows:
            cells = [row.task, row.title, *[row.cells.get(c, "") for c in m.positions]]
            sheet.append(xlsx_row(sheet, cells))
    sheet.append([])
    sheet.append(xlsx_row(sheet, [ctx.t("cli.matrix_legend")]))
    sheet.column_dimensions["A"].width = 10
    sheet.column_dimensions["B"].width = 70
    from openpyxl.utils import get_column_letter

    for index in range(3, len(m.positions) + 3):
        sheet.column_dimensions[get_column_letter(index)].width = 12
    sheet.freeze_panes = "C3"
    print_setup(sheet, title=ctx.t("cli.matrix_title", plan=m.plan), header_rows=(2, 2))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    book.save(tmp)
    tmp.replace(path)
