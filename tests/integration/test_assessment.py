"""The year-end self-assessment on a real database: scoring, entries, submission, export, audit chain."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

from domain.errors import LocalizedError
from storage.assessment import evidence_files, scorecard, set_adjustments, set_entry, submit
from storage.audit import verify_chain
from storage.frameworks import load_framework
from storage.units import get_unit

NOW = dt.datetime(2021, 1, 5, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def ward(session, load, bundled_framework):  # type: ignore[no-untyped-def]
    load_framework(bundled_framework, session=session, actor="test", now=NOW)
    load()
    return get_unit("phu-huu", session=session).id


def test_a_fresh_year_scores_only_what_the_rules_can_say(session, ward) -> None:  # type: ignore[no-untyped-def]
    card, assessment = scorecard(session, unit_id=ward, year=2020, now=NOW)
    items = {i.code: i for i in card.items()}
    assert len(items) == 64 and card.scale == 100
    # no dossiers, no late ones: apology coverage has no data and its rule gives full points
    assert items["3.3.5"].suggested == 1 and items["3.3.5"].basis.endswith("→ full")
    # survey items are never suggested; manual rules wait for a person
    assert items["8.1.1"].suggested is None and items["5.1.5"].suggested is None
    assert assessment.status == "open"
    assert card.self_total == sum(i.self_score or 0 for i in items.values())


def test_entries_override_survey_explain_caps_and_submit_freezes(
    session, ward, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    set_entry(
        session, unit_id=ward, year=2020, item="1.1.1", actor="nhung", now=NOW, level="kip_thoi"
    )
    set_entry(
        session,
        unit_id=ward,
        year=2020,
        item="5.1.5",
        actor="nhung",
        now=NOW,
        self_score=1.0,
        self_reason="Không có vi phạm kỷ luật, kỷ cương hành chính",
    )
    set_entry(session, unit_id=ward, year=2020, item="8.1.1", actor="nhung", now=NOW, survey=9.0)
    set_entry(
        session,
        unit_id=ward,
        year=2020,
        item="5.1.5",
        actor="nhung",
        now=NOW,
        explanation="Biên bản kiểm tra công vụ lưu tại Văn phòng",
    )
    with pytest.raises(LocalizedError, match="reason"):
        set_entry(
            session, unit_id=ward, year=2020, item="6.1.1", actor="x", now=NOW, self_score=1.0
        )
    with pytest.raises(LocalizedError, match="survey"):
        set_entry(
            session,
            unit_id=ward,
            year=2020,
            item="8.1.1",
            actor="x",
            now=NOW,
            self_score=5.0,
            self_reason="r",
        )
    with pytest.raises(LocalizedError, match="between 0 and 1"):
        set_entry(
            session, unit_id=ward, year=2020, item="1.1.1", actor="x", now=NOW, appraisal_1=3.0
        )
    set_adjustments(
        session,
        unit_id=ward,
        year=2020,
        actor="nhung",
        now=NOW,
        bonus=9,
        bonus_reason="Sáng kiến",
        penalty=0.5,
        penalty_reason="Chậm báo cáo",
    )
    session.commit()

    card, _ = scorecard(session, unit_id=ward, year=2020, now=NOW)
    items = {i.code: i for i in card.items()}
    assert (
        items["1.1.1"].self_score == 1 and items["1.1.1"].needs_explanation
    )  # scored, no evidence
    assert items["5.1.5"].self_score == 1 and not items["5.1.5"].needs_explanation  # explained
    assert items["8.1.1"].self_score == 9.0
    assert card.bonus == 2 and card.penalty == 0.5  # capped by the framework
    assert card.self_index == pytest.approx(card.self_total)  # scale 100

    assessment = submit(session, unit_id=ward, year=2020, actor="hung", now=NOW)
    session.commit()
    assert assessment.status == "submitted" and len(assessment.snapshot_sha256) == 64
    assert assessment.snapshot["scorecard"]["self_total"] == card.self_total
    with pytest.raises(LocalizedError, match="frozen"):
        set_entry(
            session,
            unit_id=ward,
            year=2020,
            item="1.1.2",
            actor="x",
            now=NOW,
            level=None,
            explanation="x",
        )

    from cchc.par_export import export_pack

    out = tmp_path / "pack"
    summary = export_pack(
        card,
        out,
        year=2020,
        unit_name="UBND phường Phú Hữu",
        difficulties="Thiếu nhân sự",
        files=evidence_files(session, unit_id=ward, year=2020),
        blob_path=lambda sha: tmp_path / sha,
    )
    from openpyxl import load_workbook

    sheet = load_workbook(summary["sheet"]).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[2] == [
        "STT",
        "Lĩnh vực/Tiêu chí/Tiêu chí thành phần",
        "Điểm tối đa",
        "Điểm tự đánh giá",
        "Điểm thẩm định",
        "Tài liệu kiểm chứng",
        "Ghi chú",
    ]
    area_row = next(r for r in rows if r[1] == "Công tác chỉ đạo, điều hành CCHC")
    assert area_row[0] == "I" and area_row[2] == 12
    assert sheet.cell(row=rows.index(area_row) + 1, column=2).font.bold
    item_row = next(r for r in rows if r[0] == "8.1.1")
    assert item_row[3] == 9.0
    total = next(r for r in rows if r[1] == "TỔNG ĐIỂM")
    assert total[3] == card.self_total
    with zipfile.ZipFile(summary["report"]) as docx:
        document = docx.read("word/document.xml").decode("utf-8")
    assert "BÁO CÁO TỰ ĐÁNH GIÁ" in document and "Thiếu nhân sự" in document
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == []


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
