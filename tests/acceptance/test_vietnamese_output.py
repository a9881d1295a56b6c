"""Issue 11, "Done when" #1: what a Vietnamese officer reads of the demo holds no machine code.

The demo (``make demo``: the bundled 2020 plan replayed day by day, the year-end KPIs, the
self-assessment and its submission pack) runs once for the module, under ``LANG=C`` so that
nothing depends on the machine's locale. Then everything a user reads is scanned: the demo's
output (not the ``$ cchc …`` lines it echoes), every message in its outbox (subject, text and
HTML bodies), every XLSX it wrote (each string cell) and the DOCX report (paragraphs and
tables). A leak is reported with the place it was read.
"""

from __future__ import annotations

import email
import email.policy
import html
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.vietnamese_leaks import Leak, scan

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Demo:
    home: Path
    stdout: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    root = tmp_path_factory.mktemp("vietnamese")
    home = root / "home"
    env = {
        **os.environ,
        "CCHC_HOME": str(home),
        "COLUMNS": "100",
        "LANG": "C",
        "LC_ALL": "C",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    for name in ("CCHC_DATABASE_URL", "CCHC_LANG", "CCHC_USER"):
        env.pop(name, None)
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, pathlib, cchc.demo as d; d.demo(pathlib.Path(sys.argv[1]))",
            str(home),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=root,
        env=env,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return Demo(home, proc.stdout)


def _lines(where: str, text: str) -> Iterator[tuple[str, str]]:
    for n, line in enumerate(text.splitlines(), start=1):
        yield f"{where}:{n}", line


def stdout_lines(demo: Demo) -> Iterator[tuple[str, str]]:
    """The demo's output without the commands it echoes."""
    for where, line in _lines("demo stdout", demo.stdout):
        if not line.startswith("$ cchc "):
            yield where, line


def _html_text(body: str) -> str:
    body = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", body)
    body = re.sub(r"(?i)<br\s*/?>|</(p|div|li|tr|h\d|pre|table)>", "\n", body)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    return re.sub(r"[ \t]+", " ", text)  # as a mail reader shows it: spaces collapsed


def outbox_lines(demo: Demo) -> Iterator[tuple[str, str]]:
    """Every message the demo sent: decoded subject, text and HTML bodies."""
    files = sorted((demo.home / "outbox").rglob("*.eml"))
    assert files, "the demo sent no message"
    for path in files:
        name = path.relative_to(demo.home).as_posix()
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        yield f"{name}:Subject", str(message["Subject"] or "")
        for part in message.walk():
            if part.get_content_maintype() != "text":
                continue
            body = part.get_content()
            if part.get_content_subtype() == "html":
                body = _html_text(body)
            yield from _lines(f"{name}:{part.get_content_type()}", body)


def xlsx_lines(demo: Demo) -> Iterator[tuple[str, str]]:
    """Every string cell of every workbook the demo wrote (and the sheets' titles)."""
    from openpyxl import load_workbook

    files = sorted(demo.home.rglob("*.xlsx"))
    assert files, "the demo wrote no workbook"
    for path in files:
        name = path.relative_to(demo.home).as_posix()
        book = load_workbook(path, read_only=True)
        try:
            for sheet in book.worksheets:
                yield f"{name}!{sheet.title}", sheet.title
                for row in sheet.iter_rows():
                    for cell in row:
                        if isinstance(cell.value, str):
                            coordinate = getattr(cell, "coordinate", "?")
                            for line in cell.value.splitlines():
                                yield f"{name}!{sheet.title}!{coordinate}", line
        finally:
            book.close()


def docx_lines(demo: Demo) -> Iterator[tuple[str, str]]:
    """The report's paragraphs, its tables' cells, its headers and footers."""
    from docx import Document

    files = sorted(demo.home.rglob("*.docx"))
    assert files, "the demo wrote no DOCX report"
    for path in files:
        name = path.relative_to(demo.home).as_posix()
        doc = Document(str(path))
        for n, p in enumerate(doc.paragraphs, start=1):
            yield f"{name}:paragraph {n}", p.text
        for t, table in enumerate(doc.tables, start=1):
            for r, row in enumerate(table.rows, start=1):
                for c, cell in enumerate(row.cells, start=1):
                    for line in cell.text.splitlines():
                        yield f"{name}:table {t} row {r} cell {c}", line
        for section in doc.sections:
            for part in (section.header, section.footer):
                for p in part.paragraphs:
                    yield f"{name}:header/footer", p.text


def _report(found: list[Leak]) -> str:
    shown = "\n".join(str(leak) for leak in found[:200])
    more = f"\n… and {len(found) - 200} more" if len(found) > 200 else ""
    return f"{len(found)} code(s) or English word(s) in Vietnamese output:\n{shown}{more}"


def test_the_demo_output_reads_in_vietnamese(demo: Demo) -> None:
    found = scan(stdout_lines(demo))
    assert not found, _report(found)


def test_the_demo_emails_read_in_vietnamese(demo: Demo) -> None:
    found = scan(outbox_lines(demo))
    assert not found, _report(found)


def test_the_demo_workbooks_read_in_vietnamese(demo: Demo) -> None:
    found = scan(xlsx_lines(demo))
    assert not found, _report(found)


def test_the_demo_report_reads_in_vietnamese(demo: Demo) -> None:
    found = scan(docx_lines(demo))
    assert not found, _report(found)


# --- a mistyped command line, answered in Vietnamese ---------------------------------------------


def test_a_bad_option_value_is_answered_in_vietnamese(cli) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli("par", "set", "8.1.1", "--year", "2020", "--survey", "tám")
    assert code == 2
    assert "Giá trị không hợp lệ cho '--survey': 'tám' không phải là một số" in err
    assert "Xem 'cchc par set --help' để được hướng dẫn." in err
    assert "Invalid value" not in err and "Try '" not in err
    code, _, err = cli("--lang", "en", "par", "set", "8.1.1", "--year", "2020", "--survey", "x")
    assert code == 2 and "Invalid value for '--survey': 'x' is not a number" in err


def test_a_year_that_is_no_number_or_out_of_range_is_answered_in_vietnamese(cli) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli("schedule", "--year", "abc")
    assert code == 2
    assert "Giá trị không hợp lệ cho '--year': phải là một số nguyên" in err, err
    assert "Input should" not in err
    code, _, err = cli("par", "score", "--year", "1800")
    assert code == 2 and "'--year': không được nhỏ hơn 1900" in err, err
    code, _, err = cli("kpi", "--year", "3000")
    assert code == 2 and "'--year': không được lớn hơn 2100" in err, err


def test_a_missing_or_unknown_option_is_answered_in_vietnamese(cli) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli("par", "set", "8.1.1", "--year", "2020", "--nonsense")
    assert code == 2 and "Không có tùy chọn --nonsense" in err, err
    code, _, err = cli("par", "set", "--year", "2020")
    assert code == 2 and "Thiếu tham số 'item'." in err, err
    code, _, err = cli("par", "set", "8.1.1", "--year")
    assert code == 2 and "Tùy chọn '--year' cần một giá trị." in err, err
    code, _, err = cli("par", "sett")
    assert code == 2 and "Không có lệnh 'sett'. Có phải là 'set'?" in err, err
    code, _, err = cli("par", "set", "8.1.1", "8.1.2", "--year", "2020")
    assert code == 2 and "Thừa tham số: 8.1.2." in err, err
    code, _, err = cli("--lang", "en", "par", "set", "8.1.1", "--nonsense")
    assert code == 2 and "No such option: --nonsense" in err, err


# --- the plan at a glance, in either language ------------------------------------------------------


def test_plan_show_and_the_matrix_name_targets_positions_and_frequencies(cli) -> None:  # type: ignore[no-untyped-def]
    from plans import PLAN_2020

    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    code, out, err = cli("plan", "show")
    assert code == 0, err
    found = scan(_lines("plan show", out))
    assert not found, _report(found)
    assert "Tỷ lệ hồ sơ đúng hạn (Đất đai) ≥ 98%" in out
    assert "hằng quý: 13" in out and "6 tháng: 9" in out
    code, out, err = cli("--lang", "en", "plan", "show")
    assert code == 0, err
    assert "On-time rate (Đất đai) ≥ 98%" in out and "quarterly: 13" in out
    assert "satisfaction_rate" not in out and "one_stop" not in out
    code, out, err = cli("matrix")
    assert code == 0, err
    found = scan(_lines("matrix", out))
    assert not found, _report(found)
    assert "1 = Chủ tịch UBND phường" in out


def test_the_officer_list_names_positions_by_their_title(cli) -> None:  # type: ignore[no-untyped-def]
    from plans import HERE, PLAN_2020

    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    code, out, err = cli("officer", "list")
    assert code == 0, err
    found = scan(_lines("officer list", out))
    assert not found, _report(found)
    assert "Bộ phận tiếp nhận và trả kết quả" in out
    code, out, err = cli("--lang", "en", "officer", "list")
    assert code == 0 and "one_stop" not in out, out
