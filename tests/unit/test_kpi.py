"""KPI arithmetic and target scoring (domain.kpi)."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.kpi import (
    Kpi,
    Rate,
    evaluate,
    evaluate_kpi,
    evaluate_manual,
    period_of,
    rate,
)
from domain.plan import Target


def target(op: str | None = ">=", value: float | None = 98, **scope: object) -> Target:
    return Target(
        code="T", title="t", metric="on_time_rate", owner="o", op=op, value=value, scope=scope
    )


def test_rate_is_a_percentage_and_zero_denominator_is_no_data() -> None:
    assert rate(1, 4) == 25.0
    assert rate(3, 3) == 100.0
    assert rate(0, 5) == 0.0
    assert rate(0, 0) is None
    assert Rate(0, 0).value is None and Rate(2, 8).value == 25.0
    assert (Rate(1, 2) + Rate(3, 6)).as_dict() == {
        "value": 50.0,
        "numerator": 4,
        "denominator": 8,
    }


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        (">=", 98.0, "met"),
        (">=", 97.99, "not_met"),
        (">", 98.0, "not_met"),
        (">", 98.01, "met"),
        ("<=", 98.0, "met"),
        ("<=", 98.5, "not_met"),
        ("<", 97.0, "met"),
        ("<", 98.0, "not_met"),
        ("=", 98.0, "met"),
        ("=", 98.0000000000001, "met"),
        ("=", 99.0, "not_met"),
        (">=", None, "no_data"),
    ],
)
def test_evaluate_each_operator(op: str, value: float | None, expected: str) -> None:
    assert evaluate(target(op, 98), value) == expected


def test_float_noise_does_not_fail_a_100_percent_target() -> None:
    assert evaluate(target(">=", 100), rate(3, 3)) == "met"
    assert evaluate(target(">=", 100), 99.99999999999999) == "met"


def test_a_target_without_a_threshold_is_no_data() -> None:
    assert evaluate(target(None, None), 100.0) == "no_data"


KPI = Kpi(
    "on_time_rate",
    Rate(17, 20),
    {
        "dat_dai": Rate(9, 10),
        "ho_tich": Rate(5, 5),
        "chung_thuc": Rate(3, 5),
        "xay_dung": Rate(0, 0),
    },
)


def test_unscoped_target_uses_the_overall_rate() -> None:
    result = evaluate_kpi(target(">=", 85), KPI)
    assert (result.status, result.value, result.numerator, result.denominator) == (
        "met",
        85.0,
        17,
        20,
    )


def test_one_field_scope() -> None:
    assert evaluate_kpi(target(">=", 90, field="dat_dai"), KPI).status == "met"
    assert evaluate_kpi(target(">=", 91, field="dat_dai"), KPI).status == "not_met"
    assert evaluate_kpi(target(">=", 90, field="xay_dung"), KPI).status == "no_data"
    assert evaluate_kpi(target(">=", 90, field="khong_co"), KPI).status == "no_data"


def test_fields_except_pools_the_other_fields() -> None:
    result = evaluate_kpi(target(">=", 80, fields_except=["dat_dai"]), KPI)
    assert (result.numerator, result.denominator, result.value) == (8, 10, 80.0)
    assert result.status == "met"


def test_each_field_must_meet_the_target_on_its_own() -> None:
    result = evaluate_kpi(target(">=", 100, fields_except=["dat_dai"], each=True), KPI)
    assert result.status == "not_met"
    assert result.fields == {
        "ho_tich": (100.0, "met"),
        "chung_thuc": (60.0, "not_met"),
        "xay_dung": (None, "no_data"),
    }
    assert result.value == 60.0  # the worst field
    # pooled the same fields would pass a lower bar that one field fails on its own
    assert evaluate_kpi(target(">=", 80, fields_except=["dat_dai"]), KPI).status == "met"
    assert evaluate_kpi(target(">=", 80, fields_except=["dat_dai"], each=True), KPI).status == (
        "not_met"
    )


def test_each_field_met_when_all_fields_with_data_meet_it() -> None:
    kpi = Kpi("on_time_rate", Rate(5, 5), {"ho_tich": Rate(5, 5), "khac": Rate(0, 0)})
    result = evaluate_kpi(target(">=", 100, fields_except=["dat_dai"], each=True), kpi)
    assert result.status == "met"
    empty = Kpi("on_time_rate", Rate(), {"khac": Rate()})
    assert evaluate_kpi(target(">=", 100, fields_except=[], each=True), empty).status == "no_data"


def test_manual_targets_score_the_recorded_number() -> None:
    manual = Target(code="T2.5", title="t", metric="manual", owner="o", op=">=", value=100)
    assert evaluate_manual(manual, 100.0).status == "met"
    assert evaluate_manual(manual, 90.0).status == "not_met"
    assert evaluate_manual(manual, None).status == "no_data"


def test_a_target_compared_with_the_previous_year_takes_its_figure_as_threshold() -> None:
    goal = Target(
        code="T1.5", title="t", metric="manual", owner="o", op=">", compare="previous_year"
    )
    result = evaluate_manual(goal, 85.0, previous=80.0)
    assert (result.status, result.threshold) == ("met", 80.0)
    assert evaluate_manual(goal, 80.0, previous=80.0).status == "not_met"
    assert evaluate_manual(goal, 85.0).status == "no_data"  # last year's figure unknown


def test_periods() -> None:
    assert period_of(year=2020) == (dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert period_of(quarter="2020-Q1") == (dt.date(2020, 1, 1), dt.date(2020, 3, 31))
    assert period_of(quarter="2020-Q3") == (dt.date(2020, 7, 1), dt.date(2020, 9, 30))
    assert period_of(quarter="2020-Q4") == (dt.date(2020, 10, 1), dt.date(2020, 12, 31))
    assert period_of(quarter="2020-Q5") is None
    assert period_of(start=dt.date(2020, 2, 1), end=dt.date(2020, 2, 29)) == (
        dt.date(2020, 2, 1),
        dt.date(2020, 2, 29),
    )
    assert period_of(start=dt.date(2020, 3, 1), end=dt.date(2020, 2, 1)) is None
