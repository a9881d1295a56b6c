"""Hostile YAML: files built to exhaust memory, the stack or the number types.

Each file is generated here, small, and must come back as located problems
(``FILE:LINE:COLUMN``) from both readers that share the YAML reader — the plan's and the
framework's — never as an exception or a long wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hostile_inputs import billion_laughs

from domain.errors import InvalidInput, Problem
from domain.frameworkfile import read_framework
from domain.planfile import read_plan
from domain.yamlsrc import MAX_ALIASES, MAX_DEPTH

FILE = "hostile.yaml"
Reader = Callable[[str, str], object]
READERS: dict[str, Reader] = {"plan": read_plan, "framework": read_framework}


def problems(reader: Reader, text: str) -> list[Problem]:
    started = time.monotonic()
    with pytest.raises(InvalidInput) as info:
        reader(text, FILE)
    assert time.monotonic() - started < 5, "a hostile file must be refused quickly"
    return info.value.problems


def located(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """1-based line and column of the ``occurrence``-th ``needle``."""
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


# --- aliases --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", READERS)
def test_a_billion_laughs_is_refused_at_the_alias_that_goes_over_the_budget(kind: str) -> None:
    text = billion_laughs()
    assert len(text.encode()) < 600

    found = problems(READERS[kind], text)

    [p] = [p for p in found if p.code.startswith("yaml_alias")]
    assert p.file == FILE and p.line is not None and p.column is not None
    assert text.splitlines()[p.line - 1][p.column - 1] == "*"  # it points at an alias
    rendered = p.render("en")
    assert rendered.startswith(f"{FILE}:{p.line}:{p.column}: ")
    assert "(Hint: " in rendered
    assert "bí danh" in p.render("vi") and "(Gợi ý: " in p.render("vi")


@pytest.mark.parametrize("kind", READERS)
def test_too_many_aliases_are_refused_at_the_first_one_over_the_limit(kind: str) -> None:
    text = "x: &x 1\nys: [" + ", ".join(["*x"] * (MAX_ALIASES + 5)) + "]\n"

    found = problems(READERS[kind], text)

    [p] = [p for p in found if p.code == "yaml_alias_limit"]
    assert (p.line, p.column) == located(text, "*x", MAX_ALIASES)
    assert str(MAX_ALIASES) in p.render("vi")


def test_a_recursive_alias_is_refused_not_followed_forever() -> None:
    found = problems(read_plan, "a: &a [1, *a]\n")
    assert any(p.code.startswith("yaml_") for p in found)


def test_a_few_aliases_for_shared_settings_still_work(plan_text: str) -> None:
    text = plan_text.replace(
        'reminders: {before: [5, 2, 0], escalate: [1, 3], at: "07:30"}',
        'reminders: &usual {before: [5, 2, 0], escalate: [1, 3], at: "07:30"}',
    )
    block = "  - code: II.9.2\n"
    text = text.replace(block, block + "    reminders: *usual\n")
    plan = read_plan(text, FILE)
    assert plan.task("II.9.2").reminders.before == (5, 2, 0)


# --- depth ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", READERS)
@pytest.mark.parametrize("opening", ["[", "{a: "])
def test_deep_nesting_is_refused_where_it_goes_too_deep(kind: str, opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    text = "format: x\nplan: " + opening * 5000 + "1" + closing * 5000 + "\n"

    found = problems(READERS[kind], text)

    [p] = [p for p in found if p.code == "yaml_too_deep"]
    # the document's mapping is level 1: the value at level MAX_DEPTH + 1 is refused, which
    # sits inside the (MAX_DEPTH - 1)th bracket of the line
    assert p.line == 2 and p.column is not None
    assert text.splitlines()[1][: p.column - 1].count(opening[0]) == MAX_DEPTH - 1
    assert p.render("en").startswith(f"{FILE}:2:{p.column}: ")
    assert str(MAX_DEPTH) in p.render("vi")


def test_block_nesting_within_the_limit_is_fine(plan_text: str) -> None:
    # the bundled plan nests unit → parent → parent; a little deeper is still a plan
    assert read_plan(plan_text, FILE).unit.chain()[-1].code == "tp-hcm"


# --- characters -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", READERS)
def test_a_control_character_is_a_problem_at_its_line_and_column(kind: str) -> None:
    text = 'format: cchc-plan/1\nplan:\n  code: KH\n  title: "Kế\x07hoạch"\n'

    found = problems(READERS[kind], text)

    [p] = [p for p in found if p.code == "control_character"]
    assert (p.line, p.column) == located(text, "\x07")
    assert p.render("vi").startswith(
        f"{FILE}:4:{p.column}: ký tự điều khiển U+0007 không được phép"
    )
    assert p.render("en").startswith(f"{FILE}:4:{p.column}: control character U+0007")


def test_every_control_character_is_reported_at_once() -> None:
    text = "a: 1\x00\nb: 2\x1b\nc: \x7f\n"
    found = problems(read_plan, text)
    assert [(p.code, p.line, p.params["char"]) for p in found] == [
        ("control_character", 1, "U+0000"),
        ("control_character", 2, "U+001B"),
        ("control_character", 3, "U+007F"),
    ]


# --- numbers --------------------------------------------------------------------------------


def test_a_year_too_large_for_a_date_is_out_of_range(plan_text: str) -> None:
    text = plan_text.replace("  year: 2020\n", "  year: 99999999999999999999999\n")

    found = problems(read_plan, text)

    assert [(p.code, p.path) for p in found] == [("out_of_range", "plan.year")]
    assert (found[0].line, found[0].column) == located(text, "99999999999999999999999")


@pytest.mark.parametrize(
    ("old", "big", "path"),
    [
        (
            "due: {before_end_working_days: 3}",
            "99999999999999999999",
            ".schedule.due.before_end_working_days",
        ),
        ("before: [5, 2, 0], escalate", "10000000000", "defaults.reminders.before[2]"),
    ],
)
def test_working_day_counts_too_large_are_out_of_range(
    plan_text: str, old: str, big: str, path: str
) -> None:
    text = plan_text.replace(old, old.replace("3}", big + "}").replace("0]", big + "]"), 1)
    assert text != plan_text

    [p] = problems(read_plan, text)

    assert p.code == "out_of_range" and p.path.endswith(path)
    assert (p.line, p.column) == located(text, big)


def test_a_number_with_thousands_of_digits_is_a_problem(plan_text: str) -> None:
    text = plan_text.replace("    value: 98\n", "    value: " + "9" * 5000 + "\n", 1)
    [p] = problems(read_plan, text)
    assert p.path.endswith(".value") and p.code in ("bad_number", "out_of_range")
    assert len(p.render("en")) < 300


@pytest.mark.parametrize("value", [".nan", ".NaN", ".inf", "-.inf", "1.0e+999"])
def test_a_target_value_must_be_a_finite_number(plan_text: str, value: str) -> None:
    text = plan_text.replace("    value: 98\n", f"    value: {value}\n", 1)
    [p] = problems(read_plan, text)
    assert p.path.startswith("targets[") and p.path.endswith(".value")
    line, column = located(text, f"value: {value}")
    assert (p.line, p.column) == (line, column + len("value: "))
    assert p.code in ("not_finite", "out_of_range")


@pytest.mark.parametrize("value", [".nan", ".inf"])
def test_framework_points_must_be_finite(value: str) -> None:
    from test_frameworkfile import small  # tests/unit is on the path (rootdir-relative imports)

    text = small("{type: levels, levels: {tot: " + value + ", kem: 0}}")
    found = problems(read_framework, text)
    assert [p.code for p in found] == ["not_finite"]
    assert found[0].path.endswith("levels.tot")


# --- dates inside the plan year -------------------------------------------------------------


def test_a_due_date_outside_the_plan_year_is_refused(plan_text: str) -> None:
    text = plan_text.replace("due: {date: 2020-04-29}", "due: {date: 2021-04-29}")

    [p] = problems(read_plan, text)

    assert (p.code, p.path) == ("date_outside_year", "tasks[0].schedule.due.date")
    assert (p.line, p.column) == located(text, "2021-04-29")
    assert "outside the plan year 2020" in p.render("en")


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_schedule_dates_far_outside_the_year_are_refused(plan_text: str, value: str) -> None:
    text = plan_text.replace("start: 2020-04-01", f"start: {value}", 1)
    [p] = problems(read_plan, text)
    assert p.code == "date_outside_year" and p.path.endswith(".schedule.start")
    assert (p.line, p.column) == located(text, value)


# --- rules that would flood the year with occurrences ---------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MINUTELY",
        "FREQ=DAILY;BYHOUR=8,9",
        "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=DAILY;INTERVAL=1;COUNT=100000;BYMINUTE=0,30",
    ],
)
def test_an_rrule_with_more_than_one_occurrence_a_day_is_refused(plan_text: str, rule: str) -> None:
    text = plan_text.replace("FREQ=MONTHLY;BYDAY=-1FR", rule)

    found = problems(read_plan, text)

    assert [(p.code, p.path) for p in found] == [("rrule_too_frequent", "tasks[34].schedule.rrule")]
    assert (found[0].line, found[0].column) == located(text, f'"{rule}"')


def test_a_daily_rrule_is_still_a_plan(plan_text: str) -> None:
    text = plan_text.replace("FREQ=MONTHLY;BYDAY=-1FR", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR")
    assert read_plan(text, FILE).task("II.8.1").schedule.rrule == "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"
