"""The outbox from the command line when one officer's name is bad (an older row)."""

from __future__ import annotations

import email
import email.policy
import json
import sqlite3
from pathlib import Path

import pytest

from plans import HERE, PLAN_2020

pytestmark = pytest.mark.simulation  # replays 2020 with --now


def test_remind_goes_on_when_a_name_holds_a_line_break(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    assert cli("schedule", "--now", "2020-01-01T06:00")[0] == 0
    home = tmp_path / "home"
    with sqlite3.connect(home / "cchc.sqlite3") as db:  # a name stored before names were checked
        changed = db.execute(
            "UPDATE officer SET name = ? WHERE email = ?",
            ("Nguyễn Văn\r\nHùng", "hung.nv@phuhuu.gov.vn"),
        ).rowcount
    assert changed == 1

    code, out, err = cli("remind", "--now", "2020-04-10T08:00", "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["messages"] == 3 and report["delivered"]["sent"] == 3
    code, out, _ = cli("outbox", "list", "--json")
    assert {row["status"] for row in json.loads(out)} == {"sent"}

    files = sorted((home / "outbox").glob("*.eml"))
    assert len(files) == 3
    to = [
        email.message_from_bytes(f.read_bytes(), policy=email.policy.default)["To"] for f in files
    ]
    names = {a.display_name: a.addr_spec for header in to for a in header.addresses}
    assert names["Nguyễn Văn Hùng"] == "hung.nv@phuhuu.gov.vn"
    assert sorted(p.name for p in (home / "outbox").iterdir()) == [f.name for f in files]


def test_the_outbox_list_names_kinds_and_statuses_in_words(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    assert cli("schedule", "--now", "2020-01-01T06:00")[0] == 0
    assert cli("remind", "--now", "2020-04-10T08:00")[0] == 0
    kinds = {row["kind"] for row in json.loads(cli("outbox", "list", "--json")[1])}
    assert kinds == {"bundle", "escalation"}  # reminders gathered per officer; a late task
    code, out, _ = cli("outbox", "list")
    assert code == 0
    assert "thư gộp" in out and "báo cáo lãnh đạo" in out and "đã gửi" in out
    assert not {"bundle", "escalation", "sent"} & set(out.split())
    code, out, _ = cli("--lang", "en", "outbox", "list")
    assert {"bundle", "escalation", "sent"} <= set(out.split())
