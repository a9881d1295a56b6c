"""Who may upload and review evidence, through the use cases, on SQLite and PostgreSQL.

The ward runs two tasks materialised on 1 June 2020: T.A3 (like II.3.1: the CCHC officer
leads, the one-stop desk supports, the vice-chairman for area 3 approves) and T.C (like
II.1.1: the chairman leads and approves, the CCHC officer supports). Every refusal leaves the
evidence as it was and is remembered in the audit log as a refused attempt.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from application.access import Identity, Refused
from application.evidence import EvidenceItem, ReviewResult, review, upload
from application.uow import UnitOfWork
from cchc.replay import minimal_pdf
from cchc.tables import read_table
from domain.plan import Due, Plan, Reminders, Schedule
from models import AuditEntry, Blob, Evidence
from plans import HERE
from responsibilities.roster import read_roster
from storage.audit import find_entries
from storage.blobs import MemoryBlobStore
from storage.evidence import Upload
from storage.occurrences import materialise
from storage.officers import import_roster
from storage.plans import find_plan
from storage.units import get_unit

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
WHEN = dt.datetime(2020, 6, 5, 9, tzinfo=TZ)
HUNG = "hung.nv@phuhuu.gov.vn"  # chairman
MAI = "mai.tt@phuhuu.gov.vn"  # vice-chairman for areas 3, 6, 7: approves T.A3
BAO = "bao.lq@phuhuu.gov.vn"  # vice-chairman for the other areas
NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer: leads T.A3, supports T.C
ANH = "anh.btn@phuhuu.gov.vn"  # one-stop desk: supports T.A3
PHAT = "phat.ht@phuhuu.gov.vn"  # culture officer: nothing to do with either task
NOBODY = "nobody@example.com"


def small_plan(plan: Plan) -> Plan:
    def task(code: str, like: str):  # type: ignore[no-untyped-def]
        base = next(t for t in plan.tasks if t.code == like)
        schedule = Schedule(
            "once", dt.date(2020, 1, 1), dt.date(2020, 12, 31), Due(date=dt.date(2020, 6, 10))
        )
        return dataclasses.replace(base, code=code, schedule=schedule, reminders=Reminders())

    return dataclasses.replace(plan, tasks=(task("T.A3", "II.3.1"), task("T.C", "II.1.1")))


@pytest.fixture
def ward(session: Session, load, bundled_plan):  # type: ignore[no-untyped-def]
    plan = small_plan(bundled_plan)
    load(plan, now=dt.datetime(2020, 6, 1, 6, tzinfo=TZ))
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
    start = dt.datetime(2020, 6, 1, 7, tzinfo=TZ)
    import_roster(entries, session=session, unit_id=unit_id, actor="test", now=start)
    materialise(find_plan(session=session, unit_id=unit_id), session=session, actor="t", now=start)
    session.commit()
    return unit_id


@pytest.fixture
def store() -> MemoryBlobStore:
    return MemoryBlobStore()


def who(name: str) -> Identity:
    return Identity.operator("root") if name == "operator" else Identity.officer(name)


def add(engine, store, name: str, task: str = "T.A3", text: str = "ban 1") -> list[EvidenceItem]:  # type: ignore[no-untyped-def]
    return upload(
        UnitOfWork(engine),
        who(name),
        WHEN,
        unit="phu-huu",
        task=task,
        period="2020",
        requirement="1",
        files=[Upload("tai-lieu.pdf", minimal_pdf(text))],
        store=store,
        max_bytes=1024 * 1024,
    )


def decide(engine, name: str, evidence_id: int, action: str = "accept") -> ReviewResult:  # type: ignore[no-untyped-def]
    return review(
        UnitOfWork(engine),
        who(name),
        WHEN,
        evidence_id=evidence_id,
        action=action,  # type: ignore[arg-type]
        reason="Thiếu chữ ký" if action == "reject" else None,
    )


def refusals(session: Session) -> list[AuditEntry]:
    session.expire_all()
    return find_entries(session=session, action="refused")


def evidence_rows(session: Session) -> list[tuple[int, str, str, str]]:
    session.expire_all()
    rows = session.exec(select(Evidence).order_by(Evidence.id)).all()  # type: ignore[arg-type]
    return [(r.id or 0, r.uploaded_by, r.status, r.reviewed_by) for r in rows]


# --- uploading -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rule", "actor"),
    [
        (PHAT, "lead_or_support", PHAT),  # an officer of another position
        (MAI, "lead_or_support", MAI),  # the approver does not upload the lead's work
        (NOBODY, "unknown_identity", NOBODY),
        ("operator", "operator_not_officer", "operator:root"),
    ],
)
def test_only_the_lead_or_a_support_position_uploads(
    engine, session: Session, ward: int, store: MemoryBlobStore, name: str, rule: str, actor: str
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as refused:
        add(engine, store, name)
    assert refused.value.decision.rule == rule
    if rule == "lead_or_support":
        message = refused.value.render("vi")
        assert "Công chức phụ trách công tác CCHC" in message  # the lead position
        assert "Bộ phận tiếp nhận và trả kết quả (một cửa)" in message  # and its support
        assert "T.A3" in refused.value.render("en")

    assert evidence_rows(session) == [] and store.blobs == {}  # nothing stored, not even a file
    assert session.exec(select(func.count()).select_from(Blob)).one() == 0
    [entry] = refusals(session)
    assert (entry.actor, entry.entity, entry.key, entry.unit_id) == (
        actor,
        "evidence",
        "T.A3/2020",
        ward,
    )
    assert (entry.after or {})["attempted"] == "evidence.upload"
    assert (entry.after or {})["rule"] == rule


def test_the_lead_and_a_support_position_upload(
    engine, session: Session, ward: int, store: MemoryBlobStore
) -> None:  # type: ignore[no-untyped-def]
    [lead] = add(engine, store, NHUNG, text="lead")
    [support] = add(engine, store, ANH, text="support")
    [chairman] = add(engine, store, HUNG, task="T.C", text="chairman")
    [helper] = add(engine, store, NHUNG, task="T.C", text="helper")
    assert (lead.uploaded_by, lead.revision) == (NHUNG, 1)
    assert (support.uploaded_by, support.revision, support.task) == (ANH, 2, "T.A3")
    assert (chairman.uploaded_by, helper.uploaded_by, helper.revision) == (HUNG, NHUNG, 2)
    assert lead.path is not None and lead.size and lead.media_type == "application/pdf"
    assert refusals(session) == []


# --- reviewing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "action", "rule"),
    [
        (NHUNG, "accept", "not_own_work"),  # the lead of T.A3, who uploaded it
        (BAO, "accept", "approver_or_chairman"),  # a vice-chairman of other areas
        (PHAT, "reject", "approver_or_chairman"),
        (NOBODY, "accept", "unknown_identity"),
        ("operator", "accept", "operator_not_officer"),
        ("operator", "reject", "operator_not_officer"),
    ],
)
def test_only_the_approver_or_the_chairman_reviews(
    engine, session: Session, ward: int, store: MemoryBlobStore, name: str, action: str, rule: str
) -> None:  # type: ignore[no-untyped-def]
    [item] = add(engine, store, NHUNG)
    before = evidence_rows(session)

    with pytest.raises(Refused) as refused:
        decide(engine, name, item.id, action)
    assert refused.value.decision.rule == rule
    if rule in ("approver_or_chairman", "not_own_work"):
        message = refused.value.render("vi")
        assert "Phó Chủ tịch UBND phường phụ trách lĩnh vực 3" in message
        assert "Chủ tịch UBND phường" in message

    assert evidence_rows(session) == before == [(item.id, NHUNG, "pending", "")]
    [entry] = refusals(session)
    assert (entry.entity, entry.key) == ("evidence", f"T.A3/2020#{item.id}")
    assert (entry.after or {})["attempted"] == f"evidence.{action}"


def test_nobody_reviews_their_own_upload(
    engine, session: Session, ward: int, store: MemoryBlobStore
) -> None:  # type: ignore[no-untyped-def]
    [own] = add(engine, store, HUNG, task="T.C")  # the chairman leads and approves T.C
    with pytest.raises(Refused) as refused:
        decide(engine, HUNG, own.id)
    assert refused.value.decision.rule == "not_own_work"
    assert refused.value.decision.conflict == HUNG
    assert "Nguyễn Văn Hùng" in refused.value.render("vi")
    assert evidence_rows(session) == [(own.id, HUNG, "pending", "")]
    [entry] = refusals(session)
    assert (entry.actor, (entry.after or {})["rule"]) == (HUNG, "not_own_work")

    # the CCHC officer's upload for the same task: the chairman approves it
    [theirs] = add(engine, store, NHUNG, task="T.C", text="support")
    assert decide(engine, HUNG, theirs.id).as_dict() == {
        "id": theirs.id,
        "status": "accepted",
        "reason": None,
    }


def test_the_approver_accepts_and_rejects(
    engine, session: Session, ward: int, store: MemoryBlobStore
) -> None:  # type: ignore[no-untyped-def]
    [first] = add(engine, store, NHUNG, text="1")
    [second] = add(engine, store, ANH, text="2")
    assert decide(engine, MAI, first.id).status == "accepted"
    rejected = decide(engine, HUNG, second.id, "reject")  # the chairman may too
    assert (rejected.status, rejected.reason, rejected.actor) == ("rejected", "Thiếu chữ ký", HUNG)
    assert evidence_rows(session) == [
        (first.id, NHUNG, "accepted", MAI),
        (second.id, ANH, "rejected", HUNG),
    ]
    assert refusals(session) == []


# --- accepting an occurrence accepts its waiting evidence ----------------------------------


def test_accepting_an_occurrence_accepts_the_evidence_waiting_for_review(
    engine, session: Session, ward, store
) -> None:  # type: ignore[no-untyped-def]
    from application.occurrences import act

    [first] = add(engine, store, NHUNG, text="ban 1")
    [second] = add(engine, store, ANH, text="ban 2")
    decide(engine, MAI, first.id, "reject")  # a rejected file stays rejected
    [third] = add(engine, store, NHUNG, text="ban 3")
    act(
        UnitOfWork(engine),
        who(NHUNG),
        WHEN,
        action="submit",
        task="T.A3",
        period="2020",
        reason="Các tài liệu khác nộp bản giấy (kiểm thử)",
    )
    before = {r[0]: r[2] for r in evidence_rows(session)}
    assert (before[second.id], before[third.id]) == ("pending", "pending")

    later = WHEN + dt.timedelta(days=1)
    act(UnitOfWork(engine), who(MAI), later, action="accept", task="T.A3", period="2020")

    after = {r[0]: (r[2], r[3]) for r in evidence_rows(session)}
    assert after[first.id] == ("rejected", MAI)
    assert after[second.id] == ("accepted", MAI) and after[third.id] == ("accepted", MAI)
