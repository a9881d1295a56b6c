"""The rules of the province's tables: ranks with ties, verdicts against several targets,
sparklines on a fixed scale."""

from __future__ import annotations

from domain.kpi import Kpi, Rate
from domain.plan import Target
from domain.province import NO_DATA, ranks, sparkline, sparkline_svg, verdict


def test_equal_values_share_a_rank_and_no_data_has_none() -> None:
    got = ranks({"a": 90.0, "b": 100.0, "c": 90.0, "d": None, "e": 50.0})
    assert got == {"b": 1, "a": 2, "c": 2, "e": 4, "d": None}
    assert ranks({"a": 1.0, "b": 2.0}, higher_is_better=False) == {"a": 1, "b": 2}


def _target(code: str, scope: dict[str, object], value: float) -> Target:
    return Target(code, code, "on_time_rate", "one_stop", scope=scope, op=">=", value=value)


def test_a_unit_meets_a_kpi_only_when_no_target_on_it_fails() -> None:
    kpi = Kpi(
        "on_time_rate",
        Rate(19, 20),
        {"dat_dai": Rate(10, 10), "ho_tich": Rate(9, 10), "khac": Rate()},
    )
    land = _target("T2.2a", {"field": "dat_dai"}, 98)
    others = _target("T2.2b", {"fields_except": ["dat_dai"], "each": True}, 100)
    assert verdict([land], kpi) == ("met", (("T2.2a", "met"),))
    assert verdict([land, others], kpi) == ("not_met", (("T2.2a", "met"), ("T2.2b", "not_met")))
    assert verdict([_target("X", {"field": "xay_dung"}, 90)], kpi)[0] == "no_data"
    assert verdict([], kpi) == (None, ())


def test_sparklines_read_on_one_scale() -> None:
    assert sparkline([0.0, 50.0, 100.0, None, 120.0]) == "▁▅█" + NO_DATA + "█"
    svg = sparkline_svg([100.0, None, 50.0])
    assert svg.startswith("<svg") and svg.count("<rect") == 2 and "script" not in svg
