"""The KPI values PAR rules read, from the year's one-stop dossiers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session

from domain.kpi import Rate


def kpi_values(
    *, session: Session, unit_id: int, year: int, now: dt.datetime, keys: Sequence[str]
) -> dict[str, float | None]:
    """``metric:NAME[:field=F | :except=F1,F2]`` → the KPI over the year (None = no data)."""
    if not keys:
        return {}
    from storage.dossiers import kpis

    report = kpis(
        session=session,
        unit_id=unit_id,
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        now=now,
    )
    out: dict[str, float | None] = {}
    for key in keys:
        _, name, *scope = key.split(":")
        kpi = report.kpis.get(name)
        if kpi is None:
            out[key] = None
        elif not scope:
            out[key] = kpi.overall.value
        elif scope[0].startswith("field="):
            found = kpi.fields.get(scope[0].removeprefix("field="))
            out[key] = found.value if found else None
        else:
            excluded = set(scope[0].removeprefix("except=").split(","))
            total = sum((r for f, r in kpi.fields.items() if f not in excluded), Rate())
            out[key] = total.value
    return out
