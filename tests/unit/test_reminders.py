"""When to remind an officer and when to escalate: the ladder, the sweep's decision, the chain."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import holidays
import pytest

from domain.plan import Reminders
from domain.reminders import (
    ESCALATION,
    REMINDER,
    Decision,
    Step,
    decide,
    due_at,
    escalation_role,
    ladder,
    require_aware,
    working_days_left,
)
from domain.workdays import WorkCalendar

D = dt.date
TZ = "Asia/Ho_Chi_Minh"
HCM = zoneinfo.ZoneInfo(TZ)
CAL = WorkCalendar(holidays=dict(holidays.country_holidays("VN", years=[2019, 2020, 2021])))
DUE = D(2020, 2, 3)
RULES = Reminders(before=(5, 2, 0), escalate=(1, 3), at=dt.time(7, 30))


def at(day: dt.date, hour: int = 7, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=HCM)


@pytest.fixture
def steps() -> list[Step]:
    return ladder(DUE, RULES, CAL, TZ)


# --- the ladder ---------------------------------------------------------------------------


def test_ladder_days_kinds_and_steps(steps: list[Step]) -> None:
    # 2 working days before Mon 3/2/2020 is Thu 30/1 (Fri 31/1 is 1 before): Tết is 23–29/1
    assert [(s.kind, s.step, s.at.date()) for s in steps] == [
        (REMINDER, 5, D(2020, 1, 20)),
        (REMINDER, 2, D(2020, 1, 30)),
        (REMINDER, 0, D(2020, 2, 3)),
        (ESCALATION, 1, D(2020, 2, 4)),
        (ESCALATION, 2, D(2020, 2, 6)),
    ]


def test_ladder_is_at_0730_in_ho_chi_minh_city(steps: list[Step]) -> None:
    for s in steps:
        assert s.at.time() == dt.time(7, 30)
        assert s.at.utcoffset() == dt.timedelta(hours=7)
        assert s.at.isoformat().endswith("07:30:00+07:00")
    assert steps[0].at == dt.datetime(2020, 1, 20, 0, 30, tzinfo=dt.UTC)


def test_ladder_is_in_time_order(steps: list[Step]) -> None:
    times = [s.at for s in steps]
    assert times == sorted(times)
    assert len(set(times)) == len(times)


def test_ladder_steps_are_working_days() -> None:
    rules = Reminders(before=(15, 10, 5, 2, 1, 0), escalate=(1, 2, 3, 5, 10), at=dt.time(8, 0))
    for s in ladder(DUE, rules, CAL, TZ):
        assert CAL.is_working(s.at.date()), s


def test_ladder_ignores_duplicates_and_input_order() -> None:
    rules = Reminders(before=(0, 5, 2, 2), escalate=(3, 1, 1), at=dt.time(7, 30))
    assert ladder(DUE, rules, CAL, TZ) == ladder(DUE, RULES, CAL, TZ)


def test_escalations_are_numbered_in_order_of_their_offsets() -> None:
    rules = Reminders(before=(), escalate=(10, 1, 3), at=dt.time(7, 30))
    assert [(s.step, s.at.date()) for s in ladder(DUE, rules, CAL, TZ)] == [
        (1, D(2020, 2, 4)),
        (2, D(2020, 2, 6)),
        (3, D(2020, 2, 17)),
    ]


def test_step_key_is_kind_and_step(steps: list[Step]) -> None:
    assert [s.key for s in steps] == [
        (REMINDER, 5),
        (REMINDER, 2),
        (REMINDER, 0),
        (ESCALATION, 1),
        (ESCALATION, 2),
    ]


# --- decide -----------------------------------------------------------------------------


def test_nothing_before_the_first_step(steps: list[Step]) -> None:
    decision = decide(steps, set(), "open", at(D(2020, 1, 20), 7, 29))
    assert decision == Decision(None, (), steps[0].at)
    assert not decision.catch_up


def test_nothing_long_before_the_first_step(steps: list[Step]) -> None:
    decision = decide(steps, set(), "open", at(D(2019, 12, 1)))
    assert decision.send is None
    assert decision.next_at == at(D(2020, 1, 20))


def test_the_due_step_is_sent_exactly_at_its_time(steps: list[Step]) -> None:
    decision = decide(steps, set(), "open", at(D(2020, 1, 20)))
    assert decision.send == steps[0]
    assert decision.skip == ()
    assert not decision.catch_up
    assert decision.next_at == at(D(2020, 1, 30))


def test_a_due_step_is_compared_in_absolute_time(steps: list[Step]) -> None:
    # 00:30 UTC is 07:30 in Hồ Chí Minh City
    just_before = dt.datetime(2020, 1, 20, 0, 29, tzinfo=dt.UTC)
    on_time = dt.datetime(2020, 1, 20, 0, 30, tzinfo=dt.UTC)
    assert decide(steps, set(), "open", just_before).send is None
    assert decide(steps, set(), "open", on_time).send == steps[0]


@pytest.mark.parametrize("status", ["open", "in_progress", "returned"])
def test_active_statuses_are_reminded(steps: list[Step], status: str) -> None:
    assert decide(steps, set(), status, at(D(2020, 1, 20), 9)).send == steps[0]


@pytest.mark.parametrize("status", ["submitted", "accepted", "waived", "cancelled"])
def test_nothing_for_a_closed_occurrence(steps: list[Step], status: str) -> None:
    for now in (at(D(2020, 1, 1)), at(D(2020, 2, 3), 9), at(D(2020, 3, 1))):
        assert decide(steps, set(), status, now) == Decision(None, (), None)


def test_steps_already_done_are_not_repeated(steps: list[Step]) -> None:
    decision = decide(steps, {(REMINDER, 5)}, "open", at(D(2020, 1, 21)))
    assert decision.send is None
    assert decision.next_at == at(D(2020, 1, 30))


def test_the_next_step_after_a_done_one(steps: list[Step]) -> None:
    done = {(REMINDER, 5)}
    decision = decide(steps, done, "in_progress", at(D(2020, 1, 30), 8))
    assert decision.send == steps[1]
    assert decision.skip == ()
    assert decision.next_at == at(D(2020, 2, 3))


def test_after_a_gap_only_the_latest_due_step_is_sent(steps: list[Step]) -> None:
    # the system was down from before the first reminder until after the first escalation
    decision = decide(steps, set(), "open", at(D(2020, 2, 5), 10))
    assert decision.send == Step(ESCALATION, 1, at(D(2020, 2, 4)))
    assert decision.skip == (steps[0], steps[1], steps[2])
    assert decision.catch_up
    assert decision.next_at == at(D(2020, 2, 6))


def test_after_a_gap_done_steps_are_not_skipped_again(steps: list[Step]) -> None:
    decision = decide(steps, {(REMINDER, 5)}, "open", at(D(2020, 2, 3), 12))
    assert decision.send == steps[2]
    assert decision.skip == (steps[1],)
    assert decision.catch_up
    assert decision.next_at == at(D(2020, 2, 4))


def test_after_the_last_step_there_is_no_next(steps: list[Step]) -> None:
    decision = decide(steps, set(), "open", at(D(2020, 3, 1)))
    assert decision.send == steps[-1]
    assert decision.skip == tuple(steps[:-1])
    assert decision.next_at is None
    done = {s.key for s in steps}
    assert decide(steps, done, "open", at(D(2020, 3, 1))) == Decision(None, (), None)


def test_sending_and_skipping_everything_due_leaves_nothing(steps: list[Step]) -> None:
    now = at(D(2020, 2, 5), 10)
    first = decide(steps, set(), "open", now)
    done = {s.key for s in (first.send, *first.skip) if s is not None}
    second = decide(steps, done, "open", now)
    assert second == Decision(None, (), at(D(2020, 2, 6)))


def test_a_naive_now_is_refused(steps: list[Step]) -> None:
    with pytest.raises(ValueError, match="aware"):
        decide(steps, set(), "open", dt.datetime(2020, 2, 3, 8, 0))


def test_a_naive_now_is_refused_even_for_a_closed_occurrence(steps: list[Step]) -> None:
    with pytest.raises(ValueError):
        decide(steps, set(), "accepted", dt.datetime(2020, 2, 3, 8, 0))


def test_require_aware() -> None:
    aware = dt.datetime(2020, 2, 3, 8, 0, tzinfo=dt.UTC)
    assert require_aware(aware) is aware
    with pytest.raises(ValueError):
        require_aware(dt.datetime(2020, 2, 3, 8, 0))


# --- escalation chain ---------------------------------------------------------------------


def test_escalations_of_a_one_stop_task_go_up_the_chain(bundled_plan) -> None:  # type: ignore[no-untyped-def]
    task = next(t for t in bundled_plan.tasks if t.lead == "one_stop")
    assert escalation_role(bundled_plan, task.lead, 1) == "vice_chairman"
    assert escalation_role(bundled_plan, task.lead, 2) == "chairman"
    assert escalation_role(bundled_plan, task.lead, 3) == "chairman"  # the top takes the rest
    assert escalation_role(bundled_plan, task.lead, 10) == "chairman"


def test_escalations_of_a_chairman_task_stay_with_the_chairman(bundled_plan) -> None:  # type: ignore[no-untyped-def]
    task = next(t for t in bundled_plan.tasks if t.lead == "chairman")
    assert [escalation_role(bundled_plan, task.lead, n) for n in (1, 2, 3)] == ["chairman"] * 3


def test_escalations_of_an_accounting_task_skip_the_vice_chairman(bundled_plan) -> None:  # type: ignore[no-untyped-def]
    assert escalation_role(bundled_plan, "accounting", 1) == "chairman"
    assert escalation_role(bundled_plan, "accounting", 2) == "chairman"


# --- deadlines ---------------------------------------------------------------------------


def test_a_deadline_is_the_end_of_the_working_day_local_time() -> None:
    assert due_at(DUE, TZ) == at(DUE, 17, 0)
    assert due_at(DUE, TZ).isoformat() == "2020-02-03T17:00:00+07:00"


def test_working_days_left_counts_across_tet() -> None:
    assert working_days_left(D(2020, 1, 20), DUE, CAL) == 5
    assert working_days_left(DUE, DUE, CAL) == 0
    assert working_days_left(D(2020, 2, 6), DUE, CAL) == -3
