"""The audit log as an attacker and a clumsy user meet it from the command line: the key kept
outside the database, anchors written down elsewhere, tampering found by ``audit verify``, and
``--now`` refused for changes on a live database."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from plans import HERE, PLAN_2020

NOW = ("--now", "2020-06-01T08:00")
NHUNG = ("--as", "nhung.pth@phuhuu.gov.vn")  # the CCHC officer
MEASURE = ("measure", "set", "T2.5", "100", "--year", "2020", *NHUNG)


def home() -> Path:
    return Path(os.environ["CCHC_HOME"])


def tamper(*statements: str) -> None:
    """Edit the embedded database directly, the append-only triggers dropped first."""
    with sqlite3.connect(home() / "cchc.sqlite3") as db:
        db.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        db.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        for statement in statements:
            db.execute(statement)


def count() -> int:
    with sqlite3.connect(home() / "cchc.sqlite3") as db:
        return int(db.execute("SELECT count(*) FROM audit_log").fetchone()[0])


@pytest.fixture
def loaded(cli):  # type: ignore[no-untyped-def]
    """A live home (``cchc init``) with the plan loaded; returns (cli, anchor token)."""
    code, out, err = cli("init")
    assert code == 0, err
    assert "Cơ sở dữ liệu thật" in out and "audit.key" in out
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    code, out, err = cli("audit", "anchor")
    assert code == 0, err
    token = out.strip().splitlines()[-1]
    assert token.startswith("cchc-anchor:") and f":{count()}:" in token
    return cli, token


def test_init_creates_a_private_key_beside_the_database_and_keeps_it(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init")[0] == 0
    key = home() / "audit.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    first = key.read_text()
    assert len(first.strip()) == 64
    assert cli("init")[0] == 0 and key.read_text() == first  # never overwritten
    code, out, _ = cli("init", "--json")
    assert (
        code == 0 and json.loads(out)["mode"] == "live" and json.loads(out)["audit_key"] == str(key)
    )


def test_an_intact_log_verifies_against_its_anchor(loaded) -> None:  # type: ignore[no-untyped-def]
    cli, token = loaded
    code, out, err = cli("audit", "verify", "--anchor", token)
    assert code == 0, err
    assert "toàn vẹn" in out and "nối tiếp mốc" in out
    code, out, _ = cli("audit", "anchor", "--json")
    assert json.loads(out)["token"] == token  # taking an anchor is not itself logged


@pytest.mark.parametrize("cut", ["last", "ten", "all"])
def test_cutting_the_end_fails_verify_anchor(loaded, cut) -> None:  # type: ignore[no-untyped-def]
    cli, token = loaded
    n = count()
    keep = {"last": n - 1, "ten": n - 10, "all": 0}[cut]
    tamper(
        f"DELETE FROM audit_log WHERE id NOT IN (SELECT id FROM audit_log ORDER BY id LIMIT {keep})"
    )
    assert cli("audit", "verify")[0] == 0  # the chain that is left holds …
    code, out, err = cli("audit", "verify", "--anchor", token)
    assert code == 1 and "Traceback" not in err  # … but it is shorter than the anchor
    assert f"chỉ còn {keep} mục, ít hơn {n} mục lúc ghi mốc: đã bị cắt bớt" in " ".join(err.split())
    code, _, err = cli("--lang", "en", "audit", "verify", "--anchor", token)
    assert code == 1 and "it was cut" in err
    code, out, _ = cli("audit", "verify", "--anchor", token, "--json")
    assert code == 1 and json.loads(out)["anchor"]["problem"] == "shorter"


def test_a_deleted_middle_row_or_an_edit_fails_verify(loaded) -> None:  # type: ignore[no-untyped-def]
    cli, token = loaded
    tamper(
        "DELETE FROM audit_log WHERE id = 40", "UPDATE audit_log SET actor = 'mallory' WHERE id = 7"
    )
    code, out, err = cli("audit", "verify", "--anchor", token)
    assert code == 1 and "audit_log id 41: link" in out and "audit_log id 7: content" in out
    assert err.startswith("Error: Nhật ký thay đổi bị sửa: 2 chỗ không khớp.")


def test_an_edit_with_the_unkeyed_chain_recomputed_fails_verify(loaded) -> None:  # type: ignore[no-untyped-def]
    cli, _ = loaded
    from domain.audit_chain import entry_hash

    tamper("UPDATE audit_log SET actor = 'mallory' WHERE id = 7")
    with sqlite3.connect(home() / "cchc.sqlite3") as db:
        db.row_factory = sqlite3.Row
        rows = [dict(r) for r in db.execute("SELECT * FROM audit_log ORDER BY id")]
    prev = rows[5]["hash"]
    statements = []
    for row in rows[6:]:
        for field in ("before", "after"):
            row[field] = json.loads(row[field]) if row[field] else None
        digest = entry_hash(prev, row)
        statements.append(
            f"UPDATE audit_log SET prev_hash = '{prev}', hash = '{digest}', scheme = 'sha256' "
            f"WHERE id = {row['id']}"
        )
        prev = digest
    tamper(*statements)
    code, out, err = cli("audit", "verify")
    assert code == 1 and "audit_log id 7: unkeyed" in out and "Traceback" not in err


def test_a_lost_or_replaced_key_is_said_so(loaded) -> None:  # type: ignore[no-untyped-def]
    cli, _ = loaded
    key = home() / "audit.key"
    saved = key.read_text()
    key.unlink()
    code, _, err = cli("audit", "verify")
    assert code == 1 and err.startswith("Error: Thiếu khoá nhật ký (audit.key)")
    assert not key.exists()  # no new key silently replaces the lost one
    code, _, err = cli(*MEASURE)
    assert code == 1 and "Thiếu khoá nhật ký" in err
    key.write_text("ab" * 32 + "\n")
    code, _, err = cli("--lang", "en", "audit", "verify")
    assert code == 1 and err.startswith("Error: The audit key (audit.key) is not the key")
    key.write_text(saved)
    assert cli("audit", "verify")[0] == 0


# --- live vs simulation ---------------------------------------------------------------------


def test_a_live_database_refuses_now_for_a_change_but_not_for_a_read(loaded) -> None:  # type: ignore[no-untyped-def]
    cli, token = loaded
    before = count()
    for args in (
        (*MEASURE, *NOW),
        ("schedule", *NOW),
        ("outbox", "deliver", *NOW),
    ):
        code, out, err = cli(*args)
        assert code == 1 and out == "", args
        assert (
            err.startswith("Error: Không dùng được --now để thay đổi dữ liệu")
            and "Traceback" not in err
        )
        assert "cchc init --simulation" in err
    code, _, err = cli("--lang", "en", *MEASURE, *NOW)
    assert code == 1 and "--now cannot be used to change data on a live database" in err
    assert count() == before  # the refusal changed nothing and is not logged as a change
    assert cli("audit", "verify", "--anchor", token)[0] == 0
    assert cli("tasks", *NOW)[0] == 0
    assert cli("audit", "list", *NOW, "--limit", "1")[0] == 0
    assert cli("remind", *NOW, "--dry-run")[0] == 0
    # without --now, the same change is made at the real time
    assert cli(*MEASURE)[0] == 0
    (entry,) = json.loads(cli("audit", "list", "--json", "--limit", "1")[1])
    assert entry["simulated_at"] is None
    # a live database with history does not become a simulation
    code, _, err = cli("init", "--simulation")
    assert code == 1 and "cchc init --simulation" in err and "'live'" in err


@pytest.mark.simulation
def test_a_simulation_accepts_now_and_logs_both_times(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("init")
    assert code == 0 and "Cơ sở dữ liệu mô phỏng" in out  # re-running init keeps the mode
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    assert cli(*MEASURE, *NOW)[0] == 0
    (entry,) = json.loads(cli("audit", "list", "--json", "--limit", "1")[1])
    assert entry["simulated_at"] == "2020-06-01T08:00:00+07:00"
    assert not entry["at"].startswith("2020-")  # the real clock
    code, out, _ = cli("audit", "show", str(entry["id"]))
    assert code == 0 and "Giờ mô phỏng" in out and "01/06/2020 08:00:00" in out
    code, out, _ = cli("--lang", "en", "audit", "list", "--limit", "1")
    assert code == 0 and "Simulated time" in out and "01/06/2020 08:00:00" in out
    assert cli("audit", "verify")[0] == 0
