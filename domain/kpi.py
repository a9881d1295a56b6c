"""KPI arithmetic and target scoring — "chỉ số" and "chỉ tiêu" of the plan.

The counts come from storage (SQL aggregates over the imported dossiers); here they become
rates, and a plan :class:`~domain.plan.Target` becomes met / not met / no data. A rate with
nothing to divide by is *no data*, never 0 % or 100 %.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from domain.errors import LocalizedError
from domain.plan import Target

KPIS: tuple[str, ...] = (
    "on_time_rate",
    "online_rate",
    "online_dossier_share",
    "online_procedure_share",
    "postal_return_rate",
    "satisfaction_rate",
    "apology_coverage",
    "household_business_online_rate",
)
HOUSEHOLD_BUSINESS = "ho_kinh_doanh"
Verdict = Literal["met", "not_met", "no_data"]
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")


def rate(numerator: int, denominator: int) -> float | None:
    """``numerator ÷ denominator × 100``, or None (no data) when the denominator is 0."""
    if denominator <= 0:
        return None
    return numerator * 100.0 / denominator


@dataclass(frozen=True)
class Rate:
    """A rate with the counts behind it."""

    numerator: int = 0
    denominator: int = 0

    @property
    def value(self) -> float | None:
        return rate(self.numerator, self.denominator)

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.numerator + other.numerator, self.denominator + other.denominator)

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
        }


@dataclass(frozen=True)
class Kpi:
    """One KPI over a period: overall, and per field code (``ma_linh_vuc``) when computed."""

    name: str
    overall: Rate
    fields: Mapping[str, Rate] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.overall.as_dict(),
            "fields": {code: r.as_dict() for code, r in sorted(self.fields.items())},
        }


def compare(op: str, value: float, threshold: float) -> bool:
    """``value op threshold`` for the plan's operators (``=`` tolerates float noise)."""
    if op == ">=":
        return value >= threshold or math.isclose(value, threshold, abs_tol=1e-9)
    if op == ">":
        return value > threshold and not math.isclose(value, threshold, abs_tol=1e-9)
    if op == "<=":
        return value <= threshold or math.isclose(value, threshold, abs_tol=1e-9)
    if op == "<":
        return value < threshold and not math.isclose(value, threshold, abs_tol=1e-9)
    if op == "=":
        return math.isclose(value, threshold, abs_tol=1e-9)
    raise ValueError(f"unknown operator {op!r}")


def evaluate(target: Target, value: float | None, previous: float | None = None) -> Verdict:
    """Whether ``value`` meets ``target``; no value, or a target without a threshold, is no data.

    A target with ``compare: previous_year`` takes last year's figure ``previous`` as its
    threshold (none recorded: no data)."""
    threshold = previous if target.compare == "previous_year" else target.value
    if value is None or target.op is None or threshold is None:
        return "no_data"
    return "met" if compare(target.op, value, float(threshold)) else "not_met"


@dataclass(frozen=True)
class TargetResult:
    """A target's verdict, its value, and (for field scopes) each field's value and verdict."""

    code: str
    metric: str
    status: Verdict
    value: float | None = None
    op: str | None = None
    threshold: float | None = None
    fields: Mapping[str, tuple[float | None, Verdict]] = field(default_factory=dict)
    numerator: int | None = None
    denominator: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "metric": self.metric,
            "status": self.status,
            "value": self.value,
            "op": self.op,
            "threshold": self.threshold,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "fields": {
                code: {"value": v, "status": s} for code, (v, s) in sorted(self.fields.items())
            },
        }


def scope_fields(target: Target, known: list[str]) -> list[str] | None:
    """The field codes a target's scope covers, or None for all dossiers (no scope)."""
    scope = target.scope or {}
    if "field" in scope:
        return [str(scope["field"])]
    if "fields_except" in scope:
        excluded = {str(f) for f in scope["fields_except"]}  # type: ignore[attr-defined]
        return [f for f in known if f not in excluded]
    return None


def evaluate_kpi(target: Target, kpi: Kpi) -> TargetResult:
    """Score a computed KPI against a target, following the target's scope.

    - no scope: the overall rate;
    - ``field``: that field's rate (no data when the field has no dossiers);
    - ``fields_except``: the rate pooled over the other fields, or with ``each: true`` every
      other field on its own — met only when every field with data meets it; fields without
      data are reported as no data and neither meet nor fail the target.
    """
    threshold = None if target.value is None else float(target.value)
    fields = scope_fields(target, sorted(kpi.fields))
    if fields is None:
        r = kpi.overall
        return TargetResult(
            code=target.code,
            metric=target.metric,
            op=target.op,
            status=evaluate(target, r.value),
            value=r.value,
            threshold=threshold,
            numerator=r.numerator,
            denominator=r.denominator,
        )
    per_field = {f: kpi.fields.get(f, Rate()) for f in fields}
    verdicts = {f: (r.value, evaluate(target, r.value)) for f, r in per_field.items()}
    pooled = sum(per_field.values(), Rate())
    if (target.scope or {}).get("each"):
        scored = [v for _, v in verdicts.values() if v != "no_data"]
        status: Verdict = (
            "no_data" if not scored else "met" if all(v == "met" for v in scored) else "not_met"
        )
        worst = [value for value, v in verdicts.values() if value is not None and v != "no_data"]
        low = target.op in (">=", ">", "=")
        value = (min(worst) if low else max(worst)) if worst else None
    else:
        value = pooled.value
        status = evaluate(target, value)
    return TargetResult(
        code=target.code,
        metric=target.metric,
        op=target.op,
        status=status,
        value=value,
        threshold=threshold,
        fields=verdicts,
        numerator=pooled.numerator,
        denominator=pooled.denominator,
    )


MAX_MEASUREMENT = 1e9  # a count
MAX_RATIO = 1000.0  # a ratio in % that may pass 100, such as revenue against the estimate


def check_measurement(code: str, value: float, *, high: float) -> float:
    """``value`` recorded for ``code``: a finite number from 0 to ``high`` (100 for a share
    of a whole, :data:`MAX_RATIO` for another ratio in %, :data:`MAX_MEASUREMENT` for a
    count); :class:`LocalizedError` if not."""
    if not (math.isfinite(value) and 0 <= value <= high):
        raise LocalizedError("error.measurement_out_of_range", code=code, value=value, max=high)
    return value


def evaluate_manual(
    target: Target, measured: float | None, previous: float | None = None
) -> TargetResult:
    """Score a manual target from the number a person recorded (None: nothing recorded);
    ``previous`` is the number recorded for the year before, for ``compare: previous_year``."""
    threshold = previous if target.compare == "previous_year" else target.value
    return TargetResult(
        code=target.code,
        metric=target.metric,
        status=evaluate(target, measured, previous),
        value=measured,
        op=target.op,
        threshold=None if threshold is None else float(threshold),
    )


def period_of(
    *,
    year: int | None = None,
    quarter: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a year, a quarter (``2020-Q3``) or a range; None if invalid."""
    if quarter is not None:
        m = _QUARTER.fullmatch(quarter.strip())
        if m is None:
            return None
        y, q = int(m.group(1)), int(m.group(2))
        if not 1 <= y < 9999:  # the quarter's days must exist on the calendar
            return None
        first = dt.date(y, 3 * q - 2, 1)
        last = dt.date(y + 1, 1, 1) if q == 4 else dt.date(y, 3 * q + 1, 1)
        return first, last - dt.timedelta(days=1)
    if start is not None and end is not None:
        return (start, end) if start <= end else None
    if year is not None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    return None
