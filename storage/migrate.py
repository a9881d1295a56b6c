"""Create or upgrade the schema with Alembic; safe to run any number of times.

Alembic is imported only when there is something to do: whether a database is current is
read from its ``alembic_version`` row and the migration files' ``revision`` lines
(``is_current``), so a command reading a current database does not pay for it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^revision(?:\s*:[^=\n]*)?\s*=\s*[\"']([^\"'\n]+)[\"']\s*$", re.M)
_DOWN_REVISION = re.compile(
    r"^down_revision(?:\s*:[^=\n]*)?\s*=\s*(?:[\"']([^\"'\n]+)[\"']|None)\s*$", re.M
)


@cache
def script_head() -> str | None:
    """The newest migration's revision, read from the migration files without Alembic: the
    one revision no other one revises; ``None`` when the files do not say so plainly (a merge,
    a branch, a line written another way) — then Alembic is asked."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.findall(source), _DOWN_REVISION.findall(source)
        if len(revision) != 1 or len(down) != 1:
            return None
        revisions.add(revision[0])
        if down[0]:
            revised.add(down[0])
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 and revised <= revisions else None


def stored_revisions(engine: Engine) -> set[str]:
    """The revisions recorded in the database's ``alembic_version`` table (none: no table)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return set()
        rows = connection.execute(text("SELECT version_num FROM alembic_version"))
        return {str(row[0]) for row in rows}


def is_current(engine: Engine) -> bool:
    """Whether the schema is at the newest migration, known without importing Alembic; ``False``
    also when that cannot be told that way (ask ``current_revision``/``head_revision`` then)."""
    head = script_head()
    return head is not None and stored_revisions(engine) == {head}


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def upgrade(engine: Engine) -> tuple[str | None, str | None]:
    """Upgrade to the latest revision; returns (revision before, revision after)."""
    from alembic import command

    before = current_revision(engine)
    command.upgrade(alembic_config(engine), "head")
    return before, current_revision(engine)
