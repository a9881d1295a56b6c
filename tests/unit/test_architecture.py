"""Front ends parse, call one use case and render: no command opens a session.

The typer commands in ``cchc/commands`` must reach the database only through the
application layer. Scanning their source for what opening a session takes (a ``Session``,
``transaction``, an engine, an import of ``storage``, ``sqlmodel`` or ``sqlalchemy``) keeps
it so; the import-linter contracts in pyproject.toml keep the layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = sorted((ROOT / "cchc" / "commands").glob("*.py"))
FORBIDDEN_MODULES = ("storage", "sqlmodel", "sqlalchemy", "models")
FORBIDDEN_NAMES = {"Session", "transaction"}


def offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in FORBIDDEN_MODULES:
                found.append(f"{path.name}:{node.lineno}: imports {node.module}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in FORBIDDEN_MODULES:
                    found.append(f"{path.name}:{node.lineno}: imports {alias.name}")
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(f"{path.name}:{node.lineno}: uses {node.id}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "engine"
        ):
            found.append(f"{path.name}:{node.lineno}: calls .engine()")
    return found


def test_there_are_commands_to_check() -> None:
    assert len(COMMANDS) >= 10


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: p.name)
def test_no_command_opens_a_session(path: Path) -> None:
    assert offences(path) == []


def test_the_scan_catches_a_command_that_opens_a_session(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def cmd(ctx):\n"
        "    from sqlmodel import Session\n"
        "    from storage.db import transaction\n"
        "    with transaction(ctx.obj.engine()) as s:\n"
        "        pass\n",
        encoding="utf-8",
    )
    assert len(offences(bad)) == 4
