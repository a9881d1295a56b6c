"""Evidence in storage, on SQLite and PostgreSQL: atomic content-addressed blobs, refusals,
revisions, verification, the submit rule and the completeness report.

The ward runs a small plan materialised on 1 June 2020: T.A3 (three required documents,
the CCHC officer) and T.A9 (one, the culture officer) due 10 June, T.LATE due 10 December.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import zoneinfo
from pathlib import Path
from typing import BinaryIO

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from application.access import Identity
from application.completeness import completeness as report
from application.completeness_xlsx import write_completeness
from application.evidence import review as review_use_case
from application.evidence import upload
from application.occurrences import act
from application.uow import UnitOfWork
from cchc.replay import minimal_pdf
from cchc.tables import read_table
from domain.errors import LocalizedError
from domain.evidence import EvidenceRefused
from domain.plan import Due, Plan, Reminders, Schedule
from models import AuditEntry, Blob, Evidence, Occurrence
from plans import HERE
from responsibilities.roster import read_roster
from storage.blobs import DiskBlobStore, MemoryBlobStore, Source
from storage.evidence import Upload, add_evidence, reject, review, verify
from storage.occurrences import find_occurrence, materialise
from storage.officers import import_roster
from storage.plans import find_plan
from storage.units import get_unit

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer
PHAT = "phat.ht@phuhuu.gov.vn"  # culture officer
MAI = "mai.tt@phuhuu.gov.vn"  # vice-chairman, approver
MB = 1024 * 1024


def local(y: int, m: int, d: int, h: int = 8) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=TZ)


def small_plan(plan: Plan) -> Plan:
    def task(code: str, like: str, lead: str, due: dt.date):  # type: ignore[no-untyped-def]
        base = next(t for t in plan.tasks if t.code == like)
        schedule = Schedule("once", dt.date(2020, 1, 1), dt.date(2020, 12, 31), Due(date=due))
        return dataclasses.replace(
            base, code=code, lead=lead, schedule=schedule, reminders=Reminders()
        )

    tasks = (
        task("T.A3", "II.3.1", "cchc_officer", dt.date(2020, 6, 10)),
        task("T.A9", "II.9.2", "culture_info", dt.date(2020, 6, 10)),
        task("T.LATE", "II.3.1", "cchc_officer", dt.date(2020, 12, 10)),
    )
    return dataclasses.replace(plan, tasks=tasks)


@pytest.fixture
def ward(session: Session, load, bundled_plan):  # type: ignore[no-untyped-def]
    plan = small_plan(bundled_plan)
    load(plan, now=local(2020, 6, 1, 6))
    unit_id = get_unit("phu-huu", session=session).id
    header, rows = read_table(HERE / "demo-roster.csv")
    rows = [(n, r) for n, r in rows if r.get("kind") != "acting"]
    entries = read_roster(
        header,
        rows,
        file="demo-roster.csv",
        positions=[r.code for r in plan.roles],
        areas=[a.code for a in plan.areas],
    )
    import_roster(entries, session=session, unit_id=unit_id, actor="test", now=local(2020, 6, 1))
    materialise(
        find_plan(session=session, unit_id=unit_id),
        session=session,
        actor="t",
        now=local(2020, 6, 1),
    )
    session.commit()
    return unit_id, plan


def occurrence(session: Session, unit_id: int, code: str) -> Occurrence:
    return find_occurrence(unit_id, code, "2020", session=session)


def add(session: Session, store, unit_id: int, code: str, files, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("actor", NHUNG)
    kw.setdefault("now", local(2020, 6, 5))
    kw.setdefault("max_bytes", MB)
    return add_evidence(
        files,
        session=session,
        store=store,
        unit_id=unit_id,
        occurrence=occurrence(session, unit_id, code),
        **kw,
    )


def count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


# --- the blob store -----------------------------------------------------------------------


class CrashingStore(DiskBlobStore):
    """A disk store whose copy dies half-way through, like a full disk or a killed process."""

    def _write(self, source: Source, out: BinaryIO) -> tuple[str, int]:
        data = source if isinstance(source, bytes) else source.read_bytes()
        out.write(data[: len(data) // 2])
        raise OSError(28, "No space left on device")


def test_a_crash_mid_write_leaves_no_blob_no_temp_file_and_no_record(
    session: Session, ward, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    unit_id, _ = ward
    store = CrashingStore(tmp_path / "evidence")
    pdf = minimal_pdf("T.A3", "anh niem yet")
    with pytest.raises(OSError, match="No space"):
        add(session, store, unit_id, "T.A3", [Upload("anh.pdf", pdf)], requirement="1")
    session.rollback()

    sha, _ = MemoryBlobStore().put(pdf)
    assert not store.path(sha).exists()
    assert files_under(tmp_path / "evidence") == []  # the half-written temporary is gone
    assert count(session, Evidence) == 0 and count(session, Blob) == 0
    assert (
        session.exec(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "evidence")
        ).one()
        == 0
    )

    # the same upload through a healthy store is stored whole, read-only
    healthy = DiskBlobStore(tmp_path / "evidence")
    add(session, healthy, unit_id, "T.A3", [Upload("anh.pdf", pdf)], requirement="1")
    session.commit()
    assert healthy.path(sha).read_bytes() == pdf
    assert not os.access(healthy.path(sha), os.W_OK) or os.geteuid() == 0
    assert [p.name for p in files_under(tmp_path / "evidence")] == [sha]


def test_all_files_of_one_call_or_none(session: Session, ward, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    unit_id, _ = ward
    store = MemoryBlobStore()
    good = tmp_path / "Báo cáo.pdf"
    good.write_bytes(minimal_pdf("ok"))
    exe = tmp_path / "bao-cao.pdf"
    exe.write_bytes(b"MZ\x90\x00" + bytes(300))
    text = tmp_path / "ghi-chu.pdf"
    text.write_text("chỉ là văn bản", encoding="utf-8")
    big = tmp_path / "scan.pdf"
    big.write_bytes(b"%PDF-1.4\n" + bytes(MB))

    with pytest.raises(EvidenceRefused) as raised:
        add(session, store, unit_id, "T.A3", [good, exe, text, big], requirement="1")
    problems = raised.value.problems
    assert [(p.code, p.params["name"]) for p in problems] == [
        ("evidence_type_refused", "bao-cao.pdf"),
        ("evidence_type_refused", "ghi-chu.pdf"),
        ("evidence_too_large", "scan.pdf"),
    ]
    assert problems[0].params["detected"] == "exe" and "pdf" in problems[0].params["allowed"]
    assert problems[2].params["limit"] == "1.0 MB"
    message = raised.value.render("vi")
    assert "bao-cao.pdf" in message and "scan.pdf" in message and "1.0 MB" in message
    assert store.blobs == {} and count(session, Evidence) == 0

    with pytest.raises(LocalizedError) as unknown:
        add(session, store, unit_id, "T.A3", [good], requirement="Biên bản không có")
    assert unknown.value.key == "error.evidence_unknown_requirement"
    assert "Danh mục TTHC" in unknown.value.render("vi")
    assert store.blobs == {}


def test_same_content_is_stored_once_and_every_upload_is_a_readable_revision(
    session: Session, ward, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    unit_id, _ = ward
    store = DiskBlobStore(tmp_path / "evidence")
    first, second = minimal_pdf("ban 1"), minimal_pdf("ban 2")
    a = add(session, store, unit_id, "T.A3", [Upload("danh-muc.pdf", first)], requirement="2")
    b = add(session, store, unit_id, "T.A3", [Upload("danh-muc (1).pdf", first)], requirement="2")
    c = add(session, store, unit_id, "T.A3", [Upload("danh-muc-v2.pdf", second)], requirement="2")
    extra = add(session, store, unit_id, "T.A3", [Upload("../../x.pdf", first)])
    session.commit()

    rows = [*a, *b, *c]
    assert [r.revision for r in rows] == [1, 2, 3]
    assert {r.requirement for r in rows} == {"Danh mục TTHC cấp phường đang niêm yết, công khai"}
    assert (extra[0].requirement, extra[0].revision, extra[0].file_name) == ("", 1, "x.pdf")
    assert rows[0].blob_sha256 == rows[1].blob_sha256 != rows[2].blob_sha256
    assert count(session, Blob) == 2 and len(files_under(tmp_path / "evidence")) == 2
    with store.open(rows[0].blob_sha256) as f:
        assert f.read() == first  # the old revision stays readable
    with store.open(rows[2].blob_sha256) as f:
        assert f.read() == second
    assert rows[0].criteria == ["3.1.1", "3.1.2", "3.1.3"]  # the task's criteria by default


def test_verify_finds_a_corrupted_and_a_missing_blob(
    session: Session, ward, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    unit_id, _ = ward
    store = DiskBlobStore(tmp_path / "evidence")
    rows = add(
        session,
        store,
        unit_id,
        "T.A3",
        [
            Upload("a.pdf", minimal_pdf("a")),
            Upload("b.pdf", minimal_pdf("b")),
            Upload("c.pdf", minimal_pdf("c")),
        ],
        requirement="1",
    )
    session.commit()
    assert verify(session, store) == []

    flipped = store.path(rows[0].blob_sha256)
    flipped.chmod(0o644)
    data = bytearray(flipped.read_bytes())
    data[len(data) // 2] ^= 0x01
    flipped.write_bytes(bytes(data))
    store.path(rows[1].blob_sha256).unlink()
    assert verify(session, store) == [(rows[0].id, "corrupted"), (rows[1].id, "missing")]

    twin = MemoryBlobStore()
    again = add(session, twin, unit_id, "T.A9", [Upload("d.pdf", minimal_pdf("d"))])
    twin.blobs[again[0].blob_sha256] = b"%PDF-tampered"
    assert (again[0].id, "corrupted") in verify(session, twin)


# --- reviewing and the submit rule ---------------------------------------------------------


def test_submitting_needs_every_required_document_or_a_reason(
    engine, session: Session, ward
) -> None:  # type: ignore[no-untyped-def]
    """Through the use cases, each officer as themself: the lead uploads and submits, the
    approver of area 3 (the vice-chairman) reviews."""
    unit_id, _ = ward
    store = MemoryBlobStore()
    when = local(2020, 6, 8)

    def submit(who: str, code: str, reason: str | None = None):  # type: ignore[no-untyped-def]
        return act(
            UnitOfWork(engine),
            Identity.officer(who),
            when,
            action="submit",
            task=code,
            period="2020",
            reason=reason,
            unit="phu-huu",
        )

    def upload_as(who: str, code: str, name: str, requirement: str):  # type: ignore[no-untyped-def]
        [item] = upload(
            UnitOfWork(engine),
            Identity.officer(who),
            when,
            unit="phu-huu",
            task=code,
            period="2020",
            requirement=requirement,
            files=[Upload(name, minimal_pdf(name))],
            store=store,
            max_bytes=MB,
        )
        return item

    def review_as(who: str, evidence_id: int, action: str, reason: str | None = None):  # type: ignore[no-untyped-def]
        return review_use_case(
            UnitOfWork(engine),
            Identity.officer(who),
            when,
            evidence_id=evidence_id,
            action=action,  # type: ignore[arg-type]
            reason=reason,
        )

    with pytest.raises(LocalizedError) as raised:
        submit(NHUNG, "T.A3")
    assert raised.value.key == "error.evidence_missing" and raised.value.params["n"] == 3
    assert occurrence(session, unit_id, "T.A3").status == "open"

    one, _two, three = (upload_as(NHUNG, "T.A3", f"{n}.pdf", str(n)) for n in (1, 2, 3))
    with pytest.raises(LocalizedError) as no_reason:
        review_as(MAI, three.id, "reject", "  ")
    assert no_reason.value.key == "error.evidence_reason_required"
    review_as(MAI, three.id, "reject", "Báo cáo chưa ký")
    review_as(MAI, one.id, "accept")
    with pytest.raises(LocalizedError) as again:
        review_as(MAI, one.id, "accept")
    assert again.value.key == "error.evidence_already"
    assert again.value.render("vi").endswith("đã ở trạng thái 'đã chấp nhận'.")
    assert again.value.render("en").endswith("is already 'accepted'.")

    with pytest.raises(LocalizedError) as raised:
        submit(NHUNG, "T.A3")
    assert raised.value.params["n"] == 1
    assert "Báo cáo tình hình, kết quả kiểm soát TTHC quý" in raised.value.render("vi")

    upload_as(NHUNG, "T.A3", "3b.pdf", "3")
    assert submit(NHUNG, "T.A3").after == "submitted"
    session.expire_all()
    assert occurrence(session, unit_id, "T.A3").status == "submitted"

    submit(PHAT, "T.A9", reason="Trang tin đang bảo trì")
    session.expire_all()
    late = occurrence(session, unit_id, "T.A9")
    assert (late.status, late.reason) == ("submitted", "Trang tin đang bảo trì")
    log = session.exec(
        select(AuditEntry).where(AuditEntry.entity == "evidence").order_by(col(AuditEntry.id))
    ).all()
    assert [a.action for a in log] == [
        "evidence_add",
        "evidence_add",
        "evidence_add",
        "evidence_reject",
        "evidence_accept",
        "evidence_add",
    ]
    assert (log[3].actor, (log[3].after or {})["reason"]) == (MAI, "Báo cáo chưa ký")


# --- the completeness report ---------------------------------------------------------------


@pytest.fixture
def reviewed(session: Session, ward):  # type: ignore[no-untyped-def]
    """T.A3: document 1 accepted, 2 rejected, 3 never sent; T.A9: its one document pending."""
    unit_id, _ = ward
    store = MemoryBlobStore()
    one, two = (
        add(
            session,
            store,
            unit_id,
            "T.A3",
            [Upload(f"{n}.pdf", minimal_pdf(str(n)))],
            requirement=str(n),
        )[0]
        for n in (1, 2)
    )
    review(one.id, "accept", session=session, actor=MAI, now=local(2020, 6, 9))
    reject(two.id, session=session, actor=MAI, now=local(2020, 6, 9), reason="Thiếu dấu")
    add(
        session,
        store,
        unit_id,
        "T.A9",
        [Upload("tin.pdf", minimal_pdf("tin"))],
        actor=PHAT,
        requirement="1",
    )
    session.commit()
    return unit_id


def totals(report) -> dict[str, tuple[int, int, int, int]]:  # type: ignore[no-untyped-def]
    return {g.key: (g.occurrences, g.required, g.provided, g.accepted) for g in report.groups}


def completeness(engine, now: dt.datetime, by: str):  # type: ignore[no-untyped-def]
    """The report through its use case, in a unit of work of its own."""
    return report(UnitOfWork(engine), Identity.operator("test"), now, unit="phu-huu", by=by)


def test_completeness_counts_and_who_owes_what(engine, reviewed: int) -> None:  # type: ignore[no-untyped-def]
    now = local(2020, 6, 15)  # Monday: three working days after the 10 June deadline
    by_position = completeness(engine, now, "position")
    assert totals(by_position) == {"cchc_officer": (2, 6, 1, 1), "culture_info": (1, 1, 1, 0)}
    total = by_position.total
    assert (total.occurrences, total.required, total.provided, total.accepted) == (3, 7, 2, 1)
    assert [g.label for g in by_position.groups] == [
        "Công chức phụ trách công tác CCHC",
        "Công chức Văn hóa – Xã hội",  # the legal title (the plan: "Cán bộ Văn hóa và Thông tin")
    ]

    assert [(o.officer, o.task, o.missing, o.working_days_overdue) for o in by_position.owed] == [
        (
            NHUNG,
            "T.A3",
            (
                "Danh mục TTHC cấp phường đang niêm yết, công khai",
                "Báo cáo tình hình, kết quả kiểm soát TTHC quý",
            ),
            3,
        )
    ]  # T.A9 has its document (pending counts as provided); T.LATE is not due yet

    by_criterion = totals(completeness(engine, now, "criterion"))
    assert by_criterion["3.1.1"] == (2, 6, 1, 1) and by_criterion["7.1.5"] == (1, 1, 1, 0)
    by_officer = totals(completeness(engine, now, "officer"))
    assert by_officer == {NHUNG: (2, 6, 1, 1), PHAT: (1, 1, 1, 0)}
    by_area = totals(completeness(engine, now, "area"))
    assert by_area == {"3": (2, 6, 1, 1), "9": (1, 1, 1, 0)}
    with pytest.raises(LocalizedError):
        completeness(engine, now, "colour")


def test_completeness_exports_to_xlsx(engine, reviewed: int, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    path = tmp_path / "out" / "đầy-đủ.xlsx"
    write_completeness(completeness(engine, local(2020, 6, 15), "officer"), path, "vi")
    assert [p.name for p in path.parent.iterdir()] == ["đầy-đủ.xlsx"]  # no temporary left

    book = load_workbook(path)
    groups, owes, progress = book.worksheets  # then the progress in the five categories
    assert progress.title == "Tiến độ"
    rows = [r for r in groups.iter_rows(min_row=3, values_only=True)]
    assert [r[:6] for r in rows] == [  # officers in name order
        (PHAT, "Huỳnh Tấn Phát", 1, 1, 1, 0),
        (NHUNG, "Phạm Thị Hồng Nhung", 2, 6, 1, 1),
        (None, "Tổng", 3, 7, 2, 1),
    ]
    owed = [r for r in owes.iter_rows(min_row=2, values_only=True)]
    assert len(owed) == 1
    assert owed[0][0] == NHUNG and owed[0][2] == "T.A3" and owed[0][8] == 3
    assert owed[0][7].splitlines() == [
        "Danh mục TTHC cấp phường đang niêm yết, công khai",
        "Báo cáo tình hình, kết quả kiểm soát TTHC quý",
    ]


# --- a damaged blob is repaired by uploading the original again ----------------------------


def damage(store: DiskBlobStore, sha: str) -> None:
    path = store.path(sha)
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    path.chmod(0o444)


def test_uploading_the_original_again_repairs_a_corrupted_blob(
    engine, session: Session, ward, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    unit_id, _ = ward
    store = DiskBlobStore(tmp_path / "evidence")
    original = minimal_pdf("bien ban niem yet")
    [first] = add(session, store, unit_id, "T.A3", [Upload("bien-ban.pdf", original)])
    session.commit()
    damage(store, first.blob_sha256)
    assert verify(session, store) == [(first.id, "corrupted")]

    [again] = upload(
        UnitOfWork(engine),
        Identity.officer(NHUNG),
        local(2020, 6, 6),
        task="T.A3",
        period="2020",
        files=[Upload("bien-ban.pdf", original)],
        store=store,
        max_bytes=MB,
    )
    assert again.repaired and again.as_dict()["repaired"] is True
    assert store.path(first.blob_sha256).read_bytes() == original  # the corrupt bytes are gone
    assert not os.access(store.path(first.blob_sha256), os.W_OK) or os.geteuid() == 0
    session.expire_all()
    assert verify(session, store) == []
    [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "evidence_repair")).all()
    assert (entry.entity, entry.key, entry.actor) == ("blob", first.blob_sha256, NHUNG)
    assert [p.name for p in files_under(tmp_path / "evidence")] == [first.blob_sha256]

    # an intact blob is left alone: no repair, no audit entry
    [third] = upload(
        UnitOfWork(engine),
        Identity.officer(NHUNG),
        local(2020, 6, 7),
        task="T.A3",
        period="2020",
        files=[Upload("bien-ban.pdf", original)],
        store=store,
        max_bytes=MB,
    )
    assert not third.repaired and "repaired" not in third.as_dict()
    session.expire_all()
    assert (
        len(session.exec(select(AuditEntry).where(AuditEntry.action == "evidence_repair")).all())
        == 1
    )


def test_the_memory_twin_repairs_too() -> None:
    store = MemoryBlobStore()
    saved = store.save(b"%PDF-1.4 original")
    store.blobs[saved.sha256] = b"%PDF-tampered"
    again = store.save(b"%PDF-1.4 original")
    assert again.repaired and store.blobs[saved.sha256] == b"%PDF-1.4 original"
    assert not store.save(b"%PDF-1.4 original").repaired


# --- leftovers of interrupted uploads --------------------------------------------------------


def leftover(store: DiskBlobStore, name: str, size: int, age: dt.timedelta) -> Path:
    """A temporary file as a killed upload leaves it, last written ``age`` ago."""
    folder = store.root / "ab" / "cd"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f".tmp-{name}"
    path.write_bytes(bytes(size))
    moment = (dt.datetime.now(dt.UTC) - age).timestamp()
    os.utime(path, (moment, moment))
    return path


def test_the_daily_job_removes_stale_leftovers_and_keeps_an_upload_in_progress(
    engine, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from application.jobs import JobEnv, run_job
    from application.settings import Settings

    home = tmp_path / "home"
    store = DiskBlobStore(home / "evidence")
    stale = leftover(store, "killed", 3 * MB, dt.timedelta(hours=5))
    fresh = leftover(store, "writing", MB, dt.timedelta(minutes=2))
    settings = Settings(home=home, database_url="sqlite://", lang="vi")
    env = JobEnv(settings, engine, {})

    report = run_job(env, "materialise", dt.datetime.now(dt.UTC)).as_dict()
    assert report["evidence_leftovers_removed"] == 1
    assert not stale.exists() and fresh.exists()

    # a replayed (simulated) year never ages a file being written
    old = leftover(store, "killed-2", MB, dt.timedelta(hours=2))
    report = run_job(env, "materialise", dt.datetime(2020, 3, 2, 1, tzinfo=dt.UTC)).as_dict()
    assert report["evidence_leftovers_removed"] == 0 and old.exists()
