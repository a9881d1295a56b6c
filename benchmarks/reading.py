"""The officers' reading commands on the demo database, each a whole process (issue 15).

``cchc tasks``, ``cchc completeness``, ``cchc par score`` and ``cchc kpi`` as the demo runs
them (the year 2020 at its end, ``--now 2021-01-05T08:00``), on the database ``make demo``
builds (``python -m cchc.demo`` into a temporary home, or ``--demo HOME`` to reuse one). Each
is started as a new process ``runs`` times (median; target ≤ 0.5 s), beside two floors
measured in the same run, the runs interleaved so the machine's load falls on all alike:

* **its imports alone**: a process importing exactly the modules the command had imported
  when it ended (recorded by a first run), in the same order, and doing nothing else —
  what the command costs before it reads or prints anything;
* **``cchc --help``**: the command line's start-up.

And the same command handed to a preloaded process (``cchc preload start``, started for the
run in a folder of its own): the launcher's whole process, which ends when the command has.

Commands run the checkout's code (``PYTHONPATH``; ``--checkout DIR`` runs another, e.g. the
main branch, for a before/after) with bytecode written, as on an installed machine.

Run alone: ``python -m benchmarks.run --only reading`` (rewrites the "## Reading" section of
``benchmarks/results.md``), or ``python -m benchmarks.reading`` (prints it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.5  # seconds, whole process (issue 15)
AT = ("--now", "2021-01-05T08:00")  # the demo's year end
COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tasks", ("tasks", *AT)),
    ("completeness", ("completeness", "--by", "area", "--year", "2020", *AT)),
    ("par score", ("par", "score", "--year", "2020", *AT)),
    ("kpi", ("kpi", "--year", "2020", *AT)),
)
HELP = ("--help",)

# Runs the command line like the ``cchc`` script does, then writes the names of the modules
# the process imported, in the order they were imported.
_RECORD = """
import sys
out = sys.argv.pop(1)
sys.argv[0] = "cchc"
try:
    from cchc.cli import main
    main(sys.argv[1:])
except SystemExit:
    pass
finally:
    with open(out, "w", encoding="utf-8") as f:
        f.write("\\n".join(n for n in list(sys.modules) if not n.startswith("__")))
"""
# Imports the modules a command imported, and nothing else.
_IMPORT_ONLY = """
import importlib, sys
for name in open(sys.argv[1], encoding="utf-8").read().split():
    if name not in sys.modules:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
"""
# The ``cchc`` script: its launcher (``cchc.launch``), which hands the command to a preloaded
# process when one runs; a checkout before the launcher has only ``cchc.cli``.
_CLI = (
    "import sys; sys.argv[0] = 'cchc'\n"
    "try:\n    from cchc.launch import main\nexcept ImportError:\n"
    "    from cchc.cli import main as cli\n    main = lambda: cli(sys.argv[1:])\n"
    "main()"
)


def _env(home: Path, checkout: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CCHC_DATABASE_URL", "CCHC_USER", "CCHC_LANG", "PYTHONDONTWRITEBYTECODE")
    }
    env.update(CCHC_HOME=str(home), COLUMNS="100", PYTHONPATH=str(checkout), CCHC_PRELOAD="off")
    return env


def _preloaded(env: dict[str, str], folder: Path, cwd: Path, op: str) -> bool:
    """``cchc preload start`` or ``stop`` in ``folder`` for the run; False when the checkout
    has no preloaded process (a checkout from before it)."""
    own = env | {"CCHC_PRELOAD_DIR": str(folder)}
    done = subprocess.run(
        [sys.executable, "-c", _CLI, "preload", op], env=own, cwd=cwd, capture_output=True
    )
    return done.returncode == 0


def build_demo(home: Path) -> None:
    """The demo's database, made as ``make demo`` makes it (its output is not shown)."""
    subprocess.run(
        [sys.executable, "-m", "cchc.demo", str(home)],
        check=True,
        cwd=ROOT,
        env=_env(home, ROOT),
        stdout=subprocess.DEVNULL,
    )


def _run(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one process (its output discarded; a failure stops the run)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[3:])} failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_reading(demo: Path | None = None, runs: int = 5, checkout: Path = ROOT) -> dict[str, Any]:
    """Median wall and CPU seconds of each command, its imports alone and ``cchc --help``."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "demo"
        started = time.perf_counter()
        if demo is None:
            build_demo(home)
        else:
            shutil.copytree(demo, home)  # the commands read a copy, the given home is untouched
        built = time.perf_counter() - started
        env = _env(home, checkout)
        cwd = Path(tmp)  # not the checkout: only PYTHONPATH says whose code runs
        folder = Path(tmp) / "preload"
        preloaded_env = env | {"CCHC_PRELOAD": "on", "CCHC_PRELOAD_DIR": str(folder)}
        python = sys.executable
        jobs: dict[str, tuple[list[str], dict[str, str]]] = {
            "help": ([python, "-c", _CLI, *HELP], env)
        }
        for name, args in COMMANDS:
            modules = Path(tmp) / f"{name.replace(' ', '-')}.modules"
            _run([python, "-c", _RECORD, str(modules), *args], env, cwd)  # warm, and record
            jobs[name] = ([python, "-c", _CLI, *args], env)
            jobs[f"{name} imports"] = ([python, "-c", _IMPORT_ONLY, str(modules)], env)
        preloading = _preloaded(env, folder, cwd, "start")
        try:
            if preloading:
                jobs["help preloaded"] = ([python, "-c", _CLI, *HELP], preloaded_env)
                for name, args in COMMANDS:
                    jobs[f"{name} preloaded"] = ([python, "-c", _CLI, *args], preloaded_env)
            for argv, environ in jobs.values():  # every process once first (bytecode, caches)
                _run(argv, environ, cwd)
            load_before = os.getloadavg()
            samples: dict[str, list[tuple[float, float]]] = {key: [] for key in jobs}
            for _ in range(runs):  # interleaved: a burst of load falls on every column alike
                for key, (argv, environ) in jobs.items():
                    samples[key].append(_run(argv, environ, cwd))
            load_after = os.getloadavg()
        finally:
            if preloading:
                _preloaded(env, folder, cwd, "stop")
    wall = {k: statistics.median(w for w, _ in v) for k, v in samples.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in samples.items()}
    return {
        "wall": wall,
        "cpu": cpu,
        "runs": runs,
        "built": built if demo is None else None,
        "load_before": load_before,
        "load_after": load_after,
        "date": dt.date.today().isoformat(),
        "python": sys.version.split()[0],
        "cores": os.cpu_count(),
    }


def reading_section(result: dict[str, Any]) -> list[str]:
    """The "## Reading" section of ``results.md``."""
    wall, cpu = result["wall"], result["cpu"]
    load = ", ".join(f"{x:.1f}" for x in result["load_before"])
    load_after = ", ".join(f"{x:.1f}" for x in result["load_after"])
    lines = [
        "## Reading",
        "",
        "The officers' reading commands on the demo database (`make demo`: the 2020 plan replayed, "
        "146 occurrences, a year of one-stop dossiers, the submitted self-assessment), each "
        f"started as a new process, median of {result['runs']} runs, at the demo's year end "
        "(`--now 2021-01-05T08:00`). Beside each, its floor measured in the same run, the runs "
        "interleaved: a process importing the same modules the command imported and doing "
        "nothing else, and `cchc --help` (the command line's start-up). Then the same "
        "command handed to a preloaded process (`cchc preload start`, started for the run): "
        "the whole `cchc` process, from its start until it exits with the command's status. "
        f"Target: ≤ 0.5 s each (issue 15). Measured on {result['date']}, Python "
        f"{result['python']}, {result['cores']} cores shared with other work; load average "
        f"(1, 5, 15 min) {load} before, {load_after} after. CPU is the process's user + system "
        "time (less sensitive to the machine's load than the wall clock); a preloaded "
        "command's CPU is spent in the preloaded process's fork and is not counted here.",
        "",
        "| command | on its own | its imports alone (floor) | × floor | CPU | floor's CPU "
        "| preloaded | × on its own | ≤ 0.5 s on its own | ≤ 0.5 s preloaded |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| `cchc --help` | {wall['help']:.2f} s | | | {cpu['help']:.2f} s | "
        + (f"| {wall['help preloaded']:.2f} s " if "help preloaded" in wall else "| ")
        + "| | | |",
    ]
    for name, args in COMMANDS:
        floor, floor_cpu = wall[f"{name} imports"], cpu[f"{name} imports"]
        pre = wall.get(f"{name} preloaded")
        lines.append(
            f"| `cchc {' '.join(args)}` | {wall[name]:.2f} s | {floor:.2f} s "
            f"| {wall[name] / floor:.2f}× | {cpu[name]:.2f} s | {floor_cpu:.2f} s "
            + (f"| {pre:.2f} s | {pre / wall[name]:.2f}× " if pre is not None else "| | ")
            + f"| {'yes' if wall[name] <= TARGET else 'no'} "
            + f"| {'' if pre is None else 'yes' if pre <= TARGET else 'no'} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", type=Path, help="a home made by `make demo` (copied) to reuse")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--checkout", type=Path, default=ROOT, help="whose code the commands run")
    args = parser.parse_args()
    print("\n".join(reading_section(bench_reading(args.demo, args.runs, args.checkout))))


if __name__ == "__main__":
    main()
