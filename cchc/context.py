"""What every command shares: settings, language, who is acting, the clock, the database.

Commands parse their options, call one use case of the application layer with
``ctx.uow()``, ``ctx.identity`` and ``ctx.now(...)``, and render the result; they never open
a session themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from application.settings import Settings
from cchc.messages import t
from domain.i18n import Lang

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from application.access import Identity
    from application.jobs import JobEnv
    from application.uow import Clock, UnitOfWork


@dataclass
class AppContext:
    settings: Settings
    lang: Lang
    actor: str | None
    verbose: bool = False
    _engine: Engine | None = field(default=None, repr=False)
    _clock: Clock | None = field(default=None, repr=False)
    _others: list[Engine] = field(default_factory=list, repr=False)

    @property
    def clock(self) -> Clock:
        """Whether this command was given a simulated time (``--now``): its units of work then
        refuse to change a live database."""
        if self._clock is None:
            from application.uow import Clock

            self._clock = Clock()
        return self._clock

    def t(self, key: str, **params: Any) -> str:
        return t(key, self.lang, **params)

    @property
    def identity(self) -> Identity:
        """The officer named by ``--as`` (or ``CCHC_USER``); without one, the local operator."""
        from application.access import Identity

        return Identity.officer(self.actor) if self.actor else Identity.operator()

    def close(self) -> None:
        """Give the database connections back when the command ends (a command run in the
        same process as others — the demos, the tests — leaves no connection open)."""
        engines, self._others = [*self._others, self._engine], []
        self._engine = None
        for engine in engines:
            if engine is not None:
                engine.dispose()

    def uow(self) -> UnitOfWork:
        """A unit of work on this installation's database, for one use case."""
        from application.uow import UnitOfWork

        return UnitOfWork(self.engine(), self.clock)

    def installation(self) -> UnitOfWork:
        """A unit of work on the database as it is, not yet brought to the current schema
        (``cchc init`` starts from it); its engine is disposed when the command ends."""
        from application.administration import installation

        uow = installation(self.settings)
        self._others.append(uow.engine)
        return uow

    def job_env(self) -> JobEnv:
        """The jobs' environment (engine, delivery channels) for a job run by hand."""
        from application.jobs import JobEnv

        return JobEnv.build(self.settings, engine=self.engine(), clock=self.clock)

    def now(self, value: str | None = None, *, unit: str | None = None) -> dt.datetime:
        """``--now`` (ISO date-time; wall time in the unit's plan time zone unless it has an
        offset), else the wall clock — read only here, at the edge; everything below takes
        ``now``."""
        if not value:
            return dt.datetime.now(dt.UTC)
        self.clock.simulated = True
        from domain.clock import parse_moment
        from domain.errors import LocalizedError

        moment = parse_moment(value, "UTC")
        if moment is None:
            raise LocalizedError("error.naive_time", value=value)
        from domain.clock import MAX_YEAR, MIN_YEAR

        if not MIN_YEAR <= moment.year <= MAX_YEAR:  # year 1 or 9999 overflows once moved
            raise LocalizedError("error.now_out_of_range", value=value, low=MIN_YEAR, high=MAX_YEAR)
        if dt.datetime.fromisoformat(value.strip()).tzinfo is None:  # wall time: the unit's
            from application.units import timezone_of

            moment = parse_moment(value, timezone_of(self.uow(), unit)) or moment
        return moment

    def engine(self, *, migrate: bool | None = None) -> Engine:
        """The database engine, its schema brought to the current revision, carrying the audit
        key.

        The embedded SQLite database (and its audit key) is created and migrated on first use;
        a shared PostgreSQL database is only migrated by ``cchc init`` (``migrate=True``).
        """
        if self._engine is not None:
            return self._engine
        from storage.db import make_engine
        from storage.migrate import current_revision, head_revision, is_current, upgrade

        if self.settings.embedded:
            self.settings.home.mkdir(parents=True, exist_ok=True)
        engine = make_engine(self.settings.database_url)
        if migrate is None:
            migrate = self.settings.embedded
        if is_current(engine):
            pass  # the usual case, told without loading Alembic
        elif migrate:
            upgrade(engine)
        elif current_revision(engine) != head_revision(engine):
            from domain.errors import LocalizedError

            raise LocalizedError("error.not_migrated", url=self.settings.display_url())
        from application.audit_key import attach_key

        engine = attach_key(self.settings.audit_key_path, engine, create=migrate)
        from storage.db import with_base_url

        engine = with_base_url(engine, self.settings.base_url)
        self._engine = engine
        return engine
