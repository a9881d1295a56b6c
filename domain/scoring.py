"""Scoring the PAR Index self-assessment — "tự đánh giá, chấm điểm Chỉ số CCHC".

Each item's rule suggests a self-score from what the engine knows (task completion, KPIs,
targets, measurements, counts); a person may override it with a reason. An input with no data
never scores: the item gets no suggestion and is flagged until someone enters the data or
scores it with a reason. Survey items (``assessed_by: survey``, "điều tra xã hội học") are
entered, never self-scored, and totalled apart from the self-assessed points; the district's
appraisal (rounds 1 and 2) is entered. Totals roll up per criterion and area; the index is
(Σ self-assessed + Σ survey + bonus − penalty) ÷ scale × 100 %, graded by the framework's
cut-offs, which cover every index.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from domain.framework import Framework, Item, Rule

SURVEY = "survey"


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
    """One item's scores. ``self_score`` is the item's points on the unit's side: the
    self-score, or for a survey item its survey result (also in ``survey``).
    ``missing_input`` names the rule's input that has no data (the item is then never
    suggested points); ``needs_input`` flags it while nobody has scored it."""

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
    survey: float | None = None
    missing_input: str | None = None
    needs_input: bool = False

    @property
    def appraised(self) -> float | None:
        return self.appraisal_2 if self.appraisal_2 is not None else self.appraisal_1

    @property
    def is_survey(self) -> bool:
        return self.assessed_by == SURVEY


@dataclass(frozen=True)
class NodeScore:
    """An area or criterion: its max and the sums of its children; ``self_score`` is all
    its points, ``self_assessed`` and ``survey`` the two kinds apart (with their maxima)."""

    code: str
    title: str
    max: float
    self_score: float
    appraised: float | None
    children: tuple[Any, ...]
    self_assessed: float = 0.0
    survey: float = 0.0
    self_assessed_max: float = 0.0
    survey_max: float = 0.0


@dataclass(frozen=True)
class Scorecard:
    """The year's scorecard. ``self_total`` and ``self_index`` are the unit's whole result:
    self-assessed points (``self_assessed_total`` of ``self_assessed_max``) plus survey points
    (``survey_total`` of ``survey_max``) plus bonus minus penalty."""

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
    self_assessed_total: float = 0.0
    self_assessed_max: float = 0.0
    survey_total: float = 0.0
    survey_max: float = 0.0
    model: bool = False  # scored on a model framework, not the issued index

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
    """The rule's suggested self-score and what it is based on (None = a person decides).
    No data never scores, whatever the rule's ``no_data`` says."""
    suggested, basis, _ = _suggest(item, inputs)
    return suggested, basis


COMPLETION = "tasks:completion"


def _suggest(item: Item, inputs: Inputs) -> tuple[float | None, str, str | None]:
    """(suggestion, basis, the input that has no data)."""
    rule = item.rule
    entry = inputs.entries.get(item.code, Entry())
    if item.assessed_by == SURVEY:
        return None, "survey", None
    if rule.type == "manual":
        return None, "manual", None
    if rule.type == "levels":
        if entry.level is None:
            return None, "level not chosen", None
        return rule.levels.get(entry.level), f"level {entry.level}", None
    if rule.type == "boolean":
        done = inputs.all_done.get(item.code)
        if done is None:
            return None, "no linked task", None  # nothing to read: a person decides
        return (
            (item.max if done else 0.0),
            ("all linked occurrences done" if done else "linked occurrences not all done"),
            None,
        )
    if rule.input.get("tasks") == "completion":
        value = inputs.completion.get(item.code)
        key: str | None = COMPLETION
        basis = "task completion"
    else:
        key = input_key(rule.input)
        value = inputs.numbers.get(key) if key else None
        basis = key or "input"
    if value is None:
        return None, f"{basis}: no data", key or basis
    return bands_points(rule, value), f"{basis} = {value:g}", None


@dataclass(frozen=True)
class GradeBand:
    """The indexes a grade covers: ``low`` ≤ index < ``high`` (None = unbounded)."""

    code: str
    low: float | None
    high: float | None

    def contains(self, index: float) -> bool:
        return (self.low is None or index >= self.low) and (self.high is None or index < self.high)


def grade_bands(framework: Framework) -> list[GradeBand]:
    """The framework's grades as ranges, highest first. The top grade has no upper bound (a
    bonus may take the index over 100); a lowest grade starting at 0 also takes any index
    under 0 (penalty points), so the grades checked by the framework reader cover every
    index exactly once."""
    ordered = sorted(framework.grades.items(), key=lambda kv: -kv[1])
    bands = []
    for n, (name, minimum) in enumerate(ordered):
        high = ordered[n - 1][1] if n else None
        low = None if n == len(ordered) - 1 and minimum <= 0 else minimum
        bands.append(GradeBand(name, low, high))
    return bands


def grade(framework: Framework, index: float) -> str | None:
    """The grade of an index (None when the framework has no grade for it)."""
    return next((b.code for b in grade_bands(framework) if b.contains(index)), None)


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
                suggested, basis, missing = _suggest(item, inputs)
                if item.assessed_by == SURVEY:
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
                        survey=entry.survey if item.assessed_by == SURVEY else None,
                        missing_input=missing,
                        needs_input=missing is not None and self_score is None,
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
        # the district appraises the self-assessment; survey points count as surveyed (or as
        # appraised, when an appraisal of a survey item was entered)
        appraised = sum(
            (i.appraised if i.appraised is not None else (i.survey or 0.0))
            if i.is_survey
            else (i.appraised or 0.0)
            for a in areas
            for c in a.children
            for i in c.children
        )
        appraised_total = round(appraised + bonus - penalty, 4)
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
        self_assessed_total=round(sum(a.self_assessed for a in areas), 4),
        self_assessed_max=round(sum(a.self_assessed_max for a in areas), 4),
        survey_total=round(sum(a.survey for a in areas), 4),
        survey_max=round(sum(a.survey_max for a in areas), 4),
        model=framework.model,
    )


def _node(code: str, title: str, maximum: float, children: tuple[Any, ...]) -> NodeScore:
    self_sum = sum((c.self_score or 0.0) for c in children)
    appraised = [c.appraised for c in children]
    known = [a for a in appraised if a is not None]
    if children and isinstance(children[0], ItemScore):
        items: tuple[ItemScore, ...] = children
        survey = sum(i.self_score or 0.0 for i in items if i.is_survey)
        survey_max = sum(i.max for i in items if i.is_survey)
        self_assessed_max = sum(i.max for i in items if not i.is_survey)
    else:
        survey = sum(c.survey for c in children)
        survey_max = sum(c.survey_max for c in children)
        self_assessed_max = sum(c.self_assessed_max for c in children)
    return NodeScore(
        code,
        title,
        maximum,
        round(self_sum, 4),
        round(sum(known), 4) if known else None,
        children,
        self_assessed=round(self_sum - survey, 4),
        survey=round(survey, 4),
        self_assessed_max=round(self_assessed_max, 4),
        survey_max=round(survey_max, 4),
    )


def scorecard_from_dict(data: Mapping[str, Any]) -> Scorecard:
    """The scorecard a snapshot stored (``Scorecard.as_dict()`` read back from JSON)."""
    items_fields = {f.name for f in fields(ItemScore)}
    node_fields = {f.name for f in fields(NodeScore)}

    def item(raw: Mapping[str, Any]) -> ItemScore:
        return ItemScore(**{k: v for k, v in raw.items() if k in items_fields})

    def node(raw: Mapping[str, Any], leaf: bool) -> NodeScore:
        children = tuple(item(c) if leaf else node(c, True) for c in raw["children"])
        values = {k: v for k, v in raw.items() if k in node_fields and k != "children"}
        return NodeScore(**values, children=children)

    card_fields = {f.name for f in fields(Scorecard)} - {"areas"}
    return Scorecard(
        **{k: v for k, v in data.items() if k in card_fields},
        areas=tuple(node(a, False) for a in data["areas"]),
    )
