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

from application.docx_layout import base_document as _base
from application.docx_layout import fixed_widths as _widths
from application.docx_layout import heading, save, signature
from application.docx_layout import paragraph as _para
from application.docx_layout import plain_table as _plain_table
from application.docx_layout import qn as _qn
from domain.i18n import t
from domain.letterhead import Letterhead
from domain.numbers import decimal
from domain.scoring import ItemScore, NodeScore, Scorecard

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

    from storage.assessment import EvidenceFile

TABLE_PT = 12
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


def _heading(doc: DocxDocument, head: Letterhead, year: int) -> None:
    heading(doc, head, number="Số: …/BC-UBND")
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
    signature(right, head)


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
    save(doc, path)
