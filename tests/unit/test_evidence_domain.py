"""What an evidence file is (by content, never by name), and what it may be called."""

from __future__ import annotations

import io
import zipfile

import pytest

from cchc.replay import minimal_pdf
from domain.evidence import ALLOWED, MAX_NAME, find_requirement, missing, safe_name, sniff
from domain.plan import EvidenceRequirement
from storage.blobs import sniff_data


def zip_of(*entries: tuple[str, bytes], stored_first: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i, (name, data) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and i == 0 else zipfile.ZIP_DEFLATED
            z.writestr(name, data, compress_type=method)
    return buf.getvalue()


def content_types(main: str) -> bytes:
    return (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/x.xml" ContentType="application/vnd.{main}"/>'
        "</Types>"
    ).encode()


def ole(stream: str, padding: int = 0) -> bytes:
    """A compound file: header, ``padding`` filler bytes, then a directory sector."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)

    def entry(name: str, kind: int) -> bytes:
        raw = name.encode("utf-16-le")
        out = bytearray(128)
        out[: len(raw)] = raw
        out[64:66] = (len(raw) + 2).to_bytes(2, "little")
        out[66] = kind
        return bytes(out)

    directory = entry("Root Entry", 5) + entry(stream, 2) + bytes(256)
    return header + bytes(padding) + directory


DOCX = zip_of(
    (
        "[Content_Types].xml",
        content_types("openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    ),
    ("word/document.xml", b"<w:document/>"),
)
XLSX = zip_of(
    (
        "[Content_Types].xml",
        content_types("openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    ),
    ("xl/workbook.xml", b"<workbook/>"),
)
ODT = zip_of(
    ("mimetype", b"application/vnd.oasis.opendocument.text"),
    ("content.xml", b"<office:document-content/>"),
    stored_first=True,
)
ODS = zip_of(
    ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
    ("content.xml", b"<office:document-content/>"),
    stored_first=True,
)
PLAIN_ZIP = zip_of(("a.txt", b"hello"))
PDF = minimal_pdf("II.1.1", "Quyết định")
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100)
EXE = b"MZ\x90\x00" + bytes(200)
TEXT = "Báo cáo kết quả CCHC quý I\n".encode()


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (PDF, "bao-cao.pdf", "pdf"),
        (DOCX, "ke-hoach.docx", "docx"),
        (XLSX, "bang-theo-doi.xlsx", "xlsx"),
        (ODT, "van-ban.odt", "odt"),
        (ODS, "thong-ke.ods", "ods"),
        (PLAIN_ZIP, "goi.zip", "zip"),
        (ole("WordDocument"), "quyet-dinh.doc", "doc"),
        (ole("Workbook"), "so.xls", "xls"),
        (JPG, "anh.jpg", "jpg"),
        (PNG, "anh.png", "png"),
        (PDF, "anh-that-ra-la-pdf.jpg", "pdf"),  # the name lies; the content wins
        (DOCX, "bao-cao.pdf", "docx"),
        (EXE, "bao-cao.pdf", "exe"),
        (TEXT, "bao-cao.pdf", None),
    ],
)
def test_the_type_comes_from_the_content(data: bytes, name: str, expected: str | None) -> None:
    assert sniff_data(data) == expected
    if expected not in ("zip", None):
        assert sniff(data[:8192], name) == expected


def test_renamed_executables_and_text_are_not_allowed() -> None:
    assert sniff_data(EXE) not in ALLOWED
    assert sniff_data(TEXT) not in ALLOWED
    assert sniff_data(PLAIN_ZIP) not in ALLOWED
    for data in (PDF, DOCX, XLSX, ODT, ODS, JPG, PNG, ole("WordDocument"), ole("Book")):
        assert sniff_data(data) in ALLOWED


def test_an_ole_directory_beyond_the_head_is_found_by_reading_the_whole_file() -> None:
    late = ole("Workbook", padding=64 * 1024)
    assert sniff(late[:8192], "renamed.bin") == "ole"
    assert sniff_data(late) == "xls"
    # a macro-enabled document or a presentation is a ZIP, but not an allowed type
    pptx = zip_of(
        (
            "[Content_Types].xml",
            content_types("openxmlformats-officedocument.presentationml.presentation.main+xml"),
        )
    )
    assert sniff_data(pptx) == "pptx"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\x\\..\\y.pdf", "y.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("lpt1", "_lpt1"),
        ("aux.tar.gz", "_aux.tar.gz"),
        ("..", "tai-lieu"),
        ("", "tai-lieu"),
        (".bashrc", "bashrc"),
        ("...hidden.pdf", "hidden.pdf"),
        ("Báo cáo\x00 quý\x1b I.pdf", "Báo cáo quý I.pdf"),
        ("Quyết định số 12/QĐ-UBND.pdf", "QĐ-UBND.pdf"),
        ('a<b>c:"d|e?f*.docx', "a_b_c__d_e_f_.docx"),
        ("Biên bản   họp  .pdf ", "Biên bản họp.pdf"),
        ("Kế hoạch CCHC năm 2020.docx", "Kế hoạch CCHC năm 2020.docx"),
    ],
)
def test_safe_name(given: str, expected: str) -> None:
    assert safe_name(given) == expected


def test_safe_name_composes_vietnamese_and_keeps_the_extension_when_shortening() -> None:
    decomposed = "Quye\u0302\u0301t đi\u0323nh.pdf"  # NFD, as macOS hands it over
    assert safe_name(decomposed) == "Quyết định.pdf"
    long = safe_name("Tờ trình " * 40 + ".pdf")
    assert len(long) <= MAX_NAME and long.endswith(".pdf") and long.startswith("Tờ trình")


def test_what_is_missing_and_how_a_requirement_is_named() -> None:
    reqs = (
        EvidenceRequirement("Quyết định kiện toàn Ban Chỉ đạo", "quyet_dinh"),
        EvidenceRequirement("Biên bản họp", "bien_ban"),
        EvidenceRequirement("Hình ảnh", "hinh_anh", required=False),
    )
    assert missing(reqs, ["Biên bản họp", ""]) == ["Quyết định kiện toàn Ban Chỉ đạo"]
    assert missing(reqs, []) == ["Quyết định kiện toàn Ban Chỉ đạo", "Biên bản họp"]
    assert find_requirement(reqs, "2") == "Biên bản họp"
    assert find_requirement(reqs, "kiện toàn") == "Quyết định kiện toàn Ban Chỉ đạo"
    assert find_requirement(reqs, "b") is None  # several match
    assert find_requirement(reqs, "9") is None


def test_a_workbook_inflates_within_bounds_and_a_zip_bomb_does_not() -> None:
    import io

    import openpyxl

    from domain.evidence import inflates_too_much
    from storage.blobs import zip_parts

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in range(2000):  # a real sheet: text compresses about ten times
        sheet.append([f"Hồ sơ {row}", "Đất đai", row * 3, "đúng hạn"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert not inflates_too_much(zip_parts(buffer.getvalue()))
    assert inflates_too_much([(2_000, 200 * 1024 * 1024)])  # zeros: a thousand times
    assert inflates_too_much([(10 * 1024 * 1024, 30 * 1024 * 1024)] * 9)  # past 256 MB in all
    assert zip_parts(b"not a zip") == []
