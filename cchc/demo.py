"""``make demo``: the bundled 2020 plan in a fresh embedded database, shown as a user sees it.

Runs the real command line in-process against ``var/demo`` (removed first), so the
demo is exactly what a ward's CCHC officer would type.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from plans import FRAMEWORK_2020, HERE, PLAN_2020


def run(*args: str) -> None:
    from cchc.cli import main

    print(f"\n$ cchc {' '.join(args)}", flush=True)
    try:
        main(list(args))
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise


def demo(home: Path) -> None:
    shutil.rmtree(home, ignore_errors=True)
    os.environ["CCHC_HOME"] = str(home)
    os.environ.pop("CCHC_DATABASE_URL", None)
    os.environ.setdefault("CCHC_USER", "demo")
    os.environ.setdefault("COLUMNS", "100")
    roster = HERE / "demo-roster.csv"
    run("plan", "validate", str(PLAN_2020))
    run("framework", "validate", str(FRAMEWORK_2020), "--plan", str(PLAN_2020))
    run("init")
    run("plan", "load", str(PLAN_2020))
    run("plan", "load", str(PLAN_2020))
    run("officer", "import", str(roster))
    run("plan", "show")
    run("matrix")
    run("who", "II.3.5", "--on", "2020-05-04")
    run("who", "II.9.1", "--on", "2020-05-04")
    run("who", "II.1.3", "--on", "2020-07-15")
    print(f"\nCơ sở dữ liệu demo / demo database: {home / 'cchc.sqlite3'}")


if __name__ == "__main__":
    demo(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("var/demo").resolve())
