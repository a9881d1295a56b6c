"""Who may do what, from the command line: the issue's reproductions are refused.

Each refusal exits 1 with a message naming the rule and who may act, changes nothing,
and is written to the audit log as a refused attempt.
"""

from __future__ import annotations

import json

import pytest

from plans import HERE, PLAN_2020

# these tests give changes the time they choose (--now): a simulation database
pytestmark = pytest.mark.simulation

ANH = ("--as", "anh.btn@phuhuu.gov.vn")  # one-stop desk: leads II.8.2
MAI = ("--as", "mai.tt@phuhuu.gov.vn")  # vice-chairman for area 3 (II.8.2 is area 8)
BAO = ("--as", "bao.lq@phuhuu.gov.vn")  # vice-chairman for area 8: approves II.8.2
AT = ("--now", "2020-04-15T09:00")


@pytest.fixture
def ward(cli):  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    assert cli("schedule", "--now", "2020-01-01T06:00")[0] == 0
    return cli


def status(cli, task: str, period: str) -> str:  # type: ignore[no-untyped-def]
    _, out, _ = cli("tasks", "--json")
    return next(
        t["status"] for t in json.loads(out)["tasks"] if (t["task"], t["period"]) == (task, period)
    )


def refused_entries(home) -> list[dict]:  # type: ignore[no-untyped-def]
    from sqlmodel import Session, select

    from models import AuditEntry
    from storage.db import make_engine

    engine = make_engine(f"sqlite:///{home / 'cchc.sqlite3'}")
    with Session(engine) as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.action == "refused")).all()
        out = [{"actor": r.actor, "key": r.key, **(r.after or {})} for r in rows]
    engine.dispose()
    return out


def test_the_lead_cannot_accept_her_own_submission(ward, tmp_path) -> None:  # type: ignore[no-untyped-def]
    reason = ("--reason", "Biên bản đã gửi qua mạng (kiểm thử)")
    assert ward("occurrence", "submit", "II.8.2", "2020-W16", *reason, *ANH, *AT)[0] == 0
    code, out, err = ward("occurrence", "accept", "II.8.2", "2020-W16", *ANH, *AT)
    assert code == 1 and out == ""
    assert err.startswith("Error: Không được phép")
    assert "Bùi Thị Ngọc Ánh" in err and "Phó Chủ tịch" in err and "lĩnh vực 8" in err
    assert status(ward, "II.8.2", "2020-W16") == "submitted"
    outbox = tmp_path / "home" / "outbox"
    assert not outbox.exists() or not list(outbox.glob("*.eml"))  # nobody was told "accepted"
    [entry] = refused_entries(tmp_path / "home")
    assert entry["actor"] == "anh.btn@phuhuu.gov.vn" and entry["attempted"] == "occurrence.accept"
    assert entry["rule"] == "not_own_work" and entry["key"] == "II.8.2/2020-W16"
    # the vice-chairman of another area may not either; the one for area 8 may
    code, _, err = ward("occurrence", "accept", "II.8.2", "2020-W16", *MAI, *AT)
    assert code == 1 and "Trần Thị Mai" in err
    code, out, _ = ward("occurrence", "accept", "II.8.2", "2020-W16", *BAO, *AT, "--json")
    assert code == 0 and json.loads(out)["to"] == "accepted"


def test_an_unknown_address_cannot_accept_anything(ward, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = ward("occurrence", "accept", "II.8.2", "2020-W16", "--as", "nobody@example.com")
    assert code == 1
    code, _, err = ward(
        "--lang", "en", "occurrence", "start", "II.8.2", "2020-W16", "--as", "nobody@example.com"
    )
    assert code == 1 and "'nobody@example.com' is no officer of this unit" in err
    assert status(ward, "II.8.2", "2020-W16") == "open"
    assert {e["rule"] for e in refused_entries(tmp_path / "home")} == {"unknown_identity"}


def test_the_operator_administers_but_never_acts_for_an_officer(ward) -> None:  # type: ignore[no-untyped-def]
    for action in ("start", "submit"):
        code, _, err = ward("occurrence", action, "II.8.2", "2020-W16", "--reason", "x")
        assert code == 1 and "người vận hành" in err
    code, _, err = ward("occurrence", "waive", "II.8.2", "2020-W16", "--reason", "x")
    assert code == 1
    assert status(ward, "II.8.2", "2020-W16") == "open"
    assert ward("schedule", "--now", "2020-01-02T06:00")[0] == 0  # administration is fine


def test_submitting_needs_the_evidence_or_a_reason(ward) -> None:  # type: ignore[no-untyped-def]
    code, _, err = ward("occurrence", "submit", "II.8.2", "2020-W16", *ANH, *AT)
    assert code == 1 and "tài liệu" in err
    assert status(ward, "II.8.2", "2020-W16") == "open"
