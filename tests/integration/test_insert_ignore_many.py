"""Many rows written at once under their unique keys: a row already there is left as it was
and not reported as written (what keeps a sweep's batched claims exactly once)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models import UnitRecord
from storage.db import insert_ignore_many


def _rows(codes: list[str]) -> list[dict[str, object]]:
    return [{"code": c, "name": f"Phường {c}"} for c in codes]


def test_only_the_new_rows_are_written_and_reported(session: Session) -> None:
    first = insert_ignore_many(session, UnitRecord, _rows(["a", "b"]), returning=("code",))
    assert sorted(first) == [("a",), ("b",)]
    session.execute(  # someone renamed "b" meanwhile: a second write must not undo it
        UnitRecord.__table__.update().where(UnitRecord.code == "b").values(name="Phường Mới")  # type: ignore[attr-defined]
    )
    again = insert_ignore_many(
        session, UnitRecord, _rows(["b", "c", "a", "d"]), returning=("code",)
    )
    assert sorted(again) == [("c",), ("d",)]
    names = {
        u.code: u.name for u in session.exec(select(UnitRecord).order_by(col(UnitRecord.code)))
    }
    assert names == {"a": "Phường a", "b": "Phường Mới", "c": "Phường c", "d": "Phường d"}


def test_nothing_to_write_writes_nothing(session: Session) -> None:
    assert insert_ignore_many(session, UnitRecord, [], returning=("code",)) == []
    assert session.exec(select(UnitRecord)).all() == []


def test_more_rows_than_one_statement_holds(session: Session) -> None:
    codes = [f"u{i:05d}" for i in range(12_000)]  # past a driver's batch and SQLite's limits
    written = insert_ignore_many(session, UnitRecord, _rows(codes), returning=("code",))
    assert len(written) == len(codes)
    assert insert_ignore_many(session, UnitRecord, _rows(codes), returning=("code",)) == []
