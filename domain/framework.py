"""The PAR Index framework tree — "Bộ chỉ số CCHC".

Areas (lĩnh vực) → criteria (tiêu chí) → items (tiêu chí thành phần), each with its
maximum points (điểm tối đa) and, on items, the rule that suggests a self-score.
Scoring comes later; here the tree is data, its schema and its band notation.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from domain.plan import CODE, EVIDENCE_KINDS, METRICS, EvidenceRequirement
from domain.schema import AnyOf, Bool, Enum, ListOf, MapOf, Num, Obj, Str

FORMAT = "cchc-framework/1"
RULE_TYPES = ("boolean", "levels", "bands", "count", "manual")
NO_DATA = ("full", "zero", "manual")
INPUT_KEYS = ("target", "metric", "tasks", "measure", "count")
_BAND = re.compile(r"\s*(?:(>=|<=|>|<|=)\s*(-?\d+(?:\.\d+)?)|(else))\s*:\s*(-?\d+(?:\.\d+)?)\s*")


@dataclass(frozen=True)
class Band:
    """One threshold of a ``bands``/``count`` rule: ``op value → points``; ``op`` None = else."""

    op: str | None
    value: float | None
    points: float

    def matches(self, x: float) -> bool:
        if self.op is None or self.value is None:
            return True
        return {
            ">=": x >= self.value,
            ">": x > self.value,
            "<=": x <= self.value,
            "<": x < self.value,
            "=": x == self.value,
        }[self.op]

    def __str__(self) -> str:
        return (
            f"else: {self.points:g}"
            if self.op is None
            else f"{self.op}{self.value:g}: {self.points:g}"
        )


def grades_of(value: Any) -> tuple[Grade, ...]:
    """The grades of a framework file's (or a stored record's) ``grades`` mapping, each given
    as a number or as ``{min, source, note}``, highest cut-off first."""
    out = []
    for name, given in (value or {}).items():
        if isinstance(given, dict):
            out.append(
                Grade(
                    str(name),
                    float(given["min"]),
                    given.get("source") or "inferred",
                    given.get("note") or "",
                )
            )
        else:
            out.append(Grade(str(name), float(given)))
    return tuple(sorted(out, key=lambda g: -g.min))


def parse_band(text: str) -> Band | None:
    """``">=98: 2"`` → Band; None when the text is not a band."""
    m = _BAND.fullmatch(text)
    if not m:
        return None
    op, value, is_else, points = m.groups()
    if is_else:
        return Band(None, None, float(points))
    return Band(op, float(value), float(points))


@dataclass(frozen=True)
class Rule:
    """How an item's suggested self-score is computed."""

    type: str
    input: dict[str, Any] = field(default_factory=dict)
    bands: tuple[Band, ...] = ()
    levels: dict[str, float] = field(default_factory=dict)
    no_data: str = "manual"


@dataclass(frozen=True)
class Item:
    """A sub-criterion (tiêu chí thành phần): the unit that is scored."""

    code: str
    title: str
    max: float
    rule: Rule
    assessed_by: str = "self"
    title_en: str = ""
    evidence: tuple[EvidenceRequirement, ...] = ()
    source: str = "inferred"
    note: str = ""


@dataclass(frozen=True)
class Criterion:
    """A criterion (tiêu chí)."""

    code: str
    title: str
    max: float
    items: tuple[Item, ...]
    title_en: str = ""
    source: str = "inferred"


@dataclass(frozen=True)
class FrameworkArea:
    """An area (lĩnh vực) of the index."""

    code: str
    title: str
    max: float
    criteria: tuple[Criterion, ...]
    title_en: str = ""
    source: str = "inferred"


@dataclass(frozen=True)
class Grade:
    """A grade (xếp loại) and the lowest index, in % of the scale, that earns it; ``source``
    and ``note`` say where the cut-off comes from."""

    code: str
    min: float
    source: str = "inferred"
    note: str = ""


@dataclass(frozen=True)
class Framework:
    """A validated ``cchc-framework/1`` tree.

    ``grades`` maps each grade to its cut-off; ``grade_cutoffs`` holds the same grades, highest
    first, with the source and note of each cut-off."""

    code: str
    title: str
    year: int
    scale: float
    grades: dict[str, float]
    bonus_max: float
    penalty_max: float
    areas: tuple[FrameworkArea, ...]
    title_en: str = ""
    source: str = "inferred"
    grade_cutoffs: tuple[Grade, ...] = ()
    model: bool = False  # a model framework, not the index the district or city issued

    def items(self) -> list[Item]:
        return [i for a in self.areas for c in a.criteria for i in c.items]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, bands written back in the file's notation."""
        data = asdict(self)
        for area in data["areas"]:
            for criterion in area["criteria"]:
                for item in criterion["items"]:
                    item["rule"]["bands"] = [str(Band(**b)) for b in item["rule"]["bands"]]
        return data

    def codes(self) -> set[str]:
        out: set[str] = set()
        for a in self.areas:
            out.add(a.code)
            for c in a.criteria:
                out.add(c.code)
                out.update(i.code for i in c.items)
        return out


_SRC = Enum(("sourced", "inferred"))
_PERCENT = Num(minimum=0, maximum=100, description="lowest index (% of the scale) for the grade")
_GRADE = AnyOf(
    (
        _PERCENT,
        Obj(
            {"min": _PERCENT, "source": _SRC, "note": Str()},
            required=("min",),
            description="a cut-off with where it comes from",
        ),
    ),
    description="the grade's cut-off: a number, or {min, source, note}",
)
_EVIDENCE = Obj(
    {"name": Str(), "kind": Enum(EVIDENCE_KINDS), "required": Bool(), "note": Str()},
    required=("name", "kind"),
)
_RULE = Obj(
    {
        "type": Enum(RULE_TYPES),
        "input": Obj(
            {
                "target": Str(CODE),
                "metric": Enum(tuple(m for m in METRICS if m != "manual")),
                "scope": Obj({"field": Str(), "fields_except": ListOf(Str())}),
                "tasks": Enum(("completion",)),
                "measure": Str(CODE),
                "count": Str(CODE),
            },
            description="Exactly one of target, metric (with optional scope), tasks, measure, count",
        ),
        "bands": ListOf(Str(description='"OP NUMBER: POINTS" or "else: POINTS"'), min_items=1),
        "levels": MapOf(Num(minimum=0)),
        "no_data": Enum(NO_DATA),
        "note": Str(),
    },
    required=("type",),
)
_ITEM = Obj(
    {
        "code": Str(CODE),
        "title": Str(),
        "title_en": Str(),
        "max": Num(minimum=0, exclusive_minimum=True),
        "assessed_by": Enum(("self", "survey")),
        "rule": _RULE,
        "evidence": ListOf(_EVIDENCE),
        "source": _SRC,
        "note": Str(),
    },
    required=("code", "title", "max", "rule"),
)
_CRITERION = Obj(
    {
        "code": Str(CODE),
        "title": Str(),
        "title_en": Str(),
        "max": Num(minimum=0, exclusive_minimum=True),
        "items": ListOf(_ITEM, min_items=1),
        "source": _SRC,
        "note": Str(),
    },
    required=("code", "title", "max", "items"),
)
FRAMEWORK_SCHEMA = Obj(
    {
        "format": Str(),
        "framework": Obj(
            {
                "code": Str(CODE),
                "title": Str(),
                "title_en": Str(),
                "year": Num(minimum=2000, integer=True, maximum=2100),
                "scale": Num(minimum=0, exclusive_minimum=True),
                "grades": MapOf(_GRADE),
                "bonus_max": Num(minimum=0),
                "penalty_max": Num(minimum=0),
                "source": _SRC,
                "note": Str(),
                "model": Bool(
                    "A model framework (not the index the district or city issued): every "
                    "output says so (extension)."
                ),
            },
            required=("code", "title", "scale"),
        ),
        "areas": ListOf(
            Obj(
                {
                    "code": Str(CODE),
                    "title": Str(),
                    "title_en": Str(),
                    "max": Num(minimum=0, exclusive_minimum=True),
                    "criteria": ListOf(_CRITERION, min_items=1),
                    "source": _SRC,
                    "note": Str(),
                },
                required=("code", "title", "max", "criteria"),
            ),
            min_items=1,
        ),
    },
    required=("format", "framework", "areas"),
)
