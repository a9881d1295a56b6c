"""The Prefect flows and the generated ``prefect.yaml``.

Every ``prefect.yaml`` entrypoint imports and is a flow; the file is what
``cchc.deployments`` renders from ``application.jobs.JOBS``, so the embedded runner, the
Prefect deployments and the demo's replay share one table of jobs. The ``prefect``-marked tests run each flow under
Prefect's test harness (one temporary server for the session, heartbeats off) against a
fresh embedded cchc database holding the bundled 2020 plan and the demo roster.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import plans
from application.jobs import JOBS
from cchc.deployments import prefect_yaml
from domain.clock import DEFAULT_TIMEZONE as TIMEZONE
from plans import PLAN_2020

ROOT = Path(__file__).resolve().parents[2]
PREFECT_YAML = ROOT / "prefect.yaml"
SPECS = {spec.name: spec for spec in JOBS}


def _deployments() -> dict[str, dict[str, Any]]:
    document = yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))
    return {d["name"]: d for d in document["deployments"]}


def _load_entrypoint(entrypoint: str) -> object:
    """Import ``path/to/file.py:name`` from the file, as a Prefect worker does."""
    path, name = entrypoint.split(":")
    module_name = "_entrypoint_" + path.replace("/", "_").removesuffix(".py")
    spec = importlib.util.spec_from_file_location(module_name, ROOT / path)
    assert spec is not None and spec.loader is not None, f"{path} cannot be imported"
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(module_name, None)
    return getattr(module, name)


@pytest.mark.parametrize("job", sorted(SPECS))
def test_prefect_yaml_entrypoint_is_a_flow(job: str) -> None:
    from prefect import Flow

    entrypoint = _deployments()[job]["entrypoint"]
    loaded = _load_entrypoint(entrypoint)
    assert isinstance(loaded, Flow), f"{entrypoint} is {type(loaded).__name__}, not a Flow"
    assert loaded.name == f"cchc-{job}"  # `prefect deployment run cchc-<job>/<job>`


def test_prefect_yaml_is_generated_from_jobs() -> None:
    assert yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8")) == yaml.safe_load(
        prefect_yaml()
    ), "prefect.yaml is stale: run `make docs`"
    deployments = _deployments()
    assert set(deployments) == set(SPECS)
    for name, spec in SPECS.items():
        deployment = deployments[name]
        assert deployment["entrypoint"] == spec.flow
        assert [(s["cron"], s["timezone"]) for s in deployment["schedules"]] == [
            (spec.cron, TIMEZONE)
        ]
        assert deployment["parameters"] == {"units": None}
        assert deployment["work_pool"] == {"name": "cchc"}


def test_job_flows_cover_every_job() -> None:
    import inspect

    from flows.work import job_flows

    flows = job_flows()
    assert set(flows) == set(SPECS)
    for name, spec in SPECS.items():
        assert spec.flow.endswith(":" + flows[name].fn.__name__)
        # each flow runs its own job of the table, by name
        assert f'_run("{name}"' in inspect.getsource(flows[name].fn)


def test_the_replay_plays_every_job_of_the_table() -> None:
    from cchc.replay import DAY

    assert [name for name, _ in DAY if name in SPECS] == [name for name, _ in DAY]
    assert {name for name, _ in DAY} == set(SPECS)


def test_serve_schedules_every_job_of_the_table(tmp_path: Path, audit_key: bytes) -> None:
    """The embedded runner catches up with each job of the table, then schedules each."""
    import datetime as dt

    from application.jobs import JobEnv
    from application.settings import Settings
    from cchc.runner import serve
    from notifications.channels import FileChannel
    from storage.db import make_engine
    from storage.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'cchc.sqlite3'}"
    engine = make_engine(url, audit_key=audit_key)
    upgrade(engine)
    settings = Settings(home=tmp_path, database_url=url, lang="vi")
    env = JobEnv.build(settings, channels={"email": FileChannel(tmp_path / "out")}, engine=engine)
    scheduled: list[str] = []

    class Started(Exception):
        pass

    def started(jobs: list[str]) -> None:
        scheduled.extend(jobs)
        raise Started  # stop before the scheduler blocks

    with pytest.raises(Started):
        serve(env, clock=lambda: dt.datetime(2020, 3, 2, 1, 0, tzinfo=dt.UTC), on_started=started)
    assert scheduled == [spec.name for spec in JOBS]
    env.close()


def test_a_stop_during_the_catch_up_finishes_the_job_under_way_and_runs_no_more(
    tmp_path: Path, audit_key: bytes
) -> None:
    """SIGTERM/SIGINT while the start-up catch-up runs: no scheduler starts, serve returns."""
    import datetime as dt
    import threading

    from application.jobs import JobEnv
    from application.settings import Settings
    from cchc.runner import serve
    from notifications.channels import FileChannel
    from storage.db import make_engine
    from storage.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'cchc.sqlite3'}"
    engine = make_engine(url, audit_key=audit_key)
    upgrade(engine)
    settings = Settings(home=tmp_path, database_url=url, lang="vi")
    env = JobEnv.build(settings, channels={"email": FileChannel(tmp_path / "out")}, engine=engine)
    stop = threading.Event()
    ran: list[dt.datetime] = []

    def clock() -> dt.datetime:  # each job reads the clock once as it starts
        ran.append(dt.datetime(2020, 3, 2, 1, 0, tzinfo=dt.UTC))
        stop.set()  # the stop arrives while the first job runs
        return ran[-1]

    started: list[list[str]] = []
    serve(env, clock=clock, on_started=started.append, stop_event=stop)
    assert len(ran) == 1 < len(JOBS)  # the first job finished, the others were skipped
    assert started == []  # no scheduler was started


# --- flows under Prefect's test harness -------------------------------------------------


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One temporary Prefect server for the session; sync flow runs without heartbeats."""
    from prefect.settings import (
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        PREFECT_HOME,
        PREFECT_SERVER_ANALYTICS_ENABLED,
        PREFECT_UI_ENABLED,
        temporary_settings,
    )
    from prefect.testing.utilities import prefect_test_harness

    home = tmp_path_factory.mktemp("prefect-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        with (
            temporary_settings(
                updates={
                    PREFECT_HOME: str(home),
                    PREFECT_SERVER_ANALYTICS_ENABLED: False,
                    PREFECT_UI_ENABLED: False,  # the test server serves no UI
                }
            ),
            prefect_test_harness(server_startup_timeout=60),
            # entered in this (the test) thread: the thread that calls the flows
            temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
        ):
            yield


@pytest.fixture
def cchc_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh embedded cchc database with the bundled plan and the demo roster."""
    from cchc.cli import main

    home = tmp_path / "cchc"
    monkeypatch.setenv("CCHC_HOME", str(home))
    for name in ("CCHC_DATABASE_URL", "CCHC_LANG", "CCHC_CHANNEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("CCHC_USER", raising=False)  # set up as the operator
    for argv in (
        ["plan", "load", str(PLAN_2020)],
        ["officer", "import", str(plans.HERE / "demo-roster.csv")],
    ):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code in (0, None), f"cchc {' '.join(argv)} failed"
    return home


def _job(name: str, now: str) -> None:
    from application.jobs import JobEnv, run_job
    from application.settings import Settings
    from domain.clock import parse_moment

    env = JobEnv.build(Settings.from_env(os.environ))
    moment = parse_moment(now, TIMEZONE)
    assert moment is not None
    run_job(env, name, moment)
    env.close()


def _materialise(now: str) -> None:
    _job("materialise", now)


def _remind(now: str) -> None:
    _job("remind", now)


@pytest.mark.prefect
def test_materialise_flow_creates_the_year(prefect_server: None, cchc_home: Path) -> None:
    from flows.work import materialise_flow

    report = materialise_flow(now="2020-01-01T06:00")

    assert report["job"] == "materialise"
    assert report["now"] == "2020-01-01T06:00:00+07:00"
    assert sum(plan["created"] for plan in report["plans"]) == 146


@pytest.mark.prefect
def test_remind_flow_catches_up_an_escalation(prefect_server: None, cchc_home: Path) -> None:
    from flows.work import remind_flow

    _materialise("2020-01-01T06:00")

    report = remind_flow(units=["phu-huu"], now="2020-03-17T08:00")

    assert report["escalations"] == 1
    assert report["catch_ups"] == 1
    assert report["messages"] == 1


@pytest.mark.prefect
def test_deliver_flow_writes_the_message(prefect_server: None, cchc_home: Path) -> None:
    from flows.work import deliver_flow

    _materialise("2020-01-01T06:00")
    _remind("2020-03-17T08:00")

    report = deliver_flow(now="2020-03-17T08:00")

    assert report["sent"] == 1
    assert report["channel"] == "file"
    assert len(list((cchc_home / "outbox").glob("*.eml"))) == 1
