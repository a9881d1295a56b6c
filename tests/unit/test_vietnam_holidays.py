"""Vietnam's public holidays as the working-day calendar reads them (the library's module for
Vietnam loaded alone, issue 15) are the library's own, in Vietnamese and in English."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest

from storage.calendar import public_holidays


@pytest.mark.parametrize(("lang", "language"), [("vi", "vi"), ("en", "en_US")])
def test_the_calendar_has_the_libraries_holidays(lang: str, language: str) -> None:
    years = list(range(2019, 2027))
    ours = public_holidays(years, lang=lang)
    theirs = dict(holidays.country_holidays("VN", years=years, language=language).items())
    assert ours == theirs
    assert dt.date(2020, 9, 2) in ours and dt.date(2020, 1, 25) in ours  # National Day, Tết
