"""Reading a ``cchc-plan/1`` file: every defect a user can make, located exactly.

Each test starts from the bundled plan (or a tiny hand-written document), seeds one
defect by editing the YAML text, and checks what the user sees: the problem code, the
key path and the line:column of the offending value.
"""

from __future__ import annotations

import pytest

from domain.errors import InvalidInput, Problem
from domain.planfile import read_plan

FILE = "plan.yaml"


# --- helpers ------------------------------------------------------------------------------


def seed(text: str, old: str, new: str, *, after: str | None = None) -> str:
    """Replace ``old`` by ``new``: the only occurrence, or the first one after ``after``."""
    if after is None:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        return text.replace(old, new)
    start = text.index(after)
    at = text.index(old, start)
    return text[:at] + new + text[at + len(old) :]


def position(text: str, needle: str, *, after: str | None = None) -> tuple[int, int]:
    """1-based line and column of ``needle`` (the first one after ``after``)."""
    if after is None:
        assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times"
    at = text.index(needle, text.index(after) if after else 0)
    line = text[:at].count("\n") + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    return line, column


def problems(text: str, **kwargs: object) -> list[Problem]:
    with pytest.raises(InvalidInput) as info:
        read_plan(text, FILE, **kwargs)  # type: ignore[arg-type]
    return info.value.problems


def only(text: str, **kwargs: object) -> Problem:
    found = problems(text, **kwargs)
    assert len(found) == 1, [p.render("en") for p in found]
    return found[0]


def at(problem: Problem) -> tuple[int | None, int | None]:
    return problem.line, problem.column


TASK = "  - code: {}\n"


# --- the file as a whole -----------------------------------------------------------------


def test_bundled_plan_reads_cleanly(plan_text: str) -> None:
    plan = read_plan(plan_text, FILE)
    assert plan.code == "KH-CCHC-2020"
    assert len(plan.tasks) == 40


def test_yaml_syntax_error_is_located(plan_text: str) -> None:
    text = seed(plan_text, "  year: 2020\n", "  year: 2020\n\tissued: 2020-04-10\n")
    p = only(text)
    assert p.code == "yaml_syntax"
    assert at(p) == position(text, "\tissued")
    assert p.render("en").startswith(f"{FILE}:{p.line}:{p.column}: YAML syntax error")
    assert "(Hint: check indentation" in p.render("en")


def test_unclosed_flow_list_is_a_syntax_error() -> None:
    p = only("format: cchc-plan/1\nareas: [1, 2\n")
    assert p.code == "yaml_syntax"
    assert p.line == 3  # PyYAML notices at the end of the stream


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_empty_file(text: str) -> None:
    p = only(text)
    assert p.code == "empty_file"
    assert at(p) == (1, 1)
    assert p.render("en") == f"{FILE}:1:1: the file is empty"


@pytest.mark.parametrize("text", ["---\n", "null\n", "~\n"])
def test_document_of_nothing_is_reported_as_empty(text: str) -> None:
    assert only(text).code == "empty_file"


def test_wrong_format(plan_text: str) -> None:
    text = seed(plan_text, "format: cchc-plan/1\n", "format: cchc-plan/2\n")
    p = only(text)
    assert (p.code, p.path) == ("bad_format", "format")
    assert at(p) == position(text, "cchc-plan/2")
    assert "format: cchc-plan/1" in p.render("en")


def test_unknown_key_hints_at_the_allowed_keys(plan_text: str) -> None:
    text = seed(plan_text, "  timezone: Asia/Ho_Chi_Minh\n", "  timezon: Asia/Ho_Chi_Minh\n")
    p = only(text)
    assert (p.code, p.path) == ("unknown_key", "plan.timezon")
    assert at(p) == position(text, "timezon:")
    hint = p.hint("en")
    assert hint is not None
    for key in ("code", "title", "unit", "year", "issued", "framework", "timezone"):
        assert key in hint


def test_missing_required_key_points_at_its_parent(plan_text: str) -> None:
    title = '  title: "Kế hoạch thực hiện công tác cải cách hành chính năm 2020"\n'
    text = seed(plan_text, title, "")
    p = only(text)
    assert (p.code, p.path, p.params["key"]) == ("missing_key", "plan", "title")
    assert at(p) == position(text, "plan:\n  code:")
    assert "required key 'title' is missing" in p.render("en")


def test_wrong_type(plan_text: str) -> None:
    text = seed(plan_text, "  year: 2020\n", '  year: "twenty"\n')
    p = only(text)
    assert (p.code, p.path) == ("wrong_type", "plan.year")
    assert at(p) == position(text, '"twenty"')
    assert p.params["expected"] == "integer"


@pytest.mark.parametrize("value", ["2020-02-30", "soon"])
def test_bad_date(plan_text: str, value: str) -> None:
    text = seed(plan_text, "  issued: 2020-04-10\n", f"  issued: {value}\n")
    p = only(text)
    assert (p.code, p.path, p.params["value"]) == ("bad_date", "plan.issued", value)
    line, column = position(text, f"issued: {value}")
    assert at(p) == (line, column + len("issued: "))
    assert "YYYY-MM-DD" in p.render("en")


def test_bad_time_in_reminders(plan_text: str) -> None:
    text = seed(plan_text, 'at: "07:30"', 'at: "25:00"')
    p = only(text)
    assert (p.code, p.path) == ("bad_time", "defaults.reminders.at")
    assert at(p) == position(text, '"25:00"')


def test_unquoted_time_is_accepted_as_sexagesimal(plan_text: str) -> None:
    plan = read_plan(seed(plan_text, 'at: "07:30"', "at: 07:45"), FILE)
    assert plan.reminders.at.isoformat() == "07:45:00"


def test_bad_enum_lists_the_allowed_values(plan_text: str) -> None:
    text = seed(plan_text, "every: month", "every: fortnight", after=TASK.format("II.9.2"))
    p = only(text)
    assert (p.code, p.path) == ("bad_enum", "tasks[39].schedule.every")
    assert at(p) == position(text, "fortnight")
    assert p.hint("en") == "use one of: once, week, month, quarter, half_year, year, rrule"


# --- unique codes and keys -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("anchor", "insert", "path", "first"),
    [
        (
            "# Roles (positions, never people)",
            '  - {code: "9", title: "Trùng"}\n',
            "areas[9].code",
            '{code: "9", title: "Công tác',
        ),
        (
            "  - code: peoples_council\n",
            '  - {code: chairman, title: "Trùng"}\n',
            "roles[10].code",
            "  - code: chairman\n",
        ),
        (
            "  - code: T2.7\n",
            '  - {code: T2.4, title: "Trùng", metric: manual, owner: chairman}\n',
            "targets[11].code",
            "  - code: T2.4\n",
        ),
    ],
    ids=["area", "role", "target"],
)
def test_duplicate_code_in_a_list(
    plan_text: str, anchor: str, insert: str, path: str, first: str
) -> None:
    text = seed(plan_text, anchor, insert + anchor)
    p = only(text)
    assert (p.code, p.path) == ("duplicate_code", path)
    code = insert.split("code: ")[1].split(",")[0]
    assert at(p) == (position(text, insert)[0], insert.index(code) + 1)
    assert p.params["first"] == position(text, first)[0]


def test_duplicate_task_code(plan_text: str) -> None:
    text = seed(plan_text, TASK.format("II.9.2"), TASK.format("II.9.1"))
    p = only(text)
    assert (p.code, p.path) == ("duplicate_code", "tasks[39].code")
    second = text.rindex(TASK.format("II.9.1"))
    assert at(p) == (text[:second].count("\n") + 1, 11)
    assert p.params["first"] == position(plan_text, TASK.format("II.9.1"))[0]
    assert f"(first at line {p.params['first']})" in p.render("en")


def test_duplicate_mapping_key(plan_text: str) -> None:
    text = seed(plan_text, "  year: 2020\n", "  year: 2020\n  year: 2021\n")
    p = only(text)
    assert (p.code, p.path) == ("duplicate_key", "plan.year")
    assert at(p) == (position(text, "  year: 2021")[0], 3)
    assert p.params["first"] == position(text, "  year: 2020")[0]


# --- references ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("block", "old", "new", "bad", "path"),
    [
        (TASK.format("II.1.1"), "lead: chairman", "lead: chu_tich", "chu_tich", "tasks[0].lead"),
        (
            TASK.format("II.1.1"),
            "support: [cchc_officer]",
            "support: [cchc_oficer]",
            "cchc_oficer",
            "tasks[0].support[0]",
        ),
        (
            TASK.format("II.1.1"),
            "approver: chairman",
            "approver: chairmen",
            "chairmen",
            "tasks[0].approver",
        ),
        ("  - code: T2.1a\n", "owner: one_stop", "owner: mot_cua", "mot_cua", "targets[0].owner"),
        (
            "  - code: vice_chairman\n",
            "reports_to: chairman",
            "reports_to: chair",
            "chair",
            "roles[1].reports_to",
        ),
    ],
    ids=["lead", "support", "approver", "owner", "reports_to"],
)
def test_unknown_role(plan_text: str, block: str, old: str, new: str, bad: str, path: str) -> None:
    text = seed(plan_text, old, new, after=block)
    p = only(text)
    assert (p.code, p.path) == ("unknown_ref", path)
    assert (p.params["kind"], p.params["code"]) == ("role", bad)
    line, column = position(text, new, after=block)
    assert at(p) == (line, column + new.index(bad))
    assert "chairman" in (p.hint("en") or "")


def test_unknown_area(plan_text: str) -> None:
    block = TASK.format("II.1.1")
    text = seed(plan_text, 'area: "1"', 'area: "10"', after=block)
    p = only(text)
    assert (p.code, p.path, p.params["kind"]) == ("unknown_ref", "tasks[0].area", "area")
    assert at(p) == position(text, '"10"', after=block)
    assert p.render("en").endswith(
        "area '10' does not exist (Hint: declared codes: 1, 2, 3, 4, 5, 6, 7, 8, 9)"
    )


def test_unknown_target(plan_text: str) -> None:
    block = TASK.format("II.1.2")
    text = seed(plan_text, "targets: [T2.1a,", "targets: [T2.1x,", after=block)
    p = only(text)
    assert (p.code, p.path, p.params["kind"]) == ("unknown_ref", "tasks[1].targets[0]", "target")
    assert at(p) == position(text, "T2.1x")


def test_unknown_criterion_when_the_framework_is_known(plan_text: str, bundled_framework) -> None:  # type: ignore[no-untyped-def]
    block = TASK.format("II.1.1")
    text = seed(plan_text, '"1.1.3"]', '"9.9.9"]', after=block)
    p = only(text, criteria=bundled_framework.codes())
    assert (p.code, p.path, p.params["kind"]) == (
        "unknown_ref",
        "tasks[0].criteria[1]",
        "criterion",
    )
    assert at(p) == position(text, '"9.9.9"')


def test_criteria_are_not_checked_without_a_framework(plan_text: str) -> None:
    text = seed(plan_text, '"1.1.3"]', '"9.9.9"]', after=TASK.format("II.1.1"))
    assert read_plan(text, FILE).tasks[0].criteria == ("4.1.4", "9.9.9")


def test_unquoted_decimal_code_keeps_its_digits(plan_text: str, bundled_framework) -> None:  # type: ignore[no-untyped-def]
    text = seed(plan_text, '["4.1.4", "1.1.3"]', '["4.1.4", 1.10]', after=TASK.format("II.1.1"))
    criteria = bundled_framework.codes() | {"1.10"}  # "1.1" is a criterion of the framework
    try:
        plan = read_plan(text, FILE, criteria=criteria)
    except InvalidInput as exc:  # rejecting the ambiguous number would be fine too
        assert [p.path for p in exc.problems] == ["tasks[0].criteria[1]"]
        return
    assert plan.tasks[0].criteria == ("4.1.4", "1.10")


def test_framework_not_found(plan_text: str) -> None:
    p = only(plan_text, framework_known=False)
    assert (p.code, p.path, p.params["code"]) == (
        "framework_not_found",
        "plan.framework",
        "par-ward-2020",
    )
    assert at(p) == position(plan_text, "par-ward-2020\n")
    assert "--framework" in (p.hint("en") or "")


def test_plan_without_framework_needs_none(plan_text: str) -> None:
    text = seed(plan_text, "  framework: par-ward-2020\n", "")
    assert read_plan(text, FILE, framework_known=False).framework is None


def test_reports_to_cycle_names_the_chain(plan_text: str) -> None:
    block = "  - code: chairman\n"
    text = seed(plan_text, block, block + "    reports_to: cchc_officer\n")
    p = only(text)
    assert (p.code, p.path) == ("cycle", "roles[0].reports_to")
    assert at(p) == position(text, "cchc_officer\n", after=block)
    assert p.params["chain"] == "chairman → cchc_officer → vice_chairman → chairman"
    assert (
        "reports_to forms a cycle: chairman → cchc_officer → vice_chairman → chairman"
        in p.render("en")
    )


def test_role_reporting_to_itself_is_a_cycle(plan_text: str) -> None:
    block = "  - code: chairman\n"
    p = only(seed(plan_text, block, block + "    reports_to: chairman\n"))
    assert (p.code, p.params["chain"]) == ("cycle", "chairman → chairman")


# --- schedules -----------------------------------------------------------------------------

II_1_1 = TASK.format("II.1.1")  # every: once, due: {date: 2020-04-29}
II_1_3 = TASK.format("II.1.3")  # every: year, due: {month_day: 10}
II_8_1 = TASK.format("II.8.1")  # every: rrule, start .. until


@pytest.mark.parametrize(
    "due",
    ["{month_day: 10, working_days: 3}", "{}", "{before_end_working_days: 1, date: 2020-12-01}"],
)
def test_due_needs_exactly_one_kind(plan_text: str, due: str) -> None:
    text = seed(plan_text, "due: {month_day: 10}", f"due: {due}", after=II_1_3)
    found = [p for p in problems(text) if p.code == "due_one_of"]
    assert len(found) == 1
    assert found[0].path == "tasks[2].schedule.due"
    assert at(found[0]) == position(text, due, after=II_1_3)


def test_once_needs_a_due_date(plan_text: str) -> None:
    text = seed(plan_text, "every: year", "every: once", after=II_1_3)
    p = only(text)
    assert (p.code, p.path) == ("once_needs_date", "tasks[2].schedule.due")
    assert at(p) == position(text, "{month_day: 10}", after=II_1_3)
    assert "'every: once' needs 'due: {date: YYYY-MM-DD}'" in p.render("en")


def test_due_date_needs_once(plan_text: str) -> None:
    text = seed(plan_text, "every: once", "every: year", after=II_1_1)
    p = only(text)
    assert (p.code, p.path) == ("date_needs_once", "tasks[0].schedule.due.date")
    assert at(p) == position(text, "2020-04-29")


def test_every_rrule_needs_a_rule(plan_text: str) -> None:
    text = seed(plan_text, "every: year", "every: rrule", after=II_1_3)
    p = only(text)
    assert (p.code, p.path) == ("rrule_needs_rule", "tasks[2].schedule.every")
    assert at(p) == position(text, "rrule, due: {month_day: 10}", after=II_1_3)


def test_rule_needs_every_rrule(plan_text: str) -> None:
    text = seed(plan_text, "every: rrule", "every: month", after=II_8_1)
    p = only(text)
    assert (p.code, p.path) == ("rule_needs_rrule_every", "tasks[34].schedule.rrule")
    assert at(p) == position(text, '"FREQ=MONTHLY;BYDAY=-1FR"')


def test_invalid_rrule_text(plan_text: str) -> None:
    text = seed(plan_text, "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=FORTNIGHTLY")
    p = only(text)
    assert (p.code, p.path) == ("bad_rrule", "tasks[34].schedule.rrule")
    assert at(p) == position(text, '"FREQ=FORTNIGHTLY"')
    assert "FORTNIGHTLY" in p.render("en")
    assert "RFC 5545" in (p.hint("en") or "")


def test_numeric_rrule_is_reported(plan_text: str) -> None:
    text = seed(plan_text, '"FREQ=MONTHLY;BYDAY=-1FR"', "12")
    assert only(text).path == "tasks[34].schedule.rrule"


@pytest.mark.parametrize(
    ("key", "old", "new"),
    [
        ("start", "start: 2020-04-01", "start: 2021-04-01"),
        ("until", "until: 2020-12-31", "until: 2019-12-31"),
    ],
)
def test_schedule_dates_must_fall_in_the_plan_year(
    plan_text: str, key: str, old: str, new: str
) -> None:
    text = seed(plan_text, old, new, after=II_8_1)
    found = [p for p in problems(text) if p.code == "date_outside_year"]
    assert len(found) == 1
    assert found[0].path == f"tasks[34].schedule.{key}"
    assert at(found[0]) == position(text, new.split(": ")[1])
    assert "outside the plan year 2020" in found[0].render("en")


def test_start_after_until(plan_text: str) -> None:
    text = seed(plan_text, "until: 2020-12-31", "until: 2020-03-31", after=II_8_1)
    p = only(text)
    assert (p.code, p.path) == ("start_after_until", "tasks[34].schedule.until")
    assert at(p) == position(text, "2020-03-31")
    assert "start 2020-04-01 is after until 2020-03-31" in p.render("en")


# --- targets and plan settings ---------------------------------------------------------------


def test_numeric_target_needs_op_and_value(plan_text: str) -> None:
    block = "  - code: T2.2a\n"
    text = seed(
        seed(plan_text, '    op: ">="\n', "", after=block), "    value: 98\n", "", after=block
    )
    p = only(text)
    assert (p.code, p.path, p.params["metric"]) == (
        "target_needs_value",
        "targets[2]",
        "on_time_rate",
    )
    assert at(p) == (position(text, block)[0], 5)


def test_op_without_value(plan_text: str) -> None:
    block = "  - code: T2.1b\n"
    text = seed(plan_text, "    value: 100\n", "", after=block)
    p = only(text)
    assert (p.code, p.path) == ("op_without_value", "targets[1]")
    assert at(p) == (position(text, block)[0], 5)


def test_bad_timezone(plan_text: str) -> None:
    text = seed(plan_text, "Asia/Ho_Chi_Minh\n", "Mars/Olympus\n")
    p = only(text)
    assert (p.code, p.path) == ("bad_timezone", "plan.timezone")
    assert at(p) == position(text, "Mars/Olympus")
    assert "Asia/Ho_Chi_Minh" in (p.hint("en") or "")


def test_timezone_naming_a_region_is_reported(plan_text: str) -> None:
    assert only(seed(plan_text, "Asia/Ho_Chi_Minh\n", "Asia\n")).code == "bad_timezone"


def test_numeric_timezone_is_reported(plan_text: str) -> None:
    assert only(seed(plan_text, "Asia/Ho_Chi_Minh\n", "7\n")).path == "plan.timezone"


def test_year_out_of_range_is_reported() -> None:
    text = (
        "format: cchc-plan/1\n"
        "plan: {code: KH, title: T, unit: {code: u}, year: 10000}\n"
        "areas: [{code: '1', title: A}]\n"
        "roles: [{code: chairman, title: C}]\n"
        "tasks:\n"
        "  - {code: II.1.1, area: '1', title: x, lead: chairman,\n"
        "     schedule: {every: year, due: {month_day: 10}}}\n"
    )
    assert only(text).path == "plan.year"


# --- all problems at once, in both languages ----------------------------------------------


def test_several_defects_are_reported_together_sorted_by_line(plan_text: str) -> None:
    text = plan_text
    text = seed(text, "every: month", "every: fortnight", after=TASK.format("II.9.2"))  # schema
    text = seed(text, "lead: chairman", "lead: chu_tich", after=TASK.format("II.1.1"))  # reference
    text = seed(text, "  year: 2020\n", '  year: "twenty"\n')  # type
    text = seed(
        text,
        '    note: "Lead inferred: section IV names no one for the ward website',
        '    area: "9"\n    note: "Lead inferred: section IV names no one for the ward website',
    )  # dup key
    text = seed(text, "format: cchc-plan/1\n", "format: cchc-plan/9\n")  # format
    found = problems(text)
    assert [p.code for p in found] == [
        "bad_format",
        "wrong_type",
        "unknown_ref",
        "bad_enum",
        "duplicate_key",
    ]
    lines = [p.line for p in found]
    assert lines == sorted(lines)
    with pytest.raises(InvalidInput) as info:
        read_plan(text, FILE)
    assert str(info.value).count("\n") == 4  # one line per problem
    assert info.value.render("en").endswith("5 problem(s) in all.")


def test_rendering_in_vietnamese_and_english(plan_text: str) -> None:
    text = seed(plan_text, "lead: chairman", "lead: chu_tich", after=TASK.format("II.1.1"))
    p = only(text)
    where = f"{FILE}:{p.line}:{p.column}: tasks[0].lead: "
    vi, en = p.render("vi"), p.render("en")
    assert vi.startswith(where) and en.startswith(where)
    assert "chức danh" not in en
    assert "không tồn tại" in vi and "các mã đã khai báo" in vi
    assert "does not exist" in en and "declared codes" in en
    with pytest.raises(InvalidInput) as info:
        read_plan(text, FILE)
    assert info.value.render("vi").endswith("Tổng cộng 1 lỗi.")


def test_missing_key_in_vietnamese_has_diacritics(plan_text: str) -> None:
    p = only(seed(plan_text, "  year: 2020\n", ""))
    assert p.message("vi") == "thiếu khóa bắt buộc 'year'"
    assert p.message("en") == "required key 'year' is missing"


@pytest.mark.parametrize(
    "text",
    [
        "[1, 2, 3]\n",
        "just some text\n",
        "42\n",
        "format: cchc-plan/1\nplan: x\nareas: 1\nroles: 2\ntasks: 3\n",
        "format: cchc-plan/1\nplan: {code: K, title: T, unit: {code: u}, year: 2020}\nareas: [1]\nroles: [x]\ntasks: [[]]\n",
        "a: *undefined\n",
        "---\na: 1\n---\nb: 2\n",
    ],
    ids=[
        "list",
        "scalar",
        "number",
        "scalars-for-sections",
        "scalars-for-items",
        "bad-alias",
        "two-documents",
    ],
)
def test_any_defect_raises_only_invalid_input(text: str) -> None:
    assert problems(text)


def test_tasks_given_as_a_mapping(plan_text: str) -> None:
    text = seed(plan_text, "tasks:\n\n", "tasks:\n  II.1.0: {}\nold_tasks:\n")
    found = problems(text)
    assert ("wrong_type", "tasks") in [(p.code, p.path) for p in found]
    wrong = next(p for p in found if p.path == "tasks")
    assert wrong.params["expected"] == "list"
    assert at(wrong) == position(text, "II.1.0")


# --- provenance: `inferred` lists, `compare`, `funding`, duties ---------------------------


II11 = "  - code: II.1.1\n"


def test_an_unknown_inferred_field_is_refused_where_it_stands(plan_text: str) -> None:
    old = "    inferred: [support, approver, schedule, due, evidence]\n"
    text = seed(plan_text, old, "    inferred: [support, approver, deadline]\n", after=II11)
    p = only(text)
    assert (p.code, p.path) == ("bad_enum", "tasks[0].inferred[2]")
    assert at(p) == position(text, "deadline]", after=II11)
    rendered = p.render("en")
    assert rendered.startswith(f"{FILE}:{p.line}:{p.column}: tasks[0].inferred[2]: 'deadline'")
    assert "lead, support, approver, schedule, due, evidence" in rendered


def test_a_target_field_is_unknown_on_a_task(plan_text: str) -> None:
    old = "    inferred: [support, approver, schedule, due, evidence]\n"
    p = only(seed(plan_text, old, "    inferred: [owner]\n", after=II11))
    assert (p.code, p.path) == ("bad_enum", "tasks[0].inferred[0]")


def test_an_inferred_field_listed_twice_is_refused(plan_text: str) -> None:
    old = "    inferred: [support, approver, schedule, due, evidence]\n"
    text = seed(plan_text, old, "    inferred: [due, schedule, due]\n", after=II11)
    p = only(text)
    assert (p.code, p.path) == ("duplicate_inferred", "tasks[0].inferred[2]")
    assert at(p) == position(text, "due]", after=II11)
    assert "'due' is already listed" in p.render("en")


def test_an_inferred_field_must_be_given(plan_text: str) -> None:
    # II.1.6 has no support: its support cannot be our reading
    after = "  - code: II.1.6\n"
    old = "    inferred: [lead, approver, schedule, due, evidence]\n"
    text = seed(plan_text, old, "    inferred: [lead, support, approver]\n", after=after)
    p = only(text)
    assert (p.code, p.path) == ("inferred_not_given", "tasks[5].inferred[1]")
    assert "drop it from 'inferred'" in p.render("en")


def test_a_defaulted_field_may_be_inferred_without_being_written(plan_text: str) -> None:
    after = "  - code: T2.7\n"
    text = seed(
        plan_text, "    source: plan\n", "    source: plan\n    inferred: [unit]\n", after=after
    )
    assert read_plan(text, FILE).targets[-1].inferred == ("unit",)


def test_an_inferred_lead_contradicts_source_plan(plan_text: str) -> None:
    old = "    inferred: [support, approver, schedule, due, evidence]\n"
    p = only(seed(plan_text, old, "    inferred: [lead]\n", after=II11))
    assert (p.code, p.path) == ("inferred_lead_source", "tasks[0].inferred[0]")


def test_source_inferred_alone_still_marks_the_lead(plan_text: str) -> None:
    # files written before `inferred` existed keep their meaning
    old = "    source: plan\n    inferred: [support, approver, schedule, due, evidence]\n"
    text = seed(plan_text, old, "    source: inferred\n", after=II11)
    first = read_plan(text, FILE).tasks[0]
    assert first.inferred == ("lead",) and first.is_inferred("lead")
    # and an inferred lead without `source` makes the task's source inferred
    text = seed(plan_text, old, "    inferred: [lead]\n", after=II11)
    assert read_plan(text, FILE).tasks[0].source == "inferred"


def test_compare_needs_an_operator_and_no_value(plan_text: str) -> None:
    after = "  - code: T1.5\n"
    text = seed(plan_text, '    op: ">"\n', "", after=after)
    assert only(text).code == "compare_needs_op"
    text = seed(plan_text, '    op: ">"\n', '    op: ">"\n    value: 80\n', after=after)
    p = only(text)
    assert (p.code, p.path) == ("compare_with_value", "targets[12].value")


def test_role_duties_name_known_tasks(plan_text: str) -> None:
    text = seed(plan_text, "tasks: [II.1.4, II.6.1]", "tasks: [II.1.4, II.6.9]")
    p = only(text)
    assert (p.code, p.path) == ("unknown_ref", "roles[0].duties[0].tasks[1]")


def test_funding_criteria_are_checked_against_the_framework(
    plan_text: str, bundled_framework
) -> None:  # type: ignore[no-untyped-def]
    text = seed(
        plan_text, 'criteria: ["1.1.2"]\n    source: plan', 'criteria: ["9.9.9"]\n    source: plan'
    )
    p = only(text, criteria=bundled_framework.codes())
    assert (p.code, p.path) == ("unknown_ref", "plan.funding.criteria[0]")
