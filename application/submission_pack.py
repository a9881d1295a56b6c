"""The year-end submission pack — "hồ sơ nộp": score sheet (XLSX, the layout wards submit),
evidence filed by criterion, a manifest (CSV and JSON) with each file's SHA-256, and a report
document (DOCX). The pack is the assessment's deliverable, written the same for every front end."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from domain.i18n import t
from domain.scoring import Scorecard
from storage.assessment import EvidenceFile

HEADER = [
    "STT",
    "Lĩnh vực/Tiêu chí/Tiêu chí thành phần",
    "Điểm tối đa",
    "Điểm tự đánh giá",
    "Điểm thẩm định",
    "Tài liệu kiểm chứng",
    "Ghi chú",
]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def _num(value: float | None) -> float | str:
    return "" if value is None else round(value, 2)


def write_sheet(
    card: Scorecard,
    path: Path,
    year: int,
    unit_name: str,
    files_by_item: dict[str, list[EvidenceFile]],
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"Tu danh gia {year}"
    sheet.append([f"BẢNG TỰ ĐÁNH GIÁ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year} — {unit_name}".upper()])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(HEADER)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for a, area in enumerate(card.areas):
        sheet.append(
            [
                ROMAN[a] if a < len(ROMAN) else str(a + 1),
                area.title,
                area.max,
                area.self_score,
                _num(area.appraised),
                "",
                "",
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for c_i, criterion in enumerate(area.children, start=1):
            sheet.append(
                [
                    str(c_i),
                    f"{criterion.code}. {criterion.title}",
                    criterion.max,
                    criterion.self_score,
                    _num(criterion.appraised),
                    "",
                    "",
                ]
            )
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
            for item in criterion.children:
                files = files_by_item.get(item.code, [])
                documents = "; ".join(f.file_name for f in files)
                notes = (
                    item.explanation
                    or item.self_reason
                    or ("Cần giải trình" if item.needs_explanation else "")
                )
                if item.assessed_by == "survey":
                    notes = (notes + "; " if notes else "") + "Điều tra xã hội học"
                sheet.append(
                    [
                        item.code,
                        item.title,
                        item.max,
                        _num(item.self_score),
                        _num(item.appraised),
                        documents,
                        notes,
                    ]
                )
                for cell in sheet[sheet.max_row]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.append(["", "Điểm thưởng", "", card.bonus, "", "", ""])
    sheet.append(["", "Điểm trừ", "", card.penalty, "", "", ""])
    sheet.append(["", "TỔNG ĐIỂM", card.scale, card.self_total, _num(card.appraised_total), "", ""])
    sheet.append(
        [
            "",
            "CHỈ SỐ (%)",
            100,
            card.self_index,
            _num(card.appraised_index),
            "",
            t(f"grade.{card.self_grade}", "vi") if card.self_grade else "",
        ]
    )
    for row in sheet.iter_rows(min_row=sheet.max_row - 1, max_row=sheet.max_row):
        for cell in row:
            cell.font = Font(bold=True)
    for column, width in zip("ABCDEFG", (8, 70, 10, 12, 12, 45, 30), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "C4"
    tmp = path.with_name(path.name + ".tmp")
    book.save(tmp)
    tmp.replace(path)


def write_report(
    card: Scorecard, path: Path, year: int, unit_name: str, difficulties: str, lang: str = "vi"
) -> None:
    from application.docx import Document

    doc = Document()
    doc.heading(unit_name.upper(), size=12)
    doc.heading(f"BÁO CÁO TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}")
    doc.paragraph(
        f"Tổng điểm tự đánh giá: {card.self_total:g}/{card.scale:g} điểm, đạt {card.self_index:g}% "
        f"— xếp loại: {t(f'grade.{card.self_grade}', 'vi') if card.self_grade else 'chưa xếp loại'}."
    )
    doc.paragraph("I. KẾT QUẢ TỰ ĐÁNH GIÁ THEO LĨNH VỰC", bold=True)
    rows = [
        [
            a.code,
            a.title,
            f"{a.max:g}",
            f"{a.self_score:g}",
            f"{a.self_score / a.max * 100:.1f}%" if a.max else "",
        ]
        for a in card.areas
    ]
    rows.append(["", "Điểm thưởng / điểm trừ", "", f"+{card.bonus:g} / −{card.penalty:g}", ""])
    rows.append(
        ["", "Tổng cộng", f"{card.scale:g}", f"{card.self_total:g}", f"{card.self_index:g}%"]
    )
    doc.table(
        ["Mã", "Lĩnh vực", "Điểm tối đa", "Tự đánh giá", "Tỷ lệ"], rows, bold_rows={len(rows) - 1}
    )
    doc.paragraph("II. GIẢI TRÌNH", bold=True)
    explained = [i for i in card.items() if i.explanation or i.self_reason or i.needs_explanation]
    if not explained:
        doc.paragraph("Không có tiêu chí cần giải trình.")
    for item in explained:
        text = (
            item.explanation
            or item.self_reason
            or "(chưa có giải trình — có điểm nhưng chưa có tài liệu kiểm chứng)"
        )
        doc.paragraph(f"- {item.code} {item.title}: {text}")
    doc.paragraph("III. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT", bold=True)
    doc.paragraph(difficulties or "Không có.")
    doc.paragraph("")
    doc.paragraph("CHỦ TỊCH", bold=True)
    doc.save(path)
    del lang


def write_pack(
    card: Scorecard,
    out: Path,
    *,
    year: int,
    unit_name: str,
    difficulties: str,
    files: list[EvidenceFile],
    open_blob: Callable[[str], BinaryIO],
) -> dict[str, Any]:
    """Write the pack into ``out`` (created); returns a summary with the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    by_item: dict[str, list[EvidenceFile]] = {}
    for f in files:
        by_item.setdefault(f.item, []).append(f)
    sheet = out / f"bang-tu-danh-gia-{year}.xlsx"
    write_sheet(card, sheet, year, unit_name, by_item)
    report = out / f"bao-cao-tu-danh-gia-{year}.docx"
    write_report(card, report, year, unit_name, difficulties)
    folder = out / "tai-lieu-kiem-chung"
    manifest: list[dict[str, Any]] = []
    for f in files:
        target_dir = folder / f.item
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / f"{f.task}_{f.period}_{f.evidence_id}_{f.file_name}"
        if not target.exists():
            tmp = target.with_name(target.name + ".tmp")
            with open_blob(f.sha256) as source, tmp.open("wb") as copy:
                shutil.copyfileobj(source, copy)
            tmp.replace(target)
        manifest.append(
            {
                "item": f.item,
                "path": str(target.relative_to(out)),
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
        ]
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(manifest)
    return {"folder": str(out), "sheet": str(sheet), "report": str(report), "files": len(manifest)}
