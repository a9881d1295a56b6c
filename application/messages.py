"""The application layer's own words (Vietnamese, English): settings errors and use-case messages.

Core messages (problems, hints, errors, statuses, labels) live in ``domain.i18n``; this
catalogue holds only what the application layer says. ``t`` looks here first, then in the core.
"""

from __future__ import annotations

from typing import Any

from domain.i18n import Lang, lookup
from domain.i18n import t as core_t

# key: (Vietnamese, English)
APP: dict[str, tuple[str, str]] = {
    # Settings: one line per bad environment variable, "NAME: 'value' what is wrong".
    "settings.not_a_number": (
        "{name}: '{value}' không phải là số",
        "{name}: '{value}' is not a number",
    ),
    "settings.not_a_whole_number": (
        "{name}: '{value}' không phải là số nguyên",
        "{name}: '{value}' is not a whole number",
    ),
    "settings.between": (
        "{name}: '{value}' phải từ {low} đến {high}",
        "{name}: '{value}' must be from {low} to {high}",
    ),
    "settings.positive_at_most": (
        "{name}: '{value}' phải lớn hơn 0 và không quá {high}",
        "{name}: '{value}' must be more than 0 and at most {high}",
    ),
    "settings.lang": (
        "{name}: '{value}' không phải là ngôn ngữ được hỗ trợ (Hint: vi hoặc en)",
        "{name}: '{value}' is not a supported language (Hint: vi or en)",
    ),
    "settings.channel": (
        "{name}: '{value}' không phải là kênh gửi thư (Hint: file hoặc console)",
        "{name}: '{value}' is not a mail channel (Hint: file or console)",
    ),
    "settings.database_url": (
        "{name}: '{value}' không phải là địa chỉ cơ sở dữ liệu được hỗ trợ "
        "(Hint: sqlite:///ĐƯỜNG_DẪN hoặc postgresql://user@host:5432/cchc)",
        "{name}: '{value}' is not a supported database URL "
        "(Hint: sqlite:///PATH or postgresql://user@host:5432/cchc)",
    ),
    "settings.smtp_scheme": (
        "{name}: '{value}' không phải là địa chỉ máy chủ SMTP (Hint: smtp://, smtp+starttls:// hoặc smtps://[user:pass@]host[:port])",
        "{name}: '{value}' is not an SMTP server address (Hint: smtp://, smtp+starttls:// or smtps://[user:pass@]host[:port])",
    ),
    "settings.smtp_host": (
        "{name}: '{value}' thiếu tên máy chủ (Hint: smtp://, smtp+starttls:// hoặc smtps://[user:pass@]host[:port])",
        "{name}: '{value}' has no host name (Hint: smtp://, smtp+starttls:// or smtps://[user:pass@]host[:port])",
    ),
    "settings.smtp_port": (
        "{name}: '{value}' có cổng không hợp lệ (1–65535) (Hint: smtp://, smtp+starttls:// hoặc smtps://[user:pass@]host[:port])",
        "{name}: '{value}' has an invalid port (1–65535) (Hint: smtp://, smtp+starttls:// or smtps://[user:pass@]host[:port])",
    ),
    "settings.smtp_from": (
        "{name}: '{value}' không chứa địa chỉ email hợp lệ "
        "(Hint: Hệ thống CCHC <cchc@phuhuu.gov.vn>)",
        "{name}: '{value}' holds no valid email address (Hint: Hệ thống CCHC <cchc@phuhuu.gov.vn>)",
    ),
    "settings.invalid": (
        "{name}: '{value}' không hợp lệ",
        "{name}: '{value}' is not valid",
    ),
}


def t(key: str, lang: Lang = "vi", /, **params: Any) -> str:
    """The application's text for ``key`` in ``lang``; core keys are found in ``domain.i18n``."""
    pair = APP.get(key)
    if pair is None:
        return core_t(key, lang, **params)
    return lookup(pair, lang, params)
