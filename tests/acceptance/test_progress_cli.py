"""Progress in the categories task tracking reports use, as ``cchc tasks`` shows it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from plans import HERE, PLAN_2020

# the changes happen at the times the test chooses (--now): a simulation database
pytestmark = pytest.mark.simulation

NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer: leads II.3.1, II.3.5, II.3.9
MAI = ("--as", "mai.tt@phuhuu.gov.vn")  # vice-chairman: approves II.3.1 and II.3.9
WHY = ("--reason", "Nộp không kèm tài liệu (kiểm thử)")
LATER = ("--now", "2020-07-15T09:00")


def act(cli, *args: str) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli("occurrence", *args)
    assert code == 0, err


def test_tasks_count_work_done_on_time_late_and_overdue(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    code, out, _ = cli("plan", "show", *LATER)  # no occurrences yet: no progress to tell
    assert code == 0 and "Tiến độ" not in out
    assert json.loads(cli("plan", "show", "--json", *LATER)[1])["progress"] is None
    assert cli("schedule", "--now", "2020-01-01T06:00")[0] == 0
    mine = ("tasks", "--officer", NHUNG, *LATER)
    before = json.loads(cli(*mine, "--json")[1])["progress"]["categories"]
    assert before["done_on_time"]["count"] == before["done_late"]["count"] == 0

    # II.3.1 Q2 is due on 15/06 at 17:00: handed in at 17:00 sharp, accepted the day after
    act(cli, "submit", "II.3.1", "2020-Q2", *WHY, "--now", "2020-06-15T17:00", "--as", NHUNG)
    act(cli, "accept", "II.3.1", "2020-Q2", "--now", "2020-06-16T09:00", *MAI)
    # II.3.9 Q2 was due on 15/06 too: handed in on 20/06, accepted
    act(cli, "submit", "II.3.9", "2020-Q2", *WHY, "--now", "2020-06-20T09:00", "--as", NHUNG)
    act(cli, "accept", "II.3.9", "2020-Q2", "--now", "2020-06-22T09:00", *MAI)
    # II.3.5 for May was due on 28/05: handed in on 22/06, not reviewed yet — still overdue
    act(cli, "submit", "II.3.5", "2020-05", *WHY, "--now", "2020-06-22T09:00", "--as", NHUNG)

    code, out, _ = cli(*mine, "--json")
    progress = json.loads(out)["progress"]
    after = progress["categories"]
    assert after["done_on_time"]["count"] == 1 and after["done_late"]["count"] == 1
    assert after["in_progress_late"]["count"] == before["in_progress_late"]["count"] - 2
    assert after["not_yet_due"] == before["not_yet_due"]
    total = progress["total"]
    assert total == sum(c["count"] for c in after.values())
    assert after["done_late"]["share"] == round(100 / total, 1)

    code, out, _ = cli(*mine)
    flat = " ".join(out.split())
    late = after["in_progress_late"]["count"]
    assert code == 0 and f"Tiến độ: {total} nhiệm vụ:" in flat
    assert "1 đã hoàn thành đúng hạn (2,9%)" in flat and "1 đã hoàn thành quá hạn (2,9%)" in flat
    assert f"{late} đang thực hiện quá hạn" in flat and "chưa đến hạn" in flat
    code, out, _ = cli(*mine, "--lang", "en")
    flat = " ".join(out.split())
    assert "1 done on time (2.9%)" in flat and "1 done late (2.9%)" in flat

    # the completeness report counts the whole plan the same way as an unfiltered ``tasks``
    code, out, _ = cli("tasks", *LATER, "--json")
    whole = json.loads(out)["progress"]
    code, out, _ = cli("completeness", *LATER, "--json")
    assert code == 0 and json.loads(out)["progress"] == whole
    assert whole["categories"]["done_on_time"]["count"] == 1
    code, out, _ = cli("completeness", *LATER)
    flat = " ".join(out.split())
    assert code == 0 and f"Tiến độ: {whole['total']} nhiệm vụ: 1 đã hoàn thành đúng hạn" in flat

    # plan show tells the same progress of the year so far, below the plan's counts
    code, out, _ = cli("plan", "show", *LATER)
    flat = " ".join(out.split())
    assert code == 0 and f"Tiến độ: {whole['total']} nhiệm vụ: 1 đã hoàn thành đúng hạn" in flat
    assert flat.index("Tiến độ:") < flat.index("Chỉ tiêu")
    assert json.loads(cli("plan", "show", "--json", *LATER)[1])["progress"] == whole

    # the completeness workbook has a sheet with the same counts and shares, printed on A4
    book = tmp_path / "day-du.xlsx"
    code, _, err = cli("completeness", *LATER, "--xlsx", str(book))
    assert code == 0, err
    sheet = load_workbook(book)["Tiến độ"]
    rows = {r[0].value: r[1:] for r in sheet.iter_rows(min_row=3) if r[0].value}
    names = {
        "done_on_time": "Đã hoàn thành đúng hạn",
        "done_late": "Đã hoàn thành quá hạn",
        "in_progress_on_time": "Đang thực hiện trong hạn",
        "in_progress_late": "Đang thực hiện quá hạn",
        "not_yet_due": "Chưa đến hạn",
    }
    for key, name in names.items():
        count, share = rows[name][:2]
        assert count.value == whole["categories"][key]["count"], name
        assert round(100 * share.value, 1) == whole["categories"][key]["share"], name
        assert share.number_format == "0.0%", name
    assert [c.value for c in rows["Tổng số nhiệm vụ"][:2]] == [whole["total"], 1]
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4) and sheet.print_title_rows
