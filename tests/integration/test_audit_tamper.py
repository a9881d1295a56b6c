"""Tampering with the audit log behind the application's back, on SQLite and PostgreSQL:
each case is caught by ``audit verify`` (the use case), with the key kept outside the database
and an anchor written down elsewhere. And time: a live database refuses changes made at a
simulated time; the log keeps the real clock, and the simulated time beside it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from application import audit
from application.access import Identity
from application.uow import Clock, UnitOfWork
from domain.audit_chain import GENESIS, LEGACY, entry_hash, keyed_hash
from domain.errors import LocalizedError
from models import AuditEntry, CalendarOverride
from plans import PLAN_2020
from storage.audit import record
from storage.db import make_engine
from storage.migrate import alembic_config, upgrade

OPERATOR = Identity.operator()
NOW = dt.datetime(2020, 4, 15, 8, 0, tzinfo=dt.UTC)


def tamper(engine: Any, *statements: str, params: list[dict[str, Any]] | None = None) -> None:
    """Run SQL on the log with its append-only guard lifted, as someone with database access."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"))
        else:
            connection.execute(sa.text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            connection.execute(sa.text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        for statement in statements:
            if params is None:
                connection.execute(sa.text(statement))
            else:
                connection.execute(sa.text(statement), params)
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change"))


def rows(engine: Any) -> list[AuditEntry]:
    with Session(engine) as session:
        return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all())


def recompute(engine: Any, start: int, hasher: Any, *, scheme: str) -> None:
    """Recompute the chain from the entry at position ``start`` (1-based) with ``hasher``."""
    entries = rows(engine)
    prev = entries[start - 2].hash if start > 1 else GENESIS
    updates = []
    for entry in entries[start - 1 :]:
        data = entry.model_dump() | {"scheme": scheme}
        digest = hasher(prev, data)
        updates.append({"id": entry.id, "prev": prev, "hash": digest, "scheme": scheme})
        prev = digest
    tamper(
        engine,
        "UPDATE audit_log SET prev_hash = :prev, hash = :hash, scheme = :scheme WHERE id = :id",
        params=updates,
    )


def check(engine: Any, anchor: str | None = None) -> audit.ChainReport:
    return audit.verify(UnitOfWork(engine), anchor)


@pytest.fixture
def logged(engine, load) -> Any:  # type: ignore[no-untyped-def]
    """A database whose log has the plan load (hundreds of keyed entries)."""
    load()
    return engine


def test_an_intact_log_verifies_and_extends_its_anchor(logged) -> None:  # type: ignore[no-untyped-def]
    anchor = audit.anchor(UnitOfWork(logged), OPERATOR, NOW)
    assert anchor.entries == len(rows(logged)) > 100
    report = check(logged, anchor.token)
    assert report.intact and report.entries == anchor.entries
    assert all(r.scheme == "hmac" for r in rows(logged))


@pytest.mark.parametrize("cut", [1, 10, "all"])
def test_cutting_the_end_fails_verify_against_the_anchor(logged, cut) -> None:  # type: ignore[no-untyped-def]
    token = audit.anchor(UnitOfWork(logged), OPERATOR, NOW).token
    last = rows(logged)[-1].id
    if cut == "all":
        tamper(logged, "DELETE FROM audit_log")
    else:
        tamper(logged, f"DELETE FROM audit_log WHERE id > {last - cut}")
    assert check(logged).intact  # what is left is still a valid chain …
    report = check(logged, token)
    assert not report.intact and report.anchor_problem == "shorter"  # … but shorter
    assert report.as_dict()["anchor"]["problem"] == "shorter"


def test_a_deleted_middle_row_is_found(logged) -> None:  # type: ignore[no-untyped-def]
    token = audit.anchor(UnitOfWork(logged), OPERATOR, NOW).token
    middle = rows(logged)[50].id
    tamper(logged, f"DELETE FROM audit_log WHERE id = {middle}")
    report = check(logged, token)
    assert [(b.id, b.problem) for b in report.breaks] == [(middle + 1, "link")]
    assert report.anchor_problem == "shorter"


def test_an_edited_row_is_found(logged) -> None:  # type: ignore[no-untyped-def]
    target = rows(logged)[4].id
    tamper(logged, f"UPDATE audit_log SET actor = 'mallory' WHERE id = {target}")
    assert [(b.id, b.problem) for b in check(logged).breaks] == [(target, "content")]


def test_an_edit_with_the_unkeyed_chain_recomputed_is_found(logged) -> None:  # type: ignore[no-untyped-def]
    entries = rows(logged)
    tamper(logged, f"UPDATE audit_log SET actor = 'mallory' WHERE id = {entries[4].id}")
    recompute(logged, 5, entry_hash, scheme=LEGACY)  # plain SHA-256, as the log used to be
    breaks = check(logged).breaks
    assert breaks and {b.problem for b in breaks} == {"unkeyed"}
    assert breaks[0].id == entries[4].id and len(breaks) == len(entries) - 4


def test_an_edit_with_the_chain_recomputed_under_another_key_is_found(logged) -> None:  # type: ignore[no-untyped-def]
    entries = rows(logged)
    tamper(logged, f"UPDATE audit_log SET actor = 'mallory' WHERE id = {entries[4].id}")
    recompute(logged, 5, lambda p, e: keyed_hash(b"m" * 32, p, e), scheme="hmac")
    breaks = check(logged).breaks
    assert {b.problem for b in breaks} == {"content"} and len(breaks) == len(entries) - 4


def test_a_whole_log_rewritten_as_legacy_is_found(logged) -> None:  # type: ignore[no-untyped-def]
    recompute(logged, 1, entry_hash, scheme=LEGACY)
    n = len(rows(logged))
    with logged.begin() as connection:  # and the installation told it always had them
        connection.execute(sa.text(f"UPDATE installation SET legacy_entries = {n}"))
    breaks = check(logged).breaks
    assert breaks[0].problem == "installation" and len(breaks) == n + 1
    with logged.begin() as connection:  # or told it was never keyed
        connection.execute(sa.text("UPDATE installation SET audit_key_id = NULL"))
    assert [b.problem for b in check(logged).breaks] == ["installation"]


def test_a_missing_or_wrong_key_is_said_so_not_reported_as_tampering(logged, db_url) -> None:  # type: ignore[no-untyped-def]
    without = make_engine(db_url)
    with pytest.raises(LocalizedError) as missing:
        check(without)
    assert missing.value.key == "error.audit_key_missing"
    with pytest.raises(LocalizedError) as missing, Session(without) as session:  # nor record
        record(session=session, actor="x", now=NOW, action="a", entity="e", key="k")
    assert missing.value.key == "error.audit_key_missing"
    other = make_engine(db_url, audit_key=b"o" * 32)
    with pytest.raises(LocalizedError) as wrong:
        check(other)
    assert wrong.value.key == "error.audit_key_wrong"
    before = len(rows(logged))
    with pytest.raises(LocalizedError) as wrong, Session(other) as session:
        record(session=session, actor="x", now=NOW, action="a", entity="e", key="k")
    assert wrong.value.key == "error.audit_key_wrong"  # a wrong key never forks the chain
    assert len(rows(logged)) == before and check(logged).intact
    without.dispose()
    other.dispose()


def test_a_bad_anchor_token_is_an_error(logged) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LocalizedError) as bad:
        check(logged, "cchc-anchor:12")
    assert bad.value.key == "error.bad_anchor"


# --- a database upgraded from before the key -----------------------------------------------


@pytest.fixture
def old_database(db_url) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """A database at revision 0007 with three unkeyed entries, then upgraded."""
    from alembic import command

    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "0007")
    log = sa.table(
        "audit_log",
        *(sa.column(n) for n in ("at", "actor", "action", "entity", "key", "prev_hash", "hash")),
    )
    prev = GENESIS
    with engine.begin() as connection:
        for i in range(3):
            entry = {
                "at": NOW + dt.timedelta(hours=i),
                "actor": "operator:root",
                "action": "a",
                "entity": "e",
                "key": str(i),
                "unit_id": None,
                "before": None,
                "after": None,
            }
            digest = entry_hash(prev, entry)
            values = {k: v for k, v in entry.items() if k not in ("unit_id", "before", "after")}
            connection.execute(sa.insert(log).values(**values, prev_hash=prev, hash=digest))
            prev = digest
    upgrade(engine)
    yield engine
    engine.dispose()


def test_entries_from_before_the_key_stay_verifiable(old_database, db_url, audit_key) -> None:  # type: ignore[no-untyped-def]
    keyed = make_engine(db_url, audit_key=audit_key)
    with Session(keyed) as session:  # the first keyed change binds the key
        record(session=session, actor="operator:root", now=NOW, action="b", entity="e", key="3")
        session.commit()
    assert [r.scheme for r in rows(keyed)] == ["sha256", "sha256", "sha256", "hmac"]
    assert check(keyed).intact and check(keyed).entries == 4
    tamper(keyed, "UPDATE audit_log SET actor = 'mallory' WHERE key = '1'")
    assert [b.problem for b in check(keyed).breaks] == ["content"]
    keyed.dispose()


# --- live databases and simulated time -------------------------------------------------------


@pytest.fixture
def live(db_url, audit_key) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """A live database (as every new one is) whose engine carries the key."""
    engine = make_engine(db_url, audit_key=audit_key)
    upgrade(engine)
    yield engine
    engine.dispose()


def count(engine: Any) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(AuditEntry)).one())


def test_a_live_database_refuses_changes_at_a_simulated_time(live) -> None:  # type: ignore[no-untyped-def]
    from application.plans import load_plan

    simulated = Clock(simulated=True)
    with pytest.raises(LocalizedError) as refused:
        load_plan(UnitOfWork(live, simulated), OPERATOR, NOW, path=PLAN_2020)
    assert refused.value.key == "error.live_now" and "--now" in str(refused.value)
    assert count(live) == 0  # nothing happened, and the refusal is not a change
    with pytest.raises(LocalizedError, match="--now"), UnitOfWork(live, simulated) as session:
        session.add(CalendarOverride(day=dt.date(2020, 1, 20), working=False, reason="x"))
    with pytest.raises(LocalizedError, match="--now"), UnitOfWork(live, simulated) as session:
        session.execute(
            sa.insert(CalendarOverride).values(day=dt.date(2020, 1, 21), working=False, reason="x")
        )
    with pytest.raises(LocalizedError, match="--now"), UnitOfWork(live, simulated) as session:
        record(session=session, actor="x", now=NOW, action="a", entity="e", key="k")
    with Session(live) as session:
        assert session.exec(select(func.count()).select_from(CalendarOverride)).one() == 0
    # reading at a simulated time is fine; so is changing at the real one
    load_plan(UnitOfWork(live), OPERATOR, dt.datetime.now(dt.UTC), path=PLAN_2020)
    assert audit.list_entries(UnitOfWork(live, simulated), OPERATOR, NOW, limit=1)
    assert all(r.simulated_at is None for r in rows(live)) and check(live).intact


def test_a_simulation_keeps_the_real_clock_and_the_simulated_time(live) -> None:  # type: ignore[no-untyped-def]
    from application.plans import load_plan
    from storage.db import transaction
    from storage.installation import SIMULATION, set_mode

    with transaction(live) as session:
        set_mode(SIMULATION, session=session)
    before = dt.datetime.now(dt.UTC)
    load_plan(UnitOfWork(live, Clock(simulated=True)), OPERATOR, NOW, path=PLAN_2020)
    entries = rows(live)
    assert entries and all(r.simulated_at == NOW for r in entries)
    assert all(before <= r.at <= dt.datetime.now(dt.UTC) for r in entries)
    assert check(live).intact
    with pytest.raises(LocalizedError) as fixed, transaction(live) as session:
        set_mode("live", session=session)  # the mode is fixed once something is recorded
    assert fixed.value.key == "error.mode_fixed"
