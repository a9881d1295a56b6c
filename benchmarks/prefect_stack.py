"""A Prefect server on PostgreSQL and process workers on this machine, for the at-scale replay.

The same steps as ``scripts/at-scale.sh`` (a fresh ``PREFECT_HOME``, the server's database
migrated once, ``prefect server start`` on 127.0.0.1, the ``cchc`` process pool and
``prefect --no-prompt deploy --all`` from the checkout's ``prefect.yaml``), in Python so the
replay can restart the server and kill a worker with ``SIGKILL`` while runs are under way.
Every process is started in a session of its own and stopped by its id. Flow runs are created
and watched through the REST API (``httpx``), which rides out a server restart by retrying.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
HEARTBEAT_SECONDS = 30  # the smallest Prefect allows; a killed run is noticed within ~75 s
ZOMBIE_AFTER = 75
PENDING_AFTER = 240  # a process worker may take a minute to start a run on a busy machine


@dataclass
class PrefectStack:
    """The server, the workers and the environment every process of the stack shares."""

    root: Path  # the checkout holding prefect.yaml and flows/
    work: Path  # logs and PREFECT_HOME
    database_url: str  # postgresql+asyncpg://… for the server
    port: int
    env: dict[str, str]  # cchc's settings for the flow runs (CCHC_DATABASE_URL, CCHC_HOME…)
    server: subprocess.Popen[bytes] | None = None
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    restarts: int = 0
    killed: list[str] = field(default_factory=list)
    gone_cpu: float = 0.0  # CPU seconds of the processes stopped or killed so far

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def environ(self) -> dict[str, str]:
        bin_dir = str(Path(sys.executable).parent)
        return {
            **os.environ,
            **self.env,
            "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
            "PYTHONPATH": str(self.root),  # this checkout's packages before the installed ones
            "CCHC_ROOT": str(self.root),  # read by prefect.yaml's pull step
            "PREFECT_HOME": str(self.work / "prefect-home"),
            "PREFECT_API_URL": self.api,
            "PREFECT_API_DATABASE_CONNECTION_URL": self.database_url,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",  # the replay is the clock
            "PREFECT_SERVER_SERVICES_SCHEDULER_MAX_SCHEDULED_TIME": "P400D",
            "PREFECT_WORKER_QUERY_SECONDS": "2",
            "PREFECT_WORKER_PREFETCH_SECONDS": "2",
            "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(HEARTBEAT_SECONDS),
            "PREFECT_UI_ENABLED": "false",
        }

    # --- the server -------------------------------------------------------------------

    def migrate(self) -> None:
        self._prefect("server", "database", "upgrade", "-y", log="upgrade.log")

    def start_server(self) -> None:
        with open(self.work / "server.log", "ab") as log:  # the process keeps its own copy
            self.server = subprocess.Popen(
                ["prefect", "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.environ(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.api}/health", timeout=2).status_code == 200:
                    return
            if self.server.poll() is not None:
                raise RuntimeError(f"prefect server exited; see {self.work / 'server.log'}")
            time.sleep(0.5)
        raise RuntimeError("prefect server not healthy after 120 s")

    def restart_server(self) -> float:
        """Stop the server (Ctrl-C) and start it again; the seconds it was away."""
        start = time.monotonic()
        assert self.server is not None
        self.gone_cpu += _tree_cpu(self.server.pid)
        _stop(self.server)
        self.start_server()
        self.restarts += 1
        return time.monotonic() - start

    def deploy(self) -> None:
        """The ``cchc`` process pool and the deployments of ``prefect.yaml``; the automation
        that marks a run whose heartbeats stopped (its process was killed) ``CRASHED``."""
        self._prefect("work-pool", "create", "cchc", "--type", "process", log="pool.log")
        self._prefect("--no-prompt", "deploy", "--all", log="deploy.log")
        self._zombie_automation()

    def _zombie_automation(self) -> None:
        """Prefect's documented recipe for zombie runs (docs: "detect and respond to zombie
        flows"): a run whose heartbeats stop is marked ``CRASHED``; and its twin for a run a
        worker claimed (``Pending``) but never started because the worker died."""
        final = [
            "prefect.flow-run.Completed",
            "prefect.flow-run.Failed",
            "prefect.flow-run.Cancelled",
            "prefect.flow-run.Crashed",
        ]
        for name, after, expect, within in (
            ("heartbeats stopped", "prefect.flow-run.heartbeat", "prefect.flow-run.heartbeat",
             ZOMBIE_AFTER),
            ("never started", "prefect.flow-run.Pending", "prefect.flow-run.Running",
             PENDING_AFTER),
        ):  # fmt: skip
            body = {
                "name": f"Crash flow runs: {name}",
                "trigger": {
                    "type": "event",
                    "posture": "Proactive",
                    "after": [after],
                    "expect": [expect, *final],
                    "match": {"prefect.resource.id": ["prefect.flow-run.*"]},
                    "for_each": ["prefect.resource.id"],
                    "threshold": 1,
                    "within": within,
                },
                "actions": [
                    {
                        "type": "change-flow-run-state",
                        "state": "CRASHED",
                        "message": f"The process running the flow was lost ({name}).",
                    }
                ],
                "enabled": True,
            }
            self.request("POST", "/automations/", json=body)

    # --- workers ----------------------------------------------------------------------

    def start_worker(self, name: str) -> None:
        with open(self.work / f"worker-{name}.log", "ab") as log:
            self.workers[name] = subprocess.Popen(
                [
                    "prefect",
                    "worker",
                    "start",
                    "--pool",
                    "cchc",
                    "--type=process",
                    f"--name={name}",
                ],
                env=self.environ(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill_worker(self, name: str) -> list[int]:
        """``kill -9`` the worker and every process under it (its flow runs): a lost machine."""
        worker = self.workers.pop(name)
        pids = [worker.pid, *_descendants(worker.pid)]
        self.gone_cpu += _tree_cpu(worker.pid)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        worker.wait(10)
        self.killed.append(name)
        return pids

    def busy_workers(self) -> dict[str, set[str]]:
        """The flow runs each worker has a process for right now (``PREFECT__FLOW_RUN_ID``
        in the environment of the processes under it)."""
        return {name: _flow_runs_under(proc.pid) for name, proc in self.workers.items()}

    def cpu_seconds(self) -> float:
        """CPU time of the server and the workers with all their children so far, and of
        those stopped or killed before."""
        procs = [p for p in (self.server, *self.workers.values()) if p is not None]
        return self.gone_cpu + sum(_tree_cpu(p.pid) for p in procs)

    def stop(self) -> None:
        for worker in list(self.workers.values()):
            _stop(worker)
        self.workers.clear()
        if self.server is not None:
            _stop(self.server)

    # --- the REST API -----------------------------------------------------------------

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """One API call, retried for up to 3 minutes while the server is away."""
        deadline = time.monotonic() + 180
        while True:
            try:
                response = httpx.request(method, self.api + path, timeout=30, **kwargs)
                if response.status_code < 500:
                    response.raise_for_status()
                    return response.json() if response.content else None
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"Prefect API {method} {path} unavailable for 3 minutes")
            time.sleep(1)

    def deployment_id(self, name: str) -> str:
        return str(self.request("GET", f"/deployments/name/{name}")["id"])

    def create_run(self, deployment: str, parameters: dict[str, Any]) -> str:
        run = self.request(
            "POST", f"/deployments/{deployment}/create_flow_run", json={"parameters": parameters}
        )
        return str(run["id"])

    def runs(self, ids: list[str]) -> list[dict[str, Any]]:
        body = {"flow_runs": {"id": {"any_": ids}}, "limit": 200}
        found: list[dict[str, Any]] = self.request("POST", "/flow_runs/filter", json=body)
        return found

    def heartbeats(self, run_id: str) -> int:
        """Heartbeat events the server has received from the flow run ``run_id``."""
        body = {
            "filter": {
                "event": {"name": ["prefect.flow-run.heartbeat"]},
                "any_resource": {"id": [f"prefect.flow-run.{run_id}"]},
            },
            "limit": 10,
        }
        return len(self.request("POST", "/events/filter", json=body)["events"])

    def retried(self, ids: list[str]) -> int:
        """How many of the flow runs ``ids`` Prefect ran more than once (its retries)."""
        return sum(
            1
            for start in range(0, len(ids), 200)
            for run in self.runs(ids[start : start + 200])
            if run["run_count"] > 1
        )

    def _prefect(self, *args: str, log: str) -> None:
        with open(self.work / log, "ab") as out:
            done = subprocess.run(
                ["prefect", *args],
                env=self.environ(),
                cwd=self.root,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=300,
                check=False,
            )
        if done.returncode:
            raise RuntimeError(f"prefect {' '.join(args)} failed; see {self.work / log}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Ctrl-C, then TERM, then KILL to the process's session (bounded waits)."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(10)
            return


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            out.setdefault(ppid, []).append(int(entry.name))
    return out


def _descendants(pid: int) -> list[int]:
    tree, found, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _flow_runs_under(pid: int) -> set[str]:
    found = set()
    for child in _descendants(pid):
        with contextlib.suppress(OSError):
            for item in Path(f"/proc/{child}/environ").read_bytes().split(b"\0"):
                if item.startswith(b"PREFECT__FLOW_RUN_ID="):
                    found.add(item.split(b"=", 1)[1].decode())
    return found


def _tree_cpu(pid: int) -> float:
    """CPU time of ``pid`` with its finished children and of the processes still under it."""
    running = _descendants(pid)
    return _cpu(pid) + sum(_cpu(child, own=True) for child in running)


def _cpu(pid: int, own: bool = False) -> float:
    """utime + stime (+ cutime + cstime: the children it has waited for, unless ``own``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = sum(int(x) for x in fields[11 : 13 if own else 15])
    return ticks / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def running(stack: PrefectStack, workers: int) -> Iterator[PrefectStack]:
    """The stack up (migrated, started, deployed, ``workers`` workers), stopped afterwards."""
    try:
        stack.migrate()
        stack.start_server()
        stack.deploy()
        for number in range(1, workers + 1):
            stack.start_worker(f"worker-{number}")
        yield stack
    finally:
        stack.stop()
