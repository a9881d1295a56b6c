"""The year-end submission pack — "hồ sơ nộp": score sheet (XLSX, the layout wards submit),
evidence filed by criterion, a manifest (CSV and JSON) with each file's SHA-256, and a report
document (DOCX). The pack is the assessment's deliverable, written the same for every front end.

Self-assessed and survey points stand in their own columns and totals; documents not accepted
are marked in the sheet and the manifest (pending ones are filed, rejected ones are not)."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from application.cells import csv_row, xlsx_row
from application.print_setup import fit_row_heights, print_setup
from domain.i18n import t
from domain.letterhead import Letterhead, citation
from domain.scoring import ItemScore, NodeScore, Scorecard
from storage.assessment import EvidenceFile

HEADER = [
    "STT",
    "Lĩnh vực/Tiêu chí/Tiêu chí thành phần",
    "Điểm tối đa",
    "Điểm tự đánh giá",
    "Điểm điều tra XHH",
    "Điểm đạt được",
    "Điểm thẩm định",
    "Tài liệu kiểm chứng",
    "Ghi chú",
]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
# how the pack marks a document that was not accepted (sheet, manifest)
ANCHOR_FILE = "moc-nhat-ky.txt"  # the audit log's head when the pack was made
PENDING_MARK = "CHƯA DUYỆT"
PENDING_FLAG = "CHƯA DUYỆT — tài liệu chưa được chấp nhận"
REJECTED_MARK = "BỊ TỪ CHỐI — không nộp kèm"


def _num(value: float | None) -> float | str:
    return "" if value is None else round(value, 2)


def _part(value: float, maximum: float) -> float | str:
    """A node's self-assessed or survey points, blank when it has no item of that kind."""
    return round(value, 2) if maximum else ""


def flag(f: EvidenceFile) -> str:
    """What the pack says about a document that was not accepted ("" when accepted)."""
    if f.accepted:
        return ""
    if not f.filed:
        return f"{REJECTED_MARK} ({f.reason})" if f.reason else REJECTED_MARK
    return PENDING_FLAG


def cite(f: EvidenceFile, own_body: str = "") -> str:
    """The document as officers cite it ("Quyết định số 12/QĐ-UBND ngày 15/01/2020 về …"),
    its file name only when no number or summary is stored; one not accepted is marked."""
    text = citation(
        number=f.doc_number,
        date=f.doc_date,
        issuer=f.issuer,
        summary=f.summary,
        file_name=f.file_name,
        own_body=own_body,
    )
    if f.accepted:
        return text
    return f"{text} ({PENDING_MARK if f.filed else REJECTED_MARK})"


def _notes(item: ItemScore) -> str:
    notes = [
        item.explanation or item.self_reason or ("Cần giải trình" if item.needs_explanation else "")
    ]
    if item.needs_input:
        notes.append(f"Thiếu số liệu đầu vào ({item.missing_input}), chưa chấm điểm")
    if item.is_survey:
        notes.append("Điều tra xã hội học")
    return "; ".join(n for n in notes if n)


def write_sheet(
    card: Scorecard,
    path: Path,
    year: int,
    unit_name: str,
    files_by_item: dict[str, list[EvidenceFile]],
    *,
    model_note: str = "",
) -> None:
    """The score sheet: self-assessed and survey points in their own columns, their sum
    ("Điểm đạt được"), the appraisal, the documents (those not accepted marked) and notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None

    def add(values: Sequence[object]) -> None:
        sheet.append(xlsx_row(sheet, values))

    sheet.title = f"Tu danh gia {year}"
    add([f"BẢNG TỰ ĐÁNH GIÁ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year} — {unit_name}".upper()])
    sheet["A1"].font = Font(bold=True, size=13)
    add([model_note])
    if model_note:
        sheet["A2"].font = Font(italic=True, color="C00000")
    add(HEADER)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")

    def node_row(number: str, title: str, node: NodeScore) -> None:
        add(
            [
                number,
                title,
                node.max,
                _part(node.self_assessed, node.self_assessed_max),
                _part(node.survey, node.survey_max),
                node.self_score,
                _num(node.appraised),
                "",
                "",
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    for a, area in enumerate(card.areas):
        node_row(ROMAN[a] if a < len(ROMAN) else str(a + 1), area.title, area)
        for c_i, criterion in enumerate(area.children, start=1):
            node_row(str(c_i), f"{criterion.code}. {criterion.title}", criterion)
            for item in criterion.children:
                files = files_by_item.get(item.code, [])
                add(
                    [
                        item.code,
                        item.title,
                        item.max,
                        "" if item.is_survey else _num(item.self_score),
                        _num(item.survey) if item.is_survey else "",
                        _num(item.self_score),
                        _num(item.appraised),
                        "; ".join(cite(f, unit_name) for f in files),
                        _notes(item),
                    ]
                )
                for cell in sheet[sheet.max_row]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    add(
        [
            "",
            "Cộng điểm tự đánh giá",
            card.self_assessed_max,
            card.self_assessed_total,
            "",
            card.self_assessed_total,
            "",
            "",
            "",
        ]
    )
    add(
        [
            "",
            "Cộng điểm điều tra xã hội học",
            card.survey_max,
            "",
            card.survey_total,
            card.survey_total,
            "",
            "",
            "",
        ]
    )
    add(["", "Điểm thưởng", "", "", "", card.bonus, "", "", ""])
    add(["", "Điểm trừ", "", "", "", card.penalty, "", "", ""])
    add(
        [
            "",
            "TỔNG ĐIỂM",
            card.scale,
            card.self_assessed_total,
            card.survey_total,
            card.self_total,
            _num(card.appraised_total),
            "",
            "",
        ]
    )
    add(
        [
            "",
            "CHỈ SỐ (%)",
            100,
            "",
            "",
            card.self_index,
            _num(card.appraised_index),
            "",
            t(f"grade.{card.self_grade}", "vi") if card.self_grade else "",
        ]
    )
    for row in sheet.iter_rows(min_row=sheet.max_row - 1, max_row=sheet.max_row):
        for cell in row:
            cell.font = Font(bold=True)
    # the long text columns (titles, documents, notes) wrap; every row as tall as its text
    for column, width in zip("ABCDEFGHI", (8, 60, 10, 11, 11, 11, 11, 45, 40), strict=True):
        sheet.column_dimensions[column].width = width
    fit_row_heights(sheet, first_row=3)
    sheet.freeze_panes = "C4"
    print_setup(sheet, title=f"Bảng tự đánh giá Chỉ số CCHC năm {year}", header_rows=(3, 3))
    tmp = path.with_name(path.name + ".tmp")
    book.save(tmp)
    tmp.replace(path)


def write_pack(
    card: Scorecard,
    out: Path,
    *,
    year: int,
    head: Letterhead,
    difficulties: str,
    files: list[EvidenceFile],
    open_blob: Callable[[str], BinaryIO],
    template: Path | None = None,
    anchor: str = "",
) -> dict[str, Any]:
    """Write the pack into ``out`` (created); returns a summary with the paths written.
    ``head``: who issues and signs the report; ``template``: a ward's own .docx to write the
    report on (its styles, page set-up, header and footer); ``anchor``: the audit log's head
    when the pack was made (``cchc-anchor:COUNT:HASH``), filed beside the manifest so the
    province can later check that the log still extends it."""
    from application.assessment_report import MODEL_NOTE, write_report

    out.mkdir(parents=True, exist_ok=True)
    by_item: dict[str, list[EvidenceFile]] = {}
    for f in files:
        by_item.setdefault(f.item, []).append(f)
    sheet = out / f"bang-tu-danh-gia-{year}.xlsx"
    note = MODEL_NOTE.format(framework=card.framework) if card.model else ""
    write_sheet(card, sheet, year, head.body, by_item, model_note=note)
    report = out / f"bao-cao-tu-danh-gia-{year}.docx"
    write_report(
        card,
        report,
        year=year,
        head=head,
        difficulties=difficulties,
        files_by_item=by_item,
        template=template,
    )
    folder = out / "tai-lieu-kiem-chung"
    manifest: list[dict[str, Any]] = []
    for f in files:
        path = ""
        if f.filed:  # a rejected document is listed, marked, and not filed as evidence
            target_dir = folder / f.item
            target_dir.mkdir(parents=True, exist_ok=True)
            target = target_dir / f"{f.task}_{f.period}_{f.evidence_id}_{f.file_name}"
            if not target.exists():
                tmp = target.with_name(target.name + ".tmp")
                with open_blob(f.sha256) as source, tmp.open("wb") as copy:
                    shutil.copyfileobj(source, copy)
                tmp.replace(target)
            path = str(target.relative_to(out))
        manifest.append(
            {
                "item": f.item,
                "path": path,
                "sha256": f.sha256,
                "size": f.size,
                "task": f.task,
                "period": f.period,
                "evidence_id": f.evidence_id,
                "doc_number": f.doc_number,
                "doc_date": f.doc_date,
                "issuer": f.issuer,
                "summary": f.summary,
                "status": f.status,
                "accepted": f.accepted,
                "flag": flag(f),
            }
        )
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    with (out / "manifest.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        fields = [
            "item",
            "path",
            "sha256",
            "size",
            "task",
            "period",
            "evidence_id",
            "doc_number",
            "doc_date",
            "issuer",
            "summary",
            "status",
            "accepted",
            "flag",
        ]
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(csv_row(row) for row in manifest)
    if anchor:
        (out / ANCHOR_FILE).write_text(
            t("pack.anchor_file", "vi", token=anchor) + "\n", encoding="utf-8"
        )
    filed = sum(1 for f in files if f.filed)
    return {
        "folder": str(out),
        "sheet": str(sheet),
        "report": str(report),
        "files": filed,
        "anchor": anchor,
    }
