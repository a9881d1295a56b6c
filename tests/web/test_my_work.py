"""The "Việc của tôi" use case behind the first page and ``GET /api/v1/tasks``: an officer's
own active occurrences by urgency, and what waits for their approval."""

from __future__ import annotations

import pytest

from application.access import Identity
from application.my_work import my_work
from application.occurrences import act
from application.uow import UnitOfWork
from domain.errors import LocalizedError
from tests.web.conftest import MAI, NHUNG, NOW, PHAT, local


def codes(views) -> list[str]:  # type: ignore[no-untyped-def]
    return [v.task for v in views]


def test_my_work_sorts_my_own_occurrences_by_urgency(roster: UnitOfWork) -> None:
    work = my_work(roster, Identity.officer(NHUNG), NOW)
    assert codes(work.due_soon) == ["T.A3"]  # due 10 June, two working days left
    assert codes(work.later) == ["T.LATE"]
    assert work.overdue == work.returned == work.awaiting_me == ()
    late = my_work(roster, Identity.officer(NHUNG), local(2020, 6, 12))
    assert codes(late.overdue) == ["T.A3"]
    assert late.overdue[0].working_days_left < 0
    assert codes(my_work(roster, Identity.officer(PHAT), NOW).due_soon) == ["T.A9"]


def test_a_submission_waits_for_its_approver_and_a_return_comes_back(roster: UnitOfWork) -> None:
    act(
        roster,
        Identity.officer(NHUNG),
        NOW,
        action="submit",
        task="T.A3",
        period="2020",
        reason="Tài liệu nộp sau",
    )
    assert codes(my_work(roster, Identity.officer(NHUNG), NOW).due_soon) == []
    waiting = my_work(roster, Identity.officer(MAI), NOW)
    assert codes(waiting.awaiting_me) == ["T.A3"]
    assert waiting.counts["awaiting_me"] == 1
    assert my_work(roster, Identity.officer(PHAT), NOW).awaiting_me == ()  # not Phát's to review
    act(
        roster,
        Identity.officer(MAI),
        NOW,
        action="return",
        task="T.A3",
        period="2020",
        reason="Thiếu báo cáo",
    )
    back = my_work(roster, Identity.officer(NHUNG), NOW)
    assert codes(back.returned) == ["T.A3"] and back.counts["returned"] == 1
    assert my_work(roster, Identity.officer(MAI), NOW).awaiting_me == ()


def test_my_work_needs_an_officer(roster: UnitOfWork) -> None:
    with pytest.raises(LocalizedError):
        my_work(roster, Identity.operator("root"), NOW)
    assert my_work(roster, Identity.officer("stranger@example.com"), NOW).as_dict()["counts"] == {
        "overdue": 0,
        "due_soon": 0,
        "returned": 0,
        "awaiting_me": 0,
    }


def test_in_a_city_of_several_wards_my_work_is_my_own_wards(
    roster: UnitOfWork, load, bundled_plan
) -> None:  # type: ignore[no-untyped-def]
    from tests.web.conftest import small_plan

    load(small_plan(bundled_plan), now=local(2020, 6, 1, 6), unit_code="phu-my")
    work = my_work(roster, Identity.officer(NHUNG), NOW)
    assert codes(work.due_soon) == ["T.A3"] and codes(work.later) == ["T.LATE"]
    assert {v.unit for v in work.due_soon + work.later} == {"phu-huu"}
    assert my_work(roster, Identity.officer("stranger@example.com"), NOW).counts["due_soon"] == 0


def test_my_work_reads_as_many_statements_for_many_rows_as_for_few(
    roster: UnitOfWork, engine
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    def read(email: str) -> tuple[int, int]:
        statements = []

        def count(*_: object) -> None:
            statements.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            work = my_work(roster, Identity.officer(email), NOW)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements), len(work.as_dict()["due_soon"]) + len(work.later)

    few, many = read(PHAT), read(NHUNG)
    assert few[1] == 1 and many[1] == 2
    assert few[0] == many[0]
