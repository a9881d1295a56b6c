"""The command line as ward officers use it: their own tasks (``--mine``), colleagues by name,
periods written their way (``Q2/2020``, ``quý II/2020``, ``tháng 6/2020`` …), one occurrence in
full (``occurrence show``), and tables that stay readable in an 80-column terminal."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from cchc.replay import minimal_pdf
from domain.periods import period_label
from plans import HERE, PLAN_2020

# these tests give changes the time they choose (--now): a simulation database
pytestmark = pytest.mark.simulation

ANH = "anh.btn@phuhuu.gov.vn"  # one-stop desk: leads II.3.8 (monthly), II.8.2 (weekly)
NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer: leads II.3.1 (quarterly from Q2)
MAI = "mai.tt@phuhuu.gov.vn"  # vice-chairman for area 3: approves II.3.1


@pytest.fixture
def ward(cli):  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    assert cli("schedule", "--now", "2020-01-01T06:00")[0] == 0
    return cli


def shown(period: str) -> str:
    """The first line of a period as a narrow table shows it: "tuần 16" of "tuần 16 (13/4–17/4/2020)"."""
    return period_label(period, "vi").split(" (")[0]


def keys(out: str) -> list[tuple[str, str]]:
    return [(t["task"], t["period"]) for t in json.loads(out)["tasks"]]


# --- my tasks, and colleagues by name -------------------------------------------------------


def test_tasks_mine_and_officers_by_name(ward, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = ward("tasks", "--officer", ANH, "--json")
    assert code == 0
    hers = keys(out)
    assert ("II.3.8", "2020-05") in hers and ("II.8.2", "2020-W16") in hers

    code, out, _ = ward("tasks", "--mine", "--as", ANH, "--json")
    assert code == 0 and keys(out) == hers
    for name in ("Bùi Thị Ngọc Ánh", "bui thi ngoc anh"):  # more forms: the integration tests
        code, out, err = ward("tasks", "--officer", name, "--json")
        assert (code, err) == (0, "") and keys(out) == hers, name

    code, _, err = ward("tasks", "--mine")  # the operator
    assert code == 1 and err.startswith("Error:") and "--as" in err and "CCHC_USER" in err
    monkeypatch.setenv("CCHC_USER", ANH)
    code, out, _ = ward("tasks", "--mine", "--json")
    assert code == 0 and keys(out) == hers
    monkeypatch.delenv("CCHC_USER")

    code, _, err = ward("tasks", "--officer", "Thị")
    assert code == 1 and err.startswith("Error:")
    assert f"Bùi Thị Ngọc Ánh <{ANH}>" in err and "Trần Thị Mai" in err
    code, _, err = ward("tasks", "--officer", "Nguyễn Thị Nở")
    assert code == 1 and "Nguyễn Văn Hùng <hung.nv@phuhuu.gov.vn>" in err

    code, out, err = ward("tasks", "--status", "late")
    assert code == 1 and err.startswith("Error:") and "'late'" in err
    assert "in_progress" in err and out == ""


# --- periods as officers write them ---------------------------------------------------------


def test_every_period_command_reads_periods_as_officers_write_them(ward, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = ward(
        "occurrence", "start", "II.3.1", "quý II/2020", "--as", NHUNG, "--now",
        "2020-05-04T09:00", "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["period"] == "2020-Q2"
    code, out, _ = ward(
        "occurrence", "start", "II.3.8", "tháng 6/2020", "--as", ANH, "--now", "2020-06-02T09:00"
    )
    assert code == 0 and "II.3.8 kỳ tháng 6/2020" in out and "2020-06" not in out

    report = tmp_path / "bao-cao.pdf"
    report.write_bytes(minimal_pdf("Bao cao quy II"))
    code, out, _ = ward(
        "evidence", "add", str(report), "--task", "II.3.1", "--period", "Q2/2020",
        "--requirement", "3", "--as", NHUNG, "--now", "2020-06-20T09:00", "--json",
    )  # fmt: skip
    assert code == 0
    code, out, _ = ward("evidence", "list", "--period", "quý 2/2020", "--json")
    assert code == 0 and [(e["task"], e["period"]) for e in json.loads(out)] == [
        ("II.3.1", "2020-Q2")
    ]
    code, out, _ = ward("occurrence", "show", "II.3.1", "2020-Q2", "--json")
    assert code == 0 and json.loads(out)["status"] == "in_progress"

    for command in (
        ("occurrence", "submit", "II.3.1", "quý V/2020", "--as", NHUNG),
        ("evidence", "add", str(report), "--task", "II.3.1", "--period", "Q2/20", "--as", NHUNG),
    ):
        code, _, err = ward(*command)
        assert code == 1 and err.startswith("Error:"), command
        assert (
            "Gợi ý:" in err and "Hint" not in err and "quý II/2020" in err and "tuần 23/2020" in err
        ), command


def test_tasks_name_periods_as_officers_write_them_and_json_keeps_the_codes(ward) -> None:  # type: ignore[no-untyped-def]
    args = ("tasks", "--now", "2020-05-04T08:00")
    code, out, _ = ward(*args, "--json")
    assert code == 0
    periods = {t["period"] for t in json.loads(out)["tasks"]}
    assert {"2020-Q2", "2020-05", "2020-W19"} <= periods  # the codes stay for programs
    code, out, _ = ward(*args)
    assert code == 0
    flat = " ".join(out.split())
    assert "quý II/2020" in flat and "tháng 5/2020" in flat and "tuần 19 (04/5–08/5/2020)" in flat
    assert re.search(r"\b2020-(Q\d|H\d|W\d\d|\d\d)\b", out) is None, out
    code, out, _ = ward(*args, "--lang", "en")
    flat = " ".join(out.split())
    assert code == 0 and "Q2 2020" in flat and "May 2020" in flat and "2020-Q2" not in flat


# --- one occurrence in full -----------------------------------------------------------------


def test_occurrence_show_on_the_due_date_says_due_today(ward) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = ward("occurrence", "show", "II.3.1", "Q2/2020", "--now", "2020-06-15T08:00")
    flat = " ".join(out.split())
    assert code == 0 and "15/06/2020" in flat and "(hạn là hôm nay)" in flat
    assert "còn 0" not in flat
    code, out, _ = ward(
        "occurrence", "show", "II.3.1", "Q2/2020", "--now", "2020-06-15T08:00", "--lang", "en"
    )
    flat = " ".join(out.split())
    assert "(due today)" in flat and "0 working days" not in flat


def test_occurrence_show_tells_the_whole_story(ward, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    photo = tmp_path / "niem-yet.pdf"
    photo.write_bytes(minimal_pdf("Anh niem yet"))
    code, out, _ = ward(
        "evidence", "add", str(photo), "--task", "II.3.1", "--period", "2020-Q2",
        "--requirement", "1", "--as", NHUNG, "--now", "2020-05-04T09:00", "--json",
    )  # fmt: skip
    [added] = json.loads(out)
    assert ward(
        "evidence", "reject", str(added["id"]), "--reason", "Ảnh mờ", "--as", MAI,
        "--now", "2020-05-05T10:00",
    )[0] == 0  # fmt: skip
    assert ward(
        "occurrence", "submit", "II.3.1", "2020-Q2", "--reason", "Danh mục đang cập nhật",
        "--as", NHUNG, "--now", "2020-06-10T14:30",
    )[0] == 0  # fmt: skip
    assert ward(
        "occurrence", "return", "II.3.1", "2020-Q2", "--reason", "Thiếu ảnh niêm yết rõ nét",
        "--as", MAI, "--now", "2020-06-11T08:15",
    )[0] == 0  # fmt: skip

    code, out, _ = ward("occurrence", "show", "II.3.1", "Q2/2020", "--now", "2020-06-12T08:00")
    assert code == 0
    flat = " ".join(out.split())
    assert "2020-Q2" not in flat
    for text in (
        "II.3.1",
        "quý II/2020 (01/04/2020 – 30/06/2020)",
        "bị trả lại",  # status
        "Phạm Thị Hồng Nhung",  # lead officer
        "Phó Chủ tịch UBND phường",  # approver position
        "Trần Thị Mai",
        "Hình ảnh niêm yết TTHC tại Bộ phận tiếp nhận và trả kết quả",
        "niem-yet.pdf",
        "Ảnh mờ",
        "10/06/2020 14:30",  # on the plan's wall clock
        "Danh mục đang cập nhật",
        "11/06/2020 08:15",
        "Thiếu ảnh niêm yết rõ nét",
    ):
        assert text in flat, text
    assert re.search(r"Thứ \w+, \d\d/\d\d/2020", flat)  # the deadline with its weekday

    code, out, _ = ward("occurrence", "show", "II.3.1", "2020-Q2", "--json", "--lang", "en")
    data = json.loads(out)
    for key in ("task", "title", "period", "due_date", "due_weekday", "status", "officer_name",
                "approver_role", "approver_title", "documents", "history"):  # fmt: skip
        assert key in data, key
    assert data["due_weekday"].split(",")[0] in (
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
    )
    assert [h["action"] for h in data["history"]] == ["submit", "return"]
    assert data["history"][1]["reason"] == "Thiếu ảnh niêm yết rõ nét"
    assert data["documents"][0]["uploads"][0]["status"] == "rejected"

    code, _, err = ward("occurrence", "show", "II.9.9", "2020-Q2")
    assert code == 1 and err.startswith("Error:") and "II.9.9" in err


# --- 80 columns -----------------------------------------------------------------------------


def test_tables_keep_codes_periods_and_dates_whole_in_80_columns(ward, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "80")
    args = ("tasks", "--officer", ANH, "--now", "2020-04-22T08:00")
    code, out, _ = ward(*args, "--json")
    rows = json.loads(out)["tasks"]
    assert ("II.8.2", "2020-W16") in keys(out) and any(r["task"] == "II.3.8" for r in rows)
    code, out, _ = ward(*args)
    assert code == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in out
    for r in rows:
        due = dt.date.fromisoformat(r["due_date"]).strftime("%d/%m/%Y")
        line = next(
            (ln for ln in lines if f" {r['task']} " in ln and f" {shown(r['period'])} " in ln), None
        )
        assert line is not None, (r["task"], r["period"])
        assert due in line, (r["task"], r["period"], due)
    assert all(r["title"].split()[0] in out for r in rows)  # titles wrap, they are not cut

    code, out, _ = ward("completeness", "--now", "2020-04-22T08:00")
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "…" not in out
    code, data, _ = ward("completeness", "--now", "2020-04-22T08:00", "--json")
    report = json.loads(data)
    year, due = report["total"], report["total"]["due_so_far"]
    assert 0 < due["required"] < year["required"]
    flat = " ".join(out.split())
    assert "đến hạn" in flat and "cả năm" in flat  # due so far next to the whole year
    assert f"0/{due['required']} (0%)" in flat and f"0/{year['required']} (0%)" in flat
    owed = report["owed"]
    assert owed
    for o in owed:
        due = dt.date.fromisoformat(o["due_date"]).strftime("%d/%m/%Y")
        assert any(
            f" {o['task']} " in ln and f" {shown(o['period'])} " in ln and due in ln
            for ln in out.splitlines()
        ), o
