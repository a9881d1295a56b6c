"""Options shared by many commands, spelled and explained once."""

from __future__ import annotations

from typing import Annotated

import typer

JsonOpt = Annotated[bool, typer.Option("--json", help="In JSON (khóa cố định).")]
UnitOpt = Annotated[
    str | None, typer.Option("--unit", help="Mã đơn vị (mặc định: đơn vị duy nhất).")
]
PlanOpt = Annotated[
    str | None, typer.Option("--plan", help="Mã kế hoạch (mặc định: kế hoạch mới nhất).")
]
NowOpt = Annotated[
    str | None,
    typer.Option(
        "--now", help="Thời điểm (ISO, giờ địa phương) thay cho đồng hồ, để chạy lại một năm."
    ),
]
