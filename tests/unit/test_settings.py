"""Settings: every value checked when read, every bad one named on one clear line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from application.channels import build_channels, outbox_folder
from application.settings import Settings, SettingsError

HOME = {"CCHC_HOME": "/srv/cchc"}


def error_of(env: dict[str, str]) -> SettingsError:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**HOME, **env})
    return caught.value


def test_defaults() -> None:
    settings = Settings.from_env(HOME)
    assert settings.home == Path("/srv/cchc")
    assert settings.database_url == "sqlite:////srv/cchc/cchc.sqlite3"
    assert settings.embedded
    assert settings.lang == "vi"
    assert settings.user is None
    assert settings.channel == "file"
    assert settings.smtp_url is None
    assert settings.smtp_from == "Hệ thống CCHC <cchc@localhost>"
    assert settings.max_attempts == 8
    assert settings.evidence_max_mb == 50
    assert settings.evidence_max_bytes == 50 * 1024 * 1024


def test_the_default_home_is_the_per_user_data_directory() -> None:
    from platformdirs import user_data_dir

    assert Settings.from_env({}).home == Path(user_data_dir("cchc", appauthor=False))


def test_good_values_are_read() -> None:
    settings = Settings.from_env(
        {
            **HOME,
            "CCHC_DATABASE_URL": "postgresql://cchc:secret@db:5432/cchc",
            "CCHC_LANG": "en",
            "CCHC_USER": "son.dt@phuhuu.gov.vn",
            "CCHC_CHANNEL": "console",
            "CCHC_SMTP_URL": "smtp+starttls://u:p@mail.phuhuu.gov.vn:587",
            "CCHC_SMTP_FROM": "UBND phường <cchc@phuhuu.gov.vn>",
            "CCHC_OUTBOX_MAX_ATTEMPTS": "3",
            "CCHC_EVIDENCE_MAX_MB": "0.5",
            "UNRELATED": "ignored",
            "CCHC_SOMETHING_ELSE": "ignored too",
        }
    )
    assert (settings.lang, settings.user, settings.channel) == (
        "en",
        "son.dt@phuhuu.gov.vn",
        "console",
    )
    assert not settings.embedded
    assert settings.display_url() == "postgresql://cchc:***@db:5432/cchc"
    assert settings.smtp_url == "smtp+starttls://u:p@mail.phuhuu.gov.vn:587"
    assert (settings.max_attempts, settings.evidence_max_bytes) == (3, 512 * 1024)


@pytest.mark.parametrize("value", ["en_US.UTF-8", "EN", "en-GB"])
def test_an_english_locale_means_english(value: str) -> None:
    assert Settings.from_env({**HOME, "CCHC_LANG": value}).lang == "en"


@pytest.mark.parametrize("value", ["vi_VN.UTF-8", "VI", ""])
def test_a_vietnamese_locale_or_none_means_vietnamese(value: str) -> None:
    assert Settings.from_env({**HOME, "CCHC_LANG": value}).lang == "vi"


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_user_means_none(value: str) -> None:
    assert Settings.from_env({**HOME, "CCHC_USER": value}).user is None


def test_user_does_not_fall_back_to_the_login_name() -> None:
    assert Settings.from_env({**HOME, "USER": "root"}).user is None


def test_empty_variables_mean_unset() -> None:
    blank = ("DATABASE_URL", "CHANNEL", "SMTP_URL", "SMTP_FROM", "OUTBOX_MAX_ATTEMPTS")
    settings = Settings.from_env({**HOME, **{f"CCHC_{name}": "" for name in blank}})
    assert settings == Settings.from_env(HOME)


@pytest.mark.parametrize(
    ("name", "value", "english", "vietnamese"),
    [
        (
            "CCHC_EVIDENCE_MAX_MB",
            "lots",
            "CCHC_EVIDENCE_MAX_MB: 'lots' is not a number",
            "CCHC_EVIDENCE_MAX_MB: 'lots' không phải là số",
        ),
        (
            "CCHC_EVIDENCE_MAX_MB",
            "0",
            "CCHC_EVIDENCE_MAX_MB: '0' must be more than 0 and at most 10240",
            "CCHC_EVIDENCE_MAX_MB: '0' phải lớn hơn 0 và không quá 10240",
        ),
        (
            "CCHC_EVIDENCE_MAX_MB",
            "20000",
            "CCHC_EVIDENCE_MAX_MB: '20000' must be more than 0 and at most 10240",
            "CCHC_EVIDENCE_MAX_MB: '20000' phải lớn hơn 0 và không quá 10240",
        ),
        (
            "CCHC_OUTBOX_MAX_ATTEMPTS",
            "many",
            "CCHC_OUTBOX_MAX_ATTEMPTS: 'many' is not a number",
            "CCHC_OUTBOX_MAX_ATTEMPTS: 'many' không phải là số",
        ),
        (
            "CCHC_OUTBOX_MAX_ATTEMPTS",
            "2.5",
            "CCHC_OUTBOX_MAX_ATTEMPTS: '2.5' is not a whole number",
            "CCHC_OUTBOX_MAX_ATTEMPTS: '2.5' không phải là số nguyên",
        ),
        (
            "CCHC_OUTBOX_MAX_ATTEMPTS",
            "0",
            "CCHC_OUTBOX_MAX_ATTEMPTS: '0' must be from 1 to 100",
            "CCHC_OUTBOX_MAX_ATTEMPTS: '0' phải từ 1 đến 100",
        ),
        (
            "CCHC_LANG",
            "fr_FR.UTF-8",
            "CCHC_LANG: 'fr_FR.UTF-8' is not a supported language (Hint: vi or en)",
            "CCHC_LANG: 'fr_FR.UTF-8' không phải là ngôn ngữ được hỗ trợ (Gợi ý: vi hoặc en)",
        ),
        (
            "CCHC_CHANNEL",
            "pigeon",
            "CCHC_CHANNEL: 'pigeon' is not a mail channel (Hint: file or console)",
            "CCHC_CHANNEL: 'pigeon' không phải là kênh gửi thư (Gợi ý: file hoặc console)",
        ),
        (
            "CCHC_DATABASE_URL",
            "mysql://cchc:secret@db/cchc",
            "CCHC_DATABASE_URL: 'mysql://cchc:***@db/cchc' is not a supported database URL "
            "(Hint: sqlite:///PATH or postgresql://user@host:5432/cchc)",
            "CCHC_DATABASE_URL: 'mysql://cchc:***@db/cchc' không phải là địa chỉ cơ sở dữ liệu "
            "được hỗ trợ (Gợi ý: sqlite:///ĐƯỜNG_DẪN hoặc postgresql://user@host:5432/cchc)",
        ),
        (
            "CCHC_SMTP_URL",
            "http://mail.example",
            "CCHC_SMTP_URL: 'http://mail.example' is not an SMTP server address "
            "(Hint: smtp://, smtp+starttls:// or smtps://[user:pass@]host[:port])",
            "CCHC_SMTP_URL: 'http://mail.example' không phải là địa chỉ máy chủ SMTP "
            "(Gợi ý: smtp://, smtp+starttls:// hoặc smtps://[user:pass@]host[:port])",
        ),
        (
            "CCHC_SMTP_URL",
            "smtp://mail.example:99999",
            "CCHC_SMTP_URL: 'smtp://mail.example:99999' has an invalid port (1–65535) "
            "(Hint: smtp://, smtp+starttls:// or smtps://[user:pass@]host[:port])",
            "CCHC_SMTP_URL: 'smtp://mail.example:99999' có cổng không hợp lệ (1–65535) "
            "(Gợi ý: smtp://, smtp+starttls:// hoặc smtps://[user:pass@]host[:port])",
        ),
        (
            "CCHC_SMTP_URL",
            "smtps://user:secret@:465",
            "CCHC_SMTP_URL: 'smtps://user:***@:465' has no host name "
            "(Hint: smtp://, smtp+starttls:// or smtps://[user:pass@]host[:port])",
            "CCHC_SMTP_URL: 'smtps://user:***@:465' thiếu tên máy chủ "
            "(Gợi ý: smtp://, smtp+starttls:// hoặc smtps://[user:pass@]host[:port])",
        ),
        (
            "CCHC_SMTP_FROM",
            "Hệ thống CCHC",
            "CCHC_SMTP_FROM: 'Hệ thống CCHC' holds no valid email address "
            "(Hint: Hệ thống CCHC <cchc@phuhuu.gov.vn>)",
            "CCHC_SMTP_FROM: 'Hệ thống CCHC' không chứa địa chỉ email hợp lệ "
            "(Gợi ý: Hệ thống CCHC <cchc@phuhuu.gov.vn>)",
        ),
    ],
)
def test_a_bad_value_is_one_clear_line(
    name: str, value: str, english: str, vietnamese: str
) -> None:
    error = error_of({name: value})
    assert error.lines("en") == [english]
    assert error.lines("vi") == [vietnamese]
    assert error.render("en") == english
    assert str(error) == english


def test_the_error_speaks_the_configured_language_when_that_one_is_valid() -> None:
    assert (
        error_of({"CCHC_LANG": "en", "CCHC_CHANNEL": "x"})
        .render()
        .endswith("is not a mail channel (Hint: file or console)")
    )
    assert "không phải là kênh gửi thư" in error_of({"CCHC_CHANNEL": "x"}).render()
    assert "không phải là ngôn ngữ" in error_of({"CCHC_LANG": "de", "CCHC_CHANNEL": "x"}).render()


def test_every_bad_setting_is_reported_at_once() -> None:
    error = error_of(
        {
            "CCHC_EVIDENCE_MAX_MB": "lots",
            "CCHC_OUTBOX_MAX_ATTEMPTS": "-1",
            "CCHC_SMTP_URL": "http://x",
            "CCHC_CHANNEL": "pigeon",
            "CCHC_LANG": "en",
        }
    )
    lines = error.render().splitlines()
    assert [line.split(":", 1)[0] for line in lines] == [
        "CCHC_CHANNEL",
        "CCHC_SMTP_URL",
        "CCHC_OUTBOX_MAX_ATTEMPTS",
        "CCHC_EVIDENCE_MAX_MB",
    ]
    assert "CCHC_EVIDENCE_MAX_MB: 'lots' is not a number" in lines


def test_a_value_is_shown_on_one_line() -> None:
    (line,) = error_of({"CCHC_SMTP_FROM": "a\nb"}).lines("en")
    assert line.startswith("CCHC_SMTP_FROM: 'a\\nb' ")


def test_keyword_construction_still_works_and_refuses_unknown_names() -> None:
    settings = Settings(
        home=Path("/tmp/h"), database_url="sqlite:///x.db", lang="vi", user="x", max_attempts=3
    )
    assert (settings.user, settings.max_attempts, settings.database_url) == (
        "x",
        3,
        "sqlite:///x.db",
    )
    with pytest.raises(ValueError, match="evidence_max_bytes"):
        Settings(home=Path("/tmp/h"), evidence_max_bytes=1)  # type: ignore[call-arg]


def test_settings_are_frozen() -> None:
    settings = Settings.from_env(HOME)
    with pytest.raises(ValueError, match="frozen"):
        settings.user = "someone"


def test_channels_follow_the_settings() -> None:
    from notifications.channels import ConsoleChannel, FileChannel
    from notifications.chat import AppriseChannel
    from notifications.smtp import SmtpChannel

    files = build_channels(Settings.from_env(HOME))
    assert isinstance(files["email"], FileChannel)
    assert (
        files["email"].folder == outbox_folder(Settings.from_env(HOME)) == Path("/srv/cchc/outbox")
    )
    assert isinstance(files["apprise"], AppriseChannel)
    console = build_channels(Settings.from_env({**HOME, "CCHC_CHANNEL": "console"}))["email"]
    assert isinstance(console, ConsoleChannel) and console.stream is sys.stdout
    smtp = build_channels(Settings.from_env({**HOME, "CCHC_SMTP_URL": "smtps://u:p@mail:465"}))
    assert isinstance(smtp["email"], SmtpChannel)
    assert (smtp["email"].settings.host, smtp["email"].settings.security) == ("mail", "tls")
