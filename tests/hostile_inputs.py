"""Hostile inputs shared by the unit and acceptance tests: made on the fly, never stored."""

from __future__ import annotations

import zipfile
from pathlib import Path


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """The classic: each level a list of ``width`` aliases of the level below (9**9 leaves)."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def big_xlsx(path: Path, rows: int, cell: str = "x") -> Path:
    """An XLSX of ``rows`` data rows under a header, made quickly: openpyxl (write-only) writes
    the workbook, then its sheet is rewritten with the rows streamed into the zip."""
    from openpyxl import Workbook

    template = path.with_name("template.xlsx")
    book = Workbook(write_only=True)
    book.create_sheet().append(["name", "email", "position", "from"])
    book.save(template)
    row = '<row r="%d"><c t="inlineStr"><is><t>' + cell + "</t></is></c></row>"
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if not info.filename.startswith("xl/worksheets/"):
                out.writestr(info.filename, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with out.open(info.filename, "w", force_zip64=True) as sheet:
                sheet.write(head)
                for start in range(2, rows + 2, 10_000):
                    end = min(start + 10_000, rows + 2)
                    sheet.write("".join(row % n for n in range(start, end)).encode())
                sheet.write(b"</sheetData>" + tail)
    return path
