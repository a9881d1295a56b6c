"""What officers read about their work, on SQLite and PostgreSQL: their own tasks (``--mine``),
officers found by name, one occurrence in full (``occurrence show``), and the completeness
report's due-so-far figures next to the whole year.

The ward runs a small plan materialised on 1 June 2020: T.A3 (three required documents, the CCHC
officer) and T.A9 (one, the culture officer) due 10 June, T.OFF (the office position, left
vacant) due 10 June, and T.LATE (the CCHC officer) due 10 December.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo

import pytest
from sqlmodel import Session

from application.access import Identity
from application.completeness import completeness
from application.evidence import review, upload
from application.occurrences import TaskFilter, act, list_tasks, show_occurrence
from application.uow import UnitOfWork
from cchc.replay import minimal_pdf
from cchc.tables import read_table
from domain.errors import LocalizedError
from domain.plan import Due, Plan, Reminders, Schedule
from plans import HERE
from responsibilities.roster import read_roster
from storage.blobs import MemoryBlobStore
from storage.evidence import Upload
from storage.occurrences import materialise
from storage.officers import add_officer, import_roster
from storage.plans import find_plan
from storage.units import get_unit

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer: leads T.A3 and T.LATE
PHAT = "phat.ht@phuhuu.gov.vn"  # culture officer: leads T.A9
MAI = "mai.tt@phuhuu.gov.vn"  # vice-chairman for area 3: approves T.A3
BAO = "bao.lq@phuhuu.gov.vn"  # vice-chairman for area 9: approves T.A9
ANH = "anh.btn@phuhuu.gov.vn"  # one-stop desk
MB = 1024 * 1024
OPERATOR = Identity.operator("test")


def local(y: int, m: int, d: int, h: int = 8, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


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
        task("T.OFF", "II.9.2", "office", dt.date(2020, 6, 10)),
        task("T.LATE", "II.3.1", "cchc_officer", dt.date(2020, 12, 10)),
    )
    return dataclasses.replace(plan, tasks=tasks)


@pytest.fixture
def uow(engine, session: Session, load, bundled_plan) -> UnitOfWork:  # type: ignore[no-untyped-def]
    """The small plan, the demo roster without the office holder, materialised on 1 June."""
    plan = small_plan(bundled_plan)
    load(plan, now=local(2020, 6, 1, 6))
    unit_id = get_unit("phu-huu", session=session).id
    assert unit_id is not None
    header, rows = read_table(HERE / "demo-roster.csv")
    rows = [(n, r) for n, r in rows if r.get("kind") != "acting" and r["position"] != "office"]
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
    return UnitOfWork(engine)


def tasks_of(uow: UnitOfWork, who: str | None = None, **kw) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    rows = list_tasks(uow, local(2020, 6, 2), where=TaskFilter(officer=who, **kw))
    return [(r.task, r.period) for r in rows]


# --- officers by name, and one's own tasks --------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Phạm Thị Hồng Nhung", "phạm thị hồng nhung", "PHAM THI HONG NHUNG", "Hồng Nhung"]
)
def test_an_officer_is_found_by_name_as_well_as_by_email(uow: UnitOfWork, name: str) -> None:
    by_email = tasks_of(uow, NHUNG)
    assert by_email == [("T.A3", "2020"), ("T.LATE", "2020")]
    assert tasks_of(uow, name) == by_email


def test_an_ambiguous_or_unknown_name_is_an_error_listing_the_candidates(
    uow: UnitOfWork, engine, session: Session
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LocalizedError) as caught:
        tasks_of(uow, "Thị")
    text = caught.value.render("vi")
    assert "'Thị'" in text
    for candidate in (
        f"Phạm Thị Hồng Nhung <{NHUNG}>",
        f"Trần Thị Mai <{MAI}>",
        "Bùi Thị Ngọc Ánh",
    ):
        assert candidate in text
    assert "Huỳnh Tấn Phát" not in text

    with pytest.raises(LocalizedError) as caught:
        tasks_of(uow, "Nguyễn Thị Nở")
    text = caught.value.render("en")
    assert "'Nguyễn Thị Nở'" in text and "Nguyễn Văn Hùng <hung.nv@phuhuu.gov.vn>" in text
    assert "Hint:" in text and "Trần Thị Mai" not in text  # Thị tells nobody apart

    with pytest.raises(LocalizedError) as caught:
        tasks_of(uow, "Xuân")  # nobody near: every officer of the unit
    text = caught.value.render("vi")
    assert f"Huỳnh Tấn Phát <{PHAT}>" in text and "Lý Văn Đức" in text and "Trần Thị Mai" in text

    unit_id = get_unit("phu-huu", session=session).id or 0
    add_officer(
        "Bùi Thị Ngọc Ánh", "anh.btn2@phuhuu.gov.vn", session=session, unit_id=unit_id,
        actor="test", now=local(2020, 6, 1),
    )  # fmt: skip
    session.commit()
    with pytest.raises(LocalizedError) as caught:
        tasks_of(uow, "bùi thị ngọc ánh")
    text = caught.value.render("vi")
    assert f"<{ANH}>" in text and "<anh.btn2@phuhuu.gov.vn>" in text

    with pytest.raises(LocalizedError) as caught:
        tasks_of(uow, "nobody@phuhuu.gov.vn")
    assert "nobody@phuhuu.gov.vn" in caught.value.render("vi")


def test_mine_are_the_tasks_of_whoever_is_acting(uow: UnitOfWork) -> None:
    now = local(2020, 6, 2)
    mine = list_tasks(uow, now, where=TaskFilter(mine=True), identity=Identity.officer(PHAT))
    assert [(r.task, r.officer_email) for r in mine] == [("T.A9", PHAT)]
    with pytest.raises(LocalizedError) as caught:
        list_tasks(uow, now, where=TaskFilter(mine=True), identity=Identity.operator("root"))
    assert "--as" in caught.value.render("vi") and "--as" in caught.value.render("en")
    with pytest.raises(LocalizedError) as caught:
        list_tasks(
            uow, now, where=TaskFilter(mine=True, officer=NHUNG), identity=Identity.officer(PHAT)
        )
    assert "--officer" in caught.value.render("vi")


def test_an_unknown_status_is_an_error_not_an_empty_list(uow: UnitOfWork) -> None:
    with pytest.raises(LocalizedError) as caught:
        tasks_of(uow, status=("late",))
    text = caught.value.render("vi")
    assert "'late'" in text and "in_progress" in text and "submitted" in text


# --- one occurrence in full -----------------------------------------------------------------


def test_show_occurrence_has_documents_uploads_and_the_history_with_reasons(
    uow: UnitOfWork,
) -> None:
    store = MemoryBlobStore()

    def add(requirement: str, name: str, when: dt.datetime) -> int:
        [item] = upload(
            uow, Identity.officer(NHUNG), when, task="T.A3", period="2020",
            files=[Upload(name, minimal_pdf(name))], store=store, max_bytes=MB,
            requirement=requirement,
        )  # fmt: skip
        return item.id

    first = add("1", "niem-yet.pdf", local(2020, 6, 3, 9))
    review(
        uow, Identity.officer(MAI), local(2020, 6, 4, 10), evidence_id=first, action="reject",
        reason="Ảnh mờ",
    )  # fmt: skip
    second = add("1", "niem-yet-2.pdf", local(2020, 6, 4, 15))
    review(uow, Identity.officer(MAI), local(2020, 6, 5), evidence_id=second, action="accept")
    act(
        uow,
        Identity.officer(NHUNG),
        local(2020, 6, 5, 9),
        action="start",
        task="T.A3",
        period="2020",
    )
    act(
        uow, Identity.officer(NHUNG), local(2020, 6, 8, 16, 30), action="submit", task="T.A3",
        period="2020", reason="Báo cáo quý đang trình ký",
    )  # fmt: skip
    act(
        uow, Identity.officer(MAI), local(2020, 6, 9, 10, 15), action="return", task="T.A3",
        period="2020", reason="Thiếu danh mục TTHC",
    )  # fmt: skip

    detail = show_occurrence(uow, local(2020, 6, 15), task="T.A3", period="năm 2020")
    assert (detail.task, detail.period, detail.status) == ("T.A3", "2020", "returned")
    assert detail.due_date == dt.date(2020, 6, 10)
    assert detail.due_weekday == "Thứ Tư, 10/06/2020"
    assert (detail.overdue, detail.working_days_left) == (True, -3)
    assert (detail.lead_role, detail.officer_email, detail.officer_name) == (
        "cchc_officer",
        NHUNG,
        "Phạm Thị Hồng Nhung",
    )
    assert (detail.approver_role, detail.approver_title) == (
        "vice_chairman",
        "Phó Chủ tịch UBND phường",
    )
    assert detail.approver_officers == ("Trần Thị Mai",)
    assert detail.reason == "Thiếu danh mục TTHC"

    docs = detail.documents
    assert [d.name for d in docs] == [
        "Hình ảnh niêm yết TTHC tại Bộ phận tiếp nhận và trả kết quả",
        "Danh mục TTHC cấp phường đang niêm yết, công khai",
        "Báo cáo tình hình, kết quả kiểm soát TTHC quý",
    ]
    assert [(u.file, u.revision, u.status, u.reason) for u in docs[0].uploads] == [
        ("niem-yet.pdf", 1, "rejected", "Ảnh mờ"),
        ("niem-yet-2.pdf", 2, "accepted", ""),
    ]
    assert docs[0].uploads[0].uploaded_by == NHUNG
    assert docs[0].uploads[0].uploaded_at == local(2020, 6, 3, 9)
    assert (docs[0].provided, docs[1].provided, docs[2].provided) == (True, False, False)
    assert [u for d in docs[1:] for u in d.uploads] == []

    history = [
        (h.action, h.actor, h.actor_name, h.at, h.before, h.after, h.reason) for h in detail.history
    ]
    assert history == [
        ("start", NHUNG, "Phạm Thị Hồng Nhung", local(2020, 6, 5, 9), "open", "in_progress", None),
        ("submit", NHUNG, "Phạm Thị Hồng Nhung", local(2020, 6, 8, 16, 30), "in_progress",
         "submitted", "Báo cáo quý đang trình ký"),
        ("return", MAI, "Trần Thị Mai", local(2020, 6, 9, 10, 15), "submitted", "returned",
         "Thiếu danh mục TTHC"),
    ]  # fmt: skip
    assert detail.history[0].at.utcoffset() == dt.timedelta(hours=7)  # the plan's time zone

    data = detail.as_dict()
    assert data["task"] == "T.A3" and data["due_date"] == "2020-06-10"
    assert data["documents"][0]["uploads"][1] == {
        "id": second,
        "file": "niem-yet-2.pdf",
        "revision": 2,
        "status": "accepted",
        "reason": "",
        "uploaded_by": NHUNG,
        "uploaded_at": "2020-06-04T15:00:00+07:00",
    }
    assert data["history"][2]["at"] == "2020-06-09T10:15:00+07:00"
    assert data["history"][2]["from"] == "submitted" and data["history"][2]["to"] == "returned"

    english = show_occurrence(uow, local(2020, 6, 15), task="T.A3", period="2020", lang="en")
    assert english.due_weekday == "Wednesday, 10/06/2020"


def test_show_occurrence_of_an_unknown_period_or_task_says_what_is_wrong(uow: UnitOfWork) -> None:
    with pytest.raises(LocalizedError) as caught:
        show_occurrence(uow, local(2020, 6, 15), task="T.A3", period="quý V/2020")
    assert "Gợi ý:" in caught.value.render("vi") and "Hint" not in caught.value.render("vi")
    with pytest.raises(LocalizedError):
        show_occurrence(uow, local(2020, 6, 15), task="T.A3", period="2020-Q2")


# --- completeness: due so far next to the year ----------------------------------------------


@pytest.fixture
def midyear(uow: UnitOfWork) -> UnitOfWork:
    """T.A3: document 1 accepted; T.LATE: document 1 sent early; T.A9 submitted without its
    document (with a reason) and accepted by the approver."""
    store = MemoryBlobStore()
    for task in ("T.A3", "T.LATE"):
        [item] = upload(
            uow, Identity.officer(NHUNG), local(2020, 6, 3), task=task, period="2020",
            files=[Upload(f"{task}.pdf", minimal_pdf(task))], store=store, max_bytes=MB,
            requirement="1",
        )  # fmt: skip
        if task == "T.A3":
            review(
                uow, Identity.officer(MAI), local(2020, 6, 4), evidence_id=item.id, action="accept"
            )
    act(
        uow, Identity.officer(PHAT), local(2020, 6, 9), action="submit", task="T.A9",
        period="2020", reason="Tin bài đăng trên trang của quận (kiểm thử)",
    )  # fmt: skip
    act(uow, Identity.officer(BAO), local(2020, 6, 10), action="accept", task="T.A9", period="2020")
    return uow


def test_completeness_shows_what_was_due_so_far_next_to_the_year(midyear: UnitOfWork) -> None:
    report = completeness(midyear, OPERATOR, local(2020, 6, 15), by="position")
    year, due = report.total, report.total.due_so_far
    assert (year.occurrences, year.required, year.provided, year.accepted) == (4, 8, 2, 1)
    assert (due.occurrences, due.required, due.provided, due.accepted) == (3, 5, 1, 1)
    assert due.share(due.provided) == pytest.approx(0.2)
    officer_group = next(g for g in report.groups if g.key == "cchc_officer")
    assert (officer_group.occurrences, officer_group.due_so_far.occurrences) == (2, 1)

    data = report.as_dict()
    assert data["total"]["due_so_far"] == {
        "occurrences": 3,
        "required": 5,
        "provided": 1,
        "accepted": 1,
        "provided_share": pytest.approx(0.2),
        "accepted_share": pytest.approx(0.2),
    }
    assert data["total"]["required"] == 8  # the year's keys are unchanged
    rows = {o["task"]: o for o in data["occurrences"]}
    assert rows["T.A3"]["due_so_far"] is True and rows["T.LATE"]["due_so_far"] is False

    before = completeness(midyear, OPERATOR, local(2020, 6, 10, 16), by="position").total.due_so_far
    assert before.occurrences == 0  # due at 17:00 on 10 June: not yet passed at 16:00


def test_an_accepted_occurrence_is_never_owed_or_late(midyear: UnitOfWork) -> None:
    report = completeness(midyear, OPERATOR, local(2020, 6, 15), by="position")
    owed = [(o.task, o.working_days_overdue) for o in report.owed]
    assert owed == [("T.A3", 3), ("T.OFF", 3)]  # T.A9 was accepted without its document


def test_completeness_by_officer_is_in_name_order_vacant_last(midyear: UnitOfWork) -> None:
    report = completeness(midyear, OPERATOR, local(2020, 6, 15), by="officer")
    assert [g.label for g in report.groups] == [
        "Huỳnh Tấn Phát",
        "Phạm Thị Hồng Nhung",
        "(chưa có người giữ)",
    ]
    assert [g.key for g in report.groups] == [PHAT, NHUNG, ""]


def test_the_completeness_workbook_has_the_due_so_far_columns(
    midyear: UnitOfWork, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from application.completeness_xlsx import write_completeness

    path = tmp_path / "day-du.xlsx"
    write_completeness(
        completeness(midyear, OPERATOR, local(2020, 6, 15), by="position"), path, "vi"
    )
    sheet = load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][8:12] == (
        "Đến hạn: Lần thực hiện",
        "Đến hạn: Yêu cầu",
        "Đến hạn: Đã nộp",
        "Đến hạn: Đã chấp nhận",
    )
    assert (
        rows[-1][1] == "Tổng" and rows[-1][2:6] == (4, 8, 2, 1) and rows[-1][8:12] == (3, 5, 1, 1)
    )
