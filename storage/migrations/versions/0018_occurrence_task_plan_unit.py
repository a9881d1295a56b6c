"""an occurrence's task, plan and unit held together by one foreign key: ``plan_task`` keeps
its plan's unit (``unit_id``, filled from ``plan``), ``(plan_id, unit_id)`` of a task refers
to its plan, and ``(task_id, plan_id, unit_id)`` of an occurrence to its task, in place of
the three single keys (``task_id``, ``plan_id``, ``unit_id``) that could not tell an
occurrence filed under another unit's plan (and one check per row written instead of three);
an occurrence stored misfiled stops the upgrade with its id

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite keeps the first migration's foreign keys unnamed: batch mode names them by this
# convention when it reads the table, so that they can be dropped (PostgreSQL named them)
_CONVENTION = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
_TASK_KEY = "fk_occurrence_task_plan_unit"
_PLAN_KEY = "fk_plan_task_plan_unit"


def _fk(table: str, column: str, referred: str) -> str:
    """The name a single-column foreign key of the earlier revisions has here."""
    if op.get_bind().dialect.name == "sqlite":
        return f"fk_{table}_{column}_{referred}"
    return f"{table}_{column}_fkey"


# occurrences whose plan or unit is not their task's: the new key would refuse them
_MISFILED = """
SELECT o.id FROM occurrence o
JOIN plan_task t ON t.id = o.task_id
JOIN plan p ON p.id = t.plan_id
WHERE o.plan_id <> t.plan_id OR o.unit_id <> p.unit_id
ORDER BY o.id
"""


def upgrade() -> None:
    misfiled = [row[0] for row in op.get_bind().exec_driver_sql(_MISFILED)]
    if misfiled:
        from domain.errors import LocalizedError

        shown = ", ".join(str(i) for i in misfiled[:20]) + (" …" if len(misfiled) > 20 else "")
        raise LocalizedError("error.migration_misfiled", n=len(misfiled), ids=shown)
    with op.batch_alter_table("plan") as batch:
        batch.create_unique_constraint("uq_plan_id_unit", ["id", "unit_id"])

    op.add_column("plan_task", sa.Column("unit_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE plan_task SET unit_id = (SELECT plan.unit_id FROM plan WHERE plan.id = plan_task.plan_id)"
    )
    with op.batch_alter_table("plan_task", naming_convention=_CONVENTION) as batch:
        batch.alter_column("unit_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_constraint(_fk("plan_task", "plan_id", "plan"), type_="foreignkey")
        batch.create_unique_constraint("uq_plan_task_id_plan_unit", ["id", "plan_id", "unit_id"])
        batch.create_foreign_key(_PLAN_KEY, "plan", ["plan_id", "unit_id"], ["id", "unit_id"])

    with op.batch_alter_table("occurrence", naming_convention=_CONVENTION) as batch:
        batch.drop_constraint(_fk("occurrence", "unit_id", "unit"), type_="foreignkey")
        batch.drop_constraint(_fk("occurrence", "plan_id", "plan"), type_="foreignkey")
        batch.drop_constraint(_fk("occurrence", "task_id", "plan_task"), type_="foreignkey")
        batch.create_foreign_key(
            _TASK_KEY,
            "plan_task",
            ["task_id", "plan_id", "unit_id"],
            ["id", "plan_id", "unit_id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("occurrence", naming_convention=_CONVENTION) as batch:
        batch.drop_constraint(_TASK_KEY, type_="foreignkey")
        batch.create_foreign_key(_fk("occurrence", "unit_id", "unit"), "unit", ["unit_id"], ["id"])
        batch.create_foreign_key(_fk("occurrence", "plan_id", "plan"), "plan", ["plan_id"], ["id"])
        batch.create_foreign_key(
            _fk("occurrence", "task_id", "plan_task"), "plan_task", ["task_id"], ["id"]
        )
    with op.batch_alter_table("plan_task", naming_convention=_CONVENTION) as batch:
        batch.drop_constraint(_PLAN_KEY, type_="foreignkey")
        batch.drop_constraint("uq_plan_task_id_plan_unit", type_="unique")
        batch.create_foreign_key(_fk("plan_task", "plan_id", "plan"), "plan", ["plan_id"], ["id"])
        batch.drop_column("unit_id")
    with op.batch_alter_table("plan") as batch:
        batch.drop_constraint("uq_plan_id_unit", type_="unique")
