"""The ``cchc`` command line (typer + rich).

Only typer, rich and the small core are imported at start-up; storage, openpyxl and
the orchestration frameworks are imported inside the commands that need them, so
``cchc --help`` stays fast.
"""

from __future__ import annotations

import copy
import sys
from typing import Annotated

import typer

from application.settings import Settings, SettingsError
from cchc.argv import command_name, hoist_global_options, value_of
from cchc.commands import (
    appraisal,
    audit,
    backup,
    calendar,
    dossiers,
    evidence,
    framework,
    matrix,
    officer,
    outbox,
    par,
    plan,
    preload,
    procedures,
    province,
    service,
    unit,
    user,
    webserver,
    work,
)
from cchc.context import AppContext
from cchc.render import err_console
from cchc.usage import Cli, set_lang
from domain.errors import CchcError
from domain.i18n import normalize_lang

app = typer.Typer(
    name="cchc",
    cls=Cli,  # usage errors in the user's language
    help="Chạy kế hoạch cải cách hành chính (CCHC) năm như công việc có lịch. "
    "Runs the annual administrative-reform plan as scheduled work.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
)
app.add_typer(plan.app, name="plan")
app.add_typer(framework.app, name="framework")
app.add_typer(officer.app, name="officer")
app.add_typer(unit.app, name="unit")
app.command("matrix")(matrix.matrix)
app.command("who")(matrix.who)
app.command("init")(plan.init)
app.add_typer(calendar.app, name="calendar")
app.command("schedule")(work.schedule)
app.command("remind")(work.remind)
app.command("tasks")(work.tasks)
app.add_typer(work.occurrence_app, name="occurrence")
app.command("ics")(work.ics)
app.command("serve")(service.serve)
app.add_typer(outbox.app, name="outbox")
app.add_typer(outbox.notify_app, name="notify")
app.add_typer(dossiers.app, name="dossiers")
app.command("kpi")(dossiers.kpi)
app.add_typer(dossiers.measure_app, name="measure")
app.add_typer(procedures.app, name="procedures")
app.add_typer(evidence.app, name="evidence")
app.command("completeness")(evidence.completeness)
app.add_typer(par.app, name="par")
app.add_typer(appraisal.app, name="appraisal")
app.add_typer(province.app, name="province")
app.add_typer(audit.app, name="audit")
app.command("backup")(backup.backup)
app.command("restore")(backup.restore)
app.add_typer(user.app, name="user")
app.add_typer(user.token_app, name="token")
app.command("web")(webserver.web)
app.add_typer(preload.app, name="preload")


@app.callback()
def _root(
    ctx: typer.Context,
    lang: Annotated[
        str | None, typer.Option("--lang", help="vi (mặc định) | en; hoặc CCHC_LANG.")
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option("--as", help="Người thực hiện ghi vào nhật ký (hoặc CCHC_USER)."),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="In traceback khi có lỗi.")
    ] = False,
) -> None:
    settings = _settings or Settings.from_env()  # read once by main(), else here
    ctx.obj = AppContext(
        settings=settings,
        lang=normalize_lang(lang) if lang else settings.lang,
        actor=actor or settings.user,
        verbose=verbose,
    )
    ctx.call_on_close(ctx.obj.close)


def app_for(args: list[str]) -> typer.Typer:
    """The command line with only the command ``args`` name (a command or a group, with the
    root's options): typer reads the signature of every command it is given before it runs
    one, which would cost a reading command a large share of its time. The whole of it when
    no command is named before a ``--help``, or the name is not one (for the help listing
    every command, and the "did you mean" of a misspelt one)."""
    name = command_name(args)
    commands = [c for c in app.registered_commands if name is not None and c.name == name]
    groups = [g for g in app.registered_groups if name is not None and g.name == name]
    if not commands and not groups:
        return app
    only = copy.copy(app)
    only.registered_commands, only.registered_groups = commands, groups
    return only


_settings: Settings | None = None  # the settings main() read, passed on to _root


def main(argv: list[str] | None = None) -> None:
    global _settings
    args = hoist_global_options(list(sys.argv[1:] if argv is None else argv))
    verbose = "--verbose" in args or "-v" in args
    flag_lang = value_of(args, "--lang")
    try:
        _settings = Settings.from_env()  # every setting checked before anything runs, even --help
    except SettingsError as exc:
        for line in exc.lines(normalize_lang(flag_lang) if flag_lang else None):
            err_console.print("Error: " + line, markup=False, emoji=False, soft_wrap=True)
        raise SystemExit(1) from None
    lang = normalize_lang(flag_lang) if flag_lang else _settings.lang
    set_lang(lang)
    try:
        app_for(args)(args=args, prog_name="cchc", standalone_mode=True)
    except CchcError as exc:
        if verbose:
            raise
        err_console.print(_error_text(exc, lang), markup=False, soft_wrap=True)
        raise SystemExit(1) from None
    except _database_errors() as exc:
        if verbose:
            raise
        from cchc.messages import t

        detail = _first_line(getattr(exc, "orig", None) or exc)
        err_console.print(
            "Error: " + t("error.database", lang, detail=detail),
            t("cli.error_hint", lang),
            markup=False,
            soft_wrap=True,
        )
        raise SystemExit(1) from None
    except _UNEXPECTED as exc:
        # a safety net: each value is checked where it is read; one that slipped through
        # is still an error message, not a traceback
        if verbose:
            raise
        from cchc.messages import t

        kind = "overflow" if isinstance(exc, OverflowError | RecursionError) else "value"
        if isinstance(exc, OSError):
            kind = "os"
        err_console.print(
            "Error: " + t(f"cli.unexpected_{kind}", lang, detail=_first_line(exc)),
            t("cli.error_hint", lang),
            markup=False,
            soft_wrap=True,
        )
        raise SystemExit(1) from None
    finally:
        _settings = None


def _error_text(exc: CchcError, lang: str) -> str:
    from domain.errors import InvalidInput

    text = exc.render("en" if lang == "en" else "vi")
    if isinstance(exc, InvalidInput):
        return "Error:\n" + text
    return "Error: " + text


# errors no input should cause; if one does, the user still gets a message
_UNEXPECTED = (ArithmeticError, ValueError, RecursionError, OSError)


def _first_line(exc: object) -> str:
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:300]


def _database_errors() -> tuple[type[BaseException], ...]:
    """SQLAlchemy's errors when it was imported by a command (every error of a statement:
    integrity, data, operational …); nothing otherwise."""
    module = sys.modules.get("sqlalchemy.exc")
    if module is None:
        return ()
    return (module.StatementError, module.DBAPIError)


if __name__ == "__main__":
    main()
