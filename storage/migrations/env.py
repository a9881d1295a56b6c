"""Alembic environment: the engine comes from the caller (``storage.migrate``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine, create_engine
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table on SQLModel.metadata)

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("Run migrations through `cchc init` (or set sqlalchemy.url).")
    engine = create_engine(url)


def _run(connection: Connection, *, sqlite: bool) -> None:
    with connection.begin():
        if sqlite:
            # Python's sqlite3 opens a transaction only before a row is written, so each
            # CREATE, DROP and ALTER would commit on its own and an upgrade stopped half-way
            # would leave half a schema; an explicit BEGIN makes the whole upgrade one
            # transaction, as on PostgreSQL
            connection.exec_driver_sql("BEGIN")
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=sqlite,
            compare_type=True,
        )
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:  # the version is not recorded: the upgrade stops here, with the rows
                raise RuntimeError(f"rows whose foreign key fails after migrating: {broken[:5]}")


with engine.connect() as connection:
    if connection.dialect.name != "sqlite":
        _run(connection, sqlite=False)
    else:
        # Batch mode rebuilds a table by copying it and dropping the old one, which SQLite's
        # foreign keys would refuse while other tables refer to it; they are switched off for
        # the migrations (outside a transaction, where SQLite honours the pragma), and every
        # row is checked against them before the migrations' transaction commits.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        try:
            _run(connection, sqlite=True)
        finally:
            connection.rollback()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
