"""The parts every Word document the engine writes shares — "thể thức văn bản" of Nghị định
30/2020/NĐ-CP, drawn with python-docx: an A4 page with the decree's margins in Times New Roman,
paragraphs, fixed-width borderless tables, the heading (the issuing body under its parent beside
Quốc hiệu and Tiêu ngữ, the place-and-date line) and the signature block.

The self-assessment report (application/assessment_report.py) and the apology slip
(application/apology_document.py) are built from these; python-docx is imported only when a
document is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from application.cells import printable
from domain.errors import LocalizedError
from domain.letterhead import MOTTO, NATIONAL_TITLE, Letterhead

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import _Cell
    from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
BODY_PT = 14
# the decree's margins (top 20–25, bottom 20–25, left 30–35, right 15–20 mm)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
# the writing width of an A4 page between those margins
TEXT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]


def qn(tag: str) -> str:
    from docx.oxml.ns import qn as qualified

    return qualified(tag)


def base_document(template: Path | None = None) -> DocxDocument:
    """A new A4 document in Times New Roman 14 pt with the decree's margins; or ``template``
    (a ward's own ``.docx``) with its styles, page set-up, header and footer kept and its body
    emptied."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.shared import Mm, Pt

    if template is None:
        doc = docx.Document()
        section = doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = Mm(MARGINS_MM["top"])
        section.bottom_margin = Mm(MARGINS_MM["bottom"])
        section.left_margin = Mm(MARGINS_MM["left"])
        section.right_margin = Mm(MARGINS_MM["right"])
        normal = doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(BODY_PT)
        rpr = normal.element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        rpr.get_or_add_rFonts().set(qn("w:cs"), FONT)
        fmt = normal.paragraph_format
        fmt.space_before, fmt.space_after = Pt(0), Pt(6)
        return doc
    try:
        doc = docx.Document(str(template))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise LocalizedError("error.report_template", path=str(template), reason=str(exc)) from exc
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    return doc


def paragraph(
    where: Any,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float | None = None,
    align: str = "",
    indent: bool = False,
    space_after: float | None = None,
) -> Paragraph:
    """A paragraph appended to a document or a cell (a cell's first empty one is reused)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    paragraphs = getattr(where, "paragraphs", [])
    p: Paragraph
    if (
        hasattr(where, "_tc")
        and len(paragraphs) == 1
        and not paragraphs[0].text
        and not paragraphs[0].runs
    ):
        p = paragraphs[0]
    else:
        p = where.add_paragraph()
    if text:
        run = p.add_run(printable(text))
        run.bold, run.italic = bold or None, italic or None
        run.underline = underline or None
        if size:
            run.font.size = Pt(size)
    alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }.get(align)
    if alignment is not None:
        p.alignment = alignment
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
    if space_after is not None:
        p.paragraph_format.space_after = Pt(space_after)
    return p


def rule(cell: _Cell) -> None:
    """The short horizontal line under the body's name and under the motto: an empty
    paragraph with a bottom border, indented to a third of the column."""
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    p = paragraph(cell, align="center", space_after=0)
    width = cell.width or 0
    fmt = p.paragraph_format
    fmt.left_indent = fmt.right_indent = int(width / 3) if width else Pt(60)
    fmt.space_before = Pt(0)
    p_pr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    p_pr.insert(0, borders)  # the schema puts pBdr before spacing, indentation, alignment
    run = p.add_run("")
    run.font.size = Pt(2)


def fixed_widths(table: Any, widths_mm: Sequence[float]) -> None:
    """Fixed column widths (the table grid, which LibreOffice follows, and Word's layout)."""
    from docx.shared import Mm

    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)


def plain_table(doc: DocxDocument, columns: int, widths_mm: Sequence[float]) -> Any:
    """A one-row table without borders, its columns ``widths_mm`` wide."""
    from docx.shared import Mm

    table = doc.add_table(rows=1, cols=columns)
    fixed_widths(table, widths_mm)
    for cell, width in zip(table.rows[0].cells, widths_mm, strict=True):
        cell.width = Mm(width)
    return table


def heading(doc: DocxDocument, head: Letterhead, *, number: str = "") -> None:
    """The heading of an administrative document: on the left the governing body, the issuing
    body (bold, broken where the column breaks it), a short rule and the document's ``number``
    ("Số: …/BC-UBND") when it has one; on the right Quốc hiệu, Tiêu ngữ (bold, underlined) and
    the place-and-date line (italic)."""
    table = plain_table(doc, 2, (68, TEXT_WIDTH_MM - 68))
    left, right = table.rows[0].cells
    if head.parent_line:
        paragraph(left, head.parent_line, size=12, align="center", space_after=0)
    for line in head.body_lines:
        paragraph(left, line, bold=True, size=12, align="center", space_after=0)
    rule(left)
    if number:
        paragraph(left, number, size=13, align="center", space_after=0)
    paragraph(right, NATIONAL_TITLE, bold=True, size=12, align="center", space_after=0)
    paragraph(right, MOTTO, bold=True, underline=True, size=14, align="center", space_after=6)
    paragraph(right, head.date_line, italic=True, size=14, align="center", space_after=0)


def signature(cell: _Cell, head: Letterhead, *, note: str = "") -> None:
    """The signature block in ``cell``, matching the heading: "TM. ỦY BAN NHÂN DÂN" /
    "CHỦ TỊCH" for a people's committee, ``note`` under it ("(Ký, ghi rõ họ tên và đóng
    dấu)"), room for the signature and the stamp, then the signer's name (dots without one)."""
    upper, title = head.signature
    if upper:
        paragraph(cell, upper, bold=True, align="center", space_after=0)
    paragraph(cell, title, bold=True, align="center", space_after=0)
    if note:
        paragraph(cell, note, italic=True, align="center", space_after=0)
    for _ in range(4):
        paragraph(cell, "", space_after=0)
    paragraph(cell, head.signer or "…………………………", bold=True, align="center", space_after=0)


def save(doc: DocxDocument, path: Path) -> None:
    """Write ``doc`` to ``path`` atomically (a temporary file beside it, then renamed)."""
    tmp = path.with_name(path.name + ".tmp")
    doc.save(str(tmp))
    tmp.replace(path)
