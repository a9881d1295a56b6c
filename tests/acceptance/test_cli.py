"""The command line as a user drives it: a real process, a real embedded database."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from plans import FRAMEWORK_2020, HERE, PLAN_2020

ROSTER = HERE / "demo-roster.csv"


def test_help_lists_the_commands_without_importing_heavy_frameworks() -> None:
    code = (
        "import sys; from cchc.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'prefect', 'openpyxl', 'alembic') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    for command in ("plan", "framework", "officer", "matrix", "who", "init"):
        assert command in out
    assert "HEAVY []" in out


def test_bundled_files_validate(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("plan", "validate", str(PLAN_2020))
    assert code == 0, out
    assert "hợp lệ" in out
    code, out, _ = cli(
        "framework", "validate", str(FRAMEWORK_2020), "--plan", str(PLAN_2020), "--lang", "en"
    )
    assert code == 0, out
    assert "valid" in out


def test_broken_plan_reports_every_defect_with_its_position(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = PLAN_2020.read_text(encoding="utf-8")
    text = text.replace("lead: justice", "lead: tu_phap", 1)
    text = text.replace("code: II.9.2", "code: II.9.1", 1)
    text = text.replace("issued: 2020-04-10", "issued: 2020-02-30", 1)
    broken = tmp_path / "broken.yaml"
    broken.write_text(text, encoding="utf-8")
    code, out, err = cli("plan", "validate", str(broken), "--lang", "en")
    assert code == 1
    located = re.compile(re.escape(str(broken)) + r":\d+:\d+: ")
    lines = [line for line in out.splitlines() if located.match(line)]
    assert len(lines) == 3, out
    expected = {
        "tu_phap": text[: text.index("lead: tu_phap")].count("\n") + 1,
        "II.9.1' (first": text.rindex("code: II.9.1")
        and text[: text.rindex("code: II.9.1")].count("\n") + 1,
        "2020-02-30": text[: text.index("issued: 2020-02-30")].count("\n") + 1,
    }
    for needle, line_no in expected.items():
        match = [line for line in lines if needle in line]
        assert match, (needle, out)
        assert match[0][len(str(broken)) :].split(":")[1] == str(line_no)
    assert "Traceback" not in out + err


def test_a_vietnamese_validation_report_hints_in_vietnamese(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.yaml"
    text = PLAN_2020.read_text(encoding="utf-8").replace("lead: justice", "lead: tu_phap", 1)
    broken.write_text(text, encoding="utf-8")
    code, out, _ = cli("plan", "validate", str(broken))
    assert code == 1 and "tu_phap" in out and "(Gợi ý: " in out and "Hint" not in out
    code, out, _ = cli("plan", "validate", str(broken), "--lang", "en")
    assert code == 1 and "(Hint: " in out and "Gợi ý" not in out


def test_json_validation_report(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "p.yaml"
    broken.write_text("format: cchc-plan/1\nplan: {code: X}\n", encoding="utf-8")
    code, out, _ = cli("plan", "validate", str(broken), "--json")
    assert code == 1
    report = json.loads(out)
    assert report["valid"] is False
    codes = {p["code"] for p in report["files"][0]["problems"]}
    assert {"missing_key"} <= codes
    assert all(p["line"] for p in report["files"][0]["problems"])


def test_load_is_idempotent_and_show_reports_the_plan(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("plan", "load", str(PLAN_2020), "--json")
    assert code == 0
    first = json.loads(out)
    assert first["changed"] is True and first["counts"]["task"]["created"] == 40
    assert first["framework_loaded"]["created"] > 0
    code, out, _ = cli("plan", "load", str(PLAN_2020), "--json")
    second = json.loads(out)
    assert second["changed"] is False
    assert second["framework_loaded"] is None
    code, out, _ = cli("plan", "show", "--json", "--lang", "en")
    summary = json.loads(out)
    assert summary["counts"]["tasks"] == 40
    assert [u["code"] for u in summary["plan"]["unit"]] == ["phu-huu", "quan-9", "tp-hcm"]
    code, out, _ = cli("plan", "show")
    assert "Kế hoạch thực hiện công tác cải cách hành chính năm 2020" in out


def test_plan_show_reports_what_was_inferred_per_field(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    code, out, _ = cli("plan", "show")
    assert code == 0
    text = " ".join(out.split())  # rich wraps long lines
    assert "Ban hành 10/04/2020 (suy luận)" in text
    assert "Kế hoạch: suy luận ngày ban hành" in text
    assert (
        "40 nhiệm vụ; người chủ trì theo kế hoạch: 26, suy luận: 14; phối hợp suy luận: 29/31; "
        "người duyệt suy luận: 40; lịch suy luận: 38/40; hạn suy luận: 40; "
        "tài liệu kiểm chứng suy luận: 40"
    ) in text
    assert "13 chỉ tiêu; người chịu trách nhiệm theo kế hoạch: 6, suy luận: 7" in text
    assert "11 chức danh (1 không có trong kế hoạch); cấp trên suy luận: 6/7" in text
    assert "Kinh phí: Bố trí từ nguồn ngân sách nhà nước" in text

    code, out, _ = cli("--lang", "en", "plan", "show")
    text = " ".join(out.split())
    assert "Issued 2020-04-10 (inferred)" in text
    assert "40 tasks; lead from the plan: 26, inferred: 14" in text
    assert "schedule inferred: 38/40" in text

    code, out, _ = cli("plan", "show", "--json")
    summary = json.loads(out)
    tasks = summary["provenance"]["tasks"]
    assert tasks["total"] == 40
    assert tasks["fields"]["lead"] == {"given": 40, "plan": 26, "inferred": 14}
    assert tasks["fields"]["schedule"] == {"given": 40, "plan": 2, "inferred": 38}
    assert summary["provenance"]["plan"]["inferred"] == ["issued"]
    by_code = {t["code"]: t for t in summary["tasks"]}
    assert by_code["II.3.5"]["lead"] == "cchc_officer" and by_code["II.3.5"]["source"] == "plan"
    assert "lead" in by_code["II.9.2"]["inferred"] and by_code["II.9.2"]["source"] == "inferred"
    assert by_code["II.8.2"]["inferred"] == ["lead", "support", "approver", "due", "evidence"]
    goal = next(t for t in summary["targets"] if t["code"] == "T1.5")
    assert (goal["compare"], goal["formula"]) == ("previous_year", "manual > previous_year")
    council = next(r for r in summary["roles"] if r["code"] == "peoples_council")
    assert [d["ref"] for d in council["duties"]] == ["IV.9"]
    assert summary["plan"]["funding"]["criteria"] == ["1.1.2"]


def test_roster_matrix_and_who(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("plan", "load", str(PLAN_2020))
    code, out, _ = cli("officer", "import", str(ROSTER), "--json")
    assert code == 0, out
    assert json.loads(out)["officers"] == 12
    code, out, _ = cli("matrix", "--json")
    matrix = json.loads(out)
    tasks = [t for a in matrix["areas"] for t in a["tasks"]]
    assert len(tasks) == 40
    ii21 = next(t for t in tasks if t["task"] == "II.2.1")
    assert ii21["cells"]["justice"] == "L"
    xlsx = tmp_path / "m.xlsx"
    code, _, _ = cli("matrix", "--xlsx", str(xlsx))
    assert code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[1]
    row = next(r for r in rows if r[0] == "II.2.1")
    assert row[header.index("Công chức Tư pháp – Hộ tịch")] == "L"

    code, out, _ = cli("who", "II.1.3", "--on", "15/07/2020", "--json")
    answer = json.loads(out)
    support = next(r for r in answer["roles"] if r["position"] == "cchc_officer")
    assert [o["email"] for o in support["officers"]] == ["son.dt@phuhuu.gov.vn"]
    assert support["officers"][0]["kind"] == "acting"
    code, out, _ = cli("who", "II.1.3", "--on", "2020-09-01", "--json")
    support = next(r for r in json.loads(out)["roles"] if r["position"] == "cchc_officer")
    assert [o["email"] for o in support["officers"]] == ["nhung.pth@phuhuu.gov.vn"]
    code, out, _ = cli("who", "II.3.5", "--on", "2020-05-04", "--json")
    approver = next(r for r in json.loads(out)["roles"] if r["relation"] == "approver")
    assert [o["email"] for o in approver["officers"]] == ["mai.tt@phuhuu.gov.vn"]


def test_bad_roster_imports_nothing_and_names_every_row(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("plan", "load", str(PLAN_2020))
    bad = tmp_path / "roster.csv"
    bad.write_text(
        "name,email,phone,position,scope,from,to\n"
        "Nguyễn Văn A,a@x.vn,,chairman,,01/01/2020,\n"
        "Trần B,not-an-email,,chairman,,01/01/2020,\n"
        "Lê C,c@x.vn,,giam_doc,,01/01/2020,\n"
        "Phạm D,d@x.vn,,justice,,2020-13-01,\n",
        encoding="utf-8",
    )
    code, out, err = cli("officer", "import", str(bad))
    assert code == 1
    assert err.startswith("Error:")
    for row in (3, 4, 5):
        assert f"row {row}" in err
    code, out, _ = cli("officer", "list", "--json")
    assert json.loads(out) == []


def test_errors_and_usage(cli) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli("who", "II.1.1", "--on", "2020-05-01")
    assert code == 1 and err.startswith("Error:") and "Traceback" not in err
    code, _, err = cli("plan", "load", "no-such-file.yaml")
    assert code == 1 and "no-such-file.yaml" in err
    code, _, _ = cli("plan", "load")
    assert code == 2
    cli("plan", "load", str(PLAN_2020))
    code, _, err = cli("--lang", "en", "who", "II.99.9", "--on", "2020-05-01")
    assert code == 1 and "No task 'II.99.9'" in err


def test_xlsx_roster_with_native_dates_imports_like_csv(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from openpyxl import Workbook

    cli("plan", "load", str(PLAN_2020))
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Email", "Position", "Scope", "From", "To"])
    sheet.append(
        [
            "Trần Thị Mai",
            "mai.tt@phuhuu.gov.vn",
            "vice_chairman",
            "3,6,7",
            dt.date(2020, 1, 1),
            None,
        ]
    )
    sheet.append(
        [
            "Lê Quốc Bảo",
            "bao.lq@phuhuu.gov.vn",
            "vice_chairman",
            "1;2;9",
            dt.datetime(2020, 1, 1),
            "31/12/2020",
        ]
    )
    roster = tmp_path / "roster.xlsx"
    book.save(roster)
    code, out, err = cli("officer", "import", str(roster), "--json")
    assert code == 0, err
    assert json.loads(out) == {"file": str(roster), "rows": 2, "officers": 2, "assignments": 2}
    code, out, _ = cli("officer", "list", "--on", "2020-06-01", "--json")
    people = {p["email"]: p for p in json.loads(out)}
    assert people["bao.lq@phuhuu.gov.vn"]["positions"][0]["scope"] == ["1", "2", "9"]
    assert people["bao.lq@phuhuu.gov.vn"]["positions"][0]["to"] == "2020-12-31"
