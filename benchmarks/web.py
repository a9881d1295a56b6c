"""Web latency: "Việc của tôi" (``GET /``) and the API's ``GET /api/v1/tasks`` on a city's year.

A fresh PostgreSQL database holds the city of ``benchmarks.scheduling.build_city`` (300 units ×
the bundled plan). The real server runs as ``cchc web --workers N`` in a subprocess, once per
number of workers (1, then 2); the officer with the most occurrences gets a password
(``cchc user password``) and signs in through the sign-in form, and an API token
(``cchc token create``). ``GET /healthz`` on the same server in the same run is the baseline of
every measure. Two kinds of load, ``clients`` clients each, for ``seconds`` per measure:

* **saturation** (closed loop): each client sends its next request as soon as the last one
  answered, with no pause. On a machine of ``c`` cores this measures throughput: its latency is
  queueing (Little's law: p50 ≈ clients / requests per second), whatever a page costs;
* **officers** (open loop): each client sends one request every ``1 / rate`` seconds at fixed
  times (a random phase each), whether or not its last request has been answered, and latency is
  measured from the time the request was due to be sent, so a slow answer delays no later
  measurement (no coordinated omission). This is the load the 100 ms target is about.

The SQL statements per request are counted in this process (the same application on its own
engine, a listener on the engine) for the officer with the fewest and the one with the most
occurrences: the count must not grow with the rows a page shows.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import random
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


async def _open_loop(
    base: str, path: str, headers: list[dict[str, str]], seconds: float, rate: float, seed: int = 7
) -> list[float]:
    """Latencies (s) of one client per ``headers`` each sending ``GET path`` ``rate`` times a
    second at fixed times (a random phase per client), answered or not; each latency runs
    from the time the request was due, not from when it could be sent."""
    import httpx

    latencies: list[float] = []
    failures: list[int] = []
    warm = 1.0
    pool = 8 * len(headers)  # requests a slow server has not answered yet wait here, not queued
    limits = httpx.Limits(max_connections=pool, max_keepalive_connections=pool)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def one(due: float, mine: dict[str, str], kept: bool) -> None:
            pause = due - time.perf_counter()
            if pause > 0:
                await asyncio.sleep(pause)
            answer = await client.get(path, headers=mine)
            elapsed = time.perf_counter() - due
            if answer.status_code != 200:
                failures.append(answer.status_code)
            if kept:
                latencies.append(elapsed)

        rng = random.Random(seed)
        start = time.perf_counter() + 0.2
        sends = []
        for mine in headers:
            phase = rng.random() / rate
            k = 0
            while (at := phase + k / rate) < warm + seconds:
                sends.append(one(start + at, mine, at >= warm))
                k += 1
        await asyncio.gather(*sends)
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
        "p99": cuts[98],
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


def _measure(
    base: str,
    browsers: list[dict[str, str]],
    bearer: dict[str, str],
    seconds: float,
    rate: float,
) -> dict[str, Any]:
    """Every measure on the server at ``base``: saturation, officers, one client alone."""
    clients = len(browsers)
    out: dict[str, Any] = {"load": os.getloadavg()[0]}
    closed = (
        ("healthz", "/healthz", [{}] * clients),
        ("page", "/", browsers),
        ("api", "/api/v1/tasks", [bearer] * clients),
        ("healthz_alone", "/healthz", [{}]),
        ("page_alone", "/", browsers[:1]),
    )
    for measure, path, headers in closed:
        out[measure] = _summary(asyncio.run(_load(base, path, headers, seconds)), seconds)
    opened = (
        ("healthz_open", "/healthz", [{}] * clients),
        ("page_open", "/", browsers),
        ("api_open", "/api/v1/tasks", [bearer] * clients),
    )
    for measure, path, headers in opened:
        latencies = asyncio.run(_open_loop(base, path, headers, seconds, rate))
        out[measure] = _summary(latencies, seconds)
    out["load_after"] = os.getloadavg()[0]
    return out


def _serve(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cchc.cli", "web", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stop(server: subprocess.Popen[str]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def bench_web(
    admin_url: str,
    units: int = 300,
    seconds: float = 10.0,
    clients: int = 20,
    workers: tuple[int, ...] = (1, 2),
    rate: float = 1.0,
) -> dict[str, Any] | str:
    """The city on a fresh PostgreSQL database, ``cchc web --workers N`` on it for each N of
    ``workers``, and the measures (``rate``: requests per second of each officer)."""
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
    runs: dict[int, Any] = {}
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
            bearer = {"Authorization": f"Bearer {token['token']}"}  # one script, one token
            browsers: list[dict[str, str]] = []  # sessions live in the database: kept across runs
            for n in workers:
                port = _free_port()
                base = f"http://127.0.0.1:{port}"
                server = _serve(env, port, n)
                _wait_healthy(base, server)
                time.sleep(2.0 * (n - 1))  # the other workers up too
                while len(browsers) < clients:  # each client a browser signed in: its own session
                    with httpx.Client(base_url=base, follow_redirects=False) as browser:
                        _sign_in(browser, most)
                        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
                    browsers.append({"Cookie": cookie})
                runs[n] = _measure(base, browsers, bearer, seconds, rate)
                _stop(server)
                server = None
    finally:
        if server is not None:
            _stop(server)
        engine.dispose()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return {
        "date": dt.date.today().isoformat(),
        "units": units,
        "occurrences": occurrences,
        "clients": clients,
        "seconds": seconds,
        "rate": rate,
        "cores": os.cpu_count() or 0,
        "officer": most,
        "officer_active": most_n,
        "fewest": fewest,
        "fewest_active": fewest_n,
        "counts": counts,
        "runs": runs,
    }


TARGET = 0.100  # p95 of "Việc của tôi" under the officers' load (issue 12)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def web_section(result: dict[str, Any] | str) -> list[str]:
    """The ``## Web`` section of ``results.md`` (the last one)."""
    head = ["## Web", ""]
    if isinstance(result, str):
        return [*head, f"Not measured: {result}"]
    r = result
    runs: dict[int, Any] = r["runs"]
    most, fewest = r["counts"][r["officer"]], r["counts"][r["fewest"]]
    offered = r["clients"] * r["rate"]
    pages = {"page": "`GET /` (Việc của tôi)", "api": "`GET /api/v1/tasks`"}

    def saturation_rows() -> list[str]:
        out = []
        for n, m in runs.items():
            base = m["healthz"]
            out.append(
                f"| `GET /healthz` (baseline) | {n} | {base['per_second']:,.0f} | {_ms(base['p50'])} "
                f"| {_ms(base['p95'])} | 1.00× | 1.00× |"
            )
            for key, label in pages.items():
                x = m[key]
                out.append(
                    f"| {label} | {n} | {x['per_second']:,.0f} | {_ms(x['p50'])} | {_ms(x['p95'])} "
                    f"| {x['p50'] / base['p50']:.2f}× | {x['p95'] / base['p95']:.2f}× |"
                )
            alone, page = m["healthz_alone"], m["page_alone"]
            out.append(
                f"| one client alone: `GET /healthz` | {n} | {alone['per_second']:,.0f} "
                f"| {_ms(alone['p50'])} | {_ms(alone['p95'])} | 1.00× | 1.00× |"
            )
            out.append(
                f"| one client alone: `GET /` | {n} | {page['per_second']:,.0f} "
                f"| {_ms(page['p50'])} | {_ms(page['p95'])} | {page['p50'] / alone['p50']:.2f}× "
                f"| {page['p95'] / alone['p95']:.2f}× |"
            )
        return out

    def officer_rows() -> list[str]:
        out = []
        for n, m in runs.items():
            base = m["healthz_open"]
            out.append(
                f"| `GET /healthz` (baseline) | {n} | {base['per_second']:,.1f} | {_ms(base['p50'])} "
                f"| {_ms(base['p95'])} | {_ms(base['p99'])} | 1.00× | |"
            )
            for key, label in pages.items():
                x = m[key + "_open"]
                ok = ("yes" if x["p95"] <= TARGET else "no") if key == "page" else ""
                out.append(
                    f"| {label} | {n} | {x['per_second']:,.1f} | {_ms(x['p50'])} | {_ms(x['p95'])} "
                    f"| {_ms(x['p99'])} | {x['p95'] / base['p95']:.2f}× | {ok} |"
                )
        return out

    loads = ", ".join(
        f"{n} worker{'s' if n > 1 else ''}: {m['load']:.1f} before, {m['load_after']:.1f} after"
        for n, m in runs.items()
    )
    return [
        *head,
        f'"Việc của tôi" (`GET /`) and the API\'s `GET /api/v1/tasks` on PostgreSQL holding a '
        f"city's year ({r['units']} units × the bundled plan, {r['occurrences']:,} occurrences), "
        "served by `cchc web --workers N` (uvicorn) on the wall clock, "
        f"N = {' and '.join(str(n) for n in runs)}, PostgreSQL and the clients on the same "
        f"machine ({r['cores']} cores, shared with other work). {r['clients']} clients, each "
        "signed in through the sign-in form with a session of its own, as the officer with the "
        f"most occurrences ({r['officer']}: {r['officer_active']} active, all shown on the page: "
        f"{most['rows']} rows); the API with one token (`cchc token create`); {r['seconds']:.0f} s "
        f"per measure after 1 s of warm-up. Measured on {r['date']}; the machine's load average "
        f"(1 min) — {loads}. Each latency is also given as a ratio to `GET /healthz` measured the "
        "same way on the same server in the same run, which is the figure to compare across "
        "machines and loads.",
        "",
        f"### {r['clients']} officers at work (open loop: the target)",
        "",
        f"Each client sends one request every {1 / r['rate']:.0f} s at fixed times (a random "
        "phase each), whether or not its last one has been answered: "
        f"{offered:.0f} requests/s offered in all. Latency runs from the time the request was "
        "due, so a slow answer is not hidden by the next request waiting for it (no coordinated "
        "omission). The target — p95 of the page ≤ 100 ms — applies here: it is what officers "
        "opening their pages feel. One request a second per officer is already far more than a "
        "ward's officers click (a page every few seconds each at most); the measure is the "
        "latency at a realistic, even generous, load, not the server's limit.",
        "",
        "| request | workers | answered/s | p50 | p95 | p99 | p95 ratio | page p95 ≤ 100 ms |",
        "|---|---|---|---|---|---|---|---|",
        *officer_rows(),
        "",
        "### Saturation (closed loop: throughput)",
        "",
        f"Each of the {r['clients']} clients sends its next request as soon as the last is "
        "answered, with no pause: the server is always busy, so this measures how many requests "
        "a second it can answer. Its latency is queueing, not the cost of one page (Little's "
        f"law: mean latency = {r['clients']} / requests per second), so its p95 could come down to "
        f"100 ms only at about {r['clients'] / TARGET:.0f} pages/s or more; no target applies to "
        "it. One client alone shows a page's own cost.",
        "",
        "| request | workers | requests/s | p50 | p95 | p50 ratio | p95 ratio |",
        "|---|---|---|---|---|---|---|",
        *saturation_rows(),
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
    result = bench_web(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
    print(json.dumps(result, indent=1))
    print("\n".join(web_section(result)))
