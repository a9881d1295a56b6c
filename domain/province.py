"""Following many units — "theo dõi các đơn vị cấp xã": the rules of the province's tables,
in plain Python: rankings, a unit's verdict on a KPI against its plan's targets, and the
sparklines that show a KPI month by month.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from domain.kpi import Kpi, Verdict, evaluate_kpi
from domain.plan import Target

K = TypeVar("K", bound=Hashable)
BLOCKS = "▁▂▃▄▅▆▇█"
NO_DATA = "·"


def ranks(
    values: Mapping[K, float | None], *, higher_is_better: bool = True
) -> dict[K, int | None]:
    """The rank of each key by its value ("1, 2, 2, 4": equal values share a rank, the next
    rank skips); a key without a value (no data) has no rank."""
    scored = sorted((v for v in values.values() if v is not None), reverse=higher_is_better)
    first: dict[float, int] = {}
    for place, value in enumerate(scored, start=1):
        first.setdefault(value, place)
    return {k: (None if v is None else first[v]) for k, v in values.items()}


def verdict(
    targets: Iterable[Target], kpi: Kpi
) -> tuple[Verdict | None, tuple[tuple[str, Verdict], ...]]:
    """A unit's verdict on ``kpi`` against its plan's targets on that KPI ("đạt / không đạt"):
    each target's verdict, and all of them together — not met when one is not met, met when
    the others are met or have no data, no data when none has data, None with no target."""
    each = tuple((t.code, evaluate_kpi(t, kpi).status) for t in targets if t.metric == kpi.name)
    if not each:
        return None, each
    found = {v for _, v in each}
    together: Verdict = "not_met" if "not_met" in found else "met" if "met" in found else "no_data"
    return together, each


def sparkline(values: Sequence[float | None], *, high: float = 100.0) -> str:
    """One character per value on a fixed scale from 0 to ``high`` (rates in %: every
    unit's line reads the same): ▁ for 0 up to █ for ``high``, · for no data."""
    out = []
    for value in values:
        if value is None:
            out.append(NO_DATA)
            continue
        share = min(max(value / high, 0.0), 1.0) if high > 0 else 0.0
        out.append(BLOCKS[min(int(share * len(BLOCKS)), len(BLOCKS) - 1)])
    return "".join(out)


def sparkline_svg(
    values: Sequence[float | None], *, high: float = 100.0, width: int = 60, height: int = 16
) -> str:
    """The same line as a tiny SVG bar chart (no script, no style: the page's CSP holds),
    one bar per value, a gap for no data."""
    n = max(len(values), 1)
    step = width / n
    bars = []
    for i, value in enumerate(values):
        if value is None:
            continue
        share = min(max(value / high, 0.0), 1.0) if high > 0 else 0.0
        h = max(share * height, 1.0)
        bars.append(
            f'<rect x="{i * step:.1f}" y="{height - h:.1f}" width="{max(step - 1, 1):.1f}" '
            f'height="{h:.1f}"/>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img">' + "".join(bars) + "</svg>"
    )
