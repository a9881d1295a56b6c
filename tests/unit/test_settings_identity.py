"""The web's public address (``CCHC_BASE_URL``) and how long an unused session lasts
(``CCHC_SESSION_IDLE_MINUTES``): checked when read, each bad value one clear line."""

from __future__ import annotations

import pytest

from application.settings import Settings, SettingsError

HOME = {"CCHC_HOME": "/srv/cchc"}


def test_by_default_no_base_url_and_an_hour_of_idle_time() -> None:
    settings = Settings.from_env(HOME)
    assert settings.base_url is None
    assert settings.session_idle_minutes == 60


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://cchc.phuhuu.gov.vn", "https://cchc.phuhuu.gov.vn"),
        ("https://cchc.phuhuu.gov.vn/", "https://cchc.phuhuu.gov.vn"),
        (" http://127.0.0.1:8080/cchc/ ", "http://127.0.0.1:8080/cchc"),
        ("HTTPS://Ward.example", "HTTPS://Ward.example"),
    ],
)
def test_a_base_url_is_read_without_its_trailing_slash(value: str, expected: str) -> None:
    assert Settings.from_env({**HOME, "CCHC_BASE_URL": value}).base_url == expected


@pytest.mark.parametrize(
    "value",
    [
        "cchc.phuhuu.gov.vn",
        "ftp://cchc.phuhuu.gov.vn",
        "https://",
        "https://x.vn:99999",
        "https://x.vn/?a=1",
        "https://x.vn/#top",
        "https://user:pw@x.vn",
        "https://x .vn",
    ],
)
def test_a_base_url_that_is_no_web_address_is_named(value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**HOME, "CCHC_BASE_URL": value})
    (en,) = caught.value.lines("en")
    (vi,) = caught.value.lines("vi")
    assert en.startswith("CCHC_BASE_URL: ") and "(Hint: https://cchc.phuhuu.gov.vn)" in en
    assert vi.startswith("CCHC_BASE_URL: ") and "(Gợi ý: https://cchc.phuhuu.gov.vn)" in vi
    assert "pw@" not in en


@pytest.mark.parametrize(("value", "minutes"), [("15", 15), ("1440", 1440), ("1", 1)])
def test_the_idle_time_is_read(value: str, minutes: int) -> None:
    env = {**HOME, "CCHC_SESSION_IDLE_MINUTES": value}
    assert Settings.from_env(env).session_idle_minutes == minutes


@pytest.mark.parametrize("value", ["0", "1441", "soon", "2.5"])
def test_a_bad_idle_time_is_named(value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**HOME, "CCHC_SESSION_IDLE_MINUTES": value})
    (en,) = caught.value.lines("en")
    assert en.startswith(f"CCHC_SESSION_IDLE_MINUTES: '{value}'")
