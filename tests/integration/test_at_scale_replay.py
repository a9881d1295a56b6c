"""The at-scale replay, small: a province's quarter on Prefect equals the embedded runner's.

Three wards, the first quarter of 2020 in three simulated days, two process workers on a
Prefect server of its own, PostgreSQL refusing connections for 30 s while a sweep starts
(``benchmarks.at_scale``). It takes a few minutes and starts real processes, so it runs only
when ``CCHC_AT_SCALE=1`` (``make at-scale-small``, which CI runs); the full run is
``make at-scale``.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import PG_ADMIN_URL

pytestmark = [
    pytest.mark.atscale,
    pytest.mark.skipif(
        os.environ.get("CCHC_AT_SCALE") != "1",
        reason="the at-scale replay runs with CCHC_AT_SCALE=1 (make at-scale-small)",
    ),
]


def test_a_quarter_on_prefect_with_a_database_outage_equals_the_embedded_runner() -> None:
    from benchmarks.at_scale import replay

    result = replay(PG_ADMIN_URL, units=3, step=45, workers=[2], faults={"postgres"})

    embedded, prefect = result["sides"]
    assert result["messages"] > 0  # the quarter sends reminders: there is something to compare
    assert result["problems"] == {prefect["name"]: []}  # same keys and states, each sent once
    assert prefect["retried"] >= 1  # the runs that met the outage were retried by Prefect
    assert prefect["faults"] == ["postgres refused connections for 30 s"]
    assert embedded["ticks"] == prefect["ticks"] == 3
