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
PERIOD_HELP = (
    "Kỳ: 2020-06 (06/2020, T6/2020, tháng 6/2020), 2020-Q2 (Q2/2020, quý II/2020), "
    "2020-H1 (6 tháng đầu năm 2020), 2020-W23 (tuần 23/2020), 2020 (năm 2020), "
    "hoặc ngày của lịch RRULE."
)
