"""Rendering a check of plan and framework files (``plan validate``, ``framework validate``)."""

from __future__ import annotations

from application.plans import Validation
from cchc.context import AppContext
from cchc.render import console, print_json


def render_validation(report: Validation, ctx: AppContext, *, as_json: bool) -> None:
    """Print every problem of every file (or the report as JSON); exit 1 when any is invalid."""
    if as_json:
        print_json(report.as_dict(ctx.lang))
    else:
        for outcome in report.files:
            if outcome.valid:
                console.print(ctx.t("cli.file_valid", file=outcome.file), markup=False)
                continue
            for p in outcome.as_dict(ctx.lang)["problems"]:
                where = p["file"] if p["line"] is None else f"{p['file']}:{p['line']}:{p['column']}"
                if p["row"] is not None:
                    where = f"{p['file']}:row {p['row']}"
                text = ": ".join(x for x in (where, p["path"], p["message"]) if x)
                if p["hint"]:
                    text = ctx.t("label.with_hint", text=text, hint=p["hint"])
                console.print(
                    text,
                    markup=False,
                    soft_wrap=True,
                )
            console.print(
                ctx.t("cli.file_invalid", file=outcome.file, n=len(outcome.problems)), markup=False
            )
    if not report.valid:
        raise SystemExit(1)
