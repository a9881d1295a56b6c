"""Read and check a ``cchc-framework/1`` file, reporting every problem at once.

Beyond the schema: unique codes across the tree, each node's max equal to the sum
of its children, areas adding up to the scale, band notation, points never above
an item's max, and what each rule type needs. Target references are checked when
the plan's targets are given.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from domain.checks import check_ref, code_of
from domain.errors import InvalidInput
from domain.framework import (
    FORMAT,
    FRAMEWORK_SCHEMA,
    INPUT_KEYS,
    Band,
    Criterion,
    Framework,
    FrameworkArea,
    Item,
    Rule,
    grades_of,
    parse_band,
)
from domain.plan import EvidenceRequirement
from domain.yamlsrc import Path, Source, parse

# what each rule type needs (n) and refuses (x) besides `type`
_RULE_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "boolean": ((), ("bands", "levels")),
    "levels": (("levels",), ("bands", "input")),
    "bands": (("input", "bands"), ("levels",)),
    "count": (("input", "bands"), ("levels",)),
    "manual": ((), ("bands", "levels")),
}


def read_framework(text: str, file: str, *, targets: Collection[str] | None = None) -> Framework:
    """Parse and check a framework; ``targets`` are the codes of a plan that feeds it."""
    src = parse(text, file)
    if src.data is not None:
        if isinstance(src.data, dict) and src.data.get("format") not in (None, FORMAT):
            src.problems.append(
                src.problem("bad_format", ("format",), expected=FORMAT, value=src.data["format"])
            )
        FRAMEWORK_SCHEMA.check(src.data, (), src)
        if isinstance(src.data, dict):
            _check_tree(src, targets)
    if src.problems:
        raise InvalidInput(src.problems, source=file)
    return _build(src.data)


def _num(value: Any) -> Decimal | None:
    """A finite number as a Decimal; None for anything else (the schema reports it)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return Decimal(str(value))


def _children(node: Any, key: str) -> list[Any]:
    value = node.get(key) if isinstance(node, dict) else None
    return [c for c in value if isinstance(c, dict)] if isinstance(value, list) else []


def _check_sum(src: Source, node: dict[str, Any], key: str, path: Path) -> None:
    parts = [_num(c.get("max")) for c in _children(node, key)]
    total = _num(node.get("max"))
    if total is None or not parts or any(p is None for p in parts):
        return
    got = sum(p for p in parts if p is not None)
    if got != total:
        src.problems.append(
            src.problem("sum_mismatch", (*path, "max"), max=f"{total:g}", total=f"{got:g}")
        )


def _check_tree(src: Source, targets: Collection[str] | None) -> None:
    data = src.data
    seen: dict[str, Path] = {}

    def claim(node: dict[str, Any], path: Path) -> None:
        code = code_of(node.get("code"))
        if code is None:
            return
        if code in seen:
            first = src.positions.of(seen[code])[0]
            src.problems.append(
                src.problem("duplicate_code", (*path, "code"), code=code, first=first)
            )
        else:
            seen[code] = (*path, "code")

    areas = data.get("areas") if isinstance(data.get("areas"), list) else []
    for a, area in enumerate(areas):
        if not isinstance(area, dict):
            continue
        apath: Path = ("areas", a)
        claim(area, apath)
        _check_sum(src, area, "criteria", apath)
        for c, crit in enumerate(area.get("criteria") or []):
            if not isinstance(crit, dict):
                continue
            cpath: Path = (*apath, "criteria", c)
            claim(crit, cpath)
            _check_sum(src, crit, "items", cpath)
            for i, item in enumerate(crit.get("items") or []):
                if isinstance(item, dict):
                    claim(item, (*cpath, "items", i))
                    _check_item(src, item, (*cpath, "items", i), targets)

    fw = data.get("framework") if isinstance(data.get("framework"), dict) else {}
    _check_grades(src, fw.get("grades"))
    scale = _num(fw.get("scale"))
    maxima = [_num(a.get("max")) for a in areas if isinstance(a, dict)]
    if scale is not None and maxima and all(m is not None for m in maxima):
        total = sum(m for m in maxima if m is not None)
        if total != scale:
            src.problems.append(
                src.problem(
                    "scale_mismatch", ("framework", "scale"), total=f"{total:g}", scale=f"{scale:g}"
                )
            )


def _check_grades(src: Source, grades: Any) -> None:
    """Every index maps to exactly one grade: distinct cut-offs, the lowest at 0 (an index
    under 0, possible with penalty points, takes the lowest grade too)."""
    if not isinstance(grades, dict) or not grades:
        return
    cutoffs: dict[str, Decimal] = {}
    for name, given in grades.items():
        value = _num(given.get("min") if isinstance(given, dict) else given)
        if value is None or not 0 <= value <= 100:
            return  # the schema reported it
        cutoffs[str(name)] = value
    seen: dict[Decimal, str] = {}
    for name, value in cutoffs.items():
        if value in seen:
            src.problems.append(
                src.problem(
                    "grade_cutoff_twice",
                    ("framework", "grades", name),
                    grade=name,
                    other=seen[value],
                    min=f"{value:g}",
                )
            )
        else:
            seen[value] = name
    lowest = min(cutoffs.values())
    if lowest != 0:
        src.problems.append(src.problem("grades_gap", ("framework", "grades"), min=f"{lowest:g}"))


def _check_item(
    src: Source, item: dict[str, Any], path: Path, targets: Collection[str] | None
) -> None:
    rule = item.get("rule")
    if not isinstance(rule, dict) or rule.get("type") not in _RULE_KEYS:
        return
    kind = rule["type"]
    rpath: Path = (*path, "rule")
    needs, refuses = _RULE_KEYS[kind]
    for key in needs:
        if rule.get(key) is None:
            src.problems.append(src.problem("rule_needs", rpath, at_key=False, type=kind, key=key))
    for key in refuses:
        if rule.get(key) is not None:
            src.problems.append(
                src.problem("rule_forbids", (*rpath, key), at_key=True, type=kind, key=key)
            )
    maximum = _num(item.get("max"))
    inp = rule.get("input")
    if isinstance(inp, dict):
        given = [k for k in INPUT_KEYS if inp.get(k) is not None]
        allowed = ("count",) if kind == "count" else tuple(k for k in INPUT_KEYS if k != "count")
        if len(given) != 1 or given[0] not in allowed:
            src.problems.append(
                src.problem("input_one_of", (*rpath, "input"), allowed=", ".join(allowed))
            )
        if inp.get("scope") is not None and inp.get("metric") is None:
            src.problems.append(
                src.problem(
                    "rule_forbids",
                    (*rpath, "input", "scope"),
                    at_key=True,
                    type="input",
                    key="scope",
                )
            )
        if targets is not None and inp.get("target") is not None:
            check_ref(src, inp["target"], targets, (*rpath, "input", "target"), "target")
    bands = rule.get("bands")
    if isinstance(bands, list):
        after_else = False
        for b, text in enumerate(bands):
            bpath: Path = (*rpath, "bands", b)
            band = parse_band(text) if isinstance(text, str) else None
            if band is None:
                if isinstance(text, str):
                    src.problems.append(src.problem("bad_band", bpath, value=text))
                continue
            if after_else:
                src.problems.append(src.problem("band_after_else", bpath))
            after_else = after_else or band.op is None
            _check_points(src, band.points, maximum, bpath)
    levels = rule.get("levels")
    if isinstance(levels, dict):
        for name, points in levels.items():
            if _num(points) is not None:
                _check_points(src, points, maximum, (*rpath, "levels", name))


def _check_points(src: Source, points: float, maximum: Decimal | None, path: Path) -> None:
    if maximum is not None and Decimal(str(points)) > maximum:
        src.problems.append(
            src.problem("points_over_max", path, points=f"{points:g}", max=f"{maximum:g}")
        )


def _rule(value: dict[str, Any]) -> Rule:
    bands: list[Band] = []
    for text in value.get("bands") or []:
        band = parse_band(text)
        if band is not None:
            bands.append(band)
    return Rule(
        type=value["type"],
        input=dict(value.get("input") or {}),
        bands=tuple(bands),
        levels={str(k): float(v) for k, v in (value.get("levels") or {}).items()},
        no_data=value.get("no_data") or "manual",
    )


def _build(data: dict[str, Any]) -> Framework:
    fw = data["framework"]
    return Framework(
        code=str(fw["code"]),
        title=fw["title"],
        title_en=fw.get("title_en") or "",
        year=int(fw.get("year") or 0),
        scale=float(fw["scale"]),
        grades={
            str(k): float(v["min"] if isinstance(v, dict) else v)
            for k, v in (fw.get("grades") or {}).items()
        },
        grade_cutoffs=grades_of(fw.get("grades")),
        bonus_max=float(fw.get("bonus_max") or 0),
        penalty_max=float(fw.get("penalty_max") or 0),
        source=fw.get("source") or "inferred",
        model=bool(fw.get("model")),
        areas=tuple(
            FrameworkArea(
                code=str(a["code"]),
                title=a["title"],
                title_en=a.get("title_en") or "",
                max=float(a["max"]),
                source=a.get("source") or "inferred",
                criteria=tuple(
                    Criterion(
                        code=str(c["code"]),
                        title=c["title"],
                        title_en=c.get("title_en") or "",
                        max=float(c["max"]),
                        source=c.get("source") or "inferred",
                        items=tuple(
                            Item(
                                code=str(i["code"]),
                                title=i["title"],
                                title_en=i.get("title_en") or "",
                                max=float(i["max"]),
                                assessed_by=i.get("assessed_by") or "self",
                                rule=_rule(i["rule"]),
                                evidence=EvidenceRequirement.many(i.get("evidence")),
                                source=i.get("source") or "inferred",
                                note=i.get("note") or "",
                            )
                            for i in c["items"]
                        ),
                    )
                    for c in a["criteria"]
                ),
            )
            for a in data["areas"]
        ),
    )
