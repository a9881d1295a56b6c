"""A unit's overlay on the province's template: checked like a plan, every problem located in
the overlay file; the unit's plan is the template with the overlay applied."""

from __future__ import annotations

import pytest

from domain.errors import InvalidInput
from domain.overlay import compare, derive, read_overlay
from domain.plan import Due, Unit
from domain.planfile import read_plan
from plans import HERE

TEMPLATE = read_plan(
    (HERE / "province" / "template-2020.yaml").read_text(encoding="utf-8"), "template-2020.yaml"
)
WARD = Unit("phu-huu", "UBND phường Phú Hữu")


def overlay(body: str, unit: str = "phu-huu"):  # type: ignore[no-untyped-def]
    head = "format: cchc-overlay/1\noverlay: {unit: phu-huu, template: KH-CCHC-2020}\n"
    return read_overlay(head + body, f"{unit}.yaml", template=TEMPLATE, unit=unit)


def problems(body: str, unit: str = "phu-huu") -> set[tuple[int | None, str, str]]:
    with pytest.raises(InvalidInput) as caught:
        overlay(body, unit)
    return {(p.line, p.path, p.code) for p in caught.value.problems}


def test_the_template_is_a_template() -> None:
    assert TEMPLATE.is_template and TEMPLATE.version == "1"


def test_the_bundled_overlay_adds_a_task_moves_a_deadline_and_tightens_a_target() -> None:
    text = (HERE / "province" / "overlays" / "phu-huu.yaml").read_text(encoding="utf-8")
    mine = read_overlay(text, "phu-huu.yaml", template=TEMPLATE, unit="phu-huu")
    plan = derive(TEMPLATE, WARD, mine)
    assert plan.kind == "plan" and plan.unit == WARD
    assert plan.task("II.1.2").schedule.due == Due(month_day=10)
    assert plan.task("PH.1").reminders == TEMPLATE.reminders
    assert plan.targets[0].value == 98
    changes = compare(derive(TEMPLATE, WARD), plan)
    assert changes.tasks_added == ("PH.1",)
    assert changes.tasks_changed == ("II.1.2",)
    assert changes.targets_changed == ("T2.1a",)
    assert changes.tasks_archived == ()


def test_every_problem_is_located_in_the_overlay() -> None:
    found = problems(
        "tasks:\n"
        "  - {code: II.1.1, area: '9', title: x, lead: nobody,\n"
        "     schedule: {every: month, due: {month_day: 5}}}\n"
        "deadlines:\n"
        "  - {task: II.9.9, due: {month_day: 10}}\n"
        "  - {task: II.1.1, due: {month_day: 10}}\n"
        "targets:\n"
        "  - {target: T2.1a, value: 90}\n"
        "  - {target: T9, value: 1}\n"
    )
    assert found == {
        (4, "tasks[0].code", "overlay_task_in_template"),
        (4, "tasks[0].area", "unknown_ref"),
        (4, "tasks[0].lead", "unknown_ref"),
        (7, "deadlines[0].task", "unknown_ref"),
        (8, "deadlines[1].due", "once_needs_date"),
        (10, "targets[0].value", "overlay_target_looser"),
        (11, "targets[1].target", "unknown_ref"),
    }


def test_an_overlay_for_another_unit_or_template_is_refused() -> None:
    text = "format: cchc-overlay/1\noverlay: {unit: an-phu, template: KH-X}\n"
    with pytest.raises(InvalidInput) as caught:
        read_overlay(text, "phu-huu.yaml", template=TEMPLATE, unit="phu-huu")
    assert {p.code for p in caught.value.problems} == {
        "overlay_other_unit",
        "overlay_other_template",
    }
