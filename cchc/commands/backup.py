"""``cchc backup DIR`` (``--verify DIR``) and ``cchc restore DIR``: parse, call one use case of
``application.backup``, render."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cchc.context import AppContext
from cchc.options import JsonOpt
from cchc.render import console, print_json


def backup(
    ctx: typer.Context,
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="DIR", help="Thư mục sao lưu: chưa có hoặc rỗng. A new or empty folder."
        ),
    ],
    verify: Annotated[
        bool,
        typer.Option(
            "--verify", help="Kiểm tra một bản sao lưu có sẵn. Check an existing backup instead."
        ),
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Sao lưu cơ sở dữ liệu, tài liệu kiểm chứng và khoá nhật ký, kể cả khi đang chạy.
    Back up the installation while it runs (SQLite; PostgreSQL: see the README)."""
    app_ctx: AppContext = ctx.obj
    from domain.evidence import human_size

    if verify:
        from application.backup import check_backup

        check = check_backup(folder)
        if json:
            print_json(check.as_dict())
        else:
            for p in check.problems:
                console.print(
                    app_ctx.t(f"cli.backup_problem.{p.problem}", path=p.path)
                    + (f" ({p.detail})" if p.detail else ""),
                    markup=False,
                )
            if check.ok:
                console.print(
                    app_ctx.t(
                        "cli.backup_intact",
                        n=len(check.manifest.files),
                        size=human_size(check.manifest.size),
                        created=check.manifest.created_at.isoformat(timespec="seconds"),
                    ),
                    markup=False,
                )
        if not check.ok:
            raise typer.Exit(1)
        return
    from application.backup import create_backup

    result = create_backup(
        app_ctx.identity,
        app_ctx.now(),
        settings=app_ctx.settings,
        target=folder,
    )
    if json:
        print_json(result.as_dict())
        return
    manifest = result.manifest
    console.print(
        app_ctx.t(
            "cli.backup_written",
            path=result.path,
            evidence=manifest.evidence_files,
            size=human_size(manifest.size),
        ),
        markup=False,
    )
    if not manifest.has_audit_key:
        console.print(app_ctx.t("cli.backup_no_key"), markup=False)
    for sha in result.damaged:
        console.print(app_ctx.t("cli.backup_damaged", sha=sha), markup=False)


def restore(
    ctx: typer.Context,
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="Thư mục sao lưu. The backup's folder.")
    ],
    json: JsonOpt = False,
) -> None:
    """Khôi phục một bản sao lưu vào thư mục dữ liệu rỗng (CCHC_HOME). Restore a backup
    into an empty home."""
    app_ctx: AppContext = ctx.obj
    from application.backup import restore_backup

    result = restore_backup(
        app_ctx.identity, app_ctx.now(), settings=app_ctx.settings, source=folder
    )
    if json:
        print_json(result.as_dict())
        return
    console.print(
        app_ctx.t(
            "cli.restored",
            home=result.home,
            created=result.manifest.created_at.isoformat(timespec="seconds"),
            n=len(result.manifest.files),
        ),
        markup=False,
    )
