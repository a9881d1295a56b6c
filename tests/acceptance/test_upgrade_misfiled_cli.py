"""Upgrading an embedded database that holds a row the new keys refuse (migration 0018), as
an operator meets it: any command stops with a message naming the rows and what to do, no
traceback, and the database is left at its revision with every row."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from alembic import command

from plans import HERE, PLAN_2020
from storage.db import make_engine
from storage.migrate import alembic_config

pytestmark = pytest.mark.simulation
AT = ("--now", "2020-01-02T08:00")


def _database() -> Path:
    return Path(os.environ["CCHC_HOME"]) / "cchc.sqlite3"


def test_a_misfiled_occurrence_stops_the_upgrade_with_its_id(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    assert cli("schedule", "--year", "2020", *AT)[0] == 0
    engine = make_engine(f"sqlite:///{_database()}")
    command.downgrade(alembic_config(engine), "0017")
    engine.dispose()
    with sqlite3.connect(_database()) as db:
        db.execute("INSERT INTO unit (code, name) VALUES ('khac', 'Phường khác')")
        other = db.execute("SELECT id FROM unit WHERE code = 'khac'").fetchone()[0]
        first = db.execute("SELECT min(id) FROM occurrence").fetchone()[0]
        db.execute("UPDATE occurrence SET unit_id = ? WHERE id = ?", (other, first))
        stored = db.execute("SELECT count(*) FROM occurrence").fetchone()[0]

    code, out, err = cli("tasks", *AT)

    assert code == 1
    assert "Traceback" not in out + err
    assert "Không nâng cấp được cơ sở dữ liệu lên phiên bản 0018" in err
    assert f"mã trong bảng occurrence: {first})" in err
    assert "cchc init" in err
    with sqlite3.connect(_database()) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0017",)]
        assert db.execute("SELECT count(*) FROM occurrence").fetchone()[0] == stored
