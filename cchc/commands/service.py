"""``cchc serve``: the embedded runner."""

from __future__ import annotations

import typer

from cchc.context import AppContext


def serve(ctx: typer.Context) -> None:
    """Chạy các công việc định kỳ trong tiến trình này (APScheduler) đến khi bị dừng.

    Run the periodic jobs in this process until SIGTERM/SIGINT; one runner per database."""
    app_ctx: AppContext = ctx.obj
    import logging
    import sys

    from cchc.runner import serve as run_serve

    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
    )
    logging.getLogger("cchc").setLevel(logging.INFO)
    env = app_ctx.job_env()  # the schema checked, the channels built, before the lock
    logging.getLogger("alembic").setLevel(logging.WARNING)

    def started(_jobs: list[str]) -> None:
        print(app_ctx.t("cli.serve_started", url=app_ctx.settings.display_url()), flush=True)

    run_serve(env, on_started=started)
