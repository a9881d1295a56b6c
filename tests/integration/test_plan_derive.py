"""Plans from a province's template: three units derive their plans, one with an overlay
(a local task, a moved deadline, a tightened target); a revised template that archives a task
is previewed, then applied, and leaves submitted work as it was.

Every test runs on SQLite and on PostgreSQL (the ``engine`` fixture is parametrised).
"""

from __future__ import annotations

import datetime as dt
import shutil
import zoneinfo
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from application.access import Identity, Refused
from application.derive import derive_plans
from application.occurrences import schedule
from application.plans import load_plan, show_plan
from application.uow import UnitOfWork
from domain.errors import InvalidInput, LocalizedError
from domain.plan import Due, Unit
from models import AuditEntry, Occurrence, PlanRecord, TaskRecord
from plans import HERE
from storage.units import ensure_unit, get_unit

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2020, 4, 15, 8, 0, tzinfo=TZ)
LATER = dt.datetime(2020, 5, 4, 8, 0, tzinfo=TZ)
OPERATOR = Identity.operator("so-noi-vu")
TEMPLATE = HERE / "province" / "template-2020.yaml"
OVERLAYS = HERE / "province" / "overlays"
CITY = Unit("tp-hcm", "UBND Thành phố Hồ Chí Minh")
UNITS = {
    "phu-huu": "UBND phường Phú Hữu",
    "an-phu": "UBND phường An Phú",
    "long-truong": "UBND phường Long Trường",
}


@pytest.fixture
def uow(engine) -> UnitOfWork:  # type: ignore[no-untyped-def]
    """The province's units in the unit table, as ``cchc unit import`` leaves them."""
    with Session(engine) as session:
        for code, name in UNITS.items():
            ensure_unit(Unit(code, name, CITY), session=session, actor="test", now=NOW)
        session.commit()
    return UnitOfWork(engine)


def revision(tmp_path: Path) -> Path:
    """Version 2 of the template: task II.1.3 (quarterly inspection) is dropped."""
    text = TEMPLATE.read_text(encoding="utf-8")
    start = text.index("  - code: II.1.3")
    end = text.index("  - code: II.2.1")
    revised = text[:start] + text[end:]
    revised = revised.replace("version: 1", "version: 2")
    path = tmp_path / "template-2020-v2.yaml"
    path.write_text(revised, encoding="utf-8")
    return path


def derive_all(uow: UnitOfWork, template: Path = TEMPLATE, **kw):  # type: ignore[no-untyped-def]
    return derive_plans(
        uow, OPERATOR, kw.pop("now", NOW), template=template, units=list(UNITS), **kw
    )


def occurrences(uow: UnitOfWork, unit: str, task: str) -> dict[str, tuple[dt.date, str]]:
    with uow as session:
        uid = get_unit(unit, session=session).id
        rows = session.exec(
            select(Occurrence).where(Occurrence.unit_id == uid, Occurrence.task_code == task)
        ).all()
        return {o.period: (o.due_date, o.status) for o in rows}


def test_each_unit_gets_the_template_under_its_own_name_with_its_overlay(uow) -> None:  # type: ignore[no-untyped-def]
    done = derive_all(uow, overlay_dir=OVERLAYS)

    assert [u.unit for u in done.units] == list(UNITS)
    assert all(u.new for u in done.units)
    by_unit = {u.unit: u for u in done.units}
    assert by_unit["phu-huu"].overlay == "phu-huu.yaml"
    assert by_unit["an-phu"].overlay == ""

    phu_huu = show_plan(uow, unit="phu-huu").plan
    an_phu = show_plan(uow, unit="an-phu").plan
    assert phu_huu.unit.name == "UBND phường Phú Hữu"
    assert an_phu.unit.name == "UBND phường An Phú"
    assert an_phu.unit.parent is not None and an_phu.unit.parent.code == "tp-hcm"
    assert phu_huu.title.endswith("của UBND phường Phú Hữu")
    assert (
        an_phu.title == "Kế hoạch thực hiện công tác cải cách hành chính năm 2020 (mẫu cho cấp xã)"
    )
    # the template's tasks, evidence and criteria links, plus the ward's own task
    assert [t.code for t in an_phu.tasks] == ["II.1.1", "II.1.2", "II.1.3", "II.2.1"]
    assert [t.code for t in phu_huu.tasks] == ["II.1.1", "II.1.2", "II.1.3", "II.2.1", "PH.1"]
    assert an_phu.task("II.1.2").criteria == ("1.2.1",)
    assert an_phu.task("II.1.2").evidence[0].name == "Báo cáo kết quả thực hiện công tác CCHC"
    # the moved deadline and the tightened target are the ward's alone
    assert phu_huu.task("II.1.2").schedule.due == Due(month_day=10)
    assert an_phu.task("II.1.2").schedule.due == Due(month_day=15)
    assert phu_huu.targets[0].value == 98 and an_phu.targets[0].value == 95

    shown = show_plan(uow, unit="phu-huu")
    assert shown.origin is not None
    origin = shown.as_dict()["origin"]
    assert origin["template"]["code"] == "KH-CCHC-2020"
    assert origin["template"]["version"] == "1"
    assert len(origin["template"]["sha256"]) == 64
    assert origin["overlay"]["file"] == "phu-huu.yaml"
    assert show_plan(uow, unit="an-phu").as_dict()["origin"]["overlay"] is None


def test_deriving_the_same_template_again_changes_nothing(uow) -> None:  # type: ignore[no-untyped-def]
    derive_all(uow, overlay_dir=OVERLAYS)
    with uow as session:
        audited = session.exec(select(func.count()).select_from(AuditEntry)).one()
    again = derive_all(uow)  # no overlay folder: each unit keeps the overlay stored with it
    assert not any(u.changed for u in again.units)
    assert {u.unit: u.overlay_kept for u in again.units}["phu-huu"] is True
    with uow as session:
        assert session.exec(select(func.count()).select_from(AuditEntry)).one() == audited


def test_a_revision_is_previewed_then_applied_and_never_touches_submitted_work(
    uow, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    derive_all(uow, overlay_dir=OVERLAYS)
    for unit in UNITS:
        schedule(uow, OPERATOR, NOW, unit=unit, year=2020)
    # Phú Hữu submitted its Q2 inspection early
    with uow as session:
        uid = get_unit("phu-huu", session=session).id
        q2 = session.exec(
            select(Occurrence).where(
                Occurrence.unit_id == uid,
                Occurrence.task_code == "II.1.3",
                Occurrence.period == "2020-Q2",
            )
        ).one()
        q2.status = "submitted"
        session.add(q2)
    before = {u: occurrences(uow, u, "II.1.3") for u in UNITS}
    assert before["phu-huu"]["2020-Q2"][1] == "submitted"
    v2 = revision(tmp_path)

    preview = derive_plans(uow, OPERATOR, LATER, template=v2, dry_run=True)  # every derived unit
    assert preview.dry_run and preview.version == "2"
    assert [u.unit for u in preview.units] == sorted(UNITS)
    for unit in preview.units:
        assert unit.changes.tasks_archived == ("II.1.3",)
        assert unit.changes.tasks_added == ()
        cancelled = {(o.task, o.period) for o in unit.occurrences if o.kind == "cancelled"}
        assert ("II.1.3", "2020-Q3") in cancelled and ("II.1.3", "2020-Q4") in cancelled
        assert ("II.1.3", "2020-Q1") not in cancelled  # its deadline has passed: left as it is
    ward = {u.unit: u for u in preview.units}["phu-huu"]
    assert ward.overlay == "phu-huu.yaml" and ward.overlay_kept
    assert ("II.1.3", "2020-Q2") not in {(o.task, o.period) for o in ward.occurrences}
    assert [(k.task, k.period, k.status) for k in ward.kept] == [("II.1.3", "2020-Q2", "submitted")]
    # the preview kept nothing
    assert {u: occurrences(uow, u, "II.1.3") for u in UNITS} == before
    assert [t.code for t in show_plan(uow, unit="an-phu").plan.tasks] == [
        "II.1.1",
        "II.1.2",
        "II.1.3",
        "II.2.1",
    ]

    applied = derive_plans(uow, OPERATOR, LATER, template=v2)
    assert [u.changes for u in applied.units] == [u.changes for u in preview.units]
    after = occurrences(uow, "phu-huu", "II.1.3")
    assert after["2020-Q2"] == before["phu-huu"]["2020-Q2"]  # submitted: untouched
    assert after["2020-Q1"] == before["phu-huu"]["2020-Q1"]
    assert after["2020-Q3"][1] == after["2020-Q4"][1] == "cancelled"
    assert occurrences(uow, "an-phu", "II.1.3")["2020-Q2"][1] == "cancelled"
    # the ward's overlay survives the revision: its own task, its deadline, its target
    ward_plan = show_plan(uow, unit="phu-huu").plan
    assert [t.code for t in ward_plan.tasks] == ["II.1.1", "II.1.2", "II.2.1", "PH.1"]
    assert ward_plan.task("II.1.2").schedule.due == Due(month_day=10)
    assert ward_plan.targets[0].value == 98
    assert show_plan(uow, unit="phu-huu").as_dict()["origin"]["template"]["version"] == "2"
    with uow as session:  # archived, not deleted: the submitted work still hangs on it
        archived = session.exec(select(TaskRecord).where(TaskRecord.code == "II.1.3")).all()
        assert len(archived) == 3 and all(t.archived_at is not None for t in archived)


def test_a_bad_overlay_stops_every_unit_and_names_its_file_and_line(uow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "overlays"
    folder.mkdir()
    shutil.copy(OVERLAYS / "phu-huu.yaml", folder / "phu-huu.yaml")
    (folder / "an-phu.yaml").write_text(
        "format: cchc-overlay/1\n"
        "overlay: {unit: an-phu, template: KH-CCHC-2020}\n"
        "deadlines:\n"
        "  - {task: II.9.9, due: {month_day: 10}}\n"
        "targets:\n"
        "  - {target: T2.1a, value: 90}\n",
        encoding="utf-8",
    )
    (folder / "phu_huu.yaml").write_text("format: cchc-overlay/1\n", encoding="utf-8")  # misspelt
    with pytest.raises(InvalidInput) as caught:
        derive_all(uow, overlay_dir=folder)
    located = {(Path(p.file).name, p.line, p.code) for p in caught.value.problems}
    assert located == {
        ("an-phu.yaml", 4, "unknown_ref"),
        ("an-phu.yaml", 6, "overlay_target_looser"),
        ("phu_huu.yaml", None, "overlay_unknown_unit"),
    }
    with uow as session:  # all or nothing: not even Phú Hữu, whose overlay is fine
        assert session.exec(select(func.count()).select_from(PlanRecord)).one() == 0


def test_unknown_units_and_plain_plans_are_refused(uow) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LocalizedError) as caught:
        derive_plans(uow, OPERATOR, NOW, template=TEMPLATE, units=["phu-huu", "khong-co"])
    assert caught.value.key == "error.derive_unknown_units"
    assert "khong-co" in caught.value.render("vi")
    with pytest.raises(LocalizedError) as caught:
        derive_plans(uow, OPERATOR, NOW, template=HERE / "phu-huu-2020.yaml", units=["an-phu"])
    assert caught.value.key == "error.not_a_template"
    with pytest.raises(LocalizedError) as caught:
        load_plan(uow, OPERATOR, NOW, path=TEMPLATE)
    assert caught.value.key == "error.template_not_loadable"
    with uow as session:
        assert session.exec(select(func.count()).select_from(PlanRecord)).one() == 0


def test_a_unit_plan_loaded_over_a_derived_one_no_longer_follows_the_template(uow) -> None:  # type: ignore[no-untyped-def]
    derive_all(uow, overlay_dir=OVERLAYS)
    load_plan(uow, OPERATOR, NOW, path=HERE / "phu-huu-2020.yaml")  # the ward's own 2020 plan
    assert show_plan(uow, unit="phu-huu").origin is None
    again = derive_plans(uow, OPERATOR, NOW, template=TEMPLATE)
    assert [u.unit for u in again.units] == ["an-phu", "long-truong"]


def test_someone_the_policy_refuses_derives_nothing(uow) -> None:  # type: ignore[no-untyped-def]
    stranger = Identity.officer("khach@example.vn")
    with pytest.raises(Refused):
        derive_plans(uow, stranger, NOW, template=TEMPLATE, units=list(UNITS))
    with uow as session:
        assert session.exec(select(func.count()).select_from(PlanRecord)).one() == 0
