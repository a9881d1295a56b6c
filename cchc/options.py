"""Options shared by many commands, spelled and explained once."""

from __future__ import annotations

import math
from typing import Annotated, Any

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

# Bounds of the numbers a command takes, checked while the line is parsed (a usage error,
# exit 2) so nothing out of range reaches a use case or the database.
MAX_ID = 2**63 - 1  # record numbers: the databases' 64-bit integers
MAX_LIMIT = 1_000_000


def finite(ctx: typer.Context, value: float | None) -> float | None:
    """A number option or argument that must be finite (``nan``, ``inf`` and ``1e400``, which
    reads as infinity, are refused); ``None`` when the option was not given."""
    if value is None or math.isfinite(value):
        return value
    from cchc.messages import t

    obj = ctx.find_root().obj
    raise typer.BadParameter(t("cli.not_finite", getattr(obj, "lang", "vi"), value=value))


def number_option(flag: str, help: str) -> Any:
    """A ``--flag`` taking a number written either way ("8.5", "8,5"): see :func:`number`."""
    return typer.Option(flag, parser=str, callback=number, help=help)


def number(ctx: typer.Context, value: str | float | None) -> float | None:
    """A number option or argument written with a decimal point or a decimal comma ("8.5",
    "8,5"), finite; declare it with ``parser=str`` so this callback reads the text the officer
    typed (a typo is refused in the interface's language, not by the type checker)."""
    if value is None or isinstance(value, float):
        return finite(ctx, value)
    from cchc.messages import t
    from domain.numbers import parse_number

    parsed = parse_number(str(value))
    if parsed is None:
        obj = ctx.find_root().obj
        raise typer.BadParameter(t("cli.not_a_number", getattr(obj, "lang", "vi"), value=value))
    return finite(ctx, parsed)


WithPredecessorsOpt = Annotated[
    bool,
    typer.Option(
        "--with-predecessors",
        help="Gồm cả lịch sử của các đơn vị đã sáp nhập vào đơn vị này (có trong năm báo cáo).",
    ),
]
