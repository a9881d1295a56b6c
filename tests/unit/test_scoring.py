"""PAR scoring: every rule type, survey items, the explanation flag, caps, totals and grades."""

from __future__ import annotations

import pytest

from domain.frameworkfile import read_framework
from domain.scoring import Entry, Inputs, input_key, score, suggest

FRAMEWORK = """
format: cchc-framework/1
framework: {code: fw, title: F, year: 2020, scale: 20, grades: {xuat_sac: 90, tot: 80, kha: 70, trung_binh: 50},
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


def test_no_data_follows_the_rule(fw) -> None:  # type: ignore[no-untyped-def]
    assert (
        suggest(item(fw, "1.1.3"), Inputs(numbers={"metric:on_time_rate:field=dat_dai": None}))[0]
        is None
    )
    assert suggest(item(fw, "1.1.7"), Inputs())[0] == 1  # no late dossier: full points
    assert suggest(item(fw, "1.1.8"), Inputs())[0] == 0  # no data: zero


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
        numbers={"metric:on_time_rate:field=dat_dai": 98.5, "count:ky_luat": 0, "target:T2.4": 16},
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
    assert (
        low.self_total == 1 and low.self_index == 5.0 and low.self_grade is None
    )  # only 1.1.7's no-data full
