"""Charts drawn on the server as inline SVG: no script, no library, printable.

Two kinds, both over rates in percent (0–100): ``line_chart`` — a rate point by point (month
by month) against its targets' dashed lines — and ``bar_chart`` — groups side by side (the
fields), each bar with its value and the threshold a target sets for it. Colours and sizes are
presentation attributes (the page's Content-Security-Policy forbids ``style``); every text is
escaped here, so the result is safe to insert as it is (``Markup``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

LINE = "#1f5f99"
TARGET = "#b3261e"
GRID = "#d0d7de"
TEXT = "#333333"
MET = "#2e7d32"
NOT_MET = "#b3261e"
NO_TARGET = "#1f5f99"
_IDS = count(1)


@dataclass(frozen=True)
class Point:
    """One point of a line: its label on the axis, its value (None: no data) and what a
    reader hovering it (or a screen reader) is told."""

    label: str
    value: float | None
    title: str = ""


@dataclass(frozen=True)
class Bar:
    """One bar: its name, value (None: no data), the text written after it, and the
    threshold it is held to (a tick on the bar), if any."""

    label: str
    value: float | None
    text: str
    threshold: float | None = None
    met: bool | None = None


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, **attrs: str) -> str:
    extra = "".join(f" {k.replace('_', '-')}={quoteattr(v)}" for k, v in attrs.items())
    return f'<text x="{_num(x)}" y="{_num(y)}"{extra}>{escape(text)}</text>'


def _open(width: int, height: int, title: str, desc: str) -> tuple[str, str]:
    ident = f"chart-{next(_IDS)}"
    head = (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" font-family="sans-serif" '
        f'font-size="12" fill="{TEXT}">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
    )
    return head, "</svg>"


def line_chart(
    title: str,
    points: Sequence[Point],
    targets: Sequence[tuple[str, float]],
    *,
    desc: str = "",
    no_data: str = "",
    width: int = 640,
    height: int = 220,
) -> Markup:
    """``points`` on a 0–100 % scale, joined where consecutive ones have data (a point with
    none is a dash, ``no_data`` its tooltip), with each target as a dashed line labelled by
    its code."""
    left, right, top, bottom = 40, 96, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(points), 1)
    step = plot_w / n

    def x(i: int) -> float:
        return left + step * (i + 0.5)

    def y(v: float) -> float:
        return top + plot_h * (1 - max(0.0, min(v, 100.0)) / 100)

    head, tail = _open(width, height, title, desc)
    out = [head]
    for tick in (0, 25, 50, 75, 100):
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{_num(y(tick))}" y2="{_num(y(tick))}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(_text(left - 6, y(tick) + 4, f"{tick}%", text_anchor="end"))
    for i, p in enumerate(points):
        out.append(_text(x(i), height - 10, p.label, text_anchor="middle"))
    label_y = -100.0  # target labels close together are stacked, not drawn over each other
    for code, threshold in sorted(targets, key=lambda item: -item[1]):
        ty = y(threshold)
        out.append(
            f'<line class="target" x1="{left}" x2="{left + plot_w}" y1="{_num(ty)}" '
            f'y2="{_num(ty)}" stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        label_y = max(ty + 4, label_y + 13)
        out.append(_text(left + plot_w + 4, label_y, f"{code} {_num(threshold)}%", fill=TARGET))
    runs: list[list[tuple[float, float]]] = [[]]
    for i, p in enumerate(points):
        if p.value is None:
            runs.append([])
        else:
            runs[-1].append((x(i), y(p.value)))
    for run in runs:
        if len(run) > 1:
            path = " ".join(f"{_num(a)},{_num(b)}" for a, b in run)
            out.append(
                f'<polyline class="rate" points="{path}" fill="none" stroke="{LINE}" '
                'stroke-width="2"/>'
            )
    for i, p in enumerate(points):
        label = escape(p.title or p.label)
        if p.value is None:
            out.append(
                f'<g class="no-data"><title>{escape(p.title or f"{p.label}: {no_data}")}'
                "</title>" + _text(x(i), y(0) - 4, "–", text_anchor="middle", fill=TEXT) + "</g>"
            )
            continue
        out.append(
            f'<circle class="point" cx="{_num(x(i))}" cy="{_num(y(p.value))}" r="3.5" '
            f'fill="{LINE}"><title>{label}</title></circle>'
        )
    out.append(tail)
    return Markup("".join(out))


def bar_chart(
    title: str,
    bars: Sequence[Bar],
    *,
    desc: str = "",
    width: int = 640,
    label_width: int = 170,
    text_width: int = 150,
    bar_height: int = 18,
) -> Markup:
    """Horizontal bars on a 0–100 % scale, one per group, side by side; a bar's colour says
    whether it meets its threshold (drawn as a dark tick)."""
    gap = 8
    top = 6
    height = top * 2 + len(bars) * (bar_height + gap)
    plot_x = label_width
    plot_w = width - label_width - text_width

    def x(v: float) -> float:
        return plot_x + plot_w * max(0.0, min(v, 100.0)) / 100

    head, tail = _open(width, max(height, 30), title, desc)
    out = [head]
    out.append(
        f'<line x1="{plot_x}" x2="{plot_x}" y1="{top}" y2="{height - top}" stroke="{GRID}"/>'
    )
    for i, b in enumerate(bars):
        by = top + i * (bar_height + gap)
        mid = by + bar_height / 2 + 4
        label = b.label if len(b.label) <= 26 else b.label[:25] + "…"
        out.append(_text(plot_x - 6, mid, label, text_anchor="end"))
        out.append(
            f'<rect x="{plot_x}" y="{by}" width="{plot_w}" height="{bar_height}" fill="#f3f5f7"/>'
        )
        if b.value is not None:
            colour = NO_TARGET if b.met is None else MET if b.met else NOT_MET
            out.append(
                f'<rect class="bar" x="{plot_x}" y="{by}" width="{_num(x(b.value) - plot_x)}" '
                f'height="{bar_height}" fill="{colour}"><title>{escape(b.text)}</title></rect>'
            )
        if b.threshold is not None:
            tx = _num(x(b.threshold))
            out.append(
                f'<line class="target" x1="{tx}" x2="{tx}" y1="{by - 2}" '
                f'y2="{by + bar_height + 2}" stroke="{TEXT}" stroke-width="2"/>'
            )
        out.append(_text(plot_x + plot_w + 6, mid, b.text))
    out.append(tail)
    return Markup("".join(out))


def sparkline(
    values: Sequence[float | None],
    label: str,
    *,
    bar: int = 7,
    gap: int = 2,
    height: int = 22,
) -> Markup:
    """A KPI month by month as a row of small bars on the same 0–100 % scale for every unit
    (a short grey mark for a month without data): ``label`` — the months and their values in
    words — is its text alternative (``aria-label`` for screen readers, ``title`` on hover)."""
    step = bar + gap
    width = max(len(values), 1) * step - gap
    base = height - 1
    out = [
        f'<svg class="sparkline" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label, {chr(34): "&quot;"})}"><title>{escape(label)}</title>',
        f'<line x1="0" x2="{width}" y1="{base + 0.5}" y2="{base + 0.5}" stroke="{GRID}"/>',
    ]
    for i, value in enumerate(values):
        x = i * step
        if value is None:
            out.append(
                f'<rect class="no-data" x="{x}" y="{base - 2}" width="{bar}" height="2" '
                f'fill="{GRID}"/>'
            )
            continue
        h = max((height - 2) * max(0.0, min(value, 100.0)) / 100, 1.0)
        out.append(
            f'<rect class="bar" x="{x}" y="{_num(base - h)}" width="{bar}" height="{_num(h)}" '
            f'fill="{LINE}"/>'
        )
    out.append("</svg>")
    return Markup("".join(out))
