"""PAR scoring: every rule type, survey items, the explanation flag, caps, totals and grades;
survey points apart from the self-assessment, grades over the whole range, and no data never
scoring."""

from __future__ import annotations

import pytest

from domain.frameworkfile import read_framework
from domain.i18n import t
from domain.scoring import Entry, Inputs, grade, grade_bands, input_key, score, suggest

FRAMEWORK = """
format: cchc-framework/1
framework: {code: fw, title: F, year: 2020, scale: 20, grades: {xuat_sac: 90, tot: 80, kha: 70, trung_binh: 50, yeu: 30, kem: 0},
            bonus_max: 2, penalty_max: 1}
areas:
  - code: A1
    title: Self
    max: 10
    criteria:
      - code: "1.1"
        title: Rules
        max: 10
        items:
          - {code: "1.1.1", title: Boolean, max: 1, rule: {type: boolean}}
          - {code: "1.1.2", title: Levels, max: 1, rule: {type: levels, levels: {kip_thoi: 1, muon: 0.5, khong: 0}}}
          - {code: "1.1.3", title: Land, max: 2, rule: {type: bands, input: {metric: on_time_rate, scope: {field: dat_dai}},
             bands: [">=98: 2", ">=95: 1", "else: 0"], no_data: manual}}
          - {code: "1.1.4", title: Completion, max: 2, rule: {type: bands, input: {tasks: completion},
             bands: [">90: 2", ">=70: 1", "else: 0"]}}
          - {code: "1.1.5", title: Count, max: 1, rule: {type: count, input: {count: ky_luat}, bands: ["=0: 1", "else: 0"]}}
          - {code: "1.1.6", title: Manual, max: 1, rule: {type: manual}}
          - {code: "1.1.7", title: Apology, max: 1, rule: {type: bands, input: {metric: apology_coverage},
             bands: [">=100: 1", "else: 0"], no_data: full}}
          - {code: "1.1.8", title: Target, max: 1, rule: {type: bands, input: {target: T2.4},
             bands: [">=15: 1", ">=10: 0.5", "else: 0"], no_data: zero}}
  - code: A2
    title: Survey
    max: 10
    criteria:
      - code: "2.1"
        title: Satisfaction
        max: 10
        items:
          - {code: "2.1.1", title: Survey, max: 10, assessed_by: survey, rule: {type: levels, levels: {A: 10, B: 6, C: 2, D: 0}}}
"""


@pytest.fixture
def fw():  # type: ignore[no-untyped-def]
    return read_framework(FRAMEWORK, "fw.yaml")


def item(fw, code):  # type: ignore[no-untyped-def]
    return next(i for i in fw.items() if i.code == code)


def test_input_keys_name_what_a_rule_reads() -> None:
    assert (
        input_key({"metric": "on_time_rate", "scope": {"field": "dat_dai"}})
        == "metric:on_time_rate:field=dat_dai"
    )
    assert (
        input_key({"metric": "on_time_rate", "scope": {"fields_except": ["dat_dai"]}})
        == "metric:on_time_rate:except=dat_dai"
    )
    assert input_key({"target": "T2.4"}) == "target:T2.4"
    assert input_key({"measure": "x"}) == "measure:x" and input_key({"count": "y"}) == "count:y"
    assert input_key({"tasks": "completion"}) is None


def test_boolean_rule_needs_every_linked_occurrence_done(fw) -> None:  # type: ignore[no-untyped-def]
    assert suggest(item(fw, "1.1.1"), Inputs(all_done={"1.1.1": True}))[0] == 1
    assert suggest(item(fw, "1.1.1"), Inputs(all_done={"1.1.1": False}))[0] == 0
    assert suggest(item(fw, "1.1.1"), Inputs())[0] is None  # no linked task: a person decides


def test_levels_rule_scores_the_chosen_level(fw) -> None:  # type: ignore[no-untyped-def]
    assert suggest(item(fw, "1.1.2"), Inputs(entries={"1.1.2": Entry(level="muon")}))[0] == 0.5
    assert suggest(item(fw, "1.1.2"), Inputs())[0] is None


@pytest.mark.parametrize(
    ("rate", "points"), [(99.0, 2), (98.0, 2), (97.9, 1), (95.0, 1), (94.99, 0)]
)
def test_bands_on_a_kpi_first_match_wins(fw, rate: float, points: float) -> None:  # type: ignore[no-untyped-def]
    got, basis = suggest(
        item(fw, "1.1.3"), Inputs(numbers={"metric:on_time_rate:field=dat_dai": rate})
    )
    assert got == points and "on_time_rate" in basis


def test_no_data_never_scores_whatever_the_rule_says(fw) -> None:  # type: ignore[no-untyped-def]
    # no_data: manual, full and zero alike: no data is no suggestion, never points
    assert (
        suggest(item(fw, "1.1.3"), Inputs(numbers={"metric:on_time_rate:field=dat_dai": None}))[0]
        is None
    )
    got, basis = suggest(item(fw, "1.1.7"), Inputs())
    assert got is None and basis == "metric:apology_coverage: no data"
    got, basis = suggest(item(fw, "1.1.8"), Inputs())
    assert got is None and basis == "target:T2.4: no data"


def test_task_completion_count_and_target_inputs(fw) -> None:  # type: ignore[no-untyped-def]
    assert suggest(item(fw, "1.1.4"), Inputs(completion={"1.1.4": 91.0}))[0] == 2
    assert suggest(item(fw, "1.1.4"), Inputs(completion={"1.1.4": 90.0}))[0] == 1
    assert suggest(item(fw, "1.1.5"), Inputs(numbers={"count:ky_luat": 0}))[0] == 1
    assert suggest(item(fw, "1.1.5"), Inputs(numbers={"count:ky_luat": 2}))[0] == 0
    assert suggest(item(fw, "1.1.8"), Inputs(numbers={"target:T2.4": 12.5}))[0] == 0.5


def test_manual_and_survey_items_are_never_suggested(fw) -> None:  # type: ignore[no-untyped-def]
    assert suggest(item(fw, "1.1.6"), Inputs())[0] is None
    assert suggest(item(fw, "2.1.1"), Inputs(entries={"2.1.1": Entry(level="A")}))[0] is None


def test_totals_override_survey_explanation_caps_and_grade(fw) -> None:  # type: ignore[no-untyped-def]
    inputs = Inputs(
        numbers={
            "metric:on_time_rate:field=dat_dai": 98.5,
            "count:ky_luat": 0,
            "target:T2.4": 16,
            "metric:apology_coverage": 100,
        },
        completion={"1.1.4": 95.0},
        all_done={"1.1.1": True},
        evidence={"1.1.1": 2, "1.1.3": 1, "1.1.4": 4},
        entries={
            "1.1.2": Entry(level="kip_thoi"),
            "1.1.6": Entry(self_score=0.5, self_reason="Đã thực hiện một phần"),
            "2.1.1": Entry(survey=8.5, appraisal_1=8.0),
            "1.1.5": Entry(explanation="Không có cán bộ bị kỷ luật nên không có quyết định"),
        },
        bonus=5,
        penalty=0.5,
    )
    card = score(fw, inputs)
    by_code = {i.code: i for i in card.items()}
    assert by_code["1.1.6"].self_score == 0.5 and by_code["1.1.6"].suggested is None
    assert by_code["2.1.1"].self_score == 8.5  # survey result entered, never self-scored
    # scored but no evidence and no explanation → flagged; explained → not flagged
    assert by_code["1.1.2"].needs_explanation and by_code["1.1.8"].needs_explanation
    assert not by_code["1.1.5"].needs_explanation and not by_code["1.1.1"].needs_explanation
    self_items = 1 + 1 + 2 + 2 + 1 + 0.5 + 1 + 1
    assert card.areas[0].self_score == self_items
    assert card.bonus == 2 and card.penalty == 0.5  # bonus capped at bonus_max
    assert card.self_total == pytest.approx(self_items + 8.5 + 2 - 0.5)
    assert card.self_index == pytest.approx(round((self_items + 10) / 20 * 100, 2))
    assert card.self_grade == "xuat_sac"
    assert card.appraised_total is not None  # an appraisal was entered for one item
    low = score(fw, Inputs())
    # nothing known scores nothing (1.1.7's no-data "full" no longer counts), graded Kém
    assert low.self_total == 0 and low.self_index == 0 and low.self_grade == "kem"


# --- survey points apart from the self-assessment ---------------------------------------------


def test_survey_points_are_totalled_apart_and_the_index_adds_them(fw) -> None:  # type: ignore[no-untyped-def]
    # the survey area is A2 here: survey items are known by assessed_by, not by an area code
    inputs = Inputs(
        all_done={"1.1.1": True},
        evidence={"1.1.1": 1, "1.1.6": 1},
        entries={
            "1.1.1": Entry(appraisal_1=0.5),
            "1.1.6": Entry(self_score=1, self_reason="Đã thực hiện"),
            "2.1.1": Entry(survey=6.0),
        },
        bonus=1,
        penalty=0.5,
    )
    card = score(fw, inputs)
    assert (card.self_assessed_total, card.self_assessed_max) == (2, 10)
    assert (card.survey_total, card.survey_max) == (6, 10)
    assert card.self_total == 2 + 6 + 1 - 0.5  # the index adds both, with bonus and penalty
    assert card.self_index == pytest.approx(8.5 / 20 * 100)
    self_area, survey_area = card.areas
    assert (self_area.self_assessed, self_area.survey) == (2, 0)
    assert (self_area.self_assessed_max, self_area.survey_max) == (10, 0)
    assert (survey_area.self_assessed, survey_area.survey) == (0, 6)
    assert (survey_area.self_assessed_max, survey_area.survey_max) == (0, 10)
    by_code = {i.code: i for i in card.items()}
    assert by_code["2.1.1"].survey == 6 and by_code["1.1.6"].survey is None
    # the appraised total counts the survey result too (the district does not re-score it)
    assert card.appraised_total == pytest.approx(0.5 + 6 + 1 - 0.5)
    data = card.as_dict()
    assert (data["self_assessed_total"], data["self_assessed_max"]) == (2, 10)
    assert (data["survey_total"], data["survey_max"]) == (6, 10)
    assert data["self_total"] == 8.5 and data["self_index"] == card.self_index  # kept
    assert data["areas"][1]["survey"] == 6 and data["areas"][0]["self_assessed"] == 2


def test_a_survey_result_is_never_added_to_the_self_assessed_points(fw) -> None:  # type: ignore[no-untyped-def]
    card = score(fw, Inputs(entries={"2.1.1": Entry(survey=10.0)}))
    assert card.self_assessed_total == 0 and card.survey_total == 10
    assert card.areas[0].self_score == 0


# --- grades over the whole range --------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (102.0, "xuat_sac"),  # bonus points may take the index over 100
        (100.0, "xuat_sac"),
        (90.0, "xuat_sac"),
        (89.99, "tot"),
        (80.0, "tot"),
        (79.99, "kha"),
        (70.0, "kha"),
        (69.99, "trung_binh"),
        (50.0, "trung_binh"),
        (49.99, "yeu"),
        (30.0, "yeu"),
        (29.99, "kem"),
        (0.0, "kem"),
        (-2.0, "kem"),  # penalty points may take it under 0
    ],
)
def test_bundled_grades_at_their_boundaries(bundled_framework, index: float, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert grade(bundled_framework, index) == expected


def test_every_index_maps_to_exactly_one_grade(bundled_framework) -> None:  # type: ignore[no-untyped-def]
    bands = grade_bands(bundled_framework)
    assert [b.code for b in bands] == ["xuat_sac", "tot", "kha", "trung_binh", "yeu", "kem"]
    assert [t(f"grade.{b.code}") for b in bands] == [
        "Xuất sắc",
        "Tốt",
        "Khá",
        "Trung bình",
        "Yếu",
        "Kém",
    ]
    for hundredths in range(-500, 10_501):
        value = hundredths / 100
        holding = [b.code for b in bands if b.contains(value)]
        assert holding == [grade(bundled_framework, value)], value


def test_bundled_grade_cut_offs_are_marked_inferred(bundled_framework) -> None:  # type: ignore[no-untyped-def]
    cutoffs = {g.code: g for g in bundled_framework.grade_cutoffs}
    assert (
        {c: g.min for c, g in cutoffs.items()}
        == bundled_framework.grades
        == {
            "xuat_sac": 90,
            "tot": 80,
            "kha": 70,
            "trung_binh": 50,
            "yeu": 30,
            "kem": 0,
        }
    )
    assert all(g.source == "inferred" for g in cutoffs.values())
    assert all(g.note for g in cutoffs.values())


# --- no data never scores ---------------------------------------------------------------------


def test_an_item_without_data_is_flagged_until_someone_scores_it(fw) -> None:  # type: ignore[no-untyped-def]
    card = score(fw, Inputs())
    by_code = {i.code: i for i in card.items()}
    for code, key in (
        ("1.1.3", "metric:on_time_rate:field=dat_dai"),
        ("1.1.4", "tasks:completion"),
        ("1.1.5", "count:ky_luat"),
        ("1.1.7", "metric:apology_coverage"),  # no_data: full
        ("1.1.8", "target:T2.4"),  # no_data: zero
    ):
        scored = by_code[code]
        assert scored.suggested is None and scored.self_score is None, code
        assert scored.missing_input == key and scored.needs_input, code
    # rules that read no number are a person's decision, not missing input
    for code in ("1.1.1", "1.1.2", "1.1.6", "2.1.1"):
        assert by_code[code].missing_input is None and not by_code[code].needs_input, code

    confirmed = score(
        fw,
        Inputs(
            numbers={"target:T2.4": 16},
            evidence={"1.1.7": 1},
            entries={"1.1.7": Entry(self_score=1, self_reason="Không có hồ sơ trễ hạn")},
        ),
    )
    by_code = {i.code: i for i in confirmed.items()}
    # a person scored it with a reason: still shown as missing input, no longer flagged
    assert by_code["1.1.7"].missing_input == "metric:apology_coverage"
    assert by_code["1.1.7"].self_score == 1 and not by_code["1.1.7"].needs_input
    assert by_code["1.1.8"].missing_input is None and by_code["1.1.8"].suggested == 1
    data = confirmed.as_dict()["areas"][0]["children"][0]["children"]
    assert [(i["code"], i["needs_input"]) for i in data if i["needs_input"]] == [
        ("1.1.3", True),
        ("1.1.4", True),
        ("1.1.5", True),
    ]
