"""The SVG charts of Chỉ tiêu, drawn on the server: every text escaped (a field code comes
from an uploaded export as given), months without data left unjoined, targets drawn."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from web.charts import Bar, Point, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_a_line_chart_joins_months_with_data_and_draws_each_target() -> None:
    points = [Point("01", 50.0), Point("02", 100.0), Point("03", None), Point("04", 0.0)]
    svg = ET.fromstring(str(line_chart("Tỷ lệ đúng hạn", points, [("T2.2a", 98.0)])))
    assert svg.find(f"{SVG}title").text == "Tỷ lệ đúng hạn"
    lines = svg.findall(f"{SVG}polyline")
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 2  # 01–02, not past 03
    assert len(svg.findall(f"{SVG}circle")) == 3
    assert [t.get("class") for t in svg.findall(f"{SVG}line") if t.get("class")] == ["target"]
    assert any(t.text == "T2.2a 98%" for t in svg.iter(f"{SVG}text"))


def test_every_text_is_escaped() -> None:
    hostile = '<script>alert("x")</script>&'
    line = str(line_chart(hostile, [Point(hostile, 10.0, hostile)], [(hostile, 50.0)]))
    bars = str(bar_chart(hostile, [Bar(hostile, 40.0, hostile, 50.0, False)], desc=hostile))
    for svg in (line, bars):
        assert "<script>" not in svg
        root = ET.fromstring(svg)  # well-formed
        assert any(hostile in (t.text or "") for t in root.iter())
    assert 'style="' not in line + bars  # the Content-Security-Policy forbids inline styles


def test_a_bar_is_coloured_by_its_verdict_and_ticked_at_its_threshold() -> None:
    root = ET.fromstring(
        str(
            bar_chart(
                "x", [Bar("Đất đai", 33.3, "33,3% (1/3)", 98.0, False), Bar("Hộ tịch", None, "—")]
            )
        )
    )
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert len(bars) == 1 and bars[0].get("fill") == "#b3261e"
    ticks = [t for t in root.iter(f"{SVG}line") if t.get("class") == "target"]
    assert len(ticks) == 1
