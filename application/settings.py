"""Settings from the environment, parsed and checked once at start-up (pydantic-settings).

``CCHC_HOME``: data directory (embedded database, evidence, outbox).
``CCHC_DATABASE_URL``: a database URL (``sqlite…`` or ``postgresql…``); default SQLite in home.
``CCHC_LANG``: ``vi`` (default) or ``en`` (``en_US.UTF-8`` and the like are accepted).
``CCHC_USER``: the officer identity commands act as, like ``--as`` (unset: the local operator).
``CCHC_CHANNEL``: where email goes when no SMTP server is set — ``file`` (``.eml`` files in
``$CCHC_HOME/outbox``, default) or ``console``.
``CCHC_SMTP_URL``: ``smtp://``, ``smtp+starttls://`` or ``smtps://[user:pass@]host[:port]``;
when set, email goes through it. ``CCHC_SMTP_FROM``: the sender, e.g.
``Hệ thống CCHC <cchc@phuhuu.gov.vn>``. ``CCHC_OUTBOX_MAX_ATTEMPTS``: failures before a
message is dead (default 8, 1 to 100).
``CCHC_EVIDENCE_MAX_MB``: the largest evidence file accepted, in MB (default 50, at most 10240).
``CCHC_BASE_URL``: the web site's public address (``https://cchc.phuhuu.gov.vn``); when set,
emails link to the page they are about, and invitations to set a password can be sent.
``CCHC_SESSION_IDLE_MINUTES``: a web session unused this long ends (default 60, 1 to 1440).

Every value is checked when the settings are read: ``Settings.from_env`` raises one
``SettingsError`` naming every bad setting, each as ``NAME: 'value' what is wrong``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from domain.errors import CchcError
from domain.i18n import Lang, normalize_lang

__all__ = ["ENV_NAMES", "BadSetting", "Settings", "SettingsError"]

DEFAULT_FROM = "Hệ thống CCHC <cchc@localhost>"
MAX_ATTEMPTS = (1, 100)
EVIDENCE_MAX_MB = 10240
IDLE_MINUTES = (1, 1440)

# Each setting's environment variable, by field name.
ENV_NAMES: dict[str, str] = {
    "home": "CCHC_HOME",
    "database_url": "CCHC_DATABASE_URL",
    "lang": "CCHC_LANG",
    "user": "CCHC_USER",
    "channel": "CCHC_CHANNEL",
    "smtp_url": "CCHC_SMTP_URL",
    "smtp_from": "CCHC_SMTP_FROM",
    "max_attempts": "CCHC_OUTBOX_MAX_ATTEMPTS",
    "evidence_max_mb": "CCHC_EVIDENCE_MAX_MB",
    "base_url": "CCHC_BASE_URL",
    "session_idle_minutes": "CCHC_SESSION_IDLE_MINUTES",
}

# The environment ``from_env`` reads (``os.environ`` or the mapping it was given).
_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("cchc_settings_environ", default=None)


def _bad(key: str, **params: Any) -> PydanticCustomError:
    """A validation error whose type is a message key in ``application.messages``."""
    return PydanticCustomError(key, key, params)


class Settings(BaseSettings):
    """The configuration, immutable. Built by ``from_env``; keyword construction also works
    (``Settings(home=..., database_url=..., lang="vi", user="x")``) and reads the environment
    only for what is not given."""

    model_config = SettingsConfigDict(
        env_prefix="CCHC_",
        frozen=True,
        extra="forbid",  # a misspelt keyword is an error; other environment variables are ignored
        env_ignore_empty=True,  # an empty variable means "unset"
        populate_by_name=True,
    )

    home: Path = Field(default_factory=lambda: _default_home())
    database_url: str = Field(default="", validate_default=True)
    lang: Lang = "vi"
    user: str | None = None
    channel: Literal["file", "console"] = "file"
    smtp_url: str | None = None
    smtp_from: str = DEFAULT_FROM
    max_attempts: int = Field(default=8, validation_alias="CCHC_OUTBOX_MAX_ATTEMPTS")
    evidence_max_mb: float = Field(default=50.0, validation_alias="CCHC_EVIDENCE_MAX_MB")
    base_url: str | None = None
    session_idle_minutes: int = Field(default=60, validation_alias="CCHC_SESSION_IDLE_MINUTES")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Keyword arguments, then the environment; no ``.env`` or secrets files."""
        environ = _ENVIRON.get()
        if environ is not None:
            env_settings = _MappingEnvSource(settings_cls, environ)
        return init_settings, env_settings

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings from ``env`` (``os.environ`` when None); ``SettingsError`` if any is bad."""
        environ: Mapping[str, str] = os.environ if env is None else env
        try:
            with _reading(environ):
                return cls()
        except ValidationError as exc:
            raise SettingsError.from_validation(exc, environ) from None

    # --- checks, one per setting; each raises a message key of application.messages -----------

    @field_validator("home", mode="before")
    @classmethod
    def _home(cls, value: Any) -> Any:
        return Path(value).expanduser() if isinstance(value, str | Path) else value

    @field_validator("database_url", mode="after")
    @classmethod
    def _database_url(cls, value: str, info: ValidationInfo) -> str:
        value = value.strip()
        if not value:
            home = info.data.get("home")
            return f"sqlite:///{home / 'cchc.sqlite3'}" if isinstance(home, Path) else value
        if not value.startswith(("sqlite", "postgresql")):
            raise _bad("settings.database_url")
        return value

    @field_validator("lang", mode="before")
    @classmethod
    def _lang(cls, value: Any) -> Any:
        text = str(value).strip().lower()
        if text.startswith("vi"):
            return "vi"
        if text.startswith("en"):
            return "en"
        raise _bad("settings.lang")

    @field_validator("user", mode="before")
    @classmethod
    def _user(cls, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("channel", mode="before")
    @classmethod
    def _channel(cls, value: Any) -> Any:
        text = str(value).strip().lower()
        if text not in ("file", "console"):
            raise _bad("settings.channel")
        return text

    @field_validator("smtp_url", mode="before")
    @classmethod
    def _smtp_url(cls, value: Any) -> Any:
        if value is None:
            return None
        text = str(value).strip()
        if not text:
            return None
        from urllib.parse import urlsplit

        from notifications.smtp import SCHEMES, SmtpSettings

        try:
            parts = urlsplit(text)
        except ValueError:
            raise _bad("settings.smtp_scheme") from None
        if parts.scheme not in SCHEMES:
            raise _bad("settings.smtp_scheme")
        try:
            parts.port  # noqa: B018 — raises ValueError for a port that is not 0–65535
        except ValueError:
            raise _bad("settings.smtp_port") from None
        if not parts.hostname:
            raise _bad("settings.smtp_host")
        try:
            SmtpSettings.from_url(text)
        except ValueError:
            raise _bad("settings.smtp_scheme") from None
        return text

    @field_validator("smtp_from", mode="before")
    @classmethod
    def _smtp_from(cls, value: Any) -> Any:
        from email.utils import parseaddr

        text = str(value).strip()
        _, address = parseaddr(text)
        local, at, domain = address.rpartition("@")
        if not (local and at and domain) or any(c.isspace() for c in address):
            raise _bad("settings.smtp_from")
        return text

    @field_validator("max_attempts", mode="before")
    @classmethod
    def _max_attempts(cls, value: Any) -> Any:
        number = _whole_number(value)
        low, high = MAX_ATTEMPTS
        if not low <= number <= high:
            raise _bad("settings.between", low=low, high=high)
        return number

    @field_validator("evidence_max_mb", mode="before")
    @classmethod
    def _evidence_max_mb(cls, value: Any) -> Any:
        number = _number(value)
        if not 0 < number <= EVIDENCE_MAX_MB:  # also refuses nan and inf
            raise _bad("settings.positive_at_most", high=EVIDENCE_MAX_MB)
        return number

    @field_validator("base_url", mode="before")
    @classmethod
    def _base_url(cls, value: Any) -> Any:
        if value is None:
            return None
        text = str(value).strip()
        if not text:
            return None
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(text)
            parts.port  # noqa: B018 — raises ValueError for a port that is not 0–65535
        except ValueError:
            raise _bad("settings.base_url") from None
        if (
            parts.scheme.lower() not in ("http", "https")
            or not parts.hostname
            or parts.username is not None
            or parts.query
            or parts.fragment
            or text.endswith(("?", "#"))
            or any(c.isspace() for c in text)
        ):
            raise _bad("settings.base_url")
        return text.rstrip("/")

    @field_validator("session_idle_minutes", mode="before")
    @classmethod
    def _session_idle_minutes(cls, value: Any) -> Any:
        number = _whole_number(value)
        low, high = IDLE_MINUTES
        if not low <= number <= high:
            raise _bad("settings.between", low=low, high=high)
        return number

    # --- derived values -------------------------------------------------------------------------

    @property
    def evidence_max_bytes(self) -> int:
        """The largest evidence file accepted, in bytes."""
        return int(self.evidence_max_mb * 1024 * 1024)

    @property
    def audit_key_path(self) -> Path:
        """The secret that keys the audit log's hash chain ("khoá nhật ký"): kept beside the
        database, never in it; created by ``cchc init`` and copied by ``cchc backup``."""
        return self.home / "audit.key"

    @property
    def embedded(self) -> bool:
        return self.database_url.startswith("sqlite")

    def display_url(self) -> str:
        """The database URL without a password."""
        if "@" in self.database_url and "://" in self.database_url:
            scheme, rest = self.database_url.split("://", 1)
            creds, host = rest.rsplit("@", 1)
            return (
                f"{scheme}://{creds.split(':', 1)[0]}:***@{host}"
                if ":" in creds
                else self.database_url
            )
        return self.database_url


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise _bad("settings.not_a_number")
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        raise _bad("settings.not_a_number") from None


def _whole_number(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        pass
    number = _number(text)  # "lots" is not a number; "2.5" is a number but not a whole one
    if number.is_integer():
        return int(number)
    raise _bad("settings.not_a_whole_number")


def _default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("cchc", appauthor=False))


class _MappingEnvSource(EnvSettingsSource):
    """The environment source, reading a given mapping instead of ``os.environ``."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {
            (name if self.case_sensitive else name.lower()): value
            for name, value in self._environ.items()
            if not (self.env_ignore_empty and value == "")
        }


@contextmanager
def _reading(environ: Mapping[str, str]) -> Iterator[None]:
    token = _ENVIRON.set(environ)
    try:
        yield
    finally:
        _ENVIRON.reset(token)


# --- the error ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BadSetting:
    """One bad setting: its variable, the value given, and the message key saying what is wrong."""

    name: str
    value: str
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: Lang = "vi") -> str:
        from application.messages import t

        return t(self.key, lang, name=self.name, value=self.value, **self.params)


class SettingsError(CchcError):
    """Cấu hình không hợp lệ. Invalid configuration."""

    def __init__(self, problems: Iterable[BadSetting], lang: Lang = "vi") -> None:
        self.problems = tuple(problems)
        self.lang: Lang = lang  # CCHC_LANG when that one is valid, else Vietnamese
        super().__init__("\n".join(self.lines("en")))

    def lines(self, lang: Lang | None = None) -> list[str]:
        """One line per bad setting: ``NAME: 'value' what is wrong``."""
        return [p.render(lang or self.lang) for p in self.problems]

    def render(self, lang: Lang | None = None) -> str:
        return "\n".join(self.lines(lang))

    @classmethod
    def from_validation(cls, exc: ValidationError, environ: Mapping[str, str]) -> SettingsError:
        by_key = {name.lower(): name for name in ENV_NAMES}
        by_key.update({env.lower(): name for name, env in ENV_NAMES.items()})
        problems = []
        for error in exc.errors():
            loc = str(error["loc"][0]) if error["loc"] else ""
            name = by_key.get(loc.lower(), "")
            variable = ENV_NAMES.get(name, loc or "CCHC")
            key = error["type"]
            params = dict(error.get("ctx") or {}) if key.startswith("settings.") else {}
            if not key.startswith("settings."):
                key = "settings.invalid"
            value = _shown(
                error.get("input"), secret=name in ("smtp_url", "database_url", "base_url")
            )
            problems.append(BadSetting(variable, value, key, params))
        return cls(problems, normalize_lang(environ.get("CCHC_LANG")))


def _shown(value: Any, *, secret: bool = False) -> str:
    """A value as it can be printed on one line: control characters escaped, passwords hidden."""
    text = "" if value is None else str(value)
    if secret:
        text = re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", text)
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
