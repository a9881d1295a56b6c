"""What a submission freezes, on a real database: ``audit verify`` re-checks every submitted
snapshot (and what it froze) against the hash its submission logged, and nothing that feeds a
submitted assessment changes until the chairman reopens it (issue 10)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from application import assessment as par
from application import audit
from application.access import Identity
from application.dossiers import import_dossiers, set_measurement
from application.evidence import review
from application.occurrences import act
from application.procedures import import_procedures
from application.uow import UnitOfWork
from cchc.demo_data import write_catalogue, write_export
from cchc.replay import minimal_pdf
from cchc.tables import read_table
from domain.errors import LocalizedError, NotFoundError
from models import Assessment, Occurrence
from plans import HERE
from responsibilities.roster import read_roster
from storage.blobs import MemoryBlobStore
from storage.evidence import Upload, add_evidence
from storage.frameworks import load_framework
from storage.occurrences import materialise
from storage.officers import import_roster
from storage.plans import find_plan
from storage.units import get_unit

NOW = dt.datetime(2021, 1, 5, 8, 0, tzinfo=dt.UTC)
HUNG = Identity.officer("hung.nv@phuhuu.gov.vn")  # chairman
NHUNG = Identity.officer("nhung.pth@phuhuu.gov.vn")  # CCHC officer
OPERATOR = Identity.operator("root")
FROZEN = "submitted and frozen"


@pytest.fixture
def ward(session, load, bundled_framework, bundled_plan):  # type: ignore[no-untyped-def]
    load_framework(bundled_framework, session=session, actor="test", now=NOW)
    load()
    unit_id = get_unit("phu-huu", session=session).id
    header, rows = read_table(HERE / "demo-roster.csv")
    entries = read_roster(
        header,
        rows,
        file="demo-roster.csv",
        positions=[r.code for r in bundled_plan.roles],
        areas=[a.code for a in bundled_plan.areas],
    )
    import_roster(entries, session=session, unit_id=unit_id, actor="test", now=NOW)
    materialise(
        find_plan(session=session, unit_id=unit_id, code=bundled_plan.code),
        session=session,
        actor="t",
        now=dt.datetime(2020, 1, 2, 8, 0, tzinfo=dt.UTC),
    )
    session.commit()
    return unit_id


@pytest.fixture
def uow(engine) -> UnitOfWork:  # type: ignore[no-untyped-def]
    return UnitOfWork(engine)


def index(uow: UnitOfWork) -> float:
    return par.scorecard(uow, NOW, year=2020).card.self_index


def problems(uow: UnitOfWork) -> list[str]:
    return [b.problem for b in audit.verify(uow).breaks]


def submitted(uow: UnitOfWork) -> None:
    par.set_score(uow, NHUNG, NOW, year=2020, item="5.1.5", points=1.0, reason="Không vi phạm")
    par.submit(uow, HUNG, NOW, year=2020)
    assert audit.verify(uow).intact


# --- verify re-checks the snapshot ----------------------------------------------------------


def test_verify_reports_an_edited_snapshot_even_with_its_hash_recomputed(
    uow, ward, session
) -> None:  # type: ignore[no-untyped-def]
    submitted(uow)
    row = session.exec(select(Assessment)).one()
    snapshot = dict(row.snapshot or {})
    snapshot["scorecard"] = {**snapshot["scorecard"], "self_index": 99.0}
    session.execute(
        text("UPDATE assessment SET snapshot = :s WHERE id = :id"),
        {"s": json.dumps(snapshot), "id": row.id},
    )
    session.commit()
    report = audit.verify(uow)
    assert not report.intact
    (problem,) = [b.problem for b in report.breaks]
    assert problem.startswith("snapshot phu-huu 2020: content hashes to ")
    assert par.scorecard(uow, NOW, year=2020).card.self_index == 99.0  # what was stored is shown

    from application.frozen import snapshot_hash

    session.execute(
        text("UPDATE assessment SET snapshot_sha256 = :h WHERE id = :id"),
        {"h": snapshot_hash(snapshot), "id": row.id},
    )
    session.commit()
    # the hash the submission logged is in the chained log: both still differ from it
    stored, content = problems(uow)
    assert stored.startswith("snapshot phu-huu 2020: stored hash ")
    assert content.startswith("snapshot phu-huu 2020: content hashes to ")
    assert stored.endswith(content.rsplit(" ", 1)[1])  # … not the submitted <sha>


def test_verify_reports_an_edited_item_bonus_or_a_reopening_not_logged(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    submitted(uow)
    session.execute(text("UPDATE assessment_item SET self_score = 0.5 WHERE item = '5.1.5'"))
    session.execute(text("UPDATE assessment SET penalty = 1"))
    session.commit()
    assert problems(uow) == [
        "snapshot phu-huu 2020: item 5.1.5 self_score 1.0 is now 0.5",
        "snapshot phu-huu 2020: penalty 0.0 is now 1.0",
    ]
    session.execute(text("UPDATE assessment SET status = 'open'"))
    session.commit()
    assert problems(uow) == [
        "snapshot phu-huu 2020: status is 'open' but the audit log has no reopening"
    ]


def test_a_reopened_assessment_is_no_break(uow, ward) -> None:  # type: ignore[no-untyped-def]
    submitted(uow)
    par.reopen(uow, HUNG, NOW, year=2020, reason="Bổ sung")
    par.set_score(uow, NHUNG, NOW, year=2020, item="5.1.5", points=0.5, reason="Có vi phạm")
    assert audit.verify(uow).intact


def test_reopening_an_open_assessment_is_an_error(uow, ward) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LocalizedError, match="not submitted"):
        par.reopen(uow, HUNG, NOW, year=2020, reason="Bổ sung")
    submitted(uow)
    par.reopen(uow, HUNG, NOW, year=2020, reason="Bổ sung")
    with pytest.raises(LocalizedError, match="not submitted"):
        par.reopen(uow, HUNG, NOW, year=2020, reason="Lần nữa")


# --- nothing that feeds it changes ----------------------------------------------------------


def test_a_measurement_of_a_submitted_year_waits_for_the_reopening(uow, ward) -> None:  # type: ignore[no-untyped-def]
    set_measurement(uow, NHUNG, NOW, code="pakn_dung_han_pct", value=100, year=2020)
    submitted(uow)
    frozen = index(uow)
    with pytest.raises(LocalizedError, match=FROZEN) as refused:
        set_measurement(uow, NHUNG, NOW, code="pakn_dung_han_pct", value=50, year=2020)
    assert "cchc par reopen --year 2020" in str(refused.value)
    assert "measure set pakn_dung_han_pct --year 2020" in str(refused.value)
    assert index(uow) == frozen
    # the same value changes nothing the score is made of
    set_measurement(uow, NHUNG, NOW, code="pakn_dung_han_pct", value=100, year=2020)
    # another year is not frozen by 2020's submission (it is refused only for want of its plan)
    with pytest.raises(NotFoundError) as other_year:
        set_measurement(uow, NHUNG, NOW, code="pakn_dung_han_pct", value=50, year=2021)
    assert "2021" in str(other_year.value) and "reopen" not in str(other_year.value)
    par.reopen(uow, HUNG, NOW, year=2020, reason="Số liệu PAKN sai")
    set_measurement(uow, NHUNG, NOW, code="pakn_dung_han_pct", value=50, year=2020)
    assert index(uow) == frozen - 2  # 3.2.1's bands: 100 % → 2 points, 50 % → 0


def test_the_penalty_of_a_submitted_year_is_refused(uow, ward) -> None:  # type: ignore[no-untyped-def]
    submitted(uow)
    with pytest.raises(LocalizedError, match=FROZEN):
        par.adjust(uow, NHUNG, NOW, year=2020, penalty=1, penalty_reason="Chậm")


def test_dossiers_and_the_catalogue_of_a_submitted_year_wait(uow, ward, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    export = write_export(tmp_path / "ho-so-2020.csv", count=60)
    import_dossiers(uow, OPERATOR, NOW, path=export)
    submitted(uow)
    frozen = index(uow)
    import_dossiers(uow, OPERATOR, NOW, path=export)  # the same rows again: nothing changes
    more = write_export(tmp_path / "ho-so-2020-bo-sung.csv", count=80, seed=7)
    with pytest.raises(LocalizedError, match=FROZEN) as refused:
        import_dossiers(uow, OPERATOR, NOW, path=more)
    assert "dossiers import ho-so-2020-bo-sung.csv" in str(refused.value)
    with pytest.raises(LocalizedError, match=FROZEN):
        import_procedures(uow, OPERATOR, NOW, path=write_catalogue(tmp_path / "danh-muc.csv"))
    assert index(uow) == frozen
    par.reopen(uow, HUNG, NOW, year=2020, reason="Bổ sung hồ sơ")
    import_dossiers(uow, OPERATOR, NOW, path=more)


def occurrence(session, task: str) -> Occurrence:  # type: ignore[no-untyped-def]
    return session.exec(select(Occurrence).where(Occurrence.task_code == task)).first()


def test_work_and_evidence_of_a_submitted_year_wait(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    occ = occurrence(session, "II.4.1")  # criteria 4.1.1, 4.1.2
    (evidence,) = add_evidence(
        [Upload("quy-che.pdf", minimal_pdf("quy-che.pdf"))],
        session=session,
        store=MemoryBlobStore(),
        unit_id=occ.unit_id,
        occurrence=occ,
        actor="nhung.pth@phuhuu.gov.vn",
        now=NOW,
        max_bytes=1024 * 1024,
    )
    session.commit()
    submitted(uow)
    with pytest.raises(LocalizedError, match=FROZEN) as refused:
        act(uow, HUNG, NOW, action="waive", task="II.4.1", period=occ.period, reason="Miễn")
    assert f"waive II.4.1 {occ.period}" in str(refused.value)
    with pytest.raises(LocalizedError, match=FROZEN):
        review(uow, HUNG, NOW, evidence_id=evidence.id or 0, action="reject", reason="Sai")
    session.expire_all()
    assert occurrence(session, "II.4.1").status == occ.status
    par.reopen(uow, HUNG, NOW, year=2020, reason="Bổ sung")
    act(uow, HUNG, NOW, action="waive", task="II.4.1", period=occ.period, reason="Miễn")


def test_a_revision_of_a_submitted_years_plan_waits(uow, ward, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from application.plans import load_plan
    from plans import PLAN_2020

    revised = tmp_path / PLAN_2020.name  # II.4.1 now also proves 1.1.1, which no task fed
    text_ = PLAN_2020.read_text(encoding="utf-8")
    revised.write_text(
        text_.replace('criteria: ["4.1.1", "4.1.2"]', 'criteria: ["4.1.1", "4.1.2", "1.1.1"]'),
        encoding="utf-8",
    )
    unchanged = tmp_path / "unchanged" / PLAN_2020.name
    unchanged.parent.mkdir()
    unchanged.write_text(text_, encoding="utf-8")
    submitted(uow)
    load_plan(uow, OPERATOR, NOW, path=unchanged)  # the same plan again changes nothing
    with pytest.raises(LocalizedError, match=FROZEN) as refused:
        load_plan(uow, OPERATOR, NOW, path=revised)
    assert "plan load phu-huu-2020.yaml" in str(refused.value)
    par.reopen(uow, HUNG, NOW, year=2020, reason="Sửa kế hoạch")
    load_plan(uow, OPERATOR, NOW, path=revised)
