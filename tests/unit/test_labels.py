"""Periods and numbers as officers read them: "quý II/2020", "99,5%" — and read back."""

from __future__ import annotations

import pytest

from domain.numbers import decimal, parse_number, percent
from domain.periods import parse_period, period_label

LABELS = [
    # key, Vietnamese, English
    ("2020-Q2", "quý II/2020", "Q2 2020"),
    ("2020-Q4", "quý IV/2020", "Q4 2020"),
    ("2020-H1", "6 tháng đầu năm 2020", "H1 2020"),
    ("2020-H2", "6 tháng cuối năm 2020", "H2 2020"),
    ("2020-07", "tháng 7/2020", "July 2020"),
    ("2020-W23", "tuần 23 (01/6–05/6/2020)", "week 23 (1–5 Jun 2020)"),
    ("2020-W27", "tuần 27 (29/6–03/7/2020)", "week 27 (29 Jun–3 Jul 2020)"),
    ("2020-W01", "tuần 1 (30/12/2019–03/1/2020)", "week 1 (30 Dec 2019–3 Jan 2020)"),
    ("2020", "năm 2020", "2020"),
    ("2020-04-24", "24/04/2020", "24 Apr 2020"),
]


@pytest.mark.parametrize(("key", "vi", "en"), LABELS, ids=[k for k, _, _ in LABELS])
def test_every_period_kind_reads_as_officers_write_it(key: str, vi: str, en: str) -> None:
    assert period_label(key, "vi") == vi
    assert period_label(key, "en") == en


@pytest.mark.parametrize("key", [k for k, _, _ in LABELS if "-W" not in k])
def test_a_vietnamese_label_reads_back_as_its_key(key: str) -> None:
    assert parse_period(period_label(key, "vi")) == key


@pytest.mark.parametrize("text", ["", "Q2", "2020-13", "2020-W54", "2020-02-30", "abc"])
def test_what_is_no_period_key_is_shown_unchanged(text: str) -> None:
    assert period_label(text, "vi") == text
    assert period_label(text, "en") == text


def test_numbers_take_a_decimal_comma_in_vietnamese() -> None:
    assert decimal(69.45, "vi") == "69,45"
    assert decimal(69.45, "en") == "69.45"
    assert decimal(8.0, "vi") == "8"
    assert decimal(1234.5, "vi") == "1.234,5"
    assert percent(99.5, "vi") == "99,5%"
    assert percent(99.5, "en") == "99.5%"
    assert percent(100, "vi") == "100%"


@pytest.mark.parametrize(
    ("text", "value"),
    [("8,5", 8.5), ("8.5", 8.5), ("-0,5", -0.5), (",5", 0.5), ("99", 99.0), (" 1e3 ", 1000.0)],
)
def test_a_number_is_read_with_a_point_or_a_comma(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "8,5,1", "1.234,5", "tám", "8 5", "0x10", "1_000", "٣"])
def test_what_is_no_plain_number_is_refused(text: str) -> None:
    assert parse_number(text) is None
