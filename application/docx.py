"""A minimal Word (.docx) writer: headings, paragraphs and tables — enough for a report a ward
prints and signs, without a heavy dependency."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from application.cells import printable

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""
_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _run(text: str, bold: bool = False, size: int | None = None) -> str:
    props = ("<w:b/>" if bold else "") + (f'<w:sz w:val="{size * 2}"/>' if size else "")
    rpr = f'<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/>{props}</w:rPr>'
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(printable(text))}</w:t></w:r>'


def _paragraph(text: str, bold: bool = False, size: int | None = None, center: bool = False) -> str:
    ppr = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ""
    return f"<w:p>{ppr}{_run(text, bold, size)}</w:p>"


@dataclass
class Document:
    """Blocks appended in order, then ``save``d atomically."""

    blocks: list[str] = field(default_factory=list)

    def heading(self, text: str, size: int = 14) -> None:
        self.blocks.append(_paragraph(text, bold=True, size=size, center=True))

    def paragraph(self, text: str, bold: bool = False) -> None:
        for line in text.splitlines() or [""]:
            self.blocks.append(_paragraph(line, bold=bold, size=12))

    def table(
        self, header: list[str], rows: list[list[str]], bold_rows: set[int] | None = None
    ) -> None:
        bold_rows = bold_rows or set()
        borders = "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        out = [
            f'<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>{borders}</w:tblBorders></w:tblPr>'
        ]
        for n, cells in enumerate([header, *rows]):
            bold = n == 0 or (n - 1) in bold_rows
            out.append(
                "<w:tr>"
                + "".join(f"<w:tc>{_paragraph(c, bold=bold, size=11)}</w:tc>" for c in cells)
                + "</w:tr>"
            )
        out.append("</w:tbl>")
        self.blocks.append("".join(out))

    def save(self, path: Path) -> None:
        body = "".join(self.blocks)
        xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_NS}><w:body>{body}</w:body></w:document>'
        tmp = path.with_name(path.name + ".tmp")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
            archive.writestr("_rels/.rels", _RELS)
            archive.writestr("word/document.xml", xml)
        tmp.replace(path)
