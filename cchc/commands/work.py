"""Scheduled work: ``schedule``, ``remind``, ``tasks``, ``occurrence …`` and ``ics``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cchc.context import AppContext
from cchc.options import PERIOD_HELP, JsonOpt, NowOpt, UnitOpt
from cchc.render import console, print_json
from domain.clock import MAX_YEAR, MIN_YEAR
from domain.workdays import MAX_WORKING_DAYS

occurrence_app = typer.Typer(
    help="Thao tác trên một lần thực hiện. Act on an occurrence.", no_args_is_help=True
)


def schedule(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option("--year", min=MIN_YEAR, max=MAX_YEAR)] = None,
    now: NowOpt = None,
    unit: Annotated[
        list[str] | None,
        typer.Option(
            "--unit",
            help="Mã đơn vị (mặc định: đơn vị duy nhất); lặp lại cho nhiều đơn vị: "
            "--unit A --unit B.",
        ),
    ] = None,
    below: Annotated[
        str | None,
        typer.Option(
            "--below",
            help="Mọi đơn vị thuộc tỉnh/thành phố (hoặc quận, huyện) này đang hoạt động, "
            "có kế hoạch.",
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Tạo các lần thực hiện của kế hoạch năm (chạy lại không tạo trùng). Materialise a plan year.

    Nhiều đơn vị (--unit A --unit B, hoặc --below TỈNH): tất cả hoặc không đơn vị nào.
    Several units (--unit A --unit B, or --below PROVINCE): all of them or none."""
    app_ctx: AppContext = ctx.obj
    units = list(unit or [])
    if below is not None and units:
        raise typer.BadParameter(app_ctx.t("cli.schedule_unit_or_below"), param_hint="--below")
    if below is not None and not below.strip():  # an unset shell variable: `--below "$TINH"`
        raise typer.BadParameter(app_ctx.t("cli.schedule_below_empty"), param_hint="--below")
    if below is None and len(units) <= 1:  # one unit (or the only one): as it always was
        _schedule_one(app_ctx, year, now, units[0] if units else None, json)
        return
    from application.scheduling import schedule_units

    done = schedule_units(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now, unit=below or units[0]),
        units=units,
        below=below,
        year=year,
    )
    if json:
        print_json(done.as_dict())
        return
    for report in done.reports:
        name = done.names.get(report.unit, report.unit)
        console.print(f"{name} ({report.unit}): " + _scheduled_text(app_ctx, report), markup=False)
    if done.without_plan:
        console.print(
            app_ctx.t(
                "cli.schedule_without_plan",
                n=len(done.without_plan),
                units=", ".join(done.without_plan),
            ),
            markup=False,
        )
    console.print(app_ctx.t("cli.schedule_units_done", n=len(done.reports)), markup=False)


def _scheduled_text(app_ctx: AppContext, report: Any) -> str:
    return app_ctx.t(
        "cli.scheduled",
        plan=report.plan,
        created=report.created,
        updated=report.updated,
        cancelled=report.cancelled,
        unchanged=report.unchanged,
        rerouted=report.rerouted,
    )


def _schedule_one(
    app_ctx: AppContext, year: int | None, now: str | None, unit: str | None, json: bool
) -> None:
    from application.occurrences import schedule as run_schedule

    report = run_schedule(
        app_ctx.uow(), app_ctx.identity, app_ctx.now(now, unit=unit), unit=unit, year=year
    )
    if json:
        print_json(report.as_dict())
        return
    console.print(_scheduled_text(app_ctx, report))


def remind(
    ctx: typer.Context,
    now: NowOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ cho biết sẽ gửi gì.")] = False,
    unit: Annotated[list[str] | None, typer.Option("--unit")] = None,
    json: JsonOpt = False,
) -> None:
    """Quét nhắc việc và báo cáo trễ hạn, rồi gửi thư trong hộp thư đi. Reminder sweep, then delivery."""
    app_ctx: AppContext = ctx.obj
    from application.channels import outbox_folder
    from application.jobs import run_by_hand
    from domain.periods import period_label

    when = app_ctx.now(now, unit=unit[0] if unit else None)
    env = app_ctx.job_env()
    run = run_by_hand(env, app_ctx.identity, "remind", when, unit or None, dry_run=dry_run)
    report = run.as_dict()
    delivered = None if dry_run else run_by_hand(env, app_ctx.identity, "deliver", when).as_dict()
    if json:
        print_json({**report, "delivered": delivered})
        return
    if dry_run:
        for message in report["planned_messages"]:
            items = "; ".join(
                app_ctx.t(
                    f"cli.remind_item.{item['kind']}",
                    **{**item, "period": period_label(item["period"], app_ctx.lang)},
                )
                + (app_ctx.t("cli.remind_catch_up") if item["catch_up"] else "")
                for item in message["items"]
            )
            console.print(
                app_ctx.t(
                    "cli.remind_planned", name=message["name"], to=message["to"], items=items
                ),
                markup=False,
                highlight=False,
            )
        steps = report["planned"]
        console.print(
            app_ctx.t(
                "cli.remind_planned_total",
                n=len(report["planned_messages"]),
                reminders=sum(1 for p in steps if p["kind"] == "reminder"),
                escalations=sum(1 for p in steps if p["kind"] == "escalation"),
            )
        )
    else:
        console.print(
            app_ctx.t(
                "cli.reminded",
                reminders=report["reminders"],
                escalations=report["escalations"],
                messages=report["messages"],
                catch_ups=report["catch_ups"],
            )
        )
    _deadlines(app_ctx, report.get("deadlines"), dry_run)
    if delivered is not None and app_ctx.settings.channel == "file":
        console.print(
            app_ctx.t("cli.outbox_at", path=outbox_folder(app_ctx.settings), n=delivered["sent"])
        )


def _deadlines(app_ctx: AppContext, report: dict[str, Any] | None, dry_run: bool) -> None:
    """What the sweep did (or would do) about the province's deadlines, when anything."""
    if not report:
        return
    if dry_run:
        for message in report["planned_messages"]:
            items = "; ".join(
                app_ctx.t(f"cli.remind_deadline.{item['deadline']}.{item['kind']}", **item)
                + (app_ctx.t("cli.remind_catch_up") if item["catch_up"] else "")
                for item in message["items"]
            )
            console.print(
                app_ctx.t(
                    "cli.remind_planned", name=message["name"], to=message["to"], items=items
                ),
                markup=False,
                highlight=False,
            )
        if report["planned_messages"]:
            console.print(
                app_ctx.t("cli.remind_deadline_planned", n=len(report["planned_messages"]))
            )
    elif report["reminders"] or report["escalations"]:
        console.print(
            app_ctx.t(
                "cli.reminded_deadlines",
                reminders=report["reminders"],
                escalations=report["escalations"],
                messages=report["messages"],
            )
        )


def tasks(
    ctx: typer.Context,
    officer: Annotated[
        str | None, typer.Option("--officer", help="Email hoặc họ tên cán bộ.")
    ] = None,
    mine: Annotated[
        bool, typer.Option("--mine", help="Việc của tôi (người --as hoặc CCHC_USER).")
    ] = False,
    position: Annotated[str | None, typer.Option("--position", help="Mã chức danh.")] = None,
    status: Annotated[
        list[str] | None, typer.Option("--status", help="open, in_progress, submitted, …")
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Chỉ việc quá hạn.")] = False,
    due_within: Annotated[
        int | None,
        typer.Option(
            "--due-within", min=0, max=MAX_WORKING_DAYS, help="Hạn trong N ngày làm việc tới."
        ),
    ] = None,
    now: NowOpt = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Danh sách việc phải làm. What is to be done, by whom, by when."""
    app_ctx: AppContext = ctx.obj
    from application.occurrences import TaskFilter, task_list

    result = task_list(
        app_ctx.uow(),
        app_ctx.now(now, unit=unit),
        unit=unit,
        where=TaskFilter(
            officer=officer,
            mine=mine,
            position=position,
            status=tuple(status or ()),
            overdue=overdue,
            due_within=due_within,
        ),
        lang=app_ctx.lang,
        identity=app_ctx.identity,
    )
    if json:
        print_json(result.as_dict())
        return
    from cchc.tasks_view import render_progress, render_tasks

    render_tasks(list(result.rows), app_ctx, console, one_officer=bool(officer or mine))
    render_progress(result.progress, app_ctx, console)


def _act(action: str):  # type: ignore[no-untyped-def]
    def command(
        ctx: typer.Context,
        code: Annotated[str, typer.Argument(help="Mã nhiệm vụ, ví dụ II.3.5.")],
        period: Annotated[str, typer.Argument(help=PERIOD_HELP)],
        reason: Annotated[
            str | None, typer.Option("--reason", help="Lý do (bắt buộc khi trả lại, miễn).")
        ] = None,
        now: NowOpt = None,
        unit: UnitOpt = None,
        json: JsonOpt = False,
    ) -> None:
        app_ctx: AppContext = ctx.obj
        from application.occurrences import act
        from domain.periods import period_label

        result = act(
            app_ctx.uow(),
            app_ctx.identity,
            app_ctx.now(now, unit=unit),
            action=action,
            task=code,
            period=period,
            reason=reason,
            unit=unit,
        )
        if json:
            print_json(result.as_dict())
            return
        before = result.before
        console.print(
            app_ctx.t(
                "cli.transitioned",
                task=code,
                period=period_label(result.period, app_ctx.lang),
                before=app_ctx.t(f"status.{before}"),
                after=app_ctx.t(f"status.{result.after}"),
            )
        )
        if result.final:
            console.print(
                app_ctx.t(
                    "cli.submission_final",
                    task=code,
                    period=period_label(result.period, app_ctx.lang),
                )
            )

    command.__doc__ = {
        "start": "Bắt đầu thực hiện. Start work on an occurrence.",
        "submit": "Nộp kết quả (kèm tài liệu kiểm chứng). Submit an occurrence.",
        "accept": "Chấp nhận kết quả (người phê duyệt). Accept a submission.",
        "return": "Trả lại để bổ sung, kèm lý do. Return a submission with a reason.",
        "waive": "Miễn thực hiện (Chủ tịch), kèm lý do. Waive an occurrence (chairman).",
    }[action]
    return command


for _action in ("start", "submit", "accept", "return", "waive"):
    occurrence_app.command(_action)(_act(_action))


@occurrence_app.command("remind")
def remind_now(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Mã nhiệm vụ, ví dụ II.3.5.")],
    period: Annotated[str, typer.Argument(help=PERIOD_HELP)],
    now: NowOpt = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Nhắc ngay cán bộ giữ việc (mỗi ngày một lần). Remind the officer now, once a day."""
    app_ctx: AppContext = ctx.obj
    from application.remind_now import remind_now as run
    from domain.periods import period_label

    done = run(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now, unit=unit),
        task=code,
        period=period,
        unit=unit,
    )
    if json:
        print_json(done.as_dict())
        return
    console.print(
        app_ctx.t(
            "cli.reminded_now",
            task=done.task,
            period=period_label(done.period, app_ctx.lang),
            name=done.officer_name,
            email=done.officer,
        ),
        markup=False,
        highlight=False,
    )


@occurrence_app.command("show")
def show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Mã nhiệm vụ, ví dụ II.3.5.")],
    period: Annotated[str, typer.Argument(help=PERIOD_HELP)],
    now: NowOpt = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Chi tiết một lần thực hiện: hạn, người làm, người duyệt, tài liệu, lịch sử. Show one occurrence."""
    app_ctx: AppContext = ctx.obj
    from application.occurrences import show_occurrence

    detail = show_occurrence(
        app_ctx.uow(),
        app_ctx.now(now, unit=unit),
        task=code,
        period=period,
        unit=unit,
        lang=app_ctx.lang,
    )
    if json:
        print_json(detail.as_dict())
        return
    from cchc.occurrence_view import render_occurrence

    render_occurrence(detail, app_ctx, console)


def ics(
    ctx: typer.Context,
    officer: Annotated[str, typer.Option("--officer", help="Email hoặc họ tên cán bộ.")],
    now: NowOpt = None,
    unit: UnitOpt = None,
) -> None:
    """Lịch hạn công việc của một cán bộ (iCalendar, RFC 5545). An officer's deadlines as iCalendar."""
    app_ctx: AppContext = ctx.obj
    if not officer.strip():  # no filter would make one officer's calendar of everyone's work
        raise typer.BadParameter(app_ctx.t("cli.ics_officer_empty"), param_hint="--officer")
    import sys

    from application.occurrences import TaskFilter, list_tasks
    from application.units import timezone_of
    from domain.ics import calendar_feed

    when = app_ctx.now(now, unit=unit)
    rows = list_tasks(
        app_ctx.uow(), when, unit=unit, where=TaskFilter(officer=officer), lang=app_ctx.lang
    )
    name = f"CCHC — {rows[0].officer_name if rows else officer}"
    feed = calendar_feed(
        rows,
        stamp=when,
        name=name,
        lang=app_ctx.lang,
        timezone=timezone_of(app_ctx.uow(), unit),
    )
    sys.stdout.buffer.write(feed.encode("utf-8"))
