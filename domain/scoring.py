"""Scoring the PAR Index self-assessment — "tự đánh giá, chấm điểm Chỉ số CCHC".

Each item's rule suggests a self-score from what the engine knows (task completion, KPIs,
targets, measurements, counts); a person may override it with a reason; survey items are
entered, never self-scored; the district's appraisal (rounds 1 and 2) is entered. Totals roll
up per criterion and area; the index is (Σ item scores + bonus − penalty) ÷ scale × 100 %.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from domain.framework import Framework, Item, Rule


@dataclass(frozen=True)
class Entry:
    """What people entered for an item."""

    self_score: float | None = None
    self_reason: str = ""
    level: str | None = None
    survey: float | None = None
    appraisal_1: float | None = None
    appraisal_2: float | None = None
    explanation: str = ""


@dataclass(frozen=True)
class Inputs:
    """Everything the rules read, gathered by the caller for one unit and year.

    ``numbers`` holds the value of each rule input by key: ``metric:on_time_rate``,
    ``metric:on_time_rate:field=dat_dai``, ``metric:on_time_rate:except=dat_dai``,
    ``target:T2.4``, ``measure:hoa_giai_thanh_pct``, ``count:sang_kien_cong_nhan`` (None = no
    data). ``completion`` and ``all_done`` are per item code, over the plan tasks linked to it.
    """

    numbers: Mapping[str, float | None] = field(default_factory=dict)
    completion: Mapping[str, float | None] = field(default_factory=dict)
    all_done: Mapping[str, bool | None] = field(default_factory=dict)
    evidence: Mapping[str, int] = field(default_factory=dict)
    entries: Mapping[str, Entry] = field(default_factory=dict)
    bonus: float = 0.0
    penalty: float = 0.0


def input_key(inp: Mapping[str, Any]) -> str | None:
    """The ``numbers`` key a rule input reads, or None for task completion."""
    if inp.get("metric"):
        scope = inp.get("scope") or {}
        if scope.get("field"):
            return f"metric:{inp['metric']}:field={scope['field']}"
        if scope.get("fields_except"):
            return f"metric:{inp['metric']}:except={','.join(sorted(scope['fields_except']))}"
        return f"metric:{inp['metric']}"
    for kind in ("target", "measure", "count"):
        if inp.get(kind):
            return f"{kind}:{inp[kind]}"
    return None


@dataclass(frozen=True)
class ItemScore:
    code: str
    title: str
    max: float
    assessed_by: str
    rule: str
    suggested: float | None
    basis: str  # what the suggestion came from, e.g. "on_time_rate[dat_dai] = 98.5"
    self_score: float | None
    self_reason: str
    appraisal_1: float | None
    appraisal_2: float | None
    evidence: int
    explanation: str
    needs_explanation: bool

    @property
    def appraised(self) -> float | None:
        return self.appraisal_2 if self.appraisal_2 is not None else self.appraisal_1


@dataclass(frozen=True)
class NodeScore:
    """An area or criterion: its max and the sums of its children."""

    code: str
    title: str
    max: float
    self_score: float
    appraised: float | None
    children: tuple[Any, ...]


@dataclass(frozen=True)
class Scorecard:
    framework: str
    scale: float
    areas: tuple[NodeScore, ...]
    bonus: float
    penalty: float
    self_total: float
    self_index: float
    self_grade: str | None
    appraised_total: float | None
    appraised_index: float | None
    appraised_grade: str | None

    def items(self) -> list[ItemScore]:
        return [i for a in self.areas for c in a.children for i in c.children]

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for area in data["areas"]:
            for criterion in area["children"]:
                for item, score in zip(
                    criterion["children"], self._items_of(criterion["code"]), strict=True
                ):
                    item["appraised"] = score.appraised
        return data

    def _items_of(self, criterion: str) -> tuple[ItemScore, ...]:
        return next(c.children for a in self.areas for c in a.children if c.code == criterion)


def bands_points(rule: Rule, value: float) -> float:
    for band in rule.bands:
        if band.matches(value):
            return band.points
    return 0.0


def suggest(item: Item, inputs: Inputs) -> tuple[float | None, str]:
    """The rule's suggested self-score and what it is based on (None = a person decides)."""
    rule = item.rule
    entry = inputs.entries.get(item.code, Entry())
    if item.assessed_by == "survey":
        return None, "survey"
    if rule.type == "manual":
        return None, "manual"
    if rule.type == "levels":
        if entry.level is None:
            return None, "level not chosen"
        return rule.levels.get(entry.level), f"level {entry.level}"
    if rule.type == "boolean":
        done = inputs.all_done.get(item.code)
        if done is None:
            return _no_data(item, "no linked task")
        return (item.max if done else 0.0), (
            "all linked occurrences done" if done else "linked occurrences not all done"
        )
    if rule.input.get("tasks") == "completion":
        value = inputs.completion.get(item.code)
        basis = "task completion"
    else:
        key = input_key(rule.input)
        value = inputs.numbers.get(key) if key else None
        basis = key or "input"
    if value is None:
        return _no_data(item, f"{basis}: no data")
    return bands_points(rule, value), f"{basis} = {value:g}"


def _no_data(item: Item, basis: str) -> tuple[float | None, str]:
    mode = item.rule.no_data
    if mode == "full":
        return item.max, basis + " → full"
    if mode == "zero":
        return 0.0, basis + " → 0"
    return None, basis


def grade(framework: Framework, index: float) -> str | None:
    for name, minimum in sorted(framework.grades.items(), key=lambda kv: -kv[1]):
        if index >= minimum:
            return name
    return None


def score(framework: Framework, inputs: Inputs) -> Scorecard:
    """The whole scorecard: items, criterion and area sums, index and grade, self and appraised."""
    areas = []
    appraised_seen = False
    for area in framework.areas:
        criteria = []
        for criterion in area.criteria:
            items = []
            for item in criterion.items:
                entry = inputs.entries.get(item.code, Entry())
                suggested, basis = suggest(item, inputs)
                if item.assessed_by == "survey":
                    self_score = entry.survey
                else:
                    self_score = entry.self_score if entry.self_score is not None else suggested
                evidence = inputs.evidence.get(item.code, 0)
                needs = (
                    bool(self_score)
                    and evidence == 0
                    and item.assessed_by == "self"
                    and not entry.explanation
                )
                items.append(
                    ItemScore(
                        code=item.code,
                        title=item.title,
                        max=item.max,
                        assessed_by=item.assessed_by,
                        rule=item.rule.type,
                        suggested=suggested,
                        basis=basis,
                        self_score=self_score,
                        self_reason=entry.self_reason,
                        appraisal_1=entry.appraisal_1,
                        appraisal_2=entry.appraisal_2,
                        evidence=evidence,
                        explanation=entry.explanation,
                        needs_explanation=needs,
                    )
                )
                appraised_seen |= entry.appraisal_1 is not None or entry.appraisal_2 is not None
            criteria.append(_node(criterion.code, criterion.title, criterion.max, tuple(items)))
        areas.append(_node(area.code, area.title, area.max, tuple(criteria)))
    bonus = min(max(inputs.bonus, 0.0), framework.bonus_max)
    penalty = min(max(inputs.penalty, 0.0), framework.penalty_max)
    self_total = round(sum(a.self_score for a in areas) + bonus - penalty, 4)
    self_index = round(self_total / framework.scale * 100, 2)
    appraised_total = appraised_index = None
    if appraised_seen:
        appraised_total = round(sum(a.appraised or 0.0 for a in areas) + bonus - penalty, 4)
        appraised_index = round(appraised_total / framework.scale * 100, 2)
    return Scorecard(
        framework=framework.code,
        scale=framework.scale,
        areas=tuple(areas),
        bonus=bonus,
        penalty=penalty,
        self_total=self_total,
        self_index=self_index,
        self_grade=grade(framework, self_index),
        appraised_total=appraised_total,
        appraised_index=appraised_index,
        appraised_grade=grade(framework, appraised_index) if appraised_index is not None else None,
    )


def _node(code: str, title: str, maximum: float, children: tuple[Any, ...]) -> NodeScore:
    self_sum = sum((c.self_score or 0.0) for c in children)
    appraised = [c.appraised for c in children]
    known = [a for a in appraised if a is not None]
    return NodeScore(
        code, title, maximum, round(self_sum, 4), round(sum(known), 4) if known else None, children
    )
