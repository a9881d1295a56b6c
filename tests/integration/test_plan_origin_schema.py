"""Migration 0015 adds ``plan_origin`` (where a derived plan came from) exactly as the model
declares it, and its downgrade takes it away again."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from storage.migrate import alembic_config, upgrade


def test_the_migration_matches_the_model(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [
            d for d in compare_metadata(context, SQLModel.metadata) if "plan_origin" in repr(d)
        ]
    assert diffs == []


def test_the_downgrade_removes_it_and_the_upgrade_restores_it(engine) -> None:  # type: ignore[no-untyped-def]
    command.downgrade(alembic_config(engine), "0012")
    assert "plan_origin" not in sa.inspect(engine).get_table_names()
    upgrade(engine)
    assert "plan_origin" in sa.inspect(engine).get_table_names()
