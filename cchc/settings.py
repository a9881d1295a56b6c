"""Settings from the environment, read once in the entry point and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from domain.i18n import Lang, normalize_lang


@dataclass(frozen=True)
class Settings:
    """``CCHC_HOME``: data directory (embedded database, later evidence and outbox).
    ``CCHC_DATABASE_URL``: a database URL (PostgreSQL at scale); default SQLite in home.
    ``CCHC_LANG``: ``vi`` (default) or ``en``. ``CCHC_USER``: the actor recorded in the audit log.
    ``CCHC_CHANNEL``: where email goes when no SMTP server is set — ``file`` (``.eml`` files
    in ``$CCHC_HOME/outbox``, default) or ``console``.
    ``CCHC_SMTP_URL``: ``smtp://``, ``smtp+starttls://`` or ``smtps://[user:pass@]host[:port]``;
    when set, email goes through it. ``CCHC_SMTP_FROM``: the sender, e.g.
    ``Hệ thống CCHC <cchc@phuhuu.gov.vn>``. ``CCHC_OUTBOX_MAX_ATTEMPTS``: failures before a
    message is dead (default 8).
    ``CCHC_EVIDENCE_MAX_MB``: the largest evidence file accepted, in MB (default 50).
    """

    home: Path
    database_url: str
    lang: Lang
    user: str
    channel: str = "file"
    smtp_url: str | None = None
    smtp_from: str = "Hệ thống CCHC <cchc@localhost>"
    max_attempts: int = 8
    evidence_max_bytes: int = 50 * 1024 * 1024

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        home = Path(env.get("CCHC_HOME") or _default_home()).expanduser()
        url = env.get("CCHC_DATABASE_URL") or f"sqlite:///{home / 'cchc.sqlite3'}"
        user = env.get("CCHC_USER") or env.get("USER") or "cchc"
        return cls(
            home=home,
            database_url=url,
            lang=normalize_lang(env.get("CCHC_LANG")),
            user=user,
            channel="console" if env.get("CCHC_CHANNEL") == "console" else "file",
            smtp_url=env.get("CCHC_SMTP_URL") or None,
            smtp_from=env.get("CCHC_SMTP_FROM") or "Hệ thống CCHC <cchc@localhost>",
            max_attempts=int(env.get("CCHC_OUTBOX_MAX_ATTEMPTS") or 8),
            evidence_max_bytes=int(float(env.get("CCHC_EVIDENCE_MAX_MB") or 50) * 1024 * 1024),
        )

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


def _default_home() -> str:
    from platformdirs import user_data_dir

    return user_data_dir("cchc", appauthor=False)
