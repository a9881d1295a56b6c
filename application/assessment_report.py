"""The self-assessment report — "báo cáo tự đánh giá, chấm điểm Chỉ số CCHC" — as a Word
document in the layout of Nghị định 30/2020/NĐ-CP (python-docx).

Quốc hiệu and Tiêu ngữ beside the issuing body, "Số: …/BC-UBND", the place-and-date line,
"BÁO CÁO" and its trích yếu, "Kính gửi", the scores of every area, criterion and sub-criterion
with the documents that prove them (cited by number, date and summary), the explanations, the
difficulties, "Nơi nhận" and the signature block. A4, Times New Roman 14 pt (12 pt in the
score table), margins 20 mm top and bottom, 30 mm left, 15 mm right.

A ward's own ``.docx`` may be the base document (``template``): its styles, page set-up,
header and footer are kept and its body is replaced by the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from application.cells import printable
from domain.errors import LocalizedError
from domain.i18n import t
from domain.letterhead import MOTTO, NATIONAL_TITLE, Letterhead
from domain.numbers import decimal
from domain.scoring import ItemScore, NodeScore, Scorecard

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import _Cell
    from docx.text.paragraph import Paragraph

    from storage.assessment import EvidenceFile

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
# the decree's margins (top 20–25, bottom 20–25, left 30–35, right 15–20 mm)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
MODEL_NOTE = (
    "Lưu ý: điểm được chấm theo bộ chỉ số mẫu ({framework}) kèm theo phần mềm, không phải "
    "Bộ chỉ số do Quận/Thành phố ban hành; đơn vị cần nạp bộ chỉ số được ban hành trước khi "
    "nộp báo cáo."
)
FILL_LINE = "…" * 52


def number(value: float | None) -> str:
    """ "69,45", "12" — Vietnamese decimal comma, at most two decimals; "" for None."""
    return "" if value is None else decimal(value, "vi")


def documents(files: Sequence[EvidenceFile], own_body: str) -> list[str]:
    """The documents proving an item, cited as the score sheet cites them."""
    from application.submission_pack import cite

    return [cite(f, own_body) for f in files]


def _base(template: Path | None) -> DocxDocument:
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
        rpr.get_or_add_rFonts().set(_qn("w:eastAsia"), FONT)
        rpr.get_or_add_rFonts().set(_qn("w:cs"), FONT)
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


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _para(
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


def _rule(cell: _Cell) -> None:
    """The short horizontal line under the body's name and under the motto: an empty
    paragraph with a bottom border, indented to a third of the column."""
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    p = _para(cell, align="center", space_after=0)
    width = cell.width or 0
    fmt = p.paragraph_format
    fmt.left_indent = fmt.right_indent = int(width / 3) if width else Pt(60)
    fmt.space_before = Pt(0)
    p_pr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(_qn(f"w:{key}"), value)
    borders.append(bottom)
    p_pr.insert(0, borders)  # the schema puts pBdr before spacing, indentation, alignment
    run = p.add_run("")
    run.font.size = Pt(2)


def _plain_table(doc: DocxDocument, columns: int, widths_mm: Sequence[float]) -> Any:
    from docx.shared import Mm

    table = doc.add_table(rows=1, cols=columns)
    _widths(table, widths_mm)
    for cell, width in zip(table.rows[0].cells, widths_mm, strict=True):
        cell.width = Mm(width)
    return table


def _widths(table: Any, widths_mm: Sequence[float]) -> None:
    """Fixed column widths (the table grid, which LibreOffice follows, and Word's layout)."""
    from docx.shared import Mm

    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)


def _heading(doc: DocxDocument, head: Letterhead, year: int) -> None:
    table = _plain_table(doc, 2, (68, 97))
    left, right = table.rows[0].cells
    if head.parent_line:
        _para(left, head.parent_line, size=12, align="center", space_after=0)
    for line in head.body_lines:
        _para(left, line, bold=True, size=12, align="center", space_after=0)
    _rule(left)
    _para(left, "Số: …/BC-UBND", size=13, align="center", space_after=0)
    _para(right, NATIONAL_TITLE, bold=True, size=12, align="center", space_after=0)
    _para(right, MOTTO, bold=True, underline=True, size=14, align="center", space_after=6)
    _para(right, head.date_line, italic=True, size=14, align="center", space_after=0)
    _para(doc, "", space_after=6)
    _para(doc, "BÁO CÁO", bold=True, align="center", space_after=0)
    _para(
        doc,
        f"Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {year}",
        bold=True,
        align="center",
        space_after=12,
    )
    if head.recipient:
        _para(doc, f"Kính gửi: {head.recipient}.", align="center", space_after=12)


def _score_table(
    doc: DocxDocument,
    card: Scorecard,
    files_by_item: dict[str, list[EvidenceFile]],
    own_body: str,
) -> None:
    from docx.shared import Mm

    header = ["Mã", "Lĩnh vực / Tiêu chí / Tiêu chí thành phần", "Tối đa", "Tự chấm", "Tài liệu"]
    widths = (14, 62, 15, 15, 59)
    table = doc.add_table(rows=0, cols=len(header))
    try:
        table.style = doc.styles["Table Grid"]
    except KeyError:  # a ward's template without the built-in grid style: no borders
        table.style = None
    _widths(table, widths)

    def row(values: Sequence[str], *, bold: bool = False) -> None:
        cells = table.add_row().cells
        for cell, value, width in zip(cells, values, widths, strict=True):
            cell.width = Mm(width)
            _para(cell, value, bold=bold, size=TABLE_PT, space_after=0)

    row(header, bold=True)
    _repeat_header(table.rows[0])

    def node(n: NodeScore, title: str) -> None:
        points = number(n.self_score)
        row([n.code, title, number(n.max), points, ""], bold=True)

    for area in card.areas:
        node(area, area.title.upper())
        for criterion in area.children:
            node(criterion, criterion.title)
            for item in criterion.children:
                row(
                    [
                        item.code,
                        item.title + (" (điều tra XHH)" if item.is_survey else ""),
                        number(item.max),
                        _item_points(item),
                        "; ".join(documents(files_by_item.get(item.code, []), own_body)),
                    ]
                )
    row(["", "Điểm thưởng", "", number(card.bonus), ""])
    row(["", "Điểm trừ", "", number(card.penalty), ""])
    row(["", "TỔNG ĐIỂM", number(card.scale), number(card.self_total), ""], bold=True)


def _item_points(item: ItemScore) -> str:
    if item.is_survey:
        return number(item.survey) or "chưa có"
    if item.needs_input:
        return "chưa chấm"
    return number(item.self_score)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement

    tr_pr = row._tr.get_or_add_trPr()
    mark = OxmlElement("w:tblHeader")
    mark.set(_qn("w:val"), "true")
    tr_pr.append(mark)


def _signature(doc: DocxDocument, head: Letterhead) -> None:
    table = _plain_table(doc, 2, (75, 90))
    left, right = table.rows[0].cells
    _para(left, "Nơi nhận:", bold=True, italic=True, size=12, space_after=0)
    recipients = []
    if head.recipient:
        recipients.append(f"- {head.recipient} (Phòng Nội vụ);")
    recipients += ["- Chủ tịch, các Phó Chủ tịch;", "- Lưu: VT."]
    for line in recipients:
        _para(left, line, size=11, space_after=0)
    upper, title = head.signature
    if upper:
        _para(right, upper, bold=True, align="center", space_after=0)
    _para(right, title, bold=True, align="center", space_after=0)
    for _ in range(4):
        _para(right, "", space_after=0)
    _para(right, head.signer or "…………………………", bold=True, align="center", space_after=0)


def write_report(
    card: Scorecard,
    path: Path,
    *,
    year: int,
    head: Letterhead,
    difficulties: str,
    files_by_item: dict[str, list[EvidenceFile]],
    template: Path | None = None,
) -> None:
    """Write the report to ``path`` (atomically), on ``template`` when given."""
    doc = _base(template)
    _heading(doc, head, year)
    grade = t(f"grade.{card.self_grade}", "vi") if card.self_grade else "chưa xếp loại"
    if card.model:
        _para(doc, MODEL_NOTE.format(framework=card.framework), italic=True, align="justify")
    _para(
        doc,
        f"Thực hiện việc xác định Chỉ số cải cách hành chính năm {year}, {head.own_name} báo "
        "cáo kết quả tự đánh giá, chấm điểm như sau:",
        indent=True,
        align="justify",
    )
    _para(doc, "I. KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM", bold=True)
    _para(
        doc,
        f"Điểm tự đánh giá: {number(card.self_assessed_total)}/"
        f"{number(card.self_assessed_max)} điểm; điểm điều tra xã hội học: "
        f"{number(card.survey_total)}/{number(card.survey_max)} điểm; điểm thưởng: "
        f"{number(card.bonus)}; điểm trừ: {number(card.penalty)}. Tổng điểm: "
        f"{number(card.self_total)}/{number(card.scale)} điểm, Chỉ số CCHC đạt "
        f"{number(card.self_index)}%, xếp loại: {grade}.",
        indent=True,
        align="justify",
    )
    _para(doc, "Điểm của từng lĩnh vực, tiêu chí và tiêu chí thành phần:", indent=True)
    _score_table(doc, card, files_by_item, head.body)
    _para(doc, "")
    _para(doc, "II. GIẢI TRÌNH", bold=True)
    explained = [i for i in card.items() if i.explanation or i.self_reason or i.needs_explanation]
    missing = [i for i in card.items() if i.needs_input]
    if not explained and not missing:
        _para(doc, "Không có tiêu chí cần giải trình.", indent=True)
    for item in explained:
        text = (
            item.explanation
            or item.self_reason
            or "(chưa có giải trình: có điểm nhưng chưa có tài liệu kiểm chứng)"
        )
        _para(doc, f"- {item.code} {item.title}: {text}", indent=True, align="justify")
    for item in missing:
        _para(
            doc,
            f"- {item.code} {item.title}: thiếu số liệu đầu vào ({item.missing_input}), "
            "chưa chấm điểm.",
            indent=True,
            align="justify",
        )
    _para(doc, "III. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ", bold=True)
    lines = [line for line in (difficulties or "").splitlines() if line.strip()]
    for line in lines or [FILL_LINE, FILL_LINE]:
        _para(doc, line, indent=True, align="justify")
    _para(
        doc,
        f"Trên đây là báo cáo kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm "
        f"{year} của {head.own_name}./.",
        indent=True,
        align="justify",
        space_after=12,
    )
    _signature(doc, head)
    tmp = path.with_name(path.name + ".tmp")
    doc.save(str(tmp))
    tmp.replace(path)
