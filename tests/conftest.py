"""Shared fixtures: real SQLite and PostgreSQL databases, bundled files, the CLI runner.

Every test session creates its own PostgreSQL database on the server at
``CCHC_TEST_PG_URL`` (default ``postgresql://localhost:5432/postgres``) and drops it at
the end. When ``CI`` is set and the server is unreachable, the PostgreSQL tests fail
instead of being skipped.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from plans import FRAMEWORK_2020, PLAN_2020

# A message key missing from every catalogue fails the test (here and in the CLI processes
# the tests start) instead of printing the key to a user.
os.environ["CCHC_STRICT_MESSAGES"] = "1"
# The ``cchc`` processes the tests start run on their own: a preloaded process the developer
# started (``cchc preload start``) is not used; tests of it start their own elsewhere.
PRELOAD_DIR = Path(tempfile.gettempdir()) / f"cchc-tests-preload-{os.getpid()}"
os.environ["CCHC_PRELOAD_DIR"] = str(PRELOAD_DIR)

PG_ADMIN_URL = os.environ.get("CCHC_TEST_PG_URL", "postgresql://localhost:5432/postgres")
NOW = dt.datetime(2020, 4, 15, 8, 0, tzinfo=dt.UTC)
# The audit key of the test databases (an installation's comes from its audit.key file).
AUDIT_KEY = bytes(range(32))


@pytest.fixture(autouse=True)
def no_preloaded_process_left() -> Iterator[None]:
    """A test that starts a preloaded process where the suite's commands look for one (the
    hostile-option tests run ``cchc preload start`` with every option) has it stopped after
    it: the commands of the next tests run on their own, and no process outlives the suite."""
    yield
    if PRELOAD_DIR.exists():
        from cchc import preload

        preload.ask(PRELOAD_DIR, "stop")
        shutil.rmtree(PRELOAD_DIR, ignore_errors=True)


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> Iterator[None]:
    """Argon2 with its cheapest parameters while testing: a web test sets three passwords and
    signs in, and each hash with the library's defaults (kept in production) took 0.1-0.3 s.
    The hashes are still argon2id; what the tests check of passwords does not change."""
    from argon2 import PasswordHasher
    from argon2.profiles import CHEAPEST

    import application.identity as identity

    cheap = PasswordHasher.from_parameters(CHEAPEST)
    original = identity._hasher
    identity._hasher = lambda: cheap  # type: ignore[assignment]
    identity._decoy.cache_clear()
    yield
    identity._hasher = original
    identity._decoy.cache_clear()


@pytest.fixture(scope="session")
def audit_key() -> bytes:
    """The key the ``engine`` fixture's audit log is chained with."""
    return AUDIT_KEY


@pytest.fixture(scope="session")
def plan_text() -> str:
    return PLAN_2020.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def framework_text() -> str:
    return FRAMEWORK_2020.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def bundled_plan(plan_text: str, framework_text: str):  # type: ignore[no-untyped-def]
    from domain.frameworkfile import read_framework
    from domain.planfile import read_plan

    fw = read_framework(framework_text, str(FRAMEWORK_2020))
    return read_plan(plan_text, str(PLAN_2020), criteria=fw.codes())


@pytest.fixture(scope="session")
def bundled_framework(framework_text: str):  # type: ignore[no-untyped-def]
    from domain.frameworkfile import read_framework

    return read_framework(framework_text, str(FRAMEWORK_2020))


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    import psycopg

    name = f"cchc_test_{uuid.uuid4().hex[:10]}"
    admin = PG_ADMIN_URL
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL unreachable at {admin} in CI: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {admin}: {exc}")
    with conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        from sqlalchemy import create_engine  # noqa: F401  (engines are disposed by tests)

        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _reset_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file, or the session's PostgreSQL database wiped clean."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cchc.sqlite3'}"
    url: str = request.getfixturevalue("pg_server_url")
    _reset_postgres(url)
    return url


def _migrate_simulation(url: str) -> None:
    """Migrate the empty database at ``url`` and make it a simulation (the tests give every
    change the time they choose, kept as simulated_at)."""
    from storage.db import make_engine, transaction
    from storage.installation import SIMULATION, set_mode
    from storage.migrate import upgrade

    eng = make_engine(url, audit_key=AUDIT_KEY, simulated=True)
    try:
        upgrade(eng)
        with transaction(eng) as s:
            set_mode(SIMULATION, session=s)
    finally:
        eng.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per test session (per xdist worker), for ``engine`` to
    copy: running every migration for each test cost about 0.3 s."""
    path = tmp_path_factory.mktemp("migrated") / "cchc.sqlite3"
    _migrate_simulation(f"sqlite:///{path}")
    leftovers = [p.name for p in path.parent.iterdir() if p != path]
    assert not leftovers, f"the template's journal was not folded back: {leftovers}"
    return path


@pytest.fixture(scope="session")
def migrated_postgres(pg_server_url: str) -> Iterator[str]:
    """A PostgreSQL database migrated once per test session, for ``engine`` to clone
    (``CREATE DATABASE … TEMPLATE``, about 0.1 s against 0.7 s for the migrations)."""
    import psycopg

    name = pg_server_url.rsplit("/", 1)[1] + "_migrated"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        _migrate_simulation(f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}")
        yield name
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _clone_postgres(url: str, template: str) -> None:
    """Replace the database at ``url`` with a copy of ``template``."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY WAL_LOG')


@pytest.fixture
def engine(request: pytest.FixtureRequest, db_url: str) -> Iterator[object]:
    """A migrated simulation database whose engine carries the test audit key: a copy of one
    migrated once per session (the migrations themselves run from an empty database in
    ``test_migration_columns``, ``test_unit_migration`` and the ``*_schema`` tests)."""
    import shutil

    from storage.db import make_engine

    if db_url.startswith("sqlite:///"):
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), db_url[len("sqlite:///") :])
    else:
        _clone_postgres(db_url, request.getfixturevalue("migrated_postgres"))
    eng = make_engine(db_url, audit_key=AUDIT_KEY, simulated=True)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine):  # type: ignore[no-untyped-def]
    from sqlmodel import Session

    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def load(session, bundled_plan):  # type: ignore[no-untyped-def]
    """Load a plan (the bundled one by default) and commit; returns the load report."""
    from storage.plans import load_plan

    def _load(plan=None, *, now: dt.datetime = NOW, unit_code: str | None = None):  # type: ignore[no-untyped-def]
        report = load_plan(
            plan or bundled_plan, session=session, actor="test", now=now, unit_code=unit_code
        )
        session.commit()
        return report

    return _load


def run_cli(argv: list[str], *, input: str | None = None) -> tuple[int, str, str]:
    """``cchc ARGV`` in this process, through ``cchc.cli.main`` and its error handler, with the
    environment as it is now; returns (code, out, err). An exception that escapes ``main`` (a
    traceback a user would see) propagates and fails the test."""
    import sys

    from typer.testing import CliRunner

    from cchc import cli as cchc_cli
    from cchc import render

    runner = CliRunner()
    with runner.isolation(input=input, env=dict(os.environ)) as (out, err, _):
        # a process reads COLUMNS as its consoles are made; here they were made once, earlier
        for console in (render.console, render.err_console):
            console.width = int(os.environ.get("COLUMNS") or 80)
        try:
            cchc_cli.main(argv)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        sys.stdout.flush()  # the text wrappers over the captured bytes buffer what was written
        sys.stderr.flush()
        return (
            code,
            out.getvalue().decode(errors="replace"),
            err.getvalue().decode(errors="replace"),
        )


def run_cli_process(argv: list[str], *, input: str | None = None) -> tuple[int, str, str]:
    """``cchc ARGV`` as its own process (``python -m cchc``, the script's launcher), as an
    operator runs it."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "cchc", *argv],
        capture_output=True,
        text=True,
        input=input,
        env=os.environ.copy(),
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture(scope="session")
def preloaded_folder() -> Iterator[Path]:
    """A preloaded process (``cchc preload``) for the session: ``CCHC_TEST_CLI=preload`` runs
    every ``cli`` command through it, as its own ``cchc`` process."""
    from cchc import preload

    with tempfile.TemporaryDirectory(prefix="cchc-pre-") as tmp:  # a socket's path is short
        folder = Path(tmp) / "run"
        with preload.running(folder, idle_minutes=60):
            yield folder


@pytest.fixture
def cli(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[int, str, str]]:
    """Run ``cchc ARGS`` against a fresh embedded home; returns (code, out, err).

    The command runs in this process through ``cchc.cli.main`` (the same entry point, option
    parsing and error handler as the installed script; starting a Python process per command
    made the suite too slow for CI). ``CCHC_TEST_CLI=process`` runs each as its own process
    instead, ``CCHC_TEST_CLI=preload`` as its own process handed to a preloaded process. The
    home is a live database (created on first use, ``--now`` refused for changes); a test
    marked ``simulation`` gets a simulation instead (``cchc init --simulation`` first)."""
    home = tmp_path / "home"
    monkeypatch.setenv("CCHC_HOME", str(home))
    monkeypatch.delenv("CCHC_DATABASE_URL", raising=False)
    monkeypatch.delenv("CCHC_LANG", raising=False)
    monkeypatch.delenv("CCHC_USER", raising=False)  # the local operator, unless --as
    monkeypatch.setenv("COLUMNS", "200")
    mode = os.environ.get("CCHC_TEST_CLI")
    runner = run_cli_process if mode in ("process", "preload") else run_cli
    if mode == "preload":
        monkeypatch.setenv("CCHC_PRELOAD_DIR", str(request.getfixturevalue("preloaded_folder")))

    def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
        return runner(list(args), input=input)

    if request.node.get_closest_marker("simulation"):
        code, _, err = run("init", "--simulation")
        assert code == 0, err
    return run
