"""The province's ranking of its units — "xếp hạng Chỉ số CCHC" — and its report as XLSX and
DOCX (the layout of Nghị định 30/2020/NĐ-CP, application/docx_layout.py).

Every unit below the province (the communes and wards: units with none under them): its
self-assessed index, survey points, appraised (published) index, grade, rank among the
published, and the change since last year. Read in one query for the whole province
(``storage.appraisal.ranking_rows``), never one per unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from application.access import Identity
from application.units import EndedUnit
from application.uow import UnitOfWork
from domain.i18n import Lang, t
from domain.numbers import decimal
from domain.ranking import standings

if TYPE_CHECKING:
    from domain.letterhead import Letterhead


@dataclass(frozen=True)
class RankingLine:
    """One unit of the ranking (figures None: not available to rank yet)."""

    code: str
    name: str
    stage: str
    self_index: float | None
    survey: float | None
    appraised_index: float | None
    grade: str | None
    rank: int | None
    index_change: float | None
    rank_change: int | None
    ended: EndedUnit | None = None  # gone before the year's end: merged into …, never ranked

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.code,
            "name": self.name,
            "stage": self.stage,
            "self_index": self.self_index,
            "survey": self.survey,
            "appraised_index": self.appraised_index,
            "grade": self.grade,
            "rank": self.rank,
            "index_change": self.index_change,
            "rank_change": self.rank_change,
            "ended": self.ended.as_dict() if self.ended else None,
        }

    def stage_text(self, lang: Lang) -> str:
        """The stage as printed: "đã công bố", or "sáp nhập vào … từ ngày …"."""
        if self.ended is not None:
            return self.ended.text(lang)
        return t(f"appraisal.stage.{self.stage}", lang)


@dataclass(frozen=True)
class Ranking:
    """The province's ranking of ``year``."""

    unit: str
    name: str
    year: int
    lines: list[RankingLine]
    head: Letterhead

    @property
    def in_force(self) -> list[RankingLine]:
        """The units in force at the end of the year (ranked or not yet)."""
        return [line for line in self.lines if line.ended is None]

    @property
    def ended(self) -> list[RankingLine]:
        """The units merged (or dissolved) during the year: listed, never ranked."""
        return [line for line in self.lines if line.ended is not None]

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "name": self.name,
            "year": self.year,
            "units": [line.as_dict() for line in self.lines],
        }


def ranking(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, *, unit: str, year: int
) -> Ranking:
    """``cchc appraisal ranking``: for the province's staff and appraisers (and the
    operator). Only published appraisals are ranked; the others show their stage. The units
    are those of ``year`` as they were: a unit merged into another during the year is listed
    after the others ("sáp nhập vào … từ ngày …"), never ranked; a unit made during a later
    year is not listed."""
    from application.appraisal import _context
    from application.units import letterhead, units_of_year
    from storage.appraisal import ranking_rows, tree

    with uow as session:
        shape = tree(session)
        ctx = _context(session, unit, now, shape)
        ctx.check(identity, "ranking.read", ctx.subject(year=year), key=str(year))
        every = shape.below(ctx.unit_id)
        below, ended = units_of_year(session, shape.units, every, year)
        before, _ = units_of_year(session, shape.units, every, year - 1)
        # last year's places among last year's units (a ward merged since was ranked then)
        rows = ranking_rows(session, sorted({*below, *before}), [year, year - 1])
        this = {r.unit_id: r for r in rows if r.year == year and r.unit_id in below}
        last = {r.unit_id: r for r in rows if r.year == year - 1 and r.unit_id in before}

        def published(by: dict[int, Any]) -> dict[str, float | None]:
            return {
                shape.units[u].code: (r.appraised_index if r.stage == "published" else None)
                for u, r in by.items()
            }

        codes = [shape.units[u].code for u in below]
        by_code = {shape.units[u].code: u for u in below}
        lines = []
        for s in standings(codes, published(this), published(last)):
            uid = by_code[s.code]
            row = this.get(uid)
            final = row is not None and row.stage == "published"
            lines.append(
                RankingLine(
                    code=s.code,
                    name=shape.units[uid].name,
                    stage=row.stage if row else "missing",
                    self_index=row.self_index if row else None,
                    survey=row.survey_total if row else None,
                    appraised_index=s.index,
                    grade=row.grade if final and row else None,
                    rank=s.rank,
                    index_change=s.index_change,
                    rank_change=s.rank_change,
                )
            )
        for uid in sorted(ended, key=lambda u: shape.units[u].code):
            lines.append(
                RankingLine(
                    code=shape.units[uid].code,
                    name=shape.units[uid].name,
                    stage=ended[uid].stage,
                    self_index=None,
                    survey=None,
                    appraised_index=None,
                    grade=None,
                    rank=None,
                    index_change=None,
                    rank_change=None,
                    ended=ended[uid],
                )
            )
        head = letterhead(session, ctx.unit, ctx.today)
        return Ranking(ctx.unit.code, ctx.unit.name, year, lines, head)


def _num(value: float | None, lang: Lang) -> str:
    return decimal(value, lang, 2) if value is not None else "—"


def _change(line: RankingLine, lang: Lang) -> str:
    if line.index_change is None:
        return "—"
    sign = "+" if line.index_change > 0 else ""
    text = f"{sign}{decimal(line.index_change, lang, 2)}"
    if line.rank_change:
        text += f" ({'↑' if line.rank_change > 0 else '↓'}{abs(line.rank_change)})"
    return text


def columns(lang: Lang) -> list[str]:
    return [t(f"ranking.col.{c}", lang) for c in COLUMNS]


COLUMNS = ("rank", "code", "name", "self", "survey", "appraised", "grade", "change", "stage")


def cells(line: RankingLine, lang: Lang) -> list[str]:
    """A line as the table, the sheet and the document print it."""
    return [
        str(line.rank) if line.rank is not None else "—",
        line.code,
        line.name,
        _num(line.self_index, lang),
        _num(line.survey, lang),
        _num(line.appraised_index, lang),
        t(f"grade.{line.grade}", lang) if line.grade else "—",
        _change(line, lang),
        line.stage_text(lang),
    ]


def write_xlsx(report: Ranking, path: Path, lang: Lang = "vi") -> None:
    """The ranking as one sheet: a title line, the header, one row per unit (numbers as
    numbers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from application.cells import xlsx_row

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t("ranking.sheet", lang)
    sheet.append(xlsx_row(sheet, [t("ranking.title", lang, name=report.name, year=report.year)]))
    sheet["A1"].font = Font(bold=True)
    sheet.append(xlsx_row(sheet, columns(lang)))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for line in report.lines:
        sheet.append(
            xlsx_row(
                sheet,
                [
                    line.rank,
                    line.code,
                    line.name,
                    line.self_index,
                    line.survey,
                    line.appraised_index,
                    t(f"grade.{line.grade}", lang) if line.grade else "",
                    line.index_change,
                    line.stage_text(lang),
                ],
            )
        )
    for letter, width in zip("ABCDEFGHI", (8, 16, 36, 12, 12, 12, 16, 12, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    tmp = path.with_name(path.name + ".tmp")
    book.save(str(tmp))
    tmp.replace(path)


def write_docx(report: Ranking, path: Path) -> None:
    """The province's report of the ranking in the administrative layout (Vietnamese)."""
    from docx.shared import Mm

    from application.docx_layout import (
        base_document,
        fixed_widths,
        heading,
        plain_table,
        save,
        signature,
    )
    from application.docx_layout import paragraph as para

    head = report.head
    doc = base_document()
    heading(doc, head, number="Số: …/BC-UBND")
    para(doc, "", space_after=6)
    para(doc, "BÁO CÁO", bold=True, align="center", space_after=0)
    para(
        doc,
        f"Kết quả thẩm định, xếp hạng Chỉ số cải cách hành chính năm {report.year} "
        "của các đơn vị hành chính cấp xã",
        bold=True,
        align="center",
        space_after=12,
    )
    ranked = [line for line in report.lines if line.rank is not None]
    listed = report.in_force
    para(
        doc,
        f"Trên cơ sở kết quả tự đánh giá của các đơn vị và kết quả thẩm định của Hội đồng thẩm "
        f"định, {head.own_name} công bố kết quả xếp hạng Chỉ số cải cách hành chính năm "
        f"{report.year} của {len(ranked)}/{len(listed)} đơn vị như sau:",
        indent=True,
        align="justify",
    )
    widths = (12, 40, 22, 22, 22, 22, 25)
    header = [
        "Hạng",
        "Đơn vị",
        "Tự đánh giá (%)",
        "Điều tra XHH (điểm)",
        "Thẩm định (%)",
        "Xếp loại",
        "So với năm trước",
    ]
    table = doc.add_table(rows=0, cols=len(header))
    try:
        table.style = doc.styles["Table Grid"]
    except KeyError:
        table.style = None
    fixed_widths(table, widths)

    def row(values: list[str], *, bold: bool = False) -> None:
        for cell, value, width in zip(table.add_row().cells, values, widths, strict=True):
            cell.width = Mm(width)
            para(cell, value, bold=bold, size=12, space_after=0)

    row(header, bold=True)
    for line in listed:
        c = cells(line, "vi")
        row([c[0], line.name or line.code, c[3], c[4], c[5], c[6] if line.rank else c[8], c[7]])
    para(doc, "")
    for line in report.ended:  # a footnote: units that no longer existed at the year's end
        assert line.ended is not None
        para(
            doc,
            f"{line.name or line.code} ({line.code}) không xếp hạng năm {report.year}: "
            f"{line.ended.text('vi')}.",
            italic=True,
            size=12,
            indent=True,
            align="justify",
        )
    para(
        doc,
        f"Trên đây là kết quả xếp hạng Chỉ số cải cách hành chính năm {report.year}./.",
        indent=True,
        align="justify",
        space_after=12,
    )
    sign = plain_table(doc, 2, (75, 90))
    left, right = sign.rows[0].cells
    para(left, "Nơi nhận:", bold=True, italic=True, size=12, space_after=0)
    for text in ("- Các đơn vị cấp xã;", "- Lưu: VT."):
        para(left, text, size=11, space_after=0)
    signature(right, head)
    save(doc, path)
