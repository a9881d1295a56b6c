"""columns of their own for a plan's provenance extras and a framework's model flag

Until now a plan's extras rode under the key ``_ext`` of a JSON column of the same row (a
task's ``schedule``, a target's ``scope``, the plan's ``reminders``; the positions' extras
inside the plan row), and a model framework's ``source`` carried the prefix ``model:``. The
upgrade moves what is stored into the new columns and strips the stop-gaps; the downgrade puts
them back as the older code reads them.

Positions are shared by a unit's plans: on upgrade the positions take the extras the unit's
latest plan (highest year) gave them; on downgrade every plan of the unit carries them. Only
the keys the older code wrote are moved (nothing else was ever stored under ``_ext``).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXT = "_ext"
MODEL_MARK = "model:"

_plan = sa.table(
    "plan",
    sa.column("id", sa.Integer),
    sa.column("unit_id", sa.Integer),
    sa.column("year", sa.Integer),
    sa.column("reminders", sa.JSON),
    sa.column("inferred", sa.JSON),
    sa.column("funding", sa.JSON),
)
_target = sa.table(
    "plan_target",
    sa.column("id", sa.Integer),
    sa.column("scope", sa.JSON),
    sa.column("compare", sa.String),
    sa.column("inferred", sa.JSON),
)
_task = sa.table(
    "plan_task",
    sa.column("id", sa.Integer),
    sa.column("schedule", sa.JSON),
    sa.column("inferred", sa.JSON),
)
_position = sa.table(
    "position",
    sa.column("id", sa.Integer),
    sa.column("unit_id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("wording", sa.String),
    sa.column("inferred", sa.JSON),
    sa.column("duties", sa.JSON),
)
_framework = sa.table(
    "framework",
    sa.column("id", sa.Integer),
    sa.column("source", sa.String),
    sa.column("model", sa.Boolean),
)

_ROLE_FIELDS = ("wording", "inferred", "duties")


def _split(value: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A stored JSON value without its ``_ext`` key, and what that key carried."""
    base = dict(value or {})
    ext = base.pop(EXT, None)
    return base, ext if isinstance(ext, dict) else {}


def _with_ext(base: Any, ext: dict[str, Any]) -> dict[str, Any]:
    """``base`` carrying ``ext``'s non-empty entries, as the older code wrote it."""
    kept = {k: v for k, v in ext.items() if v}
    return {**dict(base or {}), EXT: kept} if kept else dict(base or {})


def _json(column: str) -> sa.Column[Any]:
    return sa.Column(column, sa.JSON(), nullable=False, server_default="[]")


def upgrade() -> None:
    # plain ADD COLUMN: no table is copied, so the foreign keys to these rows stay untouched
    op.add_column("plan", _json("inferred"))
    op.add_column("plan", sa.Column("funding", sa.JSON(), nullable=True))
    op.add_column(
        "plan_target", sa.Column("compare", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
    )
    op.add_column("plan_target", _json("inferred"))
    op.add_column("plan_task", _json("inferred"))
    op.add_column(
        "position",
        sa.Column("wording", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""),
    )
    op.add_column("position", _json("inferred"))
    op.add_column("position", _json("duties"))
    op.add_column(
        "framework", sa.Column("model", sa.Boolean(), nullable=False, server_default=sa.false())
    )

    bind = op.get_bind()
    for task_id, schedule in bind.execute(sa.select(_task.c.id, _task.c.schedule)).all():
        base, ext = _split(schedule)
        if EXT in (schedule or {}):
            bind.execute(
                sa.update(_task)
                .where(_task.c.id == task_id)
                .values(schedule=base, inferred=list(ext.get("inferred") or []))
            )
    for target_id, scope in bind.execute(sa.select(_target.c.id, _target.c.scope)).all():
        base, ext = _split(scope)
        if EXT in (scope or {}):
            bind.execute(
                sa.update(_target)
                .where(_target.c.id == target_id)
                .values(
                    scope=base,
                    compare=ext.get("compare") or None,
                    inferred=list(ext.get("inferred") or []),
                )
            )
    # oldest plan first: a unit's latest plan has the last word on its positions
    roles: dict[int, dict[str, Any]] = {}
    plans = bind.execute(
        sa.select(_plan.c.id, _plan.c.unit_id, _plan.c.reminders).order_by(_plan.c.year, _plan.c.id)
    ).all()
    for plan_id, unit_id, reminders in plans:
        base, ext = _split(reminders)
        roles[unit_id] = ext.get("roles") or {}
        if EXT not in (reminders or {}):
            continue
        bind.execute(
            sa.update(_plan)
            .where(_plan.c.id == plan_id)
            .values(
                reminders=base,
                inferred=list(ext.get("inferred") or []),
                funding=ext.get("funding") or None,
            )
        )
    for unit_id, by_code in roles.items():
        for code, extra in by_code.items():
            bind.execute(
                sa.update(_position)
                .where(_position.c.unit_id == unit_id, _position.c.code == code)
                .values(
                    wording=extra.get("wording") or "",
                    inferred=list(extra.get("inferred") or []),
                    duties=list(extra.get("duties") or []),
                )
            )
    for framework_id, source in bind.execute(
        sa.select(_framework.c.id, _framework.c.source).where(
            _framework.c.source.startswith(MODEL_MARK, autoescape=True)
        )
    ).all():
        bind.execute(
            sa.update(_framework)
            .where(_framework.c.id == framework_id)
            .values(source=source.removeprefix(MODEL_MARK), model=True)
        )


def downgrade() -> None:
    bind = op.get_bind()
    for framework_id, source in bind.execute(
        sa.select(_framework.c.id, _framework.c.source).where(_framework.c.model == sa.true())
    ).all():
        bind.execute(
            sa.update(_framework)
            .where(_framework.c.id == framework_id)
            .values(source=MODEL_MARK + source)
        )
    roles: dict[int, dict[str, Any]] = {}
    for unit_id, code, *extra in bind.execute(
        sa.select(
            _position.c.unit_id,
            _position.c.code,
            *(_position.c[name] for name in _ROLE_FIELDS),
        )
    ).all():
        kept = {k: v for k, v in zip(_ROLE_FIELDS, extra, strict=True) if v}
        if kept:
            roles.setdefault(unit_id, {})[code] = kept
    plans = bind.execute(
        sa.select(_plan.c.id, _plan.c.unit_id, _plan.c.reminders, _plan.c.inferred, _plan.c.funding)
    ).all()
    for plan_id, unit_id, reminders, inferred, funding in plans:
        ext = {"inferred": inferred, "funding": funding, "roles": roles.get(unit_id)}
        if any(ext.values()):
            bind.execute(
                sa.update(_plan)
                .where(_plan.c.id == plan_id)
                .values(reminders=_with_ext(reminders, ext))
            )
    for target_id, scope, compare, inferred in bind.execute(
        sa.select(_target.c.id, _target.c.scope, _target.c["compare"], _target.c.inferred)
    ).all():
        if compare or inferred:
            bind.execute(
                sa.update(_target)
                .where(_target.c.id == target_id)
                .values(scope=_with_ext(scope, {"compare": compare, "inferred": inferred}))
            )
    for task_id, schedule, inferred in bind.execute(
        sa.select(_task.c.id, _task.c.schedule, _task.c.inferred)
    ).all():
        if inferred:
            bind.execute(
                sa.update(_task)
                .where(_task.c.id == task_id)
                .values(schedule=_with_ext(schedule, {"inferred": inferred}))
            )

    # plain DROP COLUMN (SQLite 3.35+), not a batch copy of tables other rows point at
    op.drop_column("framework", "model")
    op.drop_column("position", "duties")
    op.drop_column("position", "inferred")
    op.drop_column("position", "wording")
    op.drop_column("plan_task", "inferred")
    op.drop_column("plan_target", "inferred")
    op.drop_column("plan_target", "compare")
    op.drop_column("plan", "funding")
    op.drop_column("plan", "inferred")
