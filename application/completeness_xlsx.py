"""The completeness report as an Excel workbook — totals per group, who owes what, and the
progress categories — for the command line (``cchc completeness --xlsx``) and the web
(``/tien-do.xlsx``) alike."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path
from typing import Any

from application.cells import xlsx_row
from application.messages import t
from application.print_setup import print_setup
from domain import completeness as core
from domain.i18n import Lang
from domain.periods import period_label
from domain.progress import CATEGORIES, label


def write_completeness(report: core.CompletenessReport, path: Path, lang: Lang) -> None:
    """Write ``path`` atomically: a temporary file beside it, flushed, then renamed."""
    _save(_book(report, lang), path)


def completeness_workbook(report: core.CompletenessReport, lang: Lang) -> bytes:
    """The workbook as bytes (what the web sends for ``/tien-do.xlsx``)."""
    out = io.BytesIO()
    _book(report, lang).save(out)
    return out.getvalue()


def _book(report: core.CompletenessReport, lang: Lang) -> Any:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    groups = book.active
    assert groups is not None
    groups.title = t("completeness.sheet_groups", lang)
    by = t(f"completeness.by.{report.by}", lang)
    groups.append(xlsx_row(groups, [t("completeness.title", lang, by=by, plan=report.plan)]))
    head = [
        t("label.code", lang),
        t("completeness.group", lang),
        t("completeness.occurrences", lang),
        t("completeness.required", lang),
        t("completeness.provided", lang),
        t("completeness.accepted", lang),
        "% " + t("completeness.provided", lang),
        "% " + t("completeness.accepted", lang),
    ]
    head += [t("completeness.sheet_due", lang, what=h) for h in head[2:]]  # due so far
    groups.append(xlsx_row(groups, head))
    for g in (*report.groups, report.total):
        due = g.due_so_far
        groups.append(
            xlsx_row(
                groups,
                [
                    g.key,
                    g.label,
                    g.occurrences,
                    g.required,
                    g.provided,
                    g.accepted,
                    g.share(g.provided),
                    g.share(g.accepted),
                    due.occurrences,
                    due.required,
                    due.provided,
                    due.accepted,
                    due.share(due.provided),
                    due.share(due.accepted),
                ],
            )
        )
        for cell in (*groups[groups.max_row][6:8], *groups[groups.max_row][12:14]):
            cell.number_format = "0%"
    for cell in (*groups[2], *groups[groups.max_row]):
        cell.font = Font(bold=True)
    for cell in groups[2]:
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for column in "CDEFGHIJKLMN":
        groups.column_dimensions[column].width = 11
    groups.column_dimensions["A"].width = 10
    groups.column_dimensions["B"].width = 48
    groups.freeze_panes = "A3"
    title = t("completeness.title", lang, by=by, plan=report.plan)
    print_setup(groups, title=title, header_rows=(2, 2))

    owes = book.create_sheet(t("completeness.sheet_owes", lang))
    owes.append(
        xlsx_row(
            owes,
            [
                t("label.email", lang),
                t("label.officers", lang),
                t("label.task", lang),
                t("label.title", lang),
                t("label.period", lang),
                t("label.due", lang),
                t("label.status", lang),
                t("completeness.missing", lang),
                t("completeness.overdue", lang),
            ],
        )
    )
    for cell in owes[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for o in report.owed:
        owes.append(
            xlsx_row(
                owes,
                [
                    o.officer or "",
                    o.officer_name or t("label.vacant", lang),
                    o.task,
                    o.title,
                    period_label(o.period, lang),
                    o.due_date,
                    t(f"status.{o.status}", lang),
                    "\n".join(o.missing),
                    o.working_days_overdue,
                ],
            )
        )
        owes.cell(owes.max_row, 6).number_format = "DD/MM/YYYY"
    for column, width in zip("ABCDEFGHI", (28, 22, 9, 40, 10, 11, 14, 45, 10), strict=True):
        owes.column_dimensions[column].width = width
    owes.freeze_panes = "A2"
    print_setup(owes, title=title, header_rows=(1, 1))
    _progress_sheet(book, report, lang)
    return book


def _progress_sheet(book: Any, report: core.CompletenessReport, lang: Lang) -> None:
    """The progress of the whole plan in the five categories (domain/progress.py): a row per
    category with its count and share, the total, and the waived ones apart."""
    from openpyxl.styles import Alignment, Font

    progress = report.progress
    sheet = book.create_sheet(t("progress_sheet.name", lang))
    day = report.today.strftime("%d/%m/%Y") if lang == "vi" else report.today.isoformat()
    title = t("progress_sheet.title", lang, plan=report.plan, today=day)
    sheet.append(xlsx_row(sheet, [title]))
    sheet.append(
        xlsx_row(
            sheet,
            [
                t("progress_sheet.category", lang),
                t("progress_sheet.count", lang),
                t("progress_sheet.share", lang),
            ],
        )
    )
    for category in CATEGORIES:
        name = label(category, lang)
        row = [
            name[:1].upper() + name[1:],
            progress.count(category),
            progress.share(category) / 100,
        ]
        sheet.append(xlsx_row(sheet, row))
    sheet.append(
        xlsx_row(sheet, [t("progress.total", lang), progress.total, 1 if progress.total else 0])
    )
    for cell in (*sheet[1], *sheet[2], *sheet[sheet.max_row]):
        cell.font = Font(bold=True)
    if progress.waived:
        sheet.append(xlsx_row(sheet, [t("progress_sheet.waived_row", lang), progress.waived]))
    for (cell,) in sheet.iter_rows(min_row=3, min_col=3, max_col=3):
        cell.number_format = "0.0%"
    for cell in sheet[2]:
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for column, width in zip("ABC", (36, 14, 10), strict=True):
        sheet.column_dimensions[column].width = width
    print_setup(sheet, title=title, header_rows=(2, 2))


def _save(book: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            book.save(out)
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
