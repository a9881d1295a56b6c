"""Migration 0010 creates the identity tables exactly as the models declare them, and its
downgrade removes them again."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from storage.migrate import alembic_config, current_revision, upgrade

TABLES = {"account", "web_session", "api_token", "sign_in_failure", "password_invitation"}


def _about_identity(diff: object) -> bool:
    """Whether an autogenerate difference concerns one of the identity tables."""
    text = repr(diff)
    return any(f"'{name}'" in text or f"{name}." in text for name in TABLES)


def test_the_migration_matches_the_models(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, SQLModel.metadata) if _about_identity(d)]
    assert diffs == []
    assert set(sa.inspect(engine).get_table_names()) >= TABLES


def test_the_downgrade_removes_the_tables_and_the_upgrade_restores_them(engine) -> None:  # type: ignore[no-untyped-def]
    command.downgrade(alembic_config(engine), "0009")
    assert current_revision(engine) == "0009"
    assert not TABLES & set(sa.inspect(engine).get_table_names())
    upgrade(engine)
    assert set(sa.inspect(engine).get_table_names()) >= TABLES
