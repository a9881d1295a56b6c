"""The year-end self-assessment on a real database: scoring, entries, who may change and
submit it, the submission pack, and the audit log (its chain, reading it)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from application import assessment as par
from application import audit
from application.access import Identity, Refused
from application.uow import UnitOfWork
from cchc.replay import minimal_pdf
from cchc.tables import read_table
from domain.errors import LocalizedError
from domain.plan import Due, Reminders, Schedule
from models import Assessment, AuditEntry, Occurrence
from plans import HERE
from responsibilities.roster import read_roster
from storage.audit import verify_chain
from storage.blobs import MemoryBlobStore
from storage.evidence import Upload, add_evidence, review
from storage.frameworks import load_framework
from storage.occurrences import materialise
from storage.officers import import_roster
from storage.plans import find_plan
from storage.units import get_unit

NOW = dt.datetime(2021, 1, 5, 8, 0, tzinfo=dt.UTC)
HUNG = Identity.officer("hung.nv@phuhuu.gov.vn")  # chairman
NHUNG = Identity.officer("nhung.pth@phuhuu.gov.vn")  # CCHC officer
ANH = Identity.officer("anh.btn@phuhuu.gov.vn")  # one-stop desk
OPERATOR = Identity.operator("root")


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
    session.commit()
    return unit_id


@pytest.fixture
def uow(engine) -> UnitOfWork:  # type: ignore[no-untyped-def]
    return UnitOfWork(engine)


def test_a_fresh_year_scores_only_what_the_rules_can_say(uow, ward) -> None:  # type: ignore[no-untyped-def]
    result = par.scorecard(uow, NOW, year=2020)
    card = result.card
    items = {i.code: i for i in card.items()}
    assert len(items) == 64 and card.scale == 100
    # no dossiers: apology coverage has no data; though its rule says "no_data: full", no data
    # never scores: no suggestion, shown as missing input and flagged for the CCHC officer
    assert items["3.3.5"].suggested is None and items["3.3.5"].self_score is None
    assert items["3.3.5"].basis == "metric:apology_coverage: no data"
    assert items["3.3.5"].missing_input == "metric:apology_coverage" and items["3.3.5"].needs_input
    assert items["3.2.1"].missing_input == "measure:pakn_dung_han_pct"
    assert items["3.2.1"].suggested is None and items["3.2.1"].needs_input
    assert (card.self_assessed_max, card.survey_max) == (70, 30)
    # survey items are never suggested; manual rules wait for a person
    assert items["8.1.1"].suggested is None and items["5.1.5"].suggested is None
    assert result.status == "open" and result.snapshot_sha256 is None
    assert card.self_total == sum(i.self_score or 0 for i in items.values())


def test_entries_override_survey_explain_caps_and_submit_freezes(uow, ward, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def enter(item: str, who: Identity = NHUNG, **values: object):  # type: ignore[no-untyped-def]
        return par.set_score(uow, who, NOW, year=2020, item=item, **values)  # type: ignore[arg-type]

    enter("1.1.1", level="kip_thoi")
    enter("5.1.5", points=1.0, reason="Không có vi phạm kỷ luật, kỷ cương hành chính")
    enter("8.1.1", HUNG, survey=9.0)  # the chairman may enter scores too
    par.explain(
        uow,
        NHUNG,
        NOW,
        year=2020,
        item="5.1.5",
        text="Biên bản kiểm tra công vụ lưu tại Văn phòng",
    )
    with pytest.raises(LocalizedError, match="reason"):
        enter("6.1.1", points=1.0)
    with pytest.raises(LocalizedError, match="survey"):
        enter("8.1.1", points=5.0, reason="r")
    with pytest.raises(LocalizedError, match="between 0 and 1"):
        enter("1.1.1", appraisal_1=3.0)
    adjusted = par.adjust(
        uow,
        NHUNG,
        NOW,
        year=2020,
        bonus=9,
        bonus_reason="Sáng kiến",
        penalty=0.5,
        penalty_reason="Chậm báo cáo",
        difficulties="Thiếu nhân sự",
    )
    assert adjusted.after == {"bonus": 2, "penalty": 0.5}  # capped by the framework

    card = par.scorecard(uow, NOW, year=2020).card
    items = {i.code: i for i in card.items()}
    assert (
        items["1.1.1"].self_score == 1 and items["1.1.1"].needs_explanation
    )  # scored, no evidence
    assert items["5.1.5"].self_score == 1 and not items["5.1.5"].needs_explanation  # explained
    assert items["8.1.1"].self_score == 9.0
    assert card.bonus == 2 and card.penalty == 0.5  # capped by the framework
    assert card.self_index == pytest.approx(card.self_total)  # scale 100

    submitted = par.submit(uow, HUNG, NOW, year=2020)
    assert submitted.status == "submitted" and len(submitted.snapshot_sha256 or "") == 64
    with uow as session:
        row = session.exec(select(Assessment)).one()
    assert row.snapshot is not None
    assert row.snapshot["scorecard"]["self_total"] == card.self_total
    assert row.snapshot["submitted_by"] == "hung.nv@phuhuu.gov.vn"
    with pytest.raises(LocalizedError, match="frozen"):
        par.explain(uow, NHUNG, NOW, year=2020, item="1.1.2", text="x")

    out = tmp_path / "pack"
    summary = par.export_pack(uow, NOW, year=2020, out_dir=out, blobs=MemoryBlobStore())
    assert summary.files == 0 and Path(summary.folder) == out
    from openpyxl import load_workbook

    sheet = load_workbook(summary.sheet).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[2] == [
        "STT",
        "Lĩnh vực/Tiêu chí/Tiêu chí thành phần",
        "Điểm tối đa",
        "Điểm tự đánh giá",
        "Điểm điều tra XHH",
        "Điểm đạt được",
        "Điểm thẩm định",
        "Tài liệu kiểm chứng",
        "Ghi chú",
    ]
    area_row = next(r for r in rows if r[1] == "Công tác chỉ đạo, điều hành CCHC")
    assert area_row[0] == "I" and area_row[2] == 12
    assert sheet.cell(row=rows.index(area_row) + 1, column=2).font.bold
    # a survey item's points are in the survey column, never in the self-assessed one
    item_row = next(r for r in rows if r[0] == "8.1.1")
    assert item_row[3] is None and item_row[4] == 9.0 and item_row[5] == 9.0
    survey_area = next(r for r in rows if r[0] == "VIII")
    assert survey_area[2] == 30 and survey_area[3] is None and survey_area[4] == 9.0
    self_row = next(r for r in rows if r[1] == "Cộng điểm tự đánh giá")
    assert self_row[2] == 70 and self_row[3] == card.self_assessed_total
    survey_row = next(r for r in rows if r[1] == "Cộng điểm điều tra xã hội học")
    assert survey_row[2] == 30 and survey_row[4] == 9.0
    total = next(r for r in rows if r[1] == "TỔNG ĐIỂM")
    assert total[2] == 100 and total[5] == card.self_total
    assert (total[3], total[4]) == (card.self_assessed_total, 9.0)
    assert card.self_total == pytest.approx(card.self_assessed_total + 9.0 + 2 - 0.5)
    with zipfile.ZipFile(summary.report) as docx:
        document = docx.read("word/document.xml").decode("utf-8")
    assert "Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2020" in document
    assert "Thiếu nhân sự" in document
    own = f"{card.self_assessed_total:g}".replace(".", ",")
    assert f"Điểm tự đánh giá: {own}/70 điểm" in document
    assert "điểm điều tra xã hội học: 9/30 điểm" in document
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == []


def test_only_the_cchc_officer_or_chairman_edits_and_only_the_chairman_submits(uow, ward) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as refused:
        par.set_score(uow, ANH, NOW, year=2020, item="1.1.1", level="kip_thoi")
    assert "chỉ Công chức phụ trách công tác CCHC hoặc Chủ tịch UBND phường được sửa" in (
        refused.value.render("vi")
    )
    with pytest.raises(Refused) as refused:
        par.submit(uow, NHUNG, NOW, year=2020)
    assert refused.value.decision.rule == "chairman"
    with pytest.raises(Refused) as refused:
        par.submit(uow, OPERATOR, NOW, year=2020)
    assert refused.value.decision.rule == "operator_not_officer"
    with pytest.raises(Refused):
        par.adjust(uow, Identity.officer("nobody@example.com"), NOW, year=2020, bonus=1)
    # nothing changed, and each attempt is in the log
    result = par.scorecard(uow, NOW, year=2020)
    level_item = next(i for i in result.card.items() if i.code == "1.1.1")
    assert result.status == "open" and level_item.self_score is None and result.card.bonus == 0
    with uow as session:
        refusals = session.exec(select(AuditEntry).where(AuditEntry.action == "refused")).all()
    assert [(r.actor, (r.after or {})["attempted"]) for r in refusals] == [
        ("anh.btn@phuhuu.gov.vn", "par.edit"),
        ("nhung.pth@phuhuu.gov.vn", "par.submit"),
        ("operator:root", "par.submit"),
        ("nobody@example.com", "par.edit"),
    ]


def test_the_chairman_reopens_with_a_reason_and_the_snapshot_stays_in_the_log(uow, ward) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LocalizedError, match="not submitted"):
        par.reopen(uow, HUNG, NOW, year=2020, reason="Bổ sung")
    sha = par.submit(uow, HUNG, NOW, year=2020).snapshot_sha256
    with pytest.raises(Refused):
        par.reopen(uow, NHUNG, NOW, year=2020, reason="Bổ sung")
    with pytest.raises(LocalizedError, match="reason") as no_reason:
        par.reopen(uow, HUNG, NOW, year=2020, reason="  ")
    assert no_reason.value.render("vi") == (
        "Cần ghi lý do để mở lại bản tự đánh giá Chỉ số CCHC (--reason)."
    )
    reopened = par.reopen(uow, HUNG, NOW, year=2020, reason="Bổ sung tài liệu 3.3.3")
    assert reopened.as_dict() == {
        "year": 2020,
        "status": "open",
        "snapshot_sha256": None,
        "reason": "Bổ sung tài liệu 3.3.3",
    }
    par.set_score(uow, NHUNG, NOW, year=2020, item="1.1.1", level="kip_thoi")  # open again
    entry = audit.list_entries(uow, NHUNG, NOW, action="par_reopen")[0]
    assert entry.actor == "hung.nv@phuhuu.gov.vn" and entry.before is not None
    assert entry.before["sha256"] == sha and entry.before["snapshot"]["year"] == 2020


def test_reading_the_log_filters_by_actor_action_object_and_local_date(uow, ward) -> None:  # type: ignore[no-untyped-def]
    late_evening = dt.datetime(2021, 1, 5, 16, 30, tzinfo=dt.UTC)  # 23:30 in Hồ Chí Minh City
    next_morning = dt.datetime(2021, 1, 5, 17, 30, tzinfo=dt.UTC)  # 00:30 on 6 January there
    par.set_score(uow, NHUNG, late_evening, year=2020, item="1.1.1", level="kip_thoi")
    par.set_score(
        uow, NHUNG, next_morning, year=2020, item="7.2.1", level="duy_tri_cai_tien_cong_bo"
    )
    with pytest.raises(Refused):
        par.submit(uow, ANH, NOW, year=2020)

    def keys(**where: object) -> list[str]:
        views = audit.list_entries(uow, NHUNG, NOW, **where)  # type: ignore[arg-type]
        return [v.key for v in views if v.entity == "assessment_item"]

    assert keys(actor="nhung.pth@phuhuu.gov.vn") == ["2020/7.2.1", "2020/1.1.1"]  # newest first
    assert keys(since=dt.date(2021, 1, 5), until=dt.date(2021, 1, 5)) == ["2020/1.1.1"]
    assert keys(since=dt.date(2021, 1, 6)) == ["2020/7.2.1"]
    assert keys(obj="assessment_item:2020/1.1.1") == ["2020/1.1.1"]
    assert keys(obj="assessment_item", limit=1) == ["2020/7.2.1"]
    first = audit.list_entries(uow, HUNG, NOW, obj="2020/1.1.1")[0]
    assert first.simulated_at is not None and first.unit == "phu-huu"
    assert first.simulated_at.isoformat() == "2021-01-05T23:30:00+07:00"
    # the real clock is kept beside the simulated time, in the same time zone
    assert first.at.utcoffset() == dt.timedelta(hours=7)
    assert abs(first.at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=10)
    refused = audit.list_entries(uow, OPERATOR, NOW, action="refused")
    assert [(r.actor, r.attempted) for r in refused][:1] == [
        ("anh.btn@phuhuu.gov.vn", "par.submit")
    ]
    shown = audit.show_entry(uow, HUNG, NOW, first.id)
    assert shown.before == {
        "self_score": None,
        "self_reason": "",
        "level": None,
        "survey": None,
        "appraisal_1": None,
        "appraisal_2": None,
        "explanation": "",
    }
    assert shown.after is not None and shown.after["level"] == "kip_thoi"
    assert len(shown.hash) == 64 and len(shown.prev_hash) == 64
    assert set(shown.as_dict()) == {
        "id",
        "at",
        "actor",
        "action",
        "entity",
        "key",
        "unit",
        "before",
        "after",
        "simulated_at",
    }
    with pytest.raises(LocalizedError, match="No audit log entry 999999"):
        audit.show_entry(uow, HUNG, NOW, 999999)
    with pytest.raises(Refused):
        audit.list_entries(uow, ANH, NOW)
    with pytest.raises(Refused):
        audit.show_entry(uow, ANH, NOW, first.id)


def test_audit_chain_detects_an_edited_row(session, ward, engine) -> None:  # type: ignore[no-untyped-def]
    count, breaks = verify_chain(session=session)
    assert count > 100 and breaks == []
    # someone with database access edits history behind the application's back
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"))
            connection.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = 5"))
            connection.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
            connection.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = 5"))
    session.expire_all()
    count, breaks = verify_chain(session=session)
    assert [(b.id, b.problem) for b in breaks] == [(5, "content")]


# --- evidence per item: each file once, only the assessment year's ---------------------------


def occurrence_of(session, plan_code: str, task: str) -> Occurrence:  # type: ignore[no-untyped-def]
    plan_row = find_plan(
        session=session, unit_id=get_unit("phu-huu", session=session).id, code=plan_code
    )
    return session.exec(
        select(Occurrence).where(Occurrence.plan_id == plan_row.id, Occurrence.task_code == task)
    ).one()


def upload(session, store, occ: Occurrence, name: str, **kw):  # type: ignore[no-untyped-def]
    (row,) = add_evidence(
        [Upload(name, minimal_pdf(name))],
        session=session,
        store=store,
        unit_id=occ.unit_id,
        occurrence=occ,
        actor="hung.nv@phuhuu.gov.vn",
        now=NOW,
        max_bytes=1024 * 1024,
        **kw,
    )
    return row


@pytest.fixture
def materialised(session, ward, bundled_plan):  # type: ignore[no-untyped-def]
    """The 2020 plan's occurrences, and a 2019 plan of the same ward with task II.4.1."""
    at = dt.datetime(2020, 1, 2, 8, 0, tzinfo=dt.UTC)
    materialise(
        find_plan(session=session, unit_id=ward, code=bundled_plan.code),
        session=session,
        actor="t",
        now=at,
    )
    task = next(t for t in bundled_plan.tasks if t.code == "II.4.1")  # criteria 4.1.1, 4.1.2
    schedule = Schedule(
        "once", dt.date(2019, 1, 1), dt.date(2019, 12, 31), Due(date=dt.date(2019, 6, 10))
    )
    old = dataclasses.replace(
        bundled_plan,
        code="KH-CCHC-2019",
        year=2019,
        tasks=(dataclasses.replace(task, schedule=schedule, reminders=Reminders()),),
    )
    from storage.plans import load_plan

    load_plan(old, session=session, actor="test", now=dt.datetime(2019, 1, 2, tzinfo=dt.UTC))
    materialise(
        find_plan(session=session, unit_id=ward, code="KH-CCHC-2019"),
        session=session,
        actor="t",
        now=dt.datetime(2019, 1, 2, tzinfo=dt.UTC),
    )
    session.commit()
    return ward


def test_a_file_counts_once_per_item_and_only_in_its_own_year(  # type: ignore[no-untyped-def]
    uow, session, materialised, tmp_path: Path
) -> None:
    store = MemoryBlobStore()
    # uploaded for II.4.1 (criteria 4.1.1, 4.1.2): the upload carries its task's criteria, so
    # it is linked both through the task's occurrence and through its own criteria
    this_year = occurrence_of(session, "KH-CCHC-2020", "II.4.1")
    upload(session, store, this_year, "quy-che-lam-viec.pdf")
    # last year's plan: the same task's file, with the same criteria
    last_year = occurrence_of(session, "KH-CCHC-2019", "II.4.1")
    upload(session, store, last_year, "quy-che-2019.pdf")
    # a file its uploader said proves another item only
    upload(session, store, this_year, "danh-sach-cbcc.pdf", criteria=["5.1.1"])
    session.commit()

    items = {i.code: i for i in par.scorecard(uow, NOW, year=2020).card.items()}
    assert items["4.1.1"].evidence == 1  # was 3: counted twice, plus last year's file
    assert items["4.1.2"].evidence == 1
    assert items["5.1.1"].evidence == 1
    last = {i.code: i for i in par.scorecard(uow, NOW, year=2019).card.items()}
    assert last["4.1.1"].evidence == 1 and last["5.1.1"].evidence == 0

    # the pack files what the score counts: each file once under each item it proves
    pack = par.export_pack(uow, NOW, year=2020, out_dir=tmp_path / "pack", blobs=store)
    folder = tmp_path / "pack" / "tai-lieu-kiem-chung"
    filed = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.pdf"))
    assert [(f.split("/")[0], f.rsplit("_", 1)[1]) for f in filed] == [
        ("4.1.1", "quy-che-lam-viec.pdf"),
        ("4.1.2", "quy-che-lam-viec.pdf"),
        ("5.1.1", "danh-sach-cbcc.pdf"),
    ]
    assert pack.files == 3


# --- the pack flags evidence not accepted -----------------------------------------------------


def test_the_pack_flags_files_not_accepted_and_leaves_rejected_ones_out(  # type: ignore[no-untyped-def]
    uow, session, materialised, tmp_path: Path
) -> None:
    store = MemoryBlobStore()
    occ = occurrence_of(session, "KH-CCHC-2020", "II.4.1")
    accepted = upload(session, store, occ, "quy-che-da-duyet.pdf", criteria=["4.1.1"])
    pending = upload(session, store, occ, "quy-che-cho-duyet.pdf", criteria=["4.1.1"])
    rejected = upload(session, store, occ, "quy-che-sai.pdf", criteria=["4.1.1"])
    review(accepted.id, "accept", session=session, actor="mai.tt@phuhuu.gov.vn", now=NOW)
    review(
        rejected.id,
        "reject",
        session=session,
        actor="mai.tt@phuhuu.gov.vn",
        now=NOW,
        reason="Sai số quyết định",
    )
    session.commit()

    out = tmp_path / "pack"
    pack = par.export_pack(uow, NOW, year=2020, out_dir=out, blobs=store)
    assert pack.files == 2  # the rejected file is not filed
    folder = out / "tai-lieu-kiem-chung" / "4.1.1"
    assert sorted(p.name.rsplit("_", 1)[1] for p in folder.iterdir()) == [
        "quy-che-cho-duyet.pdf",
        "quy-che-da-duyet.pdf",
    ]
    manifest = {r["evidence_id"]: r for r in json.loads((out / "manifest.json").read_text("utf-8"))}
    assert manifest[accepted.id]["accepted"] is True and manifest[accepted.id]["flag"] == ""
    assert manifest[accepted.id]["size"] == len(minimal_pdf("quy-che-da-duyet.pdf"))
    assert manifest[pending.id]["accepted"] is False
    assert manifest[pending.id]["flag"] == "CHƯA DUYỆT — tài liệu chưa được chấp nhận"
    assert (out / manifest[pending.id]["path"]).is_file()
    assert manifest[rejected.id]["accepted"] is False and manifest[rejected.id]["path"] == ""
    assert manifest[rejected.id]["flag"] == ("BỊ TỪ CHỐI — không nộp kèm (Sai số quyết định)")
    with (out / "manifest.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = {int(r["evidence_id"]): r for r in csv.DictReader(handle)}
    assert rows[pending.id]["flag"] == manifest[pending.id]["flag"]
    assert rows[rejected.id]["accepted"] == "False" and rows[rejected.id]["path"] == ""
    assert rows[accepted.id]["status"] == "accepted" and rows[accepted.id]["flag"] == ""

    from openpyxl import load_workbook

    sheet = load_workbook(pack.sheet).active
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "4.1.1")
    assert row[7] == (
        "quy-che-da-duyet.pdf; quy-che-cho-duyet.pdf (CHƯA DUYỆT); "
        "quy-che-sai.pdf (BỊ TỪ CHỐI — không nộp kèm)"
    )
    # the score counts the files filed, not the rejected one
    items = {i.code: i for i in par.scorecard(uow, NOW, year=2020).card.items()}
    assert items["4.1.1"].evidence == 2
