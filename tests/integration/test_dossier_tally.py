"""Migration 0017: the dossiers' monthly counts (``dossier_month``, ``dossier_procedure``) and
the index of the dossiers waiting for a result, exactly as the models declare them; the
dossiers stored before the migration are counted by it as an import counts them, and the
downgrade takes the counts away."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from application.dossiers import import_dossiers
from application.uow import UnitOfWork
from storage.migrate import alembic_config, upgrade
from tests.integration.test_province import NOW, OPERATOR, build, export

TABLES = ("dossier_month", "dossier_procedure")


def _ours(diff: Any) -> bool:
    text = repr(diff)
    return any(name in text for name in (*TABLES, "ix_dossier_unit_waiting"))


def test_the_migration_matches_the_models(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, SQLModel.metadata) if _ours(d)]
    assert diffs == []


def _counts(engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {
            name: [tuple(r) for r in connection.execute(sa.text(f"SELECT * FROM {name}")).all()]
            for name in TABLES
        }


def test_the_dossiers_stored_before_are_counted_as_an_import_counts_them(
    engine: Any, load: Any, tmp_path: Path
) -> None:
    build(engine, load, ("ward-a", "ward-b"))
    path = export(tmp_path / "mot-cua.csv", ("ward-a", "ward-b"))
    import_dossiers(UnitOfWork(engine), OPERATOR, NOW, path=path)
    imported = _counts(engine)
    assert len(imported["dossier_month"]) > 20 and len(imported["dossier_procedure"]) > 10
    every = {r[:4] for r in imported["dossier_month"]}
    assert {r[0] for r in every} == {r[0] for r in imported["dossier_procedure"]}
    command.downgrade(alembic_config(engine), "0015")
    names = sa.inspect(engine).get_table_names()
    assert not set(TABLES) & set(names)
    upgrade(engine)
    migrated = _counts(engine)
    assert {k: sorted(v) for k, v in migrated.items()} == {
        k: sorted(v) for k, v in imported.items()
    }
