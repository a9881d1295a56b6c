"""A submitted self-assessment from the command line (issue 10): ``measure set`` of its year is
refused and the index stays the submitted one until the chairman reopens it; editing the stored
snapshot or its items behind the engine's back is reported by ``audit verify``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from plans import HERE, PLAN_2020

pytestmark = pytest.mark.simulation  # replays 2020 with --now

HUNG = "hung.nv@phuhuu.gov.vn"  # chairman
NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer
AT = ("--year", "2020", "--now", "2021-01-05T08:00")


@pytest.fixture
def ward(cli):  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    return cli


def flat(text: str) -> str:
    return " ".join(text.split())


def index(cli) -> float:  # type: ignore[no-untyped-def]
    code, out, err = cli("par", "score", *AT, "--json")
    assert code == 0, err
    return float(json.loads(out)["self_index"])


def measure(cli, value: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    return cli("measure", "set", "T2.5", value, *AT, "--as", NHUNG)  # 7.1.1: 100 % → 2, 90 % → 1


def test_measure_set_waits_for_the_reopening_and_the_index_stays_the_submitted_one(ward) -> None:  # type: ignore[no-untyped-def]
    assert measure(ward, "100")[0] == 0
    assert ward("par", "submit", *AT, "--as", HUNG)[0] == 0
    submitted = index(ward)

    code, out, err = measure(ward, "90")
    assert code == 1 and out == "" and "Traceback" not in err
    assert "bản tự đánh giá năm 2020 (phu-huu) đã nộp và bị khóa" in flat(err)
    assert "cchc par reopen --year 2020" in flat(err)
    assert index(ward) == submitted  # was 6.5 against the 7.5 snapshot
    code, _, err = ward("--lang", "en", "measure", "set", "T2.5", "90", *AT, "--as", NHUNG)
    assert code == 1 and "Nothing that feeds a submitted assessment changes" in flat(err)

    assert ward("par", "reopen", *AT, "--reason", "Số liệu T2.5 sai", "--as", HUNG)[0] == 0
    assert measure(ward, "90")[0] == 0
    assert index(ward) == submitted - 1
    code, _, err = ward("par", "reopen", *AT, "--reason", "Lần nữa", "--as", HUNG)
    assert code == 1 and "Bản tự đánh giá năm 2020 chưa nộp nên không cần mở lại." in flat(err)


def test_audit_verify_reports_an_edited_snapshot_or_item(ward, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert (
        ward("par", "set", "7.1.1", "--self", "2", "--reason", "Đạt 100 %", *AT, "--as", NHUNG)[0]
        == 0
    )
    assert ward("par", "submit", *AT, "--as", HUNG)[0] == 0
    assert ward("audit", "verify")[0] == 0
    with sqlite3.connect(tmp_path / "home" / "cchc.sqlite3") as db:
        snapshot = json.loads(db.execute("SELECT snapshot FROM assessment").fetchone()[0])
        snapshot["scorecard"]["self_index"] = 99.0
        db.execute("UPDATE assessment SET snapshot = ?", (json.dumps(snapshot),))
        db.execute("UPDATE assessment_item SET self_score = 1 WHERE item = '7.1.1'")
    code, out, err = ward("audit", "verify")
    assert code == 1 and "Traceback" not in err
    assert "snapshot phu-huu 2020: content hashes to" in out
    assert "snapshot phu-huu 2020: item 7.1.1 self_score 2.0 is now 1.0" in out
    code, out, _ = ward("audit", "verify", "--json")
    assert code == 1 and not json.loads(out)["intact"]
