"""Web latency: "Việc của tôi" (``GET /``) and the API's ``GET /api/v1/tasks`` on a city's year.

A fresh PostgreSQL database holds the city of ``benchmarks.scheduling.build_city`` (300 units ×
the bundled plan). The real server runs as ``cchc web`` in a subprocess; the officer with the
most occurrences gets a password (``cchc user password``) and signs in through the sign-in
form, and an API token (``cchc token create``). Clients: ``clients`` concurrent asyncio/httpx
clients, each sending its next request as soon as the last one answered, for ``seconds`` per
measure; ``GET /healthz`` on the same server in the same run is the baseline.

The SQL statements per request are counted in this process (the same application on its own
engine, a listener on the engine) for the officer with the fewest and the one with the most
occurrences: the count must not grow with the rows a page shows.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from benchmarks import AUDIT_KEY, bench_engine

PASSWORD = "bench-mat-khau-2020"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
DATABASE = "cchc_bench_web"  # and a suffix of its own per run


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _officers(engine: Any) -> tuple[tuple[str, int], tuple[str, int]]:
    """(email, active occurrences) of the officer with the most, and with the fewest (> 0)."""
    from sqlalchemy import text

    from domain.lifecycle import ACTIVE

    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT o.email, count(*) AS n FROM occurrence AS x "
                "JOIN officer AS o ON o.id = x.officer_id "
                "WHERE x.status = ANY(:active) GROUP BY o.id, o.email ORDER BY n DESC, o.email"
            ),
            {"active": list(ACTIVE)},
        ).all()
    most, fewest = rows[0], rows[-1]
    return (most.email, most.n), (fewest.email, fewest.n)


def _cli(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "cchc.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"cchc {' '.join(args)}: {done.stderr or done.stdout}")
    return done.stdout


def _sign_in(client: Any, email: str) -> None:
    form = client.get("/dang-nhap")
    found = CSRF.search(form.text)
    assert found, "no CSRF field on the sign-in page"
    answer = client.post(
        "/dang-nhap",
        data={"email": email, "password": PASSWORD, "csrf_token": found.group(1), "next": "/"},
    )
    assert answer.status_code == 303, (answer.status_code, answer.text[:300])


def _shown(work: dict[str, Any]) -> int:
    return sum(len(work[g]) for g in ("overdue", "due_soon", "returned", "later", "awaiting_me"))


def query_counts(engine: Any, home: Path, url: str, emails: list[str]) -> dict[str, Any]:
    """SQL statements per ``GET /`` and per ``GET /api/v1/tasks`` for each officer (signed in),
    and the rows each shows; counted by a listener on the application's engine."""
    from fastapi.testclient import TestClient
    from sqlalchemy import event

    from application.settings import Settings
    from web.app import create_app

    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    app = create_app(Settings(home=home, database_url=url, lang="vi"), engine=engine)
    event.listen(engine, "before_cursor_execute", count)
    out: dict[str, Any] = {}
    try:
        for email in emails:
            with TestClient(app, follow_redirects=False) as client:
                _sign_in(client, email)
                client.get("/")  # the first request of a session also records its use
                statements = 0
                page = client.get("/")
                page_statements = statements
                statements = 0
                api = client.get("/api/v1/tasks")
                api_statements = statements
                assert page.status_code == api.status_code == 200
                out[email] = {
                    "rows": _shown(api.json()),
                    "page": page_statements,
                    "api": api_statements,
                }
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return out


async def _load(base: str, path: str, headers: list[dict[str, str]], seconds: float) -> list[float]:
    """Latencies (s) of one client per ``headers`` sending ``GET path`` back to back (each
    with its own headers) for ``seconds``."""
    import httpx

    latencies: list[float] = []
    failures: list[int] = []
    clients = len(headers)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits) as client:

        async def one(until: float, mine: dict[str, str]) -> None:
            while time.perf_counter() < until:
                start = time.perf_counter()
                answer = await client.get(path, headers=mine)
                elapsed = time.perf_counter() - start
                if answer.status_code != 200:
                    failures.append(answer.status_code)
                latencies.append(elapsed)

        warm = time.perf_counter() + 1.0
        await asyncio.gather(*[one(warm, mine) for mine in headers])
        latencies.clear()
        until = time.perf_counter() + seconds
        await asyncio.gather(*[one(until, mine) for mine in headers])
    if failures:
        raise RuntimeError(f"GET {path}: {len(failures)} failed ({sorted(set(failures))})")
    return latencies


def _summary(latencies: list[float], seconds: float) -> dict[str, float]:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "per_second": len(latencies) / seconds,
        "p50": cuts[49],
        "p95": cuts[94],
    }


def _wait_healthy(base: str, server: subprocess.Popen[str], timeout: float = 60) -> None:
    import httpx

    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if server.poll() is not None:
            raise RuntimeError(f"cchc web exited: {server.stderr.read() if server.stderr else ''}")
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("cchc web did not answer /healthz")


def bench_web(
    admin_url: str, units: int = 300, seconds: float = 10.0, clients: int = 20
) -> dict[str, Any] | str:
    """The city on a fresh PostgreSQL database, ``cchc web`` on it, and the measures."""
    import httpx
    import psycopg

    from benchmarks.scheduling import build_city
    from storage.migrate import upgrade

    name = f"{DATABASE}_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        return f"PostgreSQL unreachable: {exc}"
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    engine = bench_engine(url)
    server: subprocess.Popen[str] | None = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp)
            (home / "audit.key").write_text(AUDIT_KEY.hex() + "\n", encoding="ascii")
            upgrade(engine)
            occurrences, _ = build_city(engine, units)
            with engine.begin() as conn:  # statistics kept (committed) for the planner
                conn.exec_driver_sql("ANALYZE")
            (most, most_n), (fewest, fewest_n) = _officers(engine)
            env = {**os.environ, "CCHC_HOME": tmp, "CCHC_DATABASE_URL": url, "CCHC_LANG": "vi"}
            for email in (most, fewest):
                _cli(env, "user", "password", email, stdin=PASSWORD + "\n")
            token = json.loads(_cli(env, "token", "create", most, "--name", "bench", "--json"))
            counts = query_counts(engine, home, url, [fewest, most])

            port = _free_port()
            base = f"http://127.0.0.1:{port}"
            server = subprocess.Popen(
                [sys.executable, "-m", "cchc.cli", "web", "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            _wait_healthy(base, server)
            browsers = []  # each client a browser of its own, signed in: its own session
            for _ in range(clients):
                with httpx.Client(base_url=base, follow_redirects=False) as browser:
                    _sign_in(browser, most)
                    cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
                browsers.append({"Cookie": cookie})
            bearer = {"Authorization": f"Bearer {token['token']}"}  # one script, one token
            measures: dict[str, Any] = {"load": os.getloadavg()[0]}
            for measure, path, headers in (
                ("healthz", "/healthz", [{}] * clients),
                ("page", "/", browsers),
                ("api", "/api/v1/tasks", [bearer] * clients),
                ("healthz_alone", "/healthz", [{}]),
                ("page_alone", "/", browsers[:1]),
            ):
                latencies = asyncio.run(_load(base, path, headers, seconds))
                measures[measure] = _summary(latencies, seconds)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        engine.dispose()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return {
        "date": dt.date.today().isoformat(),
        "units": units,
        "occurrences": occurrences,
        "clients": clients,
        "seconds": seconds,
        "officer": most,
        "officer_active": most_n,
        "fewest": fewest,
        "fewest_active": fewest_n,
        "counts": counts,
        **measures,
    }


def web_section(result: dict[str, Any] | str) -> list[str]:
    """The ``## Web`` section of ``results.md`` (the last one)."""
    head = ["## Web", ""]
    if isinstance(result, str):
        return [*head, f"Not measured: {result}"]
    r = result
    base = r["healthz"]

    def row(
        label: str, m: dict[str, float], target: str = "", base: dict[str, float] = base
    ) -> str:
        return (
            f"| {label} | {m['per_second']:,.0f} | {m['p50'] * 1000:.1f} ms | {m['p95'] * 1000:.1f} ms "
            f"| {m['p50'] / base['p50']:.2f}× | {m['p95'] / base['p95']:.2f}× | {target} |"
        )

    most, fewest = r["counts"][r["officer"]], r["counts"][r["fewest"]]
    page_ok = "yes" if r["page"]["p95"] <= 0.1 else "no"
    return [
        *head,
        f'"Việc của tôi" (`GET /`) and the API\'s `GET /api/v1/tasks` on PostgreSQL holding a '
        f"city's year ({r['units']} units × the bundled plan, {r['occurrences']:,} occurrences), "
        "served by `cchc web` (uvicorn, one process) on the wall clock. "
        f"{r['clients']} clients, each sending its next request as soon as the last is answered, "
        f"for {r['seconds']:.0f} s per measure; each signed in through the sign-in form with a "
        "session of its own, as the officer with the most occurrences "
        f"({r['officer']}: {r['officer_active']} active, all shown on the page: {most['rows']} rows); "
        "the API with one token (`cchc token create`). Measured on "
        f"{r['date']}; the machine's load average when the measures began: {r['load']:.1f} "
        "(2 cores, shared).",
        "",
        "| request | requests/s | p50 | p95 | p50 ratio | p95 ratio | page p95 ≤ 100 ms |",
        "|---|---|---|---|---|---|---|",
        row("`GET /healthz` (baseline)", base),
        row("`GET /` (Việc của tôi)", r["page"], page_ok),
        row("`GET /api/v1/tasks`", r["api"]),
        "| one client alone: | | | | | | |",
        row("`GET /healthz` (baseline)", r["healthz_alone"], base=r["healthz_alone"]),
        row("`GET /` (Việc của tôi)", r["page_alone"], base=r["healthz_alone"]),
        "",
        "SQL statements per request (a listener on the engine), the same for few rows and many:",
        "",
        "| officer | rows shown | `GET /` | `GET /api/v1/tasks` |",
        "|---|---|---|---|",
        f"| fewest occurrences ({r['fewest']}) | {fewest['rows']} | {fewest['page']} "
        f"| {fewest['api']} |",
        f"| most occurrences ({r['officer']}) | {most['rows']} | {most['page']} | {most['api']} |",
    ]


if __name__ == "__main__":
    print(json.dumps(bench_web(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])), indent=1))
