"""Migration 0012 adds two-step sign-in to the account table and the pending second steps,
exactly as the models declare them, and its downgrade takes them away again."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from storage.migrate import alembic_config, current_revision, upgrade


def _columns(engine, table: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {c["name"] for c in sa.inspect(engine).get_columns(table)}


def test_the_migration_matches_the_models(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [
            d
            for d in compare_metadata(context, SQLModel.metadata)
            if "sign_in_challenge" in repr(d) or "totp" in repr(d)
        ]
    assert diffs == []
    assert {"totp_secret", "totp_enabled_at", "totp_last_step"} <= _columns(engine, "account")


def test_the_downgrade_removes_them_and_the_upgrade_restores_them(engine) -> None:  # type: ignore[no-untyped-def]
    command.downgrade(alembic_config(engine), "0011")
    assert current_revision(engine) == "0011"
    assert "sign_in_challenge" not in sa.inspect(engine).get_table_names()
    assert not {"totp_enabled_at", "totp_last_step"} & _columns(engine, "account")
    upgrade(engine)
    assert "sign_in_challenge" in sa.inspect(engine).get_table_names()
    assert {"totp_enabled_at", "totp_last_step"} <= _columns(engine, "account")
