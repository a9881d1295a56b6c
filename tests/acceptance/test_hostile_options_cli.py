"""Hostile values given to options and arguments: each is a clear error (exit 1 or 2, an
``Error:`` line), never a traceback, and nothing is stored."""

from __future__ import annotations

import json

import pytest

from plans import HERE, PLAN_2020

NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer


@pytest.fixture
def ward(cli):  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    return cli


def refused(cli, *args: str) -> str:  # type: ignore[no-untyped-def]
    code, out, err = cli("--lang", "en", *args)
    assert code in (1, 2), (args, code, out, err)
    assert "Traceback" not in out + err, (args, out, err)
    assert "Error:" in err, (args, out, err)
    return " ".join(err.split())


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400", "-1", "101"])
def test_a_measurement_must_be_a_finite_number_in_the_targets_range(ward, value: str) -> None:  # type: ignore[no-untyped-def]
    refused(ward, "--as", NHUNG, "measure", "set", "T2.5", "--year", "2020", "--", value)
    code, out, _ = ward("measure", "list", "--json")
    assert (code, json.loads(out)) == (0, [])


def test_a_measurement_of_an_unknown_code_or_year_is_refused(ward) -> None:  # type: ignore[no-untyped-def]
    err = refused(ward, "--as", NHUNG, "measure", "set", "T9.9", "5", "--year", "2020")
    assert "T9.9" in err
    refused(ward, "--as", NHUNG, "measure", "set", "T2.5", "5", "--year", "99999")
    refused(ward, "--as", NHUNG, "measure", "set", "T2.5", "5", "--year", "2019")
    code, out, _ = ward("measure", "list", "--json")
    assert (code, json.loads(out)) == (0, [])
    # a good one still works
    assert ward("--as", NHUNG, "measure", "set", "T2.5", "95", "--year", "2020")[0] == 0


@pytest.mark.parametrize("value", ["nan", "inf", "1e400", "-1"])
def test_bonus_and_penalty_must_be_finite_and_not_negative(ward, value: str) -> None:  # type: ignore[no-untyped-def]
    refused(ward, "--as", NHUNG, "par", "adjust", "--year", "2020", f"--penalty={value}")
    refused(ward, "--as", NHUNG, "par", "adjust", "--year", "2020", f"--bonus={value}")


def test_numbers_beyond_any_sane_range_are_refused(ward) -> None:  # type: ignore[no-untyped-def]
    refused(ward, "calendar", "add", "2020-01-20", "99999999")
    refused(ward, "calendar", "add", "9999-12-31", "5")
    refused(ward, "calendar", "show", "99999")
    refused(ward, "outbox", "show", "999999999999999999999")
    refused(ward, "evidence", "show", "-99999999999999999999999")
    refused(ward, "tasks", "--year", "99999")
    refused(ward, "kpi", "--year", "99999")


def test_a_time_far_out_is_refused(ward) -> None:  # type: ignore[no-untyped-def]
    for moment in ("0001-01-01T00:00", "9999-12-31T23:59+07:00", "0001-01-01T00:00+07:00"):
        refused(ward, "remind", "--now", moment)
        refused(ward, "tasks", "--now", moment)


def test_an_officer_needs_a_name_and_an_email_address(ward) -> None:  # type: ignore[no-untyped-def]
    before = ward("officer", "list", "--json")[1]
    for name, email in [
        ("", "a@phuhuu.gov.vn"),
        ("   ", "a@phuhuu.gov.vn"),
        ("An\x07", "a@phuhuu.gov.vn"),
        ("An", "not-an-email"),
        ("An", ""),
        ("An", "a@b.vn, x@evil.example"),
    ]:
        refused(ward, "officer", "add", name, email)
    assert ward("officer", "list", "--json")[1] == before
