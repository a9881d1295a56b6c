"""Migration 0011 creates the calendar feed table exactly as the model declares it, and its
downgrade removes it again."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from storage.migrate import alembic_config, current_revision, upgrade


def test_the_migration_matches_the_model(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [
            d for d in compare_metadata(context, SQLModel.metadata) if "calendar_feed" in repr(d)
        ]
    assert diffs == []
    assert "calendar_feed" in sa.inspect(engine).get_table_names()


def test_the_downgrade_removes_the_table_and_the_upgrade_restores_it(engine) -> None:  # type: ignore[no-untyped-def]
    command.downgrade(alembic_config(engine), "0010")
    assert current_revision(engine) == "0010"
    assert "calendar_feed" not in sa.inspect(engine).get_table_names()
    upgrade(engine)
    assert "calendar_feed" in sa.inspect(engine).get_table_names()
