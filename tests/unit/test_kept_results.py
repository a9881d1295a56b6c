"""How long a kept result holds: ``application.kept_results.KeptResults``."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from application.kept_results import MAX_AGE, KeptResults

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
ENTRY = (7, "abc")


def test_held_under_the_same_entry_until_max_age() -> None:
    kept = KeptResults()
    at = dt.datetime(2020, 7, 15, 9, 0, 1, tzinfo=VN)
    kept.put("k", ENTRY, at, "table")
    assert kept.get("k", ENTRY, at) == "table"
    assert kept.get("k", ENTRY, at + MAX_AGE - dt.timedelta(microseconds=1)) == "table"
    assert kept.get("k", ENTRY, at + MAX_AGE) is None
    assert kept.get("k", ENTRY, at) is None  # dropped once stale


def test_a_new_log_entry_or_an_earlier_clock_reads_again() -> None:
    kept = KeptResults()
    at = dt.datetime(2020, 7, 15, 9, 0, 1, tzinfo=VN)
    kept.put("k", ENTRY, at, "table")
    assert kept.get("k", (8, "def"), at) is None
    kept.put("k", None, at, "table")
    assert kept.get("k", ENTRY, at) is None
    kept.put("k", ENTRY, at, "table")
    assert kept.get("k", ENTRY, at - dt.timedelta(seconds=1)) is None


def test_midnight_in_vietnam_and_in_any_zone_ends_it() -> None:
    kept = KeptResults()
    last_second = dt.datetime(2020, 7, 15, 23, 59, 59, tzinfo=VN)
    kept.put("k", ENTRY, last_second, "15 July")
    assert kept.get("k", ENTRY, last_second + dt.timedelta(milliseconds=999)) == "15 July"
    assert kept.get("k", ENTRY, last_second + dt.timedelta(seconds=1)) is None
    nepal = zoneinfo.ZoneInfo("Asia/Kathmandu")  # UTC+05:45
    before = dt.datetime(2020, 7, 15, 23, 59, 30, tzinfo=nepal)
    kept.put("n", ENTRY, before, "15 July")
    assert kept.get("n", ENTRY, before + dt.timedelta(seconds=30)) is None


def test_a_deadline_ends_it_and_the_least_used_goes_first() -> None:
    kept = KeptResults(size=2)
    at = dt.datetime(2020, 7, 15, 9, 0, 1, tzinfo=VN)
    kept.put("k", ENTRY, at, "table", deadline=at + dt.timedelta(seconds=5))
    assert kept.get("k", ENTRY, at + dt.timedelta(seconds=4)) == "table"
    assert kept.get("k", ENTRY, at + dt.timedelta(seconds=5)) is None
    kept.put("a", ENTRY, at, 1)
    kept.put("b", ENTRY, at, 2)
    assert kept.get("a", ENTRY, at) == 1
    kept.put("c", ENTRY, at, 3)
    assert kept.get("b", ENTRY, at) is None
    assert (kept.get("a", ENTRY, at), kept.get("c", ENTRY, at)) == (1, 3)
