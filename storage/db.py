"""Engines for the embedded default (SQLite, WAL) and for PostgreSQL.

An engine carries the installation's audit key (read from its file by the application layer
and given here) as an execution option: every session on it can chain audit entries, and the
key is never stored in the database. An engine may also say that everyone using it passes a
simulated time (the demo's replay, the tests): its sessions are then simulated
(``storage.installation``)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, Insert, create_engine, event
from sqlmodel import Session

AUDIT_KEY = "cchc_audit_key"
SIMULATED_CLOCK = "cchc_simulated_clock"
BASE_URL = "cchc_base_url"


def with_audit_key(engine: Engine, key: bytes | None, *, simulated: bool = False) -> Engine:
    """``engine`` (sharing its connections) carrying the audit key ``key``; ``simulated``:
    every time given to its sessions' changes is a simulated one."""
    options: dict[str, Any] = {}
    if key is not None:
        options[AUDIT_KEY] = key
    if simulated:
        options[SIMULATED_CLOCK] = True
    return engine.execution_options(**options) if options else engine


def audit_key_of(engine: Any) -> bytes | None:
    """The audit key an engine (or a session's bind) carries, if any."""
    options = getattr(engine, "get_execution_options", None)
    key = options().get(AUDIT_KEY) if options is not None else None
    return key if isinstance(key, bytes) else None


def simulated_engine(engine: Any) -> bool:
    """Whether an engine (or a session's bind) is for simulated time only."""
    options = getattr(engine, "get_execution_options", None)
    return bool(options().get(SIMULATED_CLOCK)) if options is not None else False


def with_base_url(engine: Engine, base_url: str | None) -> Engine:
    """``engine`` (sharing its connections) carrying the web site's public address
    (``CCHC_BASE_URL``), so the messages composed in its sessions link to pages."""
    return engine.execution_options(**{BASE_URL: base_url}) if base_url else engine


def base_url_of(engine: Any) -> str | None:
    """The web site's public address an engine (or a session's bind) carries, if any."""
    options = getattr(engine, "get_execution_options", None)
    url = options().get(BASE_URL) if options is not None else None
    return url if isinstance(url, str) and url else None


def make_engine(
    url: str, *, audit_key: bytes | None = None, simulated: bool = False, **kwargs: Any
) -> Engine:
    """An engine for ``url``, carrying ``audit_key`` (and marked ``simulated``); SQLite gets
    WAL, foreign keys and a busy timeout."""
    return with_audit_key(_make_engine(url, **kwargs), audit_key, simulated=simulated)


def _make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, **kwargs)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A SAVEPOINT in ``session``'s transaction: when the block raises, what it wrote is undone
    and the transaction goes on (on PostgreSQL, a failed statement no longer aborts it).

    On SQLite the transaction is opened first. Python's sqlite3 opens one only before a write:
    a SAVEPOINT coming first would start a transaction of its own, which its RELEASE commits —
    the block's rows would then outlive a rollback of the session."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        driver = connection.connection.dbapi_connection
        if not getattr(driver, "in_transaction", True):
            connection.exec_driver_sql("BEGIN")
    with session.begin_nested():
        yield


def insert_plain(session: Session, table: Any, rows: Iterable[dict[str, Any]]) -> None:
    """Write ``rows`` (dicts with the same keys) into ``table`` as the driver does it fastest,
    with no conflict handling: COPY on PostgreSQL, one statement sent many times on SQLite.

    ``rows`` may be a generator: on PostgreSQL each row is sent as soon as it is made, so the
    server stores the first rows while the caller is still working out the next ones (the
    generator must not use ``session`` meanwhile: its connection is busy copying).

    Each value goes through its column type's own conversion first (an aware time to UTC,
    a date to SQLite's text), so the rows stored are those an ORM insert would have stored;
    only hashable values are expected (dates, times, numbers, text: no JSON columns).
    A row breaking a constraint raises ``IntegrityError`` and, as with any failed statement,
    the caller rolls back what the call wrote (``savepoint``)."""
    from sqlalchemy.exc import IntegrityError

    stream = iter(rows)
    first = next(stream, None)
    if first is None:
        return
    connection = session.connection()
    dialect = connection.dialect
    names = list(first)
    converters = [
        (i, convert)
        for i, name in enumerate(names)
        if (convert := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    # the rows of a plan year share few dates and times: each is converted once
    converted: list[dict[Any, Any]] = [{} for _ in converters]

    def values() -> Iterator[tuple[Any, ...]]:
        for row in itertools.chain((first,), stream):
            value = [row[name] for name in names]
            for (i, convert), seen in zip(converters, converted, strict=True):
                raw = value[i]
                if raw not in seen:
                    seen[raw] = convert(raw)
                value[i] = seen[raw]
            yield tuple(value)

    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in names)
    if dialect.name != "postgresql":
        marks = ", ".join("?" for _ in names)
        connection.exec_driver_sql(
            f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})", list(values())
        )
        return
    statement = f"COPY {quote(table.name)} ({columns}) FROM STDIN"
    driver = connection.connection.driver_connection
    assert driver is not None
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row_values in values():
                copy.write_row(row_values)
    except dialect.loaded_dbapi.IntegrityError as exc:
        raise IntegrityError(statement, None, exc) from exc


def among(column: Any, ids: Sequence[int]) -> Any:
    """``column IN (ids)`` for many ids (the units of a province), the ids written into the
    statement as numbers when it runs rather than as one parameter each: the driver has no
    hundreds of placeholders to parse and convert on every call. (One array parameter,
    ``= ANY(%s)``, was tried: PostgreSQL then planned the dossiers' queries without seeing
    the ids, and the database spent up to twice the time on them.) Only for integers."""
    from sqlalchemy import bindparam

    return column.in_(bindparam(None, list(ids), expanding=True, literal_execute=True))


def insert_ignore(session: Session, model: type, values: dict[str, Any]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when this call inserted the row."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Insert = pg_insert(model).values(**values).on_conflict_do_nothing()
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(model).values(**values).on_conflict_do_nothing()
    # RETURNING, not rowcount: PostgreSQL drivers may report -1 for a skipped conflict
    keys = list(model.__table__.primary_key.columns)  # type: ignore[attr-defined]
    return session.execute(stmt.returning(*keys)).first() is not None


def insert_ignore_many(
    session: Session, model: type, rows: list[dict[str, Any]], *, returning: tuple[str, ...]
) -> list[tuple[Any, ...]]:
    """INSERT … ON CONFLICT DO NOTHING of many rows in a few statements; the
    ``returning`` columns of the rows this call inserted (a row already there is not listed).

    All rows must have the same keys. Rows are written in the order given: callers that may
    race sort them, so two writers take the same keys in the same order."""
    if not rows:
        return []
    table = model.__table__  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        make: Any = pg_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        make = sqlite_insert
    # one compiled (and cached) statement; the driver gets the rows in batches of many VALUES
    stmt = make(table).on_conflict_do_nothing().returning(*(table.c[n] for n in returning))
    return [tuple(r) for r in session.execute(stmt, rows)]


_Row = TypeVar("_Row")
ROW_ID_MAX = 2**31 - 1
"""The largest record number a table's ``id`` column holds (PostgreSQL's ``integer``)."""


def get_row(session: Session, model: type[_Row], row_id: int) -> _Row | None:
    """``session.get(model, row_id)``, or None for a number no row can have: a number past
    the column's range is "not found" on every database, not a PostgreSQL overflow error."""
    if not 1 <= row_id <= ROW_ID_MAX:
        return None
    return session.get(model, row_id)
