"""Migration 0013: units stored before units had levels and validity read back the same,
with their level inferred from their name where it says it and their validity open; the
scheduler and plan loads work as before; downgrade goes back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import Session, SQLModel

from storage.db import make_engine
from storage.migrate import alembic_config, upgrade
from storage.units import get_unit

UNITS = [
    (1, "tp-hcm", "UBND Thành phố Hồ Chí Minh", None),
    (2, "quan-9", "UBND Quận 9", 1),
    (3, "phu-huu", "UBND phường Phú Hữu", 2),
    (4, "thu-duc", "Thành phố Thủ Đức", 1),
    (5, "xa-a", "Xã An Bình", 4),
    (6, "lab", "Đơn vị thử nghiệm", None),
]


@pytest.fixture
def old_database(db_url: str) -> Iterator[Any]:
    from alembic import command

    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "0012")
    unit = sa.table(
        "unit", sa.column("id"), sa.column("code"), sa.column("name"), sa.column("parent_id")
    )
    with engine.begin() as connection:
        for uid, code, name, parent in UNITS:
            connection.execute(
                sa.insert(unit).values(id=uid, code=code, name=name, parent_id=parent)
            )
    upgrade(engine)
    yield engine
    engine.dispose()


def test_levels_are_inferred_and_validity_is_open(old_database) -> None:  # type: ignore[no-untyped-def]
    with Session(old_database) as session:
        found = {
            code: (get_unit(code, session=session).level, get_unit(code, session=session).valid_to)
            for _, code, _, _ in UNITS
        }
        assert get_unit("phu-huu", session=session).parent_id == 2
        assert get_unit("phu-huu", session=session).valid_from is None
    assert found == {
        "tp-hcm": ("city", None),
        "quan-9": ("district", None),
        "phu-huu": ("ward", None),
        "thu-duc": ("district", None),  # a city under a city: of district level
        "xa-a": ("commune", None),
        "lab": (None, None),
    }


def test_the_schema_matches_the_models(old_database) -> None:  # type: ignore[no-untyped-def]
    with old_database.connect() as connection:
        context = MigrationContext.configure(connection)
        diffs = [
            d
            for d in compare_metadata(context, SQLModel.metadata)
            if "unit_succession" in repr(d) or "'unit'" in repr(d)
        ]
    assert diffs == []


def test_the_downgrade_goes_back(old_database) -> None:  # type: ignore[no-untyped-def]
    from alembic import command

    command.downgrade(alembic_config(old_database), "0012")
    inspector = sa.inspect(old_database)
    assert "unit_succession" not in inspector.get_table_names()
    assert {c["name"] for c in inspector.get_columns("unit")} == {"id", "code", "name", "parent_id"}
    upgrade(old_database)
    with Session(old_database) as session:
        assert get_unit("phu-huu", session=session).level == "ward"
