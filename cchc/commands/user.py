"""``cchc user …`` and ``cchc token …``: signing in to the web — passwords, invitations to
set one, and API tokens for scripts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cchc.context import AppContext
from cchc.options import JsonOpt
from cchc.render import console, print_json

app = typer.Typer(help="Tài khoản đăng nhập trang web. Web sign-in accounts.", no_args_is_help=True)
token_app = typer.Typer(
    help="Mã truy cập API cho phần mềm khác. API tokens for scripts.", no_args_is_help=True
)

EmailArg = Annotated[str, typer.Argument(help="Email của cán bộ. The officer's email.")]
NameOpt = Annotated[
    str, typer.Option("--name", help="Tên mã truy cập, ví dụ bao-cao-tuan. The token's name.")
]


def read_password(app_ctx: AppContext) -> str:
    """The new password: typed twice without echo at a terminal, else the first line of
    standard input (its line ending removed, nothing else)."""
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass(app_ctx.t("cli.user.password_prompt"))
        again = getpass.getpass(app_ctx.t("cli.user.password_again"))
        if first != again:
            from domain.errors import LocalizedError

            raise LocalizedError("error.passwords_differ")
        return first
    return sys.stdin.readline().removesuffix("\n").removesuffix("\r")


@app.command("invite")
def invite(ctx: typer.Context, email: EmailArg, json: JsonOpt = False) -> None:
    """Gửi thư mời đặt mật khẩu (đường dẫn dùng một lần, 72 giờ). Email an invitation to set
    a password (a one-time link, valid 72 hours); needs CCHC_BASE_URL."""
    app_ctx: AppContext = ctx.obj
    from application.identity import invite as run_invite
    from domain.workdays import weekday_date

    invited = run_invite(
        app_ctx.uow(),
        app_ctx.identity,
        email=email,
        base_url=app_ctx.settings.base_url or "",
        now=app_ctx.now(),
    )
    if json:
        print_json(invited.as_dict())
        return
    local = invited.expires_local
    until = f"{local:%H:%M} {weekday_date(local.date(), app_ctx.lang)}"
    console.print(
        app_ctx.t("cli.user.invited", name=invited.name, email=invited.email, until=until),
        markup=False,
        soft_wrap=True,
    )


@app.command("password")
def password(ctx: typer.Context, email: EmailArg) -> None:
    """Đặt mật khẩu cho cán bộ, đọc từ bàn phím (không hiện) hoặc đầu vào chuẩn. Set an
    officer's password, read from the terminal (not echoed) or standard input."""
    app_ctx: AppContext = ctx.obj
    from application.identity import set_password

    secret = read_password(app_ctx)
    set_password(app_ctx.uow(), app_ctx.identity, email=email, password=secret, now=app_ctx.now())
    console.print(app_ctx.t("cli.user.password_set", email=email.strip().lower()), markup=False)


@app.command("totp-reset")
def totp_reset(ctx: typer.Context, email: EmailArg) -> None:
    """Tắt xác thực hai bước của một tài khoản (cán bộ mất điện thoại): chỉ người vận hành.
    Clear an account's two-step sign-in (an officer who lost their phone): the operator only;
    the password alone signs in again."""
    app_ctx: AppContext = ctx.obj
    from application.totp import reset_totp

    had = reset_totp(app_ctx.uow(), app_ctx.identity, email=email, now=app_ctx.now())
    key = "cli.user.totp_reset" if had else "cli.user.totp_reset_none"
    console.print(app_ctx.t(key, email=email.strip().lower()), markup=False, soft_wrap=True)


@token_app.command("create")
def create(ctx: typer.Context, email: EmailArg, name: NameOpt, json: JsonOpt = False) -> None:
    """Tạo mã truy cập API (chỉ hiện một lần). Create an API token (shown once)."""
    app_ctx: AppContext = ctx.obj
    from application.identity import create_token

    created = create_token(
        app_ctx.uow(), app_ctx.identity, email=email, name=name, now=app_ctx.now()
    )
    if json:
        print_json(created.as_dict())
        return
    console.print(
        app_ctx.t("cli.token.created", name=created.name, email=created.email),
        markup=False,
        soft_wrap=True,
    )
    console.print(created.token, markup=False, soft_wrap=True)


@token_app.command("list")
def list_(
    ctx: typer.Context,
    email: Annotated[
        str | None, typer.Argument(help="Email (bỏ trống: của mình, hoặc mọi tài khoản).")
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Liệt kê mã truy cập API (không bao giờ hiện lại mã). List API tokens (never the
    tokens themselves)."""
    app_ctx: AppContext = ctx.obj
    from application.identity import list_tokens

    tokens = list_tokens(app_ctx.uow(), app_ctx.identity, email=email, now=app_ctx.now())
    if json:
        print_json({"tokens": [t.as_dict() for t in tokens]})
        return
    if not tokens:
        console.print(app_ctx.t("cli.token.none"))
        return
    from rich.table import Table

    from domain.clock import DEFAULT_TIMEZONE, local_moment

    def when(moment: object) -> str:
        import datetime as dt

        if not isinstance(moment, dt.datetime):
            return "—"
        return f"{local_moment(moment, DEFAULT_TIMEZONE):%d/%m/%Y %H:%M}"

    table = Table(title=app_ctx.t("cli.token.title"))
    for key in ("email", "name", "prefix", "created", "last_used", "revoked"):
        table.add_column(app_ctx.t(f"cli.token.col_{key}"))
    for t in tokens:
        table.add_row(
            t.email,
            t.name,
            t.prefix + "…",
            when(t.created_at),
            when(t.last_used_at),
            when(t.revoked_at),
        )
    console.print(table)


@token_app.command("revoke")
def revoke(ctx: typer.Context, email: EmailArg, name: NameOpt) -> None:
    """Thu hồi mã truy cập API. Revoke an API token."""
    app_ctx: AppContext = ctx.obj
    from application.identity import revoke_token

    revoke_token(app_ctx.uow(), app_ctx.identity, email=email, name=name, now=app_ctx.now())
    console.print(
        app_ctx.t("cli.token.revoked", name=name.strip(), email=email.strip().lower()),
        markup=False,
    )
