"""Checking plan and framework files together, as ``validate`` and ``load`` need them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cchc.context import AppContext
from cchc.files import (
    FrameworkSource,
    check_framework,
    check_plan,
    declared_framework,
    framework_sources,
    read_text,
)
from cchc.render import console, print_json
from domain.errors import CchcError, InvalidInput, Problem
from domain.framework import Framework
from domain.i18n import Lang
from domain.plan import Plan
from domain.planfile import read_plan
from plans import bundled_frameworks

if TYPE_CHECKING:
    from sqlmodel import Session


def _outcome(path: Path, problems: list[Problem], lang: Lang) -> dict[str, Any]:
    return {
        "file": str(path),
        "valid": not problems,
        "problems": [p.as_dict(lang) for p in problems],
    }


def _try(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, list[Problem]]:
    try:
        return fn(*args, **kwargs), []
    except InvalidInput as exc:
        return None, list(exc.problems)


def _not_found(path: Path, exc: CchcError, lang: Lang) -> list[Problem]:
    return [Problem("unreadable", file=str(path), params={"detail": exc.render(lang)})]


def validate_files(
    ctx: AppContext,
    *,
    plans: list[Path],
    frameworks: list[Path],
    as_json: bool,
    plan_targets_from: list[Path] | None = None,
) -> None:
    """Check ``plans`` (against their frameworks) and ``frameworks``; exit 1 on any problem.

    For ``framework validate``, ``plan_targets_from`` are plans whose target codes the
    frameworks may reference.
    """
    outcomes: list[dict[str, Any]] = []
    pool: dict[str, FrameworkSource] = {}
    readable: list[Path] = []
    for path in [*bundled_frameworks(), *frameworks]:
        try:
            pool.update(framework_sources([path]))
            readable.append(path)
        except CchcError as exc:
            outcomes.append(_outcome(path, _not_found(path, exc, ctx.lang), ctx.lang))

    targets: set[str] | None = None
    for path in plan_targets_from or []:
        plan, _ = _try(read_plan, read_text(path), str(path))
        if plan is not None:
            targets = (targets or set()) | {t.code for t in plan.targets}

    checked: dict[str, Framework | None] = {}
    for code, source in pool.items():
        fw, problems = _try(check_framework, source, targets)
        checked[code] = fw
        if source.path in frameworks:
            outcomes.append(_outcome(source.path, problems, ctx.lang))
    for path in frameworks:
        if path in readable and not any(s.path == path for s in pool.values()):
            _, problems = _try(
                check_framework, FrameworkSource(path, None, read_text(path)), targets
            )
            outcomes.append(_outcome(path, problems, ctx.lang))

    for path in plans:
        try:
            _, problems = _try(check_plan, path, checked)
        except CchcError as exc:
            problems = _not_found(path, exc, ctx.lang)
        outcomes.append(_outcome(path, problems, ctx.lang))

    valid = all(o["valid"] for o in outcomes)
    if as_json:
        print_json({"valid": valid, "files": outcomes})
    else:
        for o in outcomes:
            if o["valid"]:
                console.print(ctx.t("cli.file_valid", file=o["file"]), markup=False)
                continue
            for p in o["problems"]:
                where = p["file"] if p["line"] is None else f"{p['file']}:{p['line']}:{p['column']}"
                if p["row"] is not None:
                    where = f"{p['file']}:row {p['row']}"
                text = ": ".join(x for x in (where, p["path"], p["message"]) if x)
                console.print(
                    text + (f" (Hint: {p['hint']})" if p["hint"] else ""),
                    markup=False,
                    soft_wrap=True,
                )
            console.print(
                ctx.t("cli.file_invalid", file=o["file"], n=len(o["problems"])), markup=False
            )
    if not valid:
        raise SystemExit(1)


def plan_for_load(path: Path, *, session: Session) -> tuple[Plan, Framework | None, Path | None]:
    """The checked plan, and its framework when that must be loaded from the bundled files.

    A framework already in the database is used to check the plan's criteria codes;
    otherwise a bundled framework with the plan's code is checked and returned.
    """
    from storage.frameworks import framework_codes, read_framework_record

    in_db = set(framework_codes(session=session))
    text_pool = framework_sources(bundled_frameworks())
    frameworks: dict[str, Framework | None] = {code: None for code in text_pool}
    wanted = declared_framework(path)
    to_load: tuple[Framework | None, Path | None] = (None, None)
    if wanted in in_db:
        frameworks[wanted] = read_framework_record(wanted, session=session)
    elif wanted in text_pool:
        source = text_pool[wanted]
        fw = check_framework(source)
        frameworks[wanted] = fw
        to_load = (fw, source.path)
    plan = check_plan(path, frameworks)
    return plan, *to_load
