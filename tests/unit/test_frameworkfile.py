"""Reading a ``cchc-framework/1`` file: the PAR Index tree and its rules, checked exactly."""

from __future__ import annotations

import pytest

from domain.errors import InvalidInput, Problem
from domain.framework import parse_band
from domain.frameworkfile import read_framework

FILE = "framework.yaml"

# A tiny valid framework: one area (10) → one criterion (10) → items 1.1.1 (4) and 1.1.2 (6).
SMALL = """\
format: cchc-framework/1
framework:
  code: fw
  title: "Bộ chỉ số"
  year: 2020
  scale: 10
areas:
  - code: A1
    title: "Lĩnh vực"
    max: 10
    criteria:
      - code: "1.1"
        title: "Tiêu chí"
        max: 10
        items:
          - code: "1.1.1"
            title: "Tiêu chí thành phần"
            max: 4
            rule: RULE
          - code: "1.1.2"
            title: "Khác"
            max: 6
            assessed_by: self
            rule: {type: boolean}
"""
RULE_LINE = SMALL.count("\n", 0, SMALL.index("rule: RULE")) + 1


def small(rule: str = "{type: boolean}") -> str:
    return SMALL.replace("RULE", rule)


def seed(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def position(text: str, needle: str) -> tuple[int, int]:
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times"
    at = text.index(needle)
    return text[:at].count("\n") + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def only(text: str, **kwargs: object) -> Problem:
    with pytest.raises(InvalidInput) as info:
        read_framework(text, FILE, **kwargs)  # type: ignore[arg-type]
    found = info.value.problems
    assert len(found) == 1, [p.render("en") for p in found]
    return found[0]


def at(problem: Problem) -> tuple[int | None, int | None]:
    return problem.line, problem.column


ITEM = "areas[0].criteria[0].items[0]"


# --- the bundled framework -----------------------------------------------------------------


def test_bundled_framework_is_valid(bundled_framework) -> None:  # type: ignore[no-untyped-def]
    assert bundled_framework.code == "par-ward-2020"
    assert bundled_framework.scale == 100
    assert sum(a.max for a in bundled_framework.areas) == pytest.approx(100)


def test_bundled_framework_adds_up_at_every_level(bundled_framework) -> None:  # type: ignore[no-untyped-def]
    for area in bundled_framework.areas:
        assert sum(c.max for c in area.criteria) == pytest.approx(area.max), area.code
        for criterion in area.criteria:
            assert sum(i.max for i in criterion.items) == pytest.approx(criterion.max), (
                criterion.code
            )


def test_small_framework_is_valid() -> None:
    fw = read_framework(small(), FILE)
    assert [i.code for i in fw.items()] == ["1.1.1", "1.1.2"]
    assert fw.codes() == {"A1", "1.1", "1.1.1", "1.1.2"}


# --- sums -------------------------------------------------------------------------------------


def test_criterion_max_must_equal_the_sum_of_its_items() -> None:
    text = seed(small(), "        max: 10\n", "        max: 9\n")
    with pytest.raises(InvalidInput) as info:
        read_framework(text, FILE)
    found = {p.path: p for p in info.value.problems}
    p = found["areas[0].criteria[0].max"]
    assert p.code == "sum_mismatch"
    assert at(p) == (position(text, "        max: 9\n")[0], 14)
    assert "max 9 does not equal the sum of its children (10)" in p.render("en")
    # the area (10) now differs from its only criterion (9) too: both are reported
    assert found["areas[0].max"].code == "sum_mismatch"


def test_area_max_must_equal_the_sum_of_its_criteria() -> None:
    text = seed(small(), "    max: 10\n    criteria", "    max: 12\n    criteria")
    with pytest.raises(InvalidInput) as info:
        read_framework(text, FILE)
    codes = [(p.code, p.path, p.line, p.column) for p in info.value.problems]
    line = position(text, "    max: 12\n")[0]
    assert codes == [
        ("scale_mismatch", "framework.scale", position(text, "scale: 10")[0], 10),
        ("sum_mismatch", "areas[0].max", line, 10),
    ]


def test_areas_must_add_up_to_the_scale() -> None:
    text = seed(small(), "  scale: 10\n", "  scale: 100\n")
    p = only(text)
    assert (p.code, p.path) == ("scale_mismatch", "framework.scale")
    assert at(p) == position(text, "100")
    assert p.params == {"total": "10", "scale": "100"}


def test_fractional_points_add_up_exactly() -> None:
    text = (
        small()
        .replace("            max: 4\n", "            max: 0.1\n")
        .replace("            max: 6\n", "            max: 0.2\n")
        .replace("        max: 10\n", "        max: 0.3\n")
        .replace("    max: 10\n", "    max: 0.3\n")
        .replace("scale: 10", "scale: 0.3")
    )
    assert read_framework(text, FILE).scale == pytest.approx(0.3)


# --- codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ['"1.1"', "A1", '"1.1.1"'])
def test_codes_are_unique_across_the_whole_tree(code: str) -> None:
    text = seed(small(), 'code: "1.1.2"', f"code: {code}")
    p = only(text)
    assert (p.code, p.path) == ("duplicate_code", "areas[0].criteria[0].items[1].code")
    line, _ = position(text, f'code: {code}\n            title: "Khác"')
    assert at(p) == (line, 19)
    first = text.index(f"code: {code}")
    assert p.params["first"] == text[:first].count("\n") + 1


# --- bands and levels ------------------------------------------------------------------------


def test_bad_band_text() -> None:
    text = small('{type: bands, input: {target: T}, bands: [">=98 2", "else: 0"]}')
    p = only(text)
    assert (p.code, p.path) == ("bad_band", f"{ITEM}.rule.bands[0]")
    assert at(p) == position(text, '">=98 2"')
    assert p.hint("en") == 'write ">=98: 2" or "else: 0"'


def test_band_after_else_is_never_reached() -> None:
    text = small('{type: bands, input: {target: T}, bands: ["else: 0", ">=98: 2"]}')
    p = only(text)
    assert (p.code, p.path) == ("band_after_else", f"{ITEM}.rule.bands[1]")
    assert at(p) == position(text, '">=98: 2"')


def test_band_points_over_the_item_max() -> None:
    text = small('{type: bands, input: {target: T}, bands: [">=98: 5", "else: 0"]}')
    p = only(text)
    assert (p.code, p.path) == ("points_over_max", f"{ITEM}.rule.bands[0]")
    assert at(p) == position(text, '">=98: 5"')
    assert p.render("en").endswith("5 points exceed the maximum 4")


def test_level_points_over_the_item_max() -> None:
    text = small("{type: levels, levels: {tot: 5, khong: 0}}")
    p = only(text)
    assert (p.code, p.path) == ("points_over_max", f"{ITEM}.rule.levels.tot")
    assert at(p) == position(text, "5, khong")


def test_numeric_band_is_reported() -> None:
    p = only(small('{type: bands, input: {target: T}, bands: [5, "else: 0"]}'))
    assert p.path == f"{ITEM}.rule.bands[0]"


# --- what each rule type needs and refuses ------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "key"),
    [
        ("{type: bands, input: {target: T}}", "bands"),
        ('{type: bands, bands: ["else: 0"]}', "input"),
        ("{type: levels}", "levels"),
        ("{type: count, input: {count: sang_kien}}", "bands"),
    ],
)
def test_rule_type_missing_a_needed_key(rule: str, key: str) -> None:
    p = only(small(rule))
    assert (p.code, p.path, p.params["key"]) == ("rule_needs", f"{ITEM}.rule", key)
    assert at(p) == (RULE_LINE, 19)


@pytest.mark.parametrize(
    ("rule", "key", "needle"),
    [
        ('{type: boolean, bands: [">=1: 1"]}', "bands", "bands:"),
        ("{type: manual, levels: {a: 1}}", "levels", "levels:"),
        ('{type: levels, levels: {a: 1}, bands: ["else: 0"]}', "bands", "bands:"),
    ],
)
def test_rule_type_refuses_a_key(rule: str, key: str, needle: str) -> None:
    text = small(rule)
    p = only(text)
    assert (p.code, p.path, p.params["key"]) == ("rule_forbids", f"{ITEM}.rule.{key}", key)
    assert at(p) == position(text, needle)


@pytest.mark.parametrize(
    "inp",
    ["{target: T, metric: on_time_rate}", "{}", "{count: x}"],
    ids=["two-keys", "none", "count-on-bands"],
)
def test_input_takes_exactly_one_key(inp: str) -> None:
    text = small(f'{{type: bands, input: {inp}, bands: ["else: 0"]}}')
    p = only(text)
    assert (p.code, p.path) == ("input_one_of", f"{ITEM}.rule.input")
    assert at(p) == position(text, inp)


def test_unknown_target_is_reported_when_targets_are_given() -> None:
    text = small('{type: bands, input: {target: T9}, bands: ["else: 0"]}')
    p = only(text, targets={"T2.2a", "T2.4"})
    assert (p.code, p.path, p.params["kind"]) == (
        "unknown_ref",
        f"{ITEM}.rule.input.target",
        "target",
    )
    assert at(p) == position(text, "T9")
    assert p.hint("en") == "declared codes: T2.2a, T2.4"


def test_target_is_not_checked_without_targets() -> None:
    fw = read_framework(small('{type: bands, input: {target: T9}, bands: ["else: 0"]}'), FILE)
    assert fw.items()[0].rule.input == {"target": "T9"}


def test_bundled_framework_targets_exist_in_the_bundled_plan(
    framework_text: str, bundled_plan
) -> None:  # type: ignore[no-untyped-def]
    read_framework(framework_text, FILE, targets={t.code for t in bundled_plan.targets})


def test_assessed_by_must_be_self_or_survey() -> None:
    text = seed(small(), "assessed_by: self", "assessed_by: council")
    p = only(text)
    assert (p.code, p.path) == ("bad_enum", "areas[0].criteria[0].items[1].assessed_by")
    assert at(p) == position(text, "council")
    assert p.hint("en") == "use one of: self, survey"


def test_wrong_format() -> None:
    text = seed(small(), "format: cchc-framework/1", "format: cchc-plan/1")
    p = only(text)
    assert (p.code, p.path) == ("bad_format", "format")
    assert at(p) == (1, 9)


def test_several_defects_are_reported_together_sorted_by_line() -> None:
    text = small('{type: bands, input: {target: T}, bands: ["else: 0", ">=98: 9"]}')
    text = seed(text, "assessed_by: self", "assessed_by: council")
    text = seed(text, "  scale: 10\n", "  scale: 100\n")
    with pytest.raises(InvalidInput) as info:
        read_framework(text, FILE)
    found = [(p.code, p.line) for p in info.value.problems]
    assert [c for c, _ in found] == [
        "scale_mismatch",
        "band_after_else",
        "points_over_max",
        "bad_enum",
    ]
    assert [line for _, line in found] == sorted(line for _, line in found)


@pytest.mark.parametrize("text", ["[1]\n", "text\n", "", "areas: 5\n"])
def test_any_defect_raises_only_invalid_input(text: str) -> None:
    with pytest.raises(InvalidInput):
        read_framework(text, FILE)


def test_document_of_nothing_is_reported_as_empty() -> None:
    assert only("---\n").code == "empty_file"


# --- grades (xếp loại) ---------------------------------------------------------------------------


def with_grades(grades: str) -> str:
    return seed(small(), "  scale: 10\n", f"  scale: 10\n  grades: {grades}\n")


def test_a_grade_may_carry_its_source_and_note() -> None:
    fw = read_framework(
        with_grades('{tot: {min: 80, source: sourced, note: "S14"}, kem: {min: 0}}'), FILE
    )
    assert fw.grades == {"tot": 80, "kem": 0}
    assert [(g.code, g.min, g.source, g.note) for g in fw.grade_cutoffs] == [
        ("tot", 80, "sourced", "S14"),
        ("kem", 0, "inferred", ""),
    ]


def test_a_grade_given_as_a_number_is_still_read() -> None:
    fw = read_framework(with_grades("{kem: 0, tot: 80}"), FILE)
    assert fw.grades == {"kem": 0, "tot": 80}
    assert [(g.code, g.source) for g in fw.grade_cutoffs] == [
        ("tot", "inferred"),
        ("kem", "inferred"),
    ]


def test_grades_must_cover_every_index_down_to_zero() -> None:
    text = with_grades("{xuat_sac: 90, tot: 80, kha: 70, trung_binh: 50}")
    p = only(text)
    assert (p.code, p.path) == ("grades_gap", "framework.grades")
    assert at(p) == position(text, "{xuat_sac")
    assert "an index below 50 would have no grade" in p.render("en")
    assert p.hint("en") == "give the lowest grade min: 0"


def test_two_grades_may_not_share_a_cut_off() -> None:
    text = with_grades("{tot: 80, kha: {min: 80}, kem: 0}")
    p = only(text)
    assert (p.code, p.path) == ("grade_cutoff_twice", "framework.grades.kha")
    assert "kha and tot both start at 80" in p.render("en")


@pytest.mark.parametrize(
    ("grades", "path", "code"),
    [
        ("{tot: 180, kem: 0}", "framework.grades.tot", "out_of_range"),
        ("{tot: {source: sourced}, kem: 0}", "framework.grades.tot", "missing_key"),
        ("{tot: {min: 80, by: x}, kem: 0}", "framework.grades.tot.by", "unknown_key"),
        ("{tot: high, kem: 0}", "framework.grades.tot", "wrong_type"),
    ],
)
def test_a_bad_grade_is_reported_where_it_is(grades: str, path: str, code: str) -> None:
    p = only(with_grades(grades))
    assert (p.code, p.path) == (code, path)


# --- band notation ----------------------------------------------------------------------------


def test_band_at_least() -> None:
    band = parse_band(">=98: 2")
    assert band is not None
    assert (band.op, band.value, band.points) == (">=", 98, 2)
    assert band.matches(98)
    assert band.matches(100)
    assert not band.matches(97.9)


def test_band_strictly_greater() -> None:
    band = parse_band(" > 30 : 1 ")
    assert band is not None
    assert band.matches(30.1) and not band.matches(30)


def test_else_band_matches_anything() -> None:
    band = parse_band("else: 0")
    assert band is not None
    assert (band.op, band.value, band.points) == (None, None, 0)
    assert all(band.matches(x) for x in (-1, 0, 50.5, 1e9))


@pytest.mark.parametrize("text", [">=98 2", "98: 2", ">=: 2", "otherwise: 0", ">= 1e3: 1", ""])
def test_text_that_is_not_a_band(text: str) -> None:
    assert parse_band(text) is None


def test_band_written_back_in_file_notation() -> None:
    assert [str(parse_band(t)) for t in (">=98: 2", "=0: 1", "else: 0.5")] == [
        ">=98: 2",
        "=0: 1",
        "else: 0.5",
    ]
