"""``cchc plan derive`` and the origin ``cchc plan show`` gives a derived plan, as text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cchc.render import console

if TYPE_CHECKING:
    from application.derive import Derived, UnitDerived
    from cchc.context import AppContext
    from storage.origins import Origin

SHOWN_MOVES = 20  # occurrences listed per unit; the rest are counted


def render_derived(result: Derived, ctx: AppContext) -> None:
    """The template, then per unit what changes: tasks, targets, occurrences, kept work."""
    console.print(
        ctx.t(
            "cli.derive_template",
            code=result.template,
            version=result.version or "—",
            sha=result.sha256[:12],
        ),
        highlight=False,
    )
    if result.framework_loaded is not None:
        console.print(ctx.t("cli.derive_framework", code=result.framework_loaded))
    for unit in result.units:
        _unit(unit, ctx)
    for skipped in result.skipped:  # merged away: never derived again, history kept
        console.print(
            ctx.t(
                "cli.derive_unit_skipped",
                unit=skipped.unit,
                name=skipped.name,
                ended=skipped.ended.text(ctx.lang),
            ),
            highlight=False,
        )
    key = "cli.derive_dry_run" if result.dry_run else "cli.derive_done"
    console.print(ctx.t(key, n=len(result.units)))


def _unit(unit: UnitDerived, ctx: AppContext) -> None:
    state = "new" if unit.new else ("changed" if unit.changed else "unchanged")
    console.print(
        ctx.t(f"cli.derive_unit_{state}", unit=unit.unit, name=unit.name, plan=unit.plan),
        highlight=False,
    )
    if unit.overlay:
        key = "cli.derive_overlay_kept" if unit.overlay_kept else "cli.derive_overlay"
        console.print(ctx.t(key, file=unit.overlay), highlight=False)
    if unit.new:
        counts = unit.counts.get("task", {})
        console.print(ctx.t("cli.derive_tasks_new", n=counts.get("created", 0)))
        return
    c = unit.changes
    for key, codes in (
        ("cli.derive_tasks_added", c.tasks_added),
        ("cli.derive_tasks_changed", c.tasks_changed),
        ("cli.derive_tasks_archived", c.tasks_archived),
        ("cli.derive_targets_changed", c.targets_changed),
    ):
        if codes:
            console.print(ctx.t(key, n=len(codes), codes=", ".join(codes)), highlight=False)
    moves = [o for o in unit.occurrences if o.kind != "created"]
    created = len(unit.occurrences) - len(moves)
    if created:
        console.print(ctx.t("cli.derive_occurrences_created", n=created))
    for o in moves[:SHOWN_MOVES]:
        if o.kind == "cancelled":
            text = ctx.t("cli.derive_occurrence_cancelled", task=o.task, period=o.period)
        else:
            assert o.before is not None and o.after is not None
            text = ctx.t(
                "cli.derive_occurrence_moved",
                task=o.task,
                period=o.period,
                before=f"{o.before:%d/%m/%Y}",
                after=f"{o.after:%d/%m/%Y}",
            )
        console.print(text, highlight=False)
    if len(moves) > SHOWN_MOVES:
        console.print(ctx.t("cli.derive_more", n=len(moves) - SHOWN_MOVES))
    for k in unit.kept:
        console.print(
            ctx.t(
                "cli.derive_kept", task=k.task, period=k.period, status=ctx.t(f"status.{k.status}")
            ),
            highlight=False,
        )
    if unit.rerouted:
        console.print(ctx.t("cli.rerouted", n=unit.rerouted))


def render_origin(origin: Origin, ctx: AppContext) -> None:
    """Where a derived plan came from: the template (code, version, SHA-256), the overlay."""
    console.print(
        ctx.t(
            "cli.plan_origin",
            code=origin.template_code,
            version=origin.template_version or "—",
            sha=origin.template_sha256[:12],
            on=f"{origin.derived_at:%d/%m/%Y}",
        ),
        highlight=False,
    )
    if origin.overlay_sha256:
        console.print(
            ctx.t(
                "cli.plan_origin_overlay", file=origin.overlay_file, sha=origin.overlay_sha256[:12]
            ),
            highlight=False,
        )
    else:
        console.print(ctx.t("cli.plan_origin_no_overlay"))
