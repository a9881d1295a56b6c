"""``make demo``: the bundled 2020 plan in a fresh embedded database, shown as a user sees it.

Runs the real command line in-process against ``var/demo`` (removed first), so the
demo is exactly what a ward's CCHC officer would type.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from plans import FRAMEWORK_2020, HERE, PLAN_2020

if TYPE_CHECKING:
    from domain.plan import Role


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
    os.environ.pop("CCHC_USER", None)  # set-up runs as the operator; officers act with --as
    os.environ.setdefault("COLUMNS", "100")
    roster = HERE / "demo-roster.csv"
    run("plan", "validate", str(PLAN_2020))
    run("framework", "validate", str(FRAMEWORK_2020), "--plan", str(PLAN_2020))
    run("init", "--simulation")  # the demo replays 2020: simulated time, never a live database
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
    check_outbox(home)
    year_end(home)
    # the demo speaks the ward's language throughout (its scan in tests/acceptance reads this too)
    print(f"\nCơ sở dữ liệu demo: {home / 'cchc.sqlite3'}")
    print(
        "Xem trong trình duyệt: chạy make web, rồi mở http://localhost:8080 và đăng nhập bằng "
        "nhung.pth@phuhuu.gov.vn, mật khẩu demo-cchc-2020 (hướng dẫn trong README)."
    )


# what the ward's officers record by hand at year end: targets no export feeds, framework
# measures, counts, levels and the survey results the district sends
MEASUREMENTS = [
    ("T2.1b", 100, "Kết quả đánh giá công khai tại Bộ phận một cửa"),
    ("T2.3c", 100, "Thống kê Hệ thống thông tin một cửa điện tử thành phố"),
    ("T2.5", 100, "Thống kê phần mềm quản lý văn bản"),
    ("T2.6", 100, "Danh sách tài khoản thư công vụ"),
    ("ton_tai_khac_phuc_pct", 100, "Báo cáo khắc phục sau kiểm tra"),
    ("van_ban_dung_quy_dinh_pct", 100, "Kết quả kiểm tra văn bản của quận"),
    ("hoa_giai_thanh_pct", 85, "Sổ theo dõi hòa giải"),
    ("pakn_dung_han_pct", 100, "Sổ theo dõi PAKN"),
    ("ho_so_duoc_danh_gia_pct", 62, "Báo cáo kết quả đánh giá"),
    ("cbcc_dat_chuan_pct", 100, "Hồ sơ CBCC"),
    ("dao_tao_hoan_thanh_pct", 90, "Kế hoạch đào tạo và chứng chỉ"),
    ("kien_nghi_thanh_tra_pct", 100, "Báo cáo thực hiện kiến nghị"),
    ("thu_ngan_sach_pct", 104, "Báo cáo quyết toán"),
    ("chu_ky_so_pct", 95, "Danh sách chứng thư số"),
    ("sang_kien_cong_nhan", 1, "Quyết định công nhận sáng kiến"),
    ("kien_nghi_don_gian_hoa", 2, "Văn bản kiến nghị"),
    ("cbcc_bi_ky_luat", 0, "Không có quyết định kỷ luật"),
]
CCHC_OFFICER = ["--as", "nhung.pth@phuhuu.gov.vn"]  # who keeps the self-assessment
ENTRIES = [
    ("1.1.1", ["--level", "kip_thoi"]),
    ("7.2.1", ["--level", "duy_tri_cai_tien_cong_bo"]),
    (
        "5.1.5",
        ["--self", "1.5", "--reason", "Không có vi phạm kỷ luật, kỷ cương hành chính trong năm"],
    ),
    ("8.1.1", ["--survey", "7"]),
    ("8.1.2", ["--survey", "4.2"]),
    ("8.2.1", ["--survey", "5"]),
    ("8.2.2", ["--survey", "3"]),
    ("8.3.1", ["--survey", "3"]),
]


def year_end(home: Path) -> None:
    """One-stop dossiers, KPIs, manual measurements, the self-assessment, export and submission."""
    from cchc.demo_data import write_catalogue, write_export

    at = ["--now", "2021-01-05T08:00"]
    export = write_export(home / "ho-so-mot-cua-2020.csv")
    run("dossiers", "import", str(export))
    run("procedures", "import", str(write_catalogue(home / "danh-muc-thu-tuc.csv")))
    run("kpi", "--year", "2020", *at)
    run("dossiers", "late", "--year", "2020", *at)
    for code, value, note in MEASUREMENTS:
        run("measure", "set", code, str(value), "--year", "2020", "--note", note, *CCHC_OFFICER)
    for item, options in ENTRIES:
        run("par", "set", item, "--year", "2020", *options, *at, *CCHC_OFFICER)
    run(
        "par",
        "explain",
        "1.1.1",
        "--year",
        "2020",
        "--text",
        "Kế hoạch số …/KH-UBND ngày 10/4/2020 ban hành sau kế hoạch của Quận 9 (12/3/2020)",
        *at,
        *CCHC_OFFICER,
    )
    run("completeness", "--by", "area", "--year", "2020", *at)
    run("par", "score", "--year", "2020", *at)
    run("par", "export", "--year", "2020", "--out", str(home / "nop-chi-so-cchc-2020"), *at)
    run("par", "submit", "--year", "2020", "--as", "hung.nv@phuhuu.gov.vn", *at)
    run("audit", "verify")
    print(f"\nHồ sơ nộp / submission pack: {home / 'nop-chi-so-cchc-2020'}")


def replay(home: Path) -> None:
    """Play 2020 day by day through the real sweep, with simulated officers."""
    import time

    from rich.console import Console
    from rich.table import Table

    from application.audit_key import read_key
    from application.jobs import JobEnv
    from application.settings import Settings
    from cchc.replay import replay_year
    from domain.i18n import t
    from domain.labels import position_label
    from domain.lifecycle import STATUSES
    from domain.numbers import decimal
    from notifications.channels import FileChannel
    from storage.blobs import DiskBlobStore
    from storage.db import make_engine

    console = Console(highlight=False, width=110)
    console.print("\n[bold]Phát lại năm 2020 / replaying 2020 day by day …[/bold]")
    started = time.perf_counter()
    outbox = home / "outbox"
    env = JobEnv.build(
        Settings.from_env(),
        channels={"email": FileChannel(outbox), "apprise": FileChannel(outbox / "chat")},
        engine=make_engine(
            f"sqlite:///{home / 'cchc.sqlite3'}",
            audit_key=read_key(home / "audit.key"),
            simulated=True,  # every step of the replay is given the day it replays
        ),
    )
    report = replay_year(
        env,
        unit="phu-huu",
        year=2020,
        outbox=outbox,
        store=DiskBlobStore(home / "evidence"),
    )
    env.close()

    table = Table(
        title="Lần thực hiện theo lĩnh vực và trạng thái / occurrences by area and status"
    )
    table.add_column("Lĩnh vực")
    shown = [s for s in STATUSES if any(c[s] for c in report.by_status.values())]
    for status in shown:
        table.add_column(t(f"status.{status}"), justify="right")
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
        f"thư / messages: {report.messages} · bị từ chối / refused: {report.refused}"
        + (f" · không làm được / not done: {dict(report.skipped)}" if report.skipped else "")
    )
    on_time = Table(title="Tỷ lệ nộp đúng hạn theo chức danh / on-time share per position")
    for head in ("Chức danh", "Đúng hạn", "Tổng", "%"):
        on_time.add_column(head, justify="right" if head != "Chức danh" else "left")
    roles = _plan_roles()
    for role, (ok, total) in sorted(report.on_time.items()):
        on_time.add_row(
            position_label(role, roles),
            str(ok),
            str(total),
            decimal(100 * ok / total, digits=0) if total else "—",
        )
    console.print(on_time)
    console.print(
        f"Hộp thư đi / outbox: {report.outbox} ({report.messages} tệp .eml) — "
        f"{decimal(time.perf_counter() - started, digits=1)} s"
    )


def _plan_roles() -> tuple[Role, ...]:
    """The bundled plan's positions, for their titles."""
    from domain.frameworkfile import read_framework
    from domain.planfile import read_plan

    framework = read_framework(FRAMEWORK_2020.read_text(encoding="utf-8"), str(FRAMEWORK_2020))
    plan = read_plan(
        PLAN_2020.read_text(encoding="utf-8"), str(PLAN_2020), criteria=framework.codes()
    )
    return tuple(plan.roles)


def check_outbox(home: Path) -> None:
    """Read the replayed year's sent messages back: the demo fails on a self-escalation (an
    escalation sent to the late officer) or a stale message (one whose text contradicts its
    occurrence when it went: work already submitted, a deadline said to be today when it
    passed, a wrong count of days)."""
    from sqlmodel import Session, func, select

    from application.message_audit import SELF_ESCALATION, STALE, check_outbox, summary
    from cchc.messages import t
    from models import OutboxMessage
    from storage.db import make_engine

    engine = make_engine(f"sqlite:///{home / 'cchc.sqlite3'}")
    with Session(engine) as session:
        findings = check_outbox(session)
        sent = session.exec(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")
        ).one()
        held = session.exec(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    engine.dispose()
    counts = summary(findings)
    by_status = ", ".join(f"{t('cli.outbox_status.' + status)}: {n}" for status, n in sorted(held))
    print(
        f"\nKiểm tra hộp thư đi / outbox check: {sent} thư đã gửi / sent ({by_status}) — "
        f"tự báo cáo chính mình / self-escalations: {counts[SELF_ESCALATION]} · "
        f"thư lỗi thời / stale messages: {counts[STALE]}",
        flush=True,
    )
    if findings:
        for f in findings[:20]:
            print(
                f"  #{f.outbox_id} {f.problem} → {f.recipient}: {f.task} {f.period} "
                f"({f.sent_at:%Y-%m-%d %H:%M}): {f.detail}"
                if f.sent_at
                else f"  #{f.outbox_id} {f.problem} → {f.recipient}: {f.task} {f.period}: {f.detail}",
                file=sys.stderr,
            )
        raise SystemExit(
            f"Demo thất bại / demo failed: {len(findings)} thư sai trong hộp thư đi "
            f"({counts[SELF_ESCALATION]} tự báo cáo chính mình, {counts[STALE]} lỗi thời) / "
            f"{len(findings)} misleading message(s) in the outbox"
        )


if __name__ == "__main__":
    demo(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("var/demo").resolve())
