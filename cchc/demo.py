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
    run("officer", "contact", "hung.nv@phuhuu.gov.vn", "--digest")
    run(
        "officer",
        "contact",
        "anh.btn@phuhuu.gov.vn",
        "--apprise",
        "json://localhost/cchc-demo",
        "--channels",
        "email,apprise",
    )
    run("plan", "show")
    run("matrix")
    run("who", "II.3.5", "--on", "2020-05-04")
    run("who", "II.9.1", "--on", "2020-05-04")
    run("who", "II.1.3", "--on", "2020-07-15")
    run("calendar", "add", "2020-01-20", "5")
    run("notify", "preview", "escalation")
    replay(home)
    print(f"\nCơ sở dữ liệu demo / demo database: {home / 'cchc.sqlite3'}")


def replay(home: Path) -> None:
    """Play 2020 day by day through the real sweep, with simulated officers."""
    import time

    from rich.console import Console
    from rich.table import Table
    from sqlmodel import Session

    from cchc.replay import replay_year
    from domain.lifecycle import STATUSES
    from storage.blobs import DiskBlobStore
    from storage.db import make_engine
    from storage.units import get_unit

    console = Console(highlight=False, width=110)
    console.print("\n[bold]Phát lại năm 2020 / replaying 2020 day by day …[/bold]")
    started = time.perf_counter()
    engine = make_engine(f"sqlite:///{home / 'cchc.sqlite3'}")
    with Session(engine) as session:
        unit_id = get_unit("phu-huu", session=session).id or 0
    report = replay_year(
        engine,
        unit_id=unit_id,
        year=2020,
        outbox=home / "outbox",
        store=DiskBlobStore(home / "evidence"),
    )
    engine.dispose()

    table = Table(
        title="Lần thực hiện theo lĩnh vực và trạng thái / occurrences by area and status"
    )
    table.add_column("Lĩnh vực")
    shown = [s for s in STATUSES if any(c[s] for c in report.by_status.values())]
    for status in shown:
        table.add_column(status, justify="right")
    for area in sorted(report.by_status, key=lambda a: int(a) if a.isdigit() else 99):
        table.add_row(area, *[str(report.by_status[area][s]) for s in shown])
    console.print(table)
    steps = report.steps
    console.print(
        f"Nhắc việc đã gửi / reminders sent: {steps['reminder:sent']} · "
        f"báo cáo lên cấp trên / escalations sent: {steps['escalation:sent']} · "
        f"bước bỏ qua khi tổng hợp / steps folded into catch-ups: "
        f"{steps['reminder:skipped'] + steps['escalation:skipped']} · "
        f"chuyển người phụ trách / re-routed: {report.rerouted} · thư tổng hợp / digests: {report.digests} · "
        f"thư / messages: {report.messages}"
    )
    on_time = Table(title="Tỷ lệ nộp đúng hạn theo chức danh / on-time share per position")
    for head in ("Chức danh", "Đúng hạn", "Tổng", "%"):
        on_time.add_column(head, justify="right" if head != "Chức danh" else "left")
    for role, (ok, total) in sorted(report.on_time.items()):
        on_time.add_row(role, str(ok), str(total), f"{100 * ok / total:.0f}" if total else "—")
    console.print(on_time)
    console.print(
        f"Hộp thư đi / outbox: {report.outbox} ({report.messages} tệp .eml) — "
        f"{time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    demo(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("var/demo").resolve())
