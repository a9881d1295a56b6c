"""The documents a ward prints, signs and stamps, as a person sees them: the self-assessment
report in the layout of Nghị định 30/2020/NĐ-CP (opened with python-docx), the spreadsheets
printed on A4 with every column on the first page (printed with LibreOffice headless).

The files are made once for the module (one embedded home, one LibreOffice run). Without
``soffice`` the printing tests skip locally and fail under CI (``scripts/system-deps``
installs it; ``make test`` runs that first)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from cchc.replay import minimal_pdf
from plans import HERE, PLAN_2020

NHUNG = "nhung.pth@phuhuu.gov.vn"  # the CCHC officer
CITED = "Quyết định số 12/QĐ-UBND ngày 15/01/2020 về kiện toàn Ban Chỉ đạo CCHC"
NOTE = (  # an explanation far longer than the notes column is wide, its end marked
    "Ban Chỉ đạo CCHC phường đã được kiện toàn theo Quyết định số 12/QĐ-UBND ngày 15/01/2020 "
    "nhưng văn bản phân công nhiệm vụ cho từng thành viên được ban hành muộn vì thay đổi nhân "
    "sự giữa năm; đơn vị đã bổ sung biên bản họp ngày 20/7/2020 và danh sách thành viên có chữ "
    "ký xác nhận của Chủ tịch UBND phường (hết phần giải trình)"
)
DOSSIERS = (
    "ma_ho_so,ma_don_vi,ma_linh_vuc,ten_thu_tuc,ma_thu_tuc,kenh_nop,muc_do_dvc,ngay_tiep_nhan,"
    "ngay_hen_tra,ngay_tra,trang_thai,tra_qua_buu_chinh,danh_gia,phieu_xin_loi\n"
    "HS-2,phu-huu,ho_tich,Đăng ký khai sinh,1.001193,truc_tiep,2,2020-03-24 16:00,"
    "2020-03-26 16:00,,dang_xu_ly,,,0\n"
)


@dataclass(frozen=True)
class Printed:
    sheet: Path
    report: Path
    slip: Path
    completeness: Path
    matrix: Path
    pdf: dict[str, Path] | None  # file stem → its PDF (None: no LibreOffice here)


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _need_printing(printed: Printed) -> dict[str, Path]:
    if printed.pdf is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is missing: run scripts/system-deps")
        pytest.skip("LibreOffice (soffice) is not installed: run scripts/system-deps")
    return printed.pdf


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    root = tmp_path_factory.mktemp("documents")
    env = {**os.environ, "CCHC_HOME": str(root / "home"), "COLUMNS": "200"}
    for name in ("CCHC_DATABASE_URL", "CCHC_LANG", "CCHC_USER"):
        env.pop(name, None)

    def cli(*args: str) -> None:
        proc = subprocess.run(
            [sys.executable, "-m", "cchc.cli", *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr

    cli("init", "--simulation")  # the year 2020 is replayed with --now
    cli("plan", "load", str(PLAN_2020))
    cli("officer", "import", str(HERE / "demo-roster.csv"))
    cli("schedule", "--now", "2020-01-01T06:00")
    decision = root / "qd-kien-toan.pdf"
    decision.write_bytes(minimal_pdf("QD kien toan"))
    cli(
        "evidence", "add", str(decision), "--task", "II.1.1", "--period", "2020",
        "--requirement", "kiện toàn", "--doc-number", "12/QĐ-UBND", "--doc-date", "2020-01-15",
        "--issuer", "UBND phường Phú Hữu", "--summary", "Kiện toàn Ban Chỉ đạo CCHC",
        "--as", NHUNG, "--now", "2020-04-10T08:30",
    )  # fmt: skip
    bare = root / "phan-cong-nhiem-vu.pdf"
    bare.write_bytes(minimal_pdf("phan cong"))
    cli(
        "evidence", "add", str(bare), "--task", "II.1.1", "--period", "2020",
        "--requirement", "2", "--as", NHUNG, "--now", "2020-04-10T08:40",
    )  # fmt: skip
    cli(
        "par", "explain", "1.1.1", "--year", "2020", "--text", NOTE, "--as", NHUNG,
        "--now", "2020-12-20T08:00",
    )  # fmt: skip
    dossiers = root / "hoso.csv"
    dossiers.write_text(DOSSIERS, encoding="utf-8")
    cli("dossiers", "import", str(dossiers))
    slip = root / "phieu-xin-loi.docx"
    cli(
        "dossiers", "apology", "HS-2", "--new-appointment", "2020-03-31", "--date", "2020-03-26",
        "--now", "2020-03-26T17:00", "--as", "anh.btn@phuhuu.gov.vn", "--docx", str(slip),
    )  # fmt: skip
    pack = root / "pack"
    cli("par", "export", "--year", "2020", "--now", "2021-01-05T08:00", "--out", str(pack))
    completeness = root / "day-du.xlsx"
    cli("completeness", "--now", "2020-12-31T08:00", "--xlsx", str(completeness))
    matrix = root / "ma-tran.xlsx"
    cli("matrix", "--xlsx", str(matrix))
    sheet = pack / "bang-tu-danh-gia-2020.xlsx"
    report = pack / "bao-cao-tu-danh-gia-2020.docx"
    soffice = _soffice()
    pdf = None
    if soffice:
        out = root / "pdf"
        subprocess.run(
            [
                soffice, "--headless", f"-env:UserInstallation=file://{root / 'lo-profile'}",
                "--convert-to", "pdf", "--outdir", str(out), str(sheet), str(completeness),
                str(slip),
            ],
            capture_output=True,
            check=True,
            timeout=240,
        )  # fmt: skip
        pdf = {p.stem: p for p in out.glob("*.pdf")}
    return Printed(sheet, report, slip, completeness, matrix, pdf)


def _page_one(pdf: Path) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(text.split())


def _text(pdf: Path) -> str:
    """Every page's text in reading order (a cell's lines one after another)."""
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    m = re.search(r"Pages:\s+(\d+)", info.stdout)
    assert m, info.stdout
    return int(m.group(1))


def _media_box(pdf: Path) -> tuple[int, int]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout)
    assert m, info.stdout
    return round(float(m.group(1))), round(float(m.group(2)))


# --- the report -----------------------------------------------------------------------------


def _texts(report: Path) -> tuple[list[str], object]:
    import docx

    document = docx.Document(str(report))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(" | ".join(c.text for c in row.cells).split("\n"))
    return lines, document


def test_the_report_has_every_part_of_the_official_layout(printed: Printed) -> None:
    from docx.shared import Pt

    lines, document = _texts(printed.report)
    text = "\n".join(lines)
    for part in (
        "UBND QUẬN 9",  # the governing body
        "ỦY BAN NHÂN DÂN\nPHƯỜNG PHÚ HỮU",  # the issuing body
        "Số: …/BC-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Phú Hữu, ngày 05 tháng 01 năm 2021",  # leading zeros for day 5 and January
        "BÁO CÁO\nKết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2020",
        "Kính gửi: Ủy ban nhân dân Quận 9.",
        "II. GIẢI TRÌNH",
        "III. KHÓ KHĂN, VƯỚNG MẮC",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
        "Nguyễn Văn Hùng",  # the chairman on the report's date
        "bộ chỉ số mẫu (par-ward-2020)",  # scored on the bundled model framework
    ):
        assert part in text, part
    # scores per criterion and per sub-criterion, evidence cited as documents
    assert any(line.startswith("1.1 | Kế hoạch CCHC năm | 5 |") for line in lines)
    row = next(line for line in lines if line.startswith("1.1.3 |"))
    assert CITED in row and "phan-cong-nhiem-vu.pdf" in row  # a file name only without data
    assert "qd-kien-toan.pdf" not in text
    # no difficulties entered: a line for the ward to fill in
    after = lines[next(i for i, x in enumerate(lines) if x.startswith("III.")) + 1]
    assert after.startswith("……")
    # the motto is underlined
    motto = next(
        run
        for table in document.tables  # type: ignore[attr-defined]
        for cell in table.rows[0].cells
        for p in cell.paragraphs
        for run in p.runs
        if run.text == "Độc lập - Tự do - Hạnh phúc"
    )
    assert motto.underline and motto.bold
    # A4, the decree's margins, Times New Roman 13–14 pt
    section = document.sections[0]  # type: ignore[attr-defined]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    normal = document.styles["Normal"]  # type: ignore[attr-defined]
    assert normal.font.name == "Times New Roman" and Pt(13) <= normal.font.size <= Pt(14)


def test_a_ward_writes_the_report_on_its_own_template(printed: Printed, tmp_path: Path) -> None:
    import docx
    from docx.shared import Mm

    own = docx.Document()
    own.sections[0].left_margin = Mm(35)
    own.sections[0].header.paragraphs[0].text = "Mẫu của phường Phú Hữu"
    own.add_paragraph("Nội dung mẫu sẽ được thay")
    template = tmp_path / "mau.docx"
    own.save(str(template))
    home = printed.report.parent.parent / "home"
    env = {**os.environ, "CCHC_HOME": str(home)}
    out = tmp_path / "pack"
    proc = subprocess.run(
        [
            sys.executable, "-m", "cchc.cli", "par", "export", "--year", "2020",
            "--now", "2021-01-05T08:00", "--out", str(out), "--template", str(template),
        ],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines, document = _texts(out / "bao-cao-tu-danh-gia-2020.docx")
    assert "Nội dung mẫu sẽ được thay" not in lines and "Nơi nhận:" in "\n".join(lines)
    section = document.sections[0]  # type: ignore[attr-defined]
    assert section.header.paragraphs[0].text == "Mẫu của phường Phú Hữu"
    assert round(section.left_margin.mm) == 35

    broken = tmp_path / "hong.docx"
    broken.write_bytes(b"not a docx")
    proc = subprocess.run(
        [
            sys.executable, "-m", "cchc.cli", "par", "export", "--year", "2020",
            "--now", "2021-01-05T08:00", "--out", str(out), "--template", str(broken),
        ],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert proc.returncode == 1 and proc.stderr.startswith("Error:")
    assert "hong.docx" in proc.stderr and "Traceback" not in proc.stderr


# --- the apology slip -------------------------------------------------------------------------


def test_the_apology_slip_prints_on_one_a4_page_with_every_part(printed: Printed) -> None:
    pdf = _need_printing(printed)["phieu-xin-loi"]
    assert _media_box(pdf) == (595, 842) and _pages(pdf) == 1
    page = _page_one(pdf)
    for part in (
        "Mẫu số 04",
        "UBND QUẬN 9",
        "ỦY BAN NHÂN DÂN",
        "PHƯỜNG PHÚ HỮU",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Phú Hữu, ngày 26 tháng 3 năm 2020",
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Ngày 24 tháng 3 năm 2020, lúc 16 giờ 00",
        "ngày 26 tháng 3 năm 2020, lúc 16 giờ 00",
        "ngày 31 tháng 3 năm 2020",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Nguyễn Văn Hùng",
    ):
        assert part in page, part


# --- the spreadsheets -------------------------------------------------------------------------


def test_every_spreadsheet_has_a_print_set_up(printed: Printed) -> None:
    from openpyxl import load_workbook

    for path in (printed.sheet, printed.completeness, printed.matrix):
        for sheet in load_workbook(path).worksheets:
            setup = sheet.page_setup
            where = f"{path.name}/{sheet.title}"
            assert int(setup.paperSize) == int(sheet.PAPERSIZE_A4), where
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, where
            assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), where
            assert sheet.print_title_rows, where
            assert sheet.oddHeader.center.text, where  # the title
            assert "&P" in (sheet.oddFooter.center.text or ""), where  # page numbers
    score = load_workbook(printed.sheet).active
    assert score is not None and score.page_setup.orientation == "landscape"
    assert score.print_title_rows == "$3:$3"


def test_the_score_sheet_cites_documents_and_says_the_framework_is_a_model(
    printed: Printed,
) -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(printed.sheet).active
    assert sheet is not None
    assert "bộ chỉ số mẫu (par-ward-2020)" in str(sheet["A2"].value)
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "1.1.3")
    assert CITED in str(row[7]) and "phan-cong-nhiem-vu.pdf" in str(row[7])


@pytest.mark.parametrize(
    ("name", "header", "times"),
    [
        ("bang-tu-danh-gia-2020", "Ghi chú", 1),  # the last of 9 columns
        ("day-du", "Đến hạn:", 6),  # the last 6 of 14 columns: "Đến hạn: …"
    ],
)
def test_printed_on_a4_with_all_columns_on_the_first_page(
    printed: Printed, name: str, header: str, times: int
) -> None:
    pdf = _need_printing(printed)[name]
    assert _media_box(pdf) in {(595, 842), (842, 595)}
    page = _page_one(pdf)
    assert page.count(header) == times, page[:2000]


# --- the model framework ----------------------------------------------------------------------


def test_the_bundled_framework_says_it_is_a_model_until_a_ward_loads_its_own(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    import json

    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    for args in (("framework", "show"), ("par", "score", "--year", "2020")):
        code, out, err = cli(*args)
        assert code == 0, err
        assert "par-ward-2020 là bộ chỉ số mẫu" in " ".join(out.split()), args
    code, out, _ = cli("framework", "show", "--json")
    assert json.loads(out)["model"] is True
    code, out, _ = cli("par", "score", "--year", "2020", "--json")
    assert json.loads(out)["model"] is True

    issued = tmp_path / "issued.yaml"
    text = (HERE / "par-ward-2020.yaml").read_text(encoding="utf-8")
    issued.write_text(text.replace("  model: true", "  model: false"), encoding="utf-8")
    assert cli("framework", "load", str(issued))[0] == 0
    for args in (("framework", "show"), ("par", "score", "--year", "2020")):
        code, out, _ = cli(*args)
        assert code == 0 and "bộ chỉ số mẫu" not in " ".join(out.split()), args


def test_the_score_sheets_long_notes_print_whole(printed: Printed) -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(printed.sheet).active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows() if r[0].value == "1.1.1")
    notes = row[8]
    assert notes.value == NOTE and notes.alignment.wrap_text
    assert (sheet.row_dimensions[notes.row].height or 0) >= 15 * 6  # room for every line
    pdf = _need_printing(printed)["bang-tu-danh-gia-2020"]
    # every word of the note is printed, in order, its last line too (none cut at the row's foot)
    assert "".join(NOTE.split()) in "".join(_text(pdf).split())
