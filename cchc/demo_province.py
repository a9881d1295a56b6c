"""``make demo-province``: a small province from nothing, in its own home (``var/demo-province``).

Ho Chi Minh City with five wards of Quận 1 (2020), the province's template plan derived to each
ward (one with an overlay of its own), each ward's chairman and CCHC officer, two wards merged
on 1 July, the year's work, self-assessments of different quality, the province's staff and
council, a full appraisal cycle (round 1, the wards' explanations, round 2, publication) and the
ranking with its XLSX and DOCX report.

Everything goes through the real command line (``cchc …``) as the operator and ``--as`` the
officer who would do it, so the demo exercises the policy; only the council's bulk of item
scores (every item of every ward) goes through the same use case in-process, as the officers
named, to keep the demo fast.
"""

from __future__ import annotations

import csv
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from plans import HERE

TEMPLATE = HERE / "province" / "template-2020.yaml"
CITY = "79"  # Thành phố Hồ Chí Minh (official codes of administrative units)
DISTRICT = "760"  # Quận 1 (a district in 2020)
# (code, name, chairman, CCHC officer, quality of its self-assessment, 0–1)
WARDS = [
    ("26734", "Phường Tân Định", "Trần Văn Tâm", "Lê Thị Định", 0.92),
    ("26737", "Phường Đa Kao", "Nguyễn Hữu Đa", "Phạm Thị Kao", 0.80),
    ("26740", "Phường Bến Nghé", "Võ Minh Nghé", "Đỗ Thị Bến", 0.86),
    ("26743", "Phường Bến Thành", "Huỳnh Văn Thành", "Ngô Thị Chợ", 0.70),
    ("26746", "Phường Nguyễn Thái Bình", "Lý Thái Bình", "Mai Thị Hòa", 0.60),
]
MERGED = ("26743", "26746")  # merged on 1 July into …
NEW = ("26745", "Phường Bến Thành mới", "Huỳnh Văn Thành", "Mai Thị Hòa", 0.75)
MERGED_ON = "01/07/2020"
STAFF = ("Nguyễn Thị Nội Vụ", "noivu@tphcm.gov.vn")  # the province's CCHC staff (Sở Nội vụ)
COUNCIL = ("Trần Văn Thẩm", "thamdinh@tphcm.gov.vn")  # appraises every item
AREA3 = ("Lê Thị Định Giá", "linhvuc3@tphcm.gov.vn")  # appraises area 3 only
YEAR = "2020"
REVISED_AT = "2020-09-01T08:00"
DEADLINE_SET_AT = "2021-01-04T08:00"  # the province sets the self-assessment deadline …
SELF_ASSESSMENT_DUE = "08/01/2021"  # … for that Friday; reminders go before it
REMIND_AT = "2021-01-04T09:00"  # the sweep that reminds the wards
SUBMIT_AT = "2021-01-05T09:00"
LATE_SUBMIT_AT = "2021-01-13T09:00"  # the last ward submits late …
OVERDUE_AT = "2021-01-12T09:00"  # … after the sweep that reports it to the province's staff
ROUND1_AT = "2021-01-11T09:00"
CLOSE1_AT = "2021-01-15T09:00"
EXPLAIN_AT = "2021-01-20T09:00"
ROUND2_AT = "2021-01-25T09:00"
CLOSE2_AT = "2021-01-27T09:00"
PUBLISH_AT = "2021-01-28T09:00"

Run = Callable[..., object]


def email(name: str, ward: str) -> str:
    """A plausible address: initials of the name at the ward's domain."""
    import unicodedata

    folded = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(c for c in folded if not unicodedata.combining(c)).lower().split()
    return f"{plain[-1]}.{''.join(p[0] for p in plain[:-1])}@p{ward}.hcm.gov.vn"


def chairman(ward: str) -> str:
    row = next(w for w in [*WARDS, NEW] if w[0] == ward)
    return email(row[2], ward)


def cchc_officer(ward: str) -> str:
    row = next(w for w in [*WARDS, NEW] if w[0] == ward)
    return email(row[3], ward)


def write_units(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["Mã", "Tên", "Cấp", "Cấp trên", "Từ ngày", "Đến ngày"])
        out.writerow([CITY, "Thành phố Hồ Chí Minh", "Thành phố", "", "01/01/1976", ""])
        out.writerow([DISTRICT, "Quận 1", "Quận", CITY, "01/01/1976", "30/06/2025"])
        for code, name, *_ in WARDS:
            out.writerow([code, name, "Phường", DISTRICT, "01/01/1976", ""])
    return path


def write_roster(path: Path, ward: tuple[str, str, str, str, float], start: str) -> Path:
    code, _, chair, officer, _ = ward
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["name", "email", "phone", "position", "scope", "from", "to", "kind", "acting_for"]
        )
        out.writerow([chair, email(chair, code), "", "chairman", "", start, "", "", ""])
        out.writerow([officer, email(officer, code), "", "cchc_officer", "", start, "", "", ""])
    return path


def write_overlay(folder: Path) -> Path:
    """Tân Định's overlay: a local task and a tighter target."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "26734.yaml").write_text(
        """format: cchc-overlay/1
overlay:
  unit: "26734"
  template: KH-CCHC-2020
  title: "Kế hoạch cải cách hành chính năm 2020 của UBND Phường Tân Định"
tasks:
  - code: TD.1
    area: "2"
    title: "Đối thoại với hộ kinh doanh chợ Tân Định về thủ tục hành chính"
    lead: chairman
    support: [cchc_officer]
    schedule: {every: once, due: {date: 2020-09-25}}
    evidence:
      - {name: "Biên bản buổi đối thoại", kind: bien_ban}
targets:
  - {target: T2.1a, value: 98}
""",
        encoding="utf-8",
    )
    return folder


def set_up(run: Run, home: Path) -> None:
    """The units, the template derived to each ward, the officers and their year's schedule."""
    overlays = write_overlay(home / "dieu-chinh")
    run("init", "--simulation")
    run("unit", "import", str(write_units(home / "don-vi.csv")))
    run("unit", "list", "--on", "01/01/2020")
    wards = ",".join(w[0] for w in WARDS)
    derive = ("plan", "derive", str(TEMPLATE), "--units", wards, "--overlay-dir", str(overlays))
    run(*derive, "--dry-run", "--now", "2020-01-02T08:00")
    run(*derive, "--now", "2020-01-02T08:00")
    run("plan", "show", "--unit", WARDS[0][0])
    for ward in WARDS:
        run("officer", "import", str(write_roster(home / f"can-bo-{ward[0]}.csv", ward, "01/01/2020")),
            "--unit", ward[0])  # fmt: skip
    every_ward = [arg for code, *_ in WARDS for arg in ("--unit", code)]
    run("schedule", "--year", YEAR, *every_ward, "--now", "2020-01-02T08:00")  # all or none


def merge(run: Run, home: Path) -> None:
    """Bến Thành and Nguyễn Thái Bình become one ward on 1 July; it gets its plan and officers."""
    run("unit", "merge", *MERGED, "--into", NEW[0], "--on", MERGED_ON, "--name", NEW[1],
        "--now", "2020-06-20T09:00")  # fmt: skip
    run("plan", "derive", str(TEMPLATE), "--units", NEW[0], "--now", "2020-06-22T08:00")
    run("officer", "import", str(write_roster(home / f"can-bo-{NEW[0]}.csv", NEW, MERGED_ON)),
        "--unit", NEW[0])  # fmt: skip
    run("schedule", "--year", YEAR, "--unit", NEW[0], "--now", "2020-06-22T08:00")
    run("unit", "show", NEW[0])


def revise_template(run: Run, home: Path) -> Path:
    """Version 2 of the template (a task dropped): previewed, then applied to every ward."""
    text = TEMPLATE.read_text(encoding="utf-8")
    start, end = text.index("  - code: II.1.3"), text.index("  - code: II.2.1")
    revised = home / "ke-hoach-mau-2020-v2.yaml"
    revised.write_text((text[:start] + text[end:]).replace("version: 1", "version: 2"), "utf-8")
    run("plan", "derive", str(revised), "--dry-run", "--now", REVISED_AT)
    run("plan", "derive", str(revised), "--now", REVISED_AT)
    return revised


def _uow(home: Path, db_url: str | None):  # type: ignore[no-untyped-def]
    from application.audit_key import read_key
    from application.uow import UnitOfWork
    from storage.db import make_engine

    url = db_url or f"sqlite:///{home / 'cchc.sqlite3'}"
    return UnitOfWork(make_engine(url, audit_key=read_key(home / "audit.key"), simulated=True))


def _moment(text: str):  # type: ignore[no-untyped-def]
    import datetime as dt
    import zoneinfo

    return dt.datetime.fromisoformat(text).replace(tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))


def _items(uow) -> list[tuple[str, float, bool]]:  # type: ignore[no-untyped-def]
    """The framework's items: code, maximum, scored by the people's survey."""
    from storage.frameworks import read_framework_record

    with uow as session:
        record = read_framework_record("par-ward-2020", session=session)
        return [(i.code, i.max, i.assessed_by == "survey") for i in record.items()]


def ranked_wards() -> list[tuple[str, str, str, str, float]]:
    """The wards that submit for the year: those in force on 31 December."""
    return [w for w in WARDS if w[0] not in MERGED] + [NEW]


def play(home: Path, wards: list[str], since: str, until: str, seen: dict[str, list[int]]) -> None:
    """Part of the year's work, day by day through the real sweep (reminders, escalations),
    with simulated officers; adds to ``seen`` what each ward did."""
    import datetime as dt

    from application.audit_key import read_key
    from application.jobs import JobEnv
    from application.settings import Settings
    from cchc.replay import replay_year
    from notifications.channels import FileChannel
    from storage.blobs import DiskBlobStore
    from storage.db import make_engine

    print(f"\n# Phát lại / replaying {since} → {until}: {', '.join(wards)}", flush=True)
    outbox = home / "outbox"
    env = JobEnv.build(
        Settings.from_env(),
        channels={"email": FileChannel(outbox)},
        engine=make_engine(
            f"sqlite:///{home / 'cchc.sqlite3'}",
            audit_key=read_key(home / "audit.key"),
            simulated=True,
        ),
    )
    for code in wards:
        report = replay_year(
            env, unit=code, year=int(YEAR), seed=int(code), outbox=outbox,
            store=DiskBlobStore(home / "evidence"),
            since=dt.date.fromisoformat(since), until=dt.date.fromisoformat(until),
        )  # fmt: skip
        counts = seen.setdefault(code, [0, 0, 0, 0, 0])
        done = report.by_status
        counts[0] = sum(c[s] for c in done.values() for s in ("submitted", "accepted"))
        counts[1] = sum(sum(c.values()) for c in done.values())
        counts[2] += report.steps["reminder:sent"]
        counts[3] += report.steps["escalation:sent"]
        counts[4] += report.messages
    env.close()


def show_year(seen: dict[str, list[int]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Năm 2020 theo phường / the year per ward")
    for head in ("Phường", "Đã nộp/duyệt", "Lần thực hiện", "Nhắc việc", "Báo cáo lên trên", "Thư"):
        table.add_column(head, justify="left" if head == "Phường" else "right")
    names = {w[0]: w[1] for w in [*WARDS, NEW]}
    for code, counts in seen.items():
        table.add_row(f"{code} {names[code]}", *map(str, counts))
    Console(highlight=False, width=110).print(table)


def self_assess(run: Run, home: Path, db_url: str | None = None) -> None:
    """The province's staff sets the deadline (the wards are reminded); each ward's CCHC
    officer scores every item (the better kept ward, the closer to the maximum); the chairmen
    submit, the last one late (the staff are told of it)."""
    from application import assessment as par
    from application.access import Identity

    province_staff(run)
    set_deadline(run, home, db_url)
    uow = _uow(home, db_url)
    at = _moment(SUBMIT_AT)
    for n, (code, _, _, _, quality) in enumerate(ranked_wards()):
        who = Identity.officer(cchc_officer(code))
        for k, (item, most, survey) in enumerate(_items(uow)):
            share = quality if (k + n) % 4 else min(1.0, quality + 0.1)
            points = round(most * share * 4) / 4
            if survey:  # the survey's result, as the province sent it
                par.set_score(uow, who, at, unit=code, year=int(YEAR), item=item, survey=points)
            else:
                par.set_score(uow, who, at, unit=code, year=int(YEAR), item=item, points=points,
                              reason="Tự chấm theo kết quả thực hiện")  # fmt: skip
    uow.engine.dispose()
    *on_time, late = [code for code, *_ in ranked_wards()]
    for code in on_time:
        run("par", "submit", "--year", YEAR, "--now", SUBMIT_AT, "--as", chairman(code))
    remind(home, db_url, OVERDUE_AT)  # the last ward is late: the staff hear of it
    run("par", "submit", "--year", YEAR, "--now", LATE_SUBMIT_AT, "--as", chairman(late))


def province_staff(run: Run) -> None:
    """The province's CCHC staff (Sở Nội vụ), from the appraisal's year on."""
    run("officer", "add", *STAFF, "--unit", CITY)
    run("appraisal", "role", STAFF[1], "--unit", CITY, "--from", "01/01/2021")


def set_deadline(run: Run, home: Path, db_url: str | None = None) -> None:
    """The staff sets the day every ward submits its self-assessment by; the reminder sweep
    reminds each ward's chairman and CCHC officer before it."""
    run("appraisal", "deadline", "--unit", CITY, "--year", YEAR, "--self-assessment-due",
        SELF_ASSESSMENT_DUE, "--now", DEADLINE_SET_AT, "--as", STAFF[1])  # fmt: skip
    remind(home, db_url, REMIND_AT)


def remind(home: Path, db_url: str | None, at: str) -> None:
    """The province's deadlines in the reminder sweep at ``at``, printing what was sent."""
    from application.deadline_sweep import deadline_sweep

    uow, now = _uow(home, db_url), _moment(at)
    with uow as session:
        planned = deadline_sweep(session=session, now=now, dry_run=True).planned_messages
    with uow as session:
        report = deadline_sweep(session=session, now=now)
    uow.engine.dispose()
    print(f"\n$ (quét nhắc hạn của tỉnh lúc {at}) {report.reminders} lời nhắc, "
          f"{report.escalations} báo cáo trễ hạn, {report.messages} thư")  # fmt: skip
    for message in planned:
        items: list[dict[str, object]] = message["items"]  # type: ignore[assignment]
        units = ", ".join(str(i["unit"]) for i in items)
        if str(message["kind"]).endswith("overdue"):
            what = "các đơn vị trễ hạn nộp tự đánh giá"
        elif items[0]["kind"] == "escalation":
            what = "đơn vị đã bị báo trễ hạn với Sở Nội vụ"
        else:
            what = "nhắc hạn nộp tự đánh giá"
        print(f"  → {message['name']} <{message['to']}>: {what} ({units})")


def council(run: Run, home: Path, db_url: str | None = None) -> None:
    """The province's staff, the council; round 1, the wards' explanations, round 2,
    publication."""
    from application import appraisal as ap
    from application.access import Identity

    for name, address in (COUNCIL, AREA3):
        run("officer", "add", name, address, "--unit", CITY)
    run("appraisal", "role", COUNCIL[1], "--unit", CITY, "--role", "appraiser", "--from", "01/01/2021",
        "--as", STAFF[1])  # fmt: skip
    run(
        "appraisal",
        "assign",
        AREA3[1],
        "--unit",
        CITY,
        "--year",
        YEAR,
        "--area",
        "3",
        "--as",
        STAFF[1],
    )
    y = ("--year", YEAR)
    run("appraisal", "open", "--unit", CITY, *y, "--now", ROUND1_AT, "--as", STAFF[1])
    # round 1: the council scores each item a little under the ward's own score, more so for
    # the wards that scored themselves generously
    uow = _uow(home, db_url)
    member = Identity.officer(COUNCIL[1])
    items = _items(uow)
    for n, (code, _, _, _, quality) in enumerate(ranked_wards()):
        for k, (item, most, _) in enumerate(items):
            if item.startswith("3.") and code == WARDS[0][0]:
                continue  # area 3 of Tân Định: by the area's appraiser, below
            share = quality - (0.1 if (k + n) % 3 == 0 else 0.0)
            ap.score(uow, member, _moment(ROUND1_AT), unit=code, year=int(YEAR), item=item,
                     points=max(0.0, round(most * share * 4) / 4))  # fmt: skip
    area3 = Identity.officer(AREA3[1])
    for item, most, _ in items:
        if item.startswith("3."):
            ap.score(uow, area3, _moment(ROUND1_AT), unit=WARDS[0][0], year=int(YEAR), item=item,
                     points=round(most * 0.9 * 4) / 4)  # fmt: skip
    uow.engine.dispose()
    run("appraisal", "score", "3.2.1", "--unit", WARDS[0][0], *y, "--points", "0.5",
        "--comment", "Thiếu sổ theo dõi việc tiếp nhận, trả kết quả", "--now", ROUND1_AT,
        "--as", AREA3[1])  # fmt: skip
    run("appraisal", "score", "1.1.1", "--unit", NEW[0], *y, "--points", "0",
        "--comment", "Kế hoạch CCHC ban hành sau ngày 31/3", "--now", ROUND1_AT,
        "--as", COUNCIL[1])  # fmt: skip
    run(
        "appraisal",
        "close",
        "--unit",
        CITY,
        *y,
        "--days",
        "5",
        "--now",
        CLOSE1_AT,
        "--as",
        STAFF[1],
    )
    run(
        "appraisal", "show", "--unit", NEW[0], *y, "--now", EXPLAIN_AT, "--as", cchc_officer(NEW[0])
    )
    run("appraisal", "explain", "3.2.1", "--unit", WARDS[0][0], *y,
        "--text", "Đã có sổ theo dõi điện tử trên Hệ thống thông tin một cửa (đính kèm)",
        "--now", EXPLAIN_AT, "--as", cchc_officer(WARDS[0][0]))  # fmt: skip
    run("appraisal", "explain", "1.1.1", "--unit", NEW[0], *y,
        "--text", "Phường mới thành lập ngày 01/7/2020; kế hoạch của hai phường cũ ban hành đúng hạn",
        "--now", EXPLAIN_AT, "--as", cchc_officer(NEW[0]))  # fmt: skip
    run("appraisal", "open", "--unit", CITY, *y, "--now", ROUND2_AT, "--as", STAFF[1])
    run("appraisal", "score", "3.2.1", "--unit", WARDS[0][0], *y, "--points", "1",
        "--comment", "Chấp nhận giải trình", "--now", ROUND2_AT, "--as", AREA3[1])  # fmt: skip
    run("appraisal", "close", "--unit", CITY, *y, "--now", CLOSE2_AT, "--as", STAFF[1])
    run("appraisal", "publish", "--unit", CITY, *y, "--now", PUBLISH_AT, "--as", STAFF[1])


def demo(home: Path) -> None:
    from cchc.demo import run

    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    os.environ["CCHC_HOME"] = str(home)
    os.environ.pop("CCHC_DATABASE_URL", None)
    os.environ.pop("CCHC_USER", None)  # set-up runs as the operator; officers act with --as
    os.environ.setdefault("COLUMNS", "110")
    set_up(run, home)
    seen: dict[str, list[int]] = {}
    play(home, [w[0] for w in WARDS], "2020-01-01", "2020-06-19", seen)
    merge(run, home)
    going = [w[0] for w in ranked_wards()]
    play(home, going, "2020-06-20", "2020-08-31", seen)
    revise_template(run, home)
    play(home, going, "2020-09-01", "2020-12-31", seen)
    show_year(seen)
    self_assess(run, home)
    council(run, home)
    xlsx, docx = home / "xep-hang-cchc-2020.xlsx", home / "bao-cao-xep-hang-cchc-2020.docx"
    run("appraisal", "ranking", "--unit", CITY, "--year", YEAR, "--now", PUBLISH_AT,
        "--as", STAFF[1], "--xlsx", str(xlsx), "--docx", str(docx))  # fmt: skip
    run("audit", "verify")
    print(f"\nCơ sở dữ liệu demo tỉnh: {home / 'cchc.sqlite3'}")
    print(f"Bảng xếp hạng (XLSX): {xlsx}\nBáo cáo xếp hạng (DOCX): {docx}")


if __name__ == "__main__":
    demo(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("var/demo-province").resolve())
