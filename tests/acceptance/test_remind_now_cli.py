"""``cchc occurrence remind``: the CCHC officer reminds the officer holding a late task now;
a second reminder the same day is a clear error, and a plain officer may not remind."""

from __future__ import annotations

import json

import pytest

from plans import HERE, PLAN_2020

pytestmark = pytest.mark.simulation

ANH = "anh.btn@phuhuu.gov.vn"  # one-stop desk: leads II.3.8 (monthly)
NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer
MONDAY = ("--now", "2020-06-15T09:00")


@pytest.fixture
def ward(cli):  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    assert cli("schedule", "--now", "2020-01-01T06:00")[0] == 0
    return cli


def test_remind_now_once_a_day(ward) -> None:  # type: ignore[no-untyped-def]
    code, out, err = ward("occurrence", "remind", "II.3.8", "tháng 5/2020", "--as", NHUNG, *MONDAY)
    assert code == 0, err
    assert "II.3.8" in out and "tháng 5/2020" in out and "Bùi Thị Ngọc Ánh" in out

    code, out, err = ward(
        "occurrence", "remind", "II.3.8", "tháng 5/2020", "--as", NHUNG, "--now", "2020-06-15T15:00"
    )
    assert code == 1 and out == ""
    assert err.startswith("Error:") or err.startswith("Lỗi:")
    assert "đã được nhắc ngay hôm nay (15/06/2020)" in " ".join(err.split())

    code, out, _ = ward("outbox", "list", "--json")
    assert code == 0
    rows = [r for r in json.loads(out) if r["kind"] == "nudge"]
    assert [r["recipient"] for r in rows] == [ANH]


def test_a_plain_officer_may_not_remind(ward) -> None:  # type: ignore[no-untyped-def]
    code, _, err = ward("occurrence", "remind", "II.3.8", "tháng 5/2020", "--as", ANH, *MONDAY)
    assert code == 1
    assert "Chủ tịch" in err and "Không được phép" in err


def test_the_completeness_report_is_for_the_cchc_officer_the_chairman_and_the_operator(
    ward,
) -> None:  # type: ignore[no-untyped-def]
    assert ward("completeness", *MONDAY, "--json")[0] == 0  # the operator, without --as
    code, out, _ = ward("completeness", *MONDAY, "--json", "--as", NHUNG)
    assert code == 0 and json.loads(out)["owed"]
    code, _, err = ward("completeness", *MONDAY, "--as", ANH)
    assert code == 1 and "Không được phép" in err
