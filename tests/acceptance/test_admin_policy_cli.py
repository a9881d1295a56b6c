"""Who may administer, from the command line: plans, frameworks, the roster, the calendar,
contacts and the outbox are changed by the CCHC officer, the chairman or the operator only.

A refusal exits 1, names who may (the CCHC officer and the chairman, by their titles in the
plan), and changes nothing — each test reads the state back to see it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plans import FRAMEWORK_2020, HERE, PLAN_2020

# these tests give changes the time they choose (--now): a simulation database
pytestmark = pytest.mark.simulation

Cli = Callable[..., tuple[int, str, str]]

ROSTER = HERE / "demo-roster.csv"
ANH = "anh.btn@phuhuu.gov.vn"  # one-stop desk
NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer
HUNG = "hung.nv@phuhuu.gov.vn"  # chairman
TAM = "tam.vm@phuhuu.gov.vn"  # justice
PHAT = "phat.ht@phuhuu.gov.vn"  # culture and information
CCHC_OFFICER = "Công chức phụ trách công tác CCHC"
CHAIRMAN = "Chủ tịch UBND phường"


@pytest.fixture
def ward(cli: Cli) -> Cli:
    """The bundled plan and the demo roster, loaded by the operator."""
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(ROSTER))[0] == 0
    return cli


def assert_refused(result: tuple[int, str, str], *names: str) -> str:
    code, out, err = result
    assert code == 1, out + err
    assert err.startswith("Error: "), err
    assert "Traceback" not in err
    for name in names:
        assert name in err, err
    return err


def read_json(cli: Cli, *args: str) -> Any:
    code, out, err = cli(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_only_the_cchc_officer_or_the_chairman_loads_a_plan(ward: Cli, tmp_path: Path) -> None:
    text = PLAN_2020.read_text(encoding="utf-8")
    old_title = "Kế hoạch thực hiện công tác cải cách hành chính năm 2020"
    revised = tmp_path / "revised.yaml"
    title_line = f'title: "{old_title}"'
    assert title_line in text
    revised.write_text(
        text.replace(title_line, f'title: "{old_title} (sửa đổi)"', 1), encoding="utf-8"
    )

    err = assert_refused(
        ward("plan", "load", str(revised), "--as", ANH), CCHC_OFFICER, CHAIRMAN, "Bùi Thị Ngọc Ánh"
    )
    assert "nạp kế hoạch" in err
    assert read_json(ward, "plan", "show")["plan"]["title"] == old_title
    err = assert_refused(ward("--lang", "en", "plan", "load", str(revised), "--as", ANH))
    assert "Administrative-reform officer" in err
    assert "Chairman of the ward People's Committee" in err

    loaded = read_json(ward, "plan", "load", str(revised), "--as", NHUNG)
    assert loaded["changed"] is True
    assert read_json(ward, "plan", "show")["plan"]["title"] == old_title + " (sửa đổi)"


def test_a_dry_run_load_keeps_nothing(ward: Cli, tmp_path: Path) -> None:
    text = PLAN_2020.read_text(encoding="utf-8")
    revised = tmp_path / "revised.yaml"
    assert "code: II.9.2" in text
    revised.write_text(text.replace("code: II.9.2", "code: II.9.9", 1), encoding="utf-8")

    report = read_json(ward, "plan", "load", str(revised), "--dry-run", "--as", HUNG)
    assert report["dry_run"] is True and report["changed"] is True
    assert report["counts"]["task"]["created"] == 1
    tasks = [t for a in read_json(ward, "matrix")["areas"] for t in a["tasks"]]
    assert "II.9.2" in {t["task"] for t in tasks} and "II.9.9" not in {t["task"] for t in tasks}


def test_only_an_administrator_loads_a_framework(ward: Cli, tmp_path: Path) -> None:
    text = FRAMEWORK_2020.read_text(encoding="utf-8")
    old_title = "Bộ chỉ số CCHC cấp phường (mô hình)"
    revised = tmp_path / "framework.yaml"
    title_line = f'title: "{old_title}"'
    assert title_line in text
    revised.write_text(text.replace(title_line, f'title: "{old_title} 2"', 1), encoding="utf-8")

    assert_refused(ward("framework", "load", str(revised), "--as", ANH), CCHC_OFFICER, CHAIRMAN)
    assert read_json(ward, "framework", "show")["title"] == old_title

    assert read_json(ward, "framework", "load", str(revised), "--as", HUNG)["framework"] == (
        "par-ward-2020"
    )
    assert read_json(ward, "framework", "show")["title"] == old_title + " 2"


def test_holdings_change_only_by_an_administrator_and_open_work_follows(ward: Cli) -> None:
    ward("schedule", "--now", "2020-01-01T06:00")
    stand_in = (
        "officer",
        "assign",
        PHAT,
        "justice",
        "--from",
        "2020-04-20",
        "--to",
        "2020-12-31",
        "--acting",
        "--for",
        TAM,
        "--now",
        "2020-04-15T08:00",
    )
    officers = read_json(ward, "officer", "list")
    outbox = read_json(ward, "outbox", "list")

    assert_refused(ward(*stand_in, "--as", ANH), CCHC_OFFICER, CHAIRMAN, "Bùi Thị Ngọc Ánh")
    assert read_json(ward, "officer", "list") == officers
    assert read_json(ward, "outbox", "list") == outbox

    assigned = read_json(ward, *stand_in, "--as", HUNG)
    assert assigned["created"] is True and assigned["rerouted"] > 0
    people = {p["email"]: p for p in read_json(ward, "officer", "list")}
    assert [(h["position"], h["kind"], h["acting_for"]) for h in people[PHAT]["positions"]] == [
        ("culture_info", "holder", None),
        ("justice", "acting", TAM),
    ]
    code, out, _ = ward("tasks", "--officer", PHAT, "--position", "justice", "--json")
    assert code == 0 and json.loads(out)["tasks"], "justice work after 20/04 goes to the stand-in"
    told = [
        m
        for m in read_json(ward, "outbox", "list", "--status", "pending")
        if m["kind"] == "assignment" and m["recipient"] == PHAT
    ]
    assert told, "the stand-in is told of the work routed to them"

    # putting a message back in the queue is administration too
    message = str(told[0]["id"])
    before = read_json(ward, "outbox", "show", message)
    retry = ("outbox", "retry", message, "--now", "2020-04-16T08:00")
    assert_refused(ward(*retry, "--as", ANH), CCHC_OFFICER, CHAIRMAN)
    assert read_json(ward, "outbox", "show", message) == before
    code, out, err = ward(*retry, "--as", NHUNG)
    assert code == 0, err
    assert "Đã đưa 1 thư trở lại hàng đợi" in out
    after = read_json(ward, "outbox", "show", message)
    assert after["next_attempt_at"].startswith("2020-04-16T01:00")
    logged = read_json(ward, "audit", "list", "--action", "outbox_retry")
    assert [(e["actor"], e["key"]) for e in logged] == [(NHUNG, message)], "the retry is audited"

    # so is delivering by hand: the one-stop officer's attempt sends nothing
    deliver = ("outbox", "deliver", "--now", "2020-04-16T08:00")
    assert_refused(ward(*deliver, "--as", ANH), "Bùi Thị Ngọc Ánh")
    assert read_json(ward, "outbox", "show", message) == after
    delivered = read_json(ward, *deliver, "--as", NHUNG)
    assert delivered["sent"] >= 1
    assert read_json(ward, "outbox", "show", message)["status"] == "sent"


def test_other_roster_changes_are_refused_to_a_one_stop_officer(ward: Cli, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "name,email,phone,position,scope,from,to\n"
        "Nguyễn Thị Mới,moi.nt@phuhuu.gov.vn,,justice,,01/06/2020,\n",
        encoding="utf-8",
    )
    officers = read_json(ward, "officer", "list")
    for command in (
        ("officer", "add", "Nguyễn Thị Mới", "moi.nt@phuhuu.gov.vn"),
        ("officer", "end", TAM, "justice", "--on", "2020-05-31"),
        ("officer", "import", str(roster)),
    ):
        assert_refused(ward(*command, "--as", ANH), CCHC_OFFICER, CHAIRMAN)
    assert read_json(ward, "officer", "list") == officers

    code, _, err = ward("officer", "import", str(roster), "--as", NHUNG)
    assert code == 0, err
    assert "moi.nt@phuhuu.gov.vn" in {p["email"] for p in read_json(ward, "officer", "list")}


def test_the_calendar_is_changed_by_an_administrator_only(ward: Cli) -> None:
    day_off = ("calendar", "set", "2020-05-04", "--off", "--reason", "Quyết định nghỉ bù (thử)")
    calendar = read_json(ward, "calendar", "show", "2020")

    assert_refused(ward(*day_off, "--as", ANH), CCHC_OFFICER, CHAIRMAN)
    err = assert_refused(ward(*day_off, "--as", "nobody@example.com"), "nobody@example.com")
    assert "không phải cán bộ" in err
    assert read_json(ward, "calendar", "show", "2020") == calendar

    code, _, err = ward(*day_off, "--as", NHUNG)
    assert code == 0, err
    days = {d["date"]: d for d in read_json(ward, "calendar", "show", "2020")["days"]}
    assert days["2020-05-04"]["kind"] == "override"

    assert_refused(ward("calendar", "clear", "2020-05-04", "--as", ANH), CCHC_OFFICER, CHAIRMAN)
    assert read_json(ward, "calendar", "clear", "2020-05-04", "--as", HUNG)["cleared"] is True
    assert read_json(ward, "calendar", "show", "2020") == calendar


def test_before_any_unit_only_the_operator_administers(cli: Cli) -> None:
    err = assert_refused(cli("init", "--as", NHUNG), NHUNG)
    assert "không phải cán bộ" in err
    assert cli("init")[0] == 0
    day_off = ("calendar", "set", "2020-05-04", "--off", "--reason", "Nghỉ bù (thử)")
    assert_refused(cli(*day_off, "--as", NHUNG), NHUNG)
    assert_refused(cli("plan", "load", str(PLAN_2020), "--as", NHUNG), NHUNG)
    assert read_json(cli, "plan", "list") == []
    assert cli(*day_off)[0] == 0

    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(ROSTER))[0] == 0
    assert cli("init", "--as", NHUNG)[0] == 0  # an administrator may re-run it once current
    assert_refused(cli("init", "--as", ANH), CCHC_OFFICER, CHAIRMAN)


def test_an_officer_changes_their_own_contact_but_not_anothers(ward: Cli) -> None:
    def digest_of(email: str) -> bool:
        people = {p["email"]: p for p in read_json(ward, "officer", "list")}
        return bool(people[email]["digest"])

    code, _, err = ward("officer", "contact", ANH, "--digest", "--as", ANH)
    assert code == 0, err
    assert digest_of(ANH) is True

    assert_refused(ward("officer", "contact", TAM, "--digest", "--as", ANH), CCHC_OFFICER, CHAIRMAN)
    assert_refused(ward("officer", "contact", TAM, "--digest", "--as", "nobody@example.com"))
    assert digest_of(TAM) is False

    assert ward("officer", "contact", TAM, "--digest", "--as", NHUNG)[0] == 0
    assert digest_of(TAM) is True
