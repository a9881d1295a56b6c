"""Migration 0014 adds the appraisal's tables exactly as the models declare them, and its
downgrade takes them away again."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from storage.migrate import alembic_config, upgrade

TABLES = {"province_role", "appraisal_cycle", "appraisal_note", "appraisal_reply"}


def test_the_migration_matches_the_models(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [
            d
            for d in compare_metadata(context, SQLModel.metadata)
            if any(table in repr(d) for table in TABLES)
        ]
    assert diffs == []


def test_the_downgrade_removes_them_and_the_upgrade_restores_them(engine) -> None:  # type: ignore[no-untyped-def]
    command.downgrade(alembic_config(engine), "0012")
    assert not TABLES & set(sa.inspect(engine).get_table_names())
    upgrade(engine)
    assert set(sa.inspect(engine).get_table_names()) >= TABLES
