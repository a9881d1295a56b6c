"""What every command shares: settings, language, actor, and the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cchc.messages import t
from cchc.settings import Settings
from domain.i18n import Lang

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass
class AppContext:
    settings: Settings
    lang: Lang
    actor: str
    verbose: bool = False
    _engine: Engine | None = field(default=None, repr=False)

    def t(self, key: str, **params: Any) -> str:
        return t(key, self.lang, **params)

    def now(self, value: str | None = None) -> dt.datetime:
        """``--now`` (ISO date-time, local time unless it has an offset), else the wall clock.

        The wall clock is read only here, at the edge; everything below takes ``now``.
        """
        if not value:
            return dt.datetime.now(dt.UTC)
        return parse_now(value)

    def engine(self, *, migrate: bool | None = None) -> Engine:
        """The database engine, its schema brought to the current revision.

        The embedded SQLite database is created and migrated on first use; a shared
        PostgreSQL database is only migrated by ``cchc init`` (``migrate=True``).
        """
        if self._engine is not None:
            return self._engine
        from storage.db import make_engine
        from storage.migrate import current_revision, head_revision, upgrade

        if self.settings.embedded:
            self.settings.home.mkdir(parents=True, exist_ok=True)
        engine = make_engine(self.settings.database_url)
        if migrate is None:
            migrate = self.settings.embedded
        if migrate:
            upgrade(engine)
        elif current_revision(engine) != head_revision(engine):
            from domain.errors import LocalizedError

            raise LocalizedError("error.not_migrated", url=self.settings.display_url())
        self._engine = engine
        return engine


LOCAL_TZ = "Asia/Ho_Chi_Minh"


def parse_now(value: str, timezone: str = LOCAL_TZ) -> dt.datetime:
    """``2020-03-02T07:30`` (local), ``2020-03-02`` (local midnight) or with an offset → aware."""
    import zoneinfo

    from domain.errors import LocalizedError

    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise LocalizedError("error.naive_time", value=value) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zoneinfo.ZoneInfo(timezone))
    return parsed
