"""Reading the audit log from the command line: ``audit list`` with its filters, ``audit show``,
refused attempts, and who may read it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from plans import HERE, PLAN_2020

# these tests give changes the time they choose (--now): a simulation database
pytestmark = pytest.mark.simulation

NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer
HUNG = "hung.nv@phuhuu.gov.vn"  # chairman
ANH = "anh.btn@phuhuu.gov.vn"  # one-stop desk
KEYS = {"id", "at", "actor", "action", "entity", "key", "unit", "before", "after", "simulated_at"}


@pytest.fixture
def ward(cli):  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    return cli


def flat(text: str) -> str:
    return " ".join(text.split())


def entries(cli, *args: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    code, out, err = cli("audit", "list", "--json", *args)
    assert code == 0, err
    data: list[dict[str, Any]] = json.loads(out)
    return data


def test_a_plan_load_is_in_the_log_with_the_operator_as_actor(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    rows = entries(cli, "--limit", "1000")
    assert len(rows) > 100
    assert all(set(r) == KEYS for r in rows)
    assert all(r["actor"].startswith("operator:") for r in rows)
    assert [r["id"] for r in rows] == sorted((r["id"] for r in rows), reverse=True)
    plan = [r for r in rows if r["entity"] == "plan"]
    assert plan and plan[0]["unit"] == "phu-huu" and plan[0]["action"] == "create"
    assert plan[0]["at"].endswith("+07:00")  # the plan's time zone, Asia/Ho_Chi_Minh
    assert len(entries(cli)) == 100  # the default limit
    assert len(entries(cli, "--limit", "3")) == 3
    assert entries(cli, "--actor", "operator", "--limit", "1000") == rows
    assert entries(cli, "--actor", NHUNG) == []


def test_refused_attempts_are_listed_and_shown(ward) -> None:  # type: ignore[no-untyped-def]
    assert ward("par", "submit", "--year", "2020", "--as", ANH)[0] == 1
    refused = entries(ward, "--action", "refused")
    assert len(refused) == 1
    assert refused[0]["actor"] == ANH and refused[0]["entity"] == "assessment"
    assert refused[0]["key"] == "2020"
    assert refused[0]["after"]["attempted"] == "par.submit"
    assert refused[0]["after"]["rule"] == "chairman"

    code, out, _ = ward("audit", "list", "--action", "refused")
    assert code == 0 and "từ chối: par.submit" in out and ANH in out
    code, out, _ = ward("--lang", "en", "audit", "list", "--action", "refused")
    assert code == 0 and "refused: par.submit" in out
    assert "par_submit" not in flat(out)  # nothing was submitted

    code, out, err = ward("audit", "show", str(refused[0]["id"]))
    assert code == 0, err
    assert "từ chối: par.submit" in out and "chairman" in out


def test_show_prints_what_an_entry_changed_and_its_hashes(ward) -> None:  # type: ignore[no-untyped-def]
    at = ("--year", "2020", "--now", "2021-01-05T08:00")
    assert ward("par", "set", "1.1.1", "--level", "kip_thoi", *at, "--as", NHUNG)[0] == 0
    (entry,) = entries(ward, "--object", "assessment_item:2020/1.1.1")
    assert entry["action"] == "par_set" and entry["actor"] == NHUNG
    assert entry["simulated_at"] == "2021-01-05T08:00:00+07:00"
    assert entry["at"][:10] == dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    assert entries(ward, "--object", "2020/1.1.1") == [entry]
    assert entries(ward, "--object", "assessment_item", "--actor", NHUNG) == [entry]

    code, out, err = ward("audit", "show", str(entry["id"]), "--as", HUNG)
    assert code == 0, err
    assert "05/01/2021 08:00:00" in out and NHUNG in out and "par_set" in out
    before, after = out.split("Trước:")[1].split("Sau:")
    assert '"level": null' in before and '"level": "kip_thoi"' in after
    code, out, _ = ward("audit", "show", str(entry["id"]), "--json")
    shown = json.loads(out)
    assert set(shown) == KEYS | {"hash", "prev_hash"}
    assert shown["before"]["level"] is None and shown["after"]["level"] == "kip_thoi"
    assert len(shown["hash"]) == 64 and shown["hash"] in ward("audit", "show", str(entry["id"]))[1]

    code, out, err = ward("audit", "show", "999999")
    assert code == 1 and out == ""
    assert err.startswith("Error: Không có mục nhật ký số 999999.") and "Traceback" not in err
    code, _, err = ward("--lang", "en", "audit", "show", "999999")
    assert code == 1 and err.startswith("Error: No audit log entry 999999.")


def test_since_and_until_are_local_dates(ward) -> None:  # type: ignore[no-untyped-def]
    def set_level(item: str, level: str, now: str) -> None:
        args = ("par", "set", item, "--level", level, "--year", "2020", "--now", now)
        assert ward(*args, "--as", NHUNG)[0] == 0

    set_level("1.1.1", "kip_thoi", "2021-01-05T23:30")
    set_level("7.2.1", "duy_tri_cai_tien_cong_bo", "2021-01-06T00:30")  # 17:30 UTC on the 5th

    def keys(*args: str) -> list[str]:
        return [r["key"] for r in entries(ward, *args) if r["entity"] == "assessment_item"]

    assert keys("--since", "2021-01-05", "--until", "2021-01-05") == ["2020/1.1.1"]
    assert keys("--since", "2021-01-06", "--until", "2021-01-06") == ["2020/7.2.1"]
    assert keys("--since", "2021-01-05", "--until", "2021-01-06") == ["2020/7.2.1", "2020/1.1.1"]
    assert entries(ward, "--until", "2021-01-04") == []
    later = entries(ward, "--since", "2021-01-07")
    assert later and all(r["entity"] != "assessment_item" for r in later)  # the plan load
    assert keys("--since", "06/01/2021") == ["2020/7.2.1"]  # the Vietnamese order works too
    code, _, err = ward("audit", "list", "--since", "2021-13-01")
    assert code == 1 and "'2021-13-01' không phải ngày (YYYY-MM-DD)" in err


def test_a_one_stop_officer_cannot_read_the_log(ward) -> None:  # type: ignore[no-untyped-def]
    code, out, err = ward("audit", "list", "--as", ANH)
    assert code == 1 and out == ""
    assert (
        "chỉ Công chức phụ trách công tác CCHC hoặc Chủ tịch UBND phường hoặc người vận hành "
        "hệ thống được xem nhật ký thay đổi" in flat(err)
    )
    code, _, err = ward("audit", "show", "1", "--as", ANH)
    assert code == 1 and "xem nhật ký thay đổi" in flat(err)
    code, out, _ = ward("audit", "list", "--as", NHUNG, "--limit", "1")
    assert code == 0 and "Nhật ký thay đổi (1 mục)" in out
    refused = entries(ward, "--action", "refused")
    assert [(r["actor"], r["after"]["attempted"]) for r in refused] == [
        (ANH, "audit.read"),
        (ANH, "audit.read"),
    ]


def test_before_any_unit_only_the_operator_reads_the_log(cli) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli("audit", "list", "--as", NHUNG)
    assert code == 1 and "không phải cán bộ của đơn vị" in flat(err)
    (refusal,) = entries(cli)
    assert refusal["actor"] == NHUNG and refusal["unit"] is None
    assert refusal["after"]["attempted"] == "audit.read"
