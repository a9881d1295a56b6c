"""The province's tables as Excel workbooks, in the layout of the completeness workbook
(``application.completeness_xlsx``): a title row, a header row, a row per unit, the totals
in bold, panes frozen under the header, set up for printing on A4.

- progress (``cchc province progress --xlsx``): a sheet of units × areas, a sheet of the
  units whose self-assessment is not submitted;
- KPIs (``cchc province kpi --xlsx``, the web's ``/tinh/chi-so.xlsx``): a sheet per KPI, its
  ranking with the months.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from application.cells import xlsx_row
from application.completeness_xlsx import _save
from application.messages import t
from application.print_setup import print_setup
from application.province import ProvinceKpis, ProvinceProgress
from domain.i18n import Lang


def write_progress(table: ProvinceProgress, path: Path, lang: Lang) -> None:
    """Write the progress workbook at ``path`` atomically."""
    _save(progress_book(table, lang), path)


def write_kpis(result: ProvinceKpis, path: Path, lang: Lang) -> None:
    """Write the KPI workbook at ``path`` atomically."""
    _save(kpi_book(result, lang), path)


def kpi_workbook(result: ProvinceKpis, lang: Lang, *, first: str | None = None) -> bytes:
    """The KPI workbook as bytes (what the web sends), opening on the sheet of ``first``."""
    import io

    book = kpi_book(result, lang)
    names = [r.kpi for r in result.rankings]
    if first in names:
        book.active = names.index(first)
        for sheet in book.worksheets:  # one tab selected, else spreadsheets group them
            sheet.sheet_view.tabSelected = sheet is book.active
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def kpi_file_name(result: ProvinceKpis) -> str:
    """``chi-so-tp-hcm-2020.xlsx``, ``chi-so-tp-hcm-2020-q2.xlsx`` for a quarter."""
    quarter = f"-q{result.quarter}" if result.quarter else ""
    return f"chi-so-{result.unit}-{result.year}{quarter}.xlsx"


def _head(sheet: Any, row: int) -> None:
    from openpyxl.styles import Alignment, Font

    for cell in sheet[row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")


def progress_book(table: ProvinceProgress, lang: Lang) -> Any:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t("province.sheet_progress", lang)
    title = t("province.progress_title", lang, year=table.year, name=table.name)
    sheet.append(xlsx_row(sheet, [title]))
    what = (t("province.due", lang), t("province.done", lang), t("province.overdue", lang))
    head = [t("label.code", lang), t("province.unit", lang)]
    for code, _ in table.areas:
        head += [f"{code}. {w}" for w in what]
    head += [f"{t('label.total', lang)}: {w}" for w in what]
    docs = t("province.documents", lang)
    head += [
        t("completeness.required", lang) + f" ({docs})",
        t("completeness.provided", lang) + f" ({docs})",
        "% " + t("completeness.provided", lang),
        t("province.owing", lang),
        t("province.assessment", lang),
    ]
    sheet.append(xlsx_row(sheet, head))
    for u in table.units:
        row: list[object] = [u.code, u.name]
        for code, _ in table.areas:
            c = u.cells.get(code)
            row += [c.due, c.done, c.overdue] if c else ["", "", ""]
        total = u.total
        row += [total.due, total.done, total.overdue]
        row += [
            total.documents.required,
            total.documents.provided,
            total.share(),
            total.owing,
            u.assessment_text(lang)
            if u.plan or u.ended
            else t("province.no_plan", lang, year=table.year),
        ]
        sheet.append(xlsx_row(sheet, row))
        sheet.cell(sheet.max_row, len(row) - 2).number_format = "0%"
    _head(sheet, 2)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 32
    from openpyxl.utils import get_column_letter

    for i in range(3, len(head) + 1):
        sheet.column_dimensions[get_column_letter(i)].width = 9
    sheet.column_dimensions[get_column_letter(len(head))].width = 18
    sheet.freeze_panes = "C3"
    print_setup(sheet, title=title, header_rows=(2, 2))

    late = book.create_sheet(t("province.sheet_assessment", lang))
    heading = t("province.not_submitted_title", lang, n=len(table.not_submitted), year=table.year)
    late.append(xlsx_row(late, [heading]))
    late.append(
        xlsx_row(
            late,
            [t("label.code", lang), t("province.unit", lang), t("province.assessment", lang)],
        )
    )
    for u in table.not_submitted:
        late.append(xlsx_row(late, [u.code, u.name, u.assessment_text(lang)]))
    _head(late, 2)
    late["A1"].font = Font(bold=True)
    for column, width in zip("ABC", (14, 40, 22), strict=True):
        late.column_dimensions[column].width = width
    late.freeze_panes = "A3"
    print_setup(late, title=heading, header_rows=(2, 2))
    return book


def kpi_book(result: ProvinceKpis, lang: Lang) -> Any:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    period = (
        t("province.period_quarter", lang, quarter=result.quarter, year=result.year)
        if result.quarter
        else t("province.period_year", lang, year=result.year)
    )
    for ranking in result.rankings:
        sheet = book.create_sheet(ranking.kpi[:31])
        title = t("province.kpi_title", lang, label=ranking.label, name=result.name, period=period)
        sheet.append(xlsx_row(sheet, [title]))
        month = t("province.month", lang)
        sheet.append(
            xlsx_row(
                sheet,
                [
                    t("province.rank", lang),
                    t("label.code", lang),
                    t("province.unit", lang),
                    t("province.value", lang) + " (%)",
                    t("province.numerator", lang),
                    t("province.denominator", lang),
                    t("province.target", lang),
                    *[f"{month} {m}" for m in result.months],
                ],
            )
        )
        for at, r in enumerate(ranking.rows, start=3):  # under the title and the header
            verdict = t(f"province.verdict.{r.verdict or 'none'}", lang)
            if r.targets:
                verdict += " (" + ", ".join(code for code, _ in r.targets) + ")"
            sheet.append(
                xlsx_row(
                    sheet,
                    [
                        r.rank if r.rank is not None else "",
                        r.unit,
                        r.name,
                        r.rate.value,
                        r.rate.numerator,
                        r.rate.denominator,
                        verdict,
                        *r.months,
                    ],
                )
            )
            for i in (4, *range(8, 8 + len(result.months))):  # not max_row: it counts every cell
                sheet.cell(at, i).number_format = "0.0"
        _head(sheet, 2)
        widths = (7, 14, 32, 10, 9, 9, 24, *([8] * len(result.months)))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = "D3"
        print_setup(sheet, title=title, header_rows=(2, 2))
    return book
