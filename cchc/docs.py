"""Generated files: the JSON Schemas, the README's command reference and ``prefect.yaml``.

``python -m cchc.docs`` rewrites them; ``--check`` fails when a committed copy is out
of date (run by ``make lint``), so the docs always match the code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from domain.framework import FRAMEWORK_SCHEMA
from domain.overlay import OVERLAY_SCHEMA
from domain.plan import PLAN_SCHEMA
from domain.schema import to_json_schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "docs" / "schemas"
README = ROOT / "README.md"
START, END = "<!-- cli-reference:start -->", "<!-- cli-reference:end -->"


def commands() -> list[list[str]]:
    """Every command of the CLI, walked from the typer app (so none can be left out)."""
    from typing import Any

    import typer

    from cchc.cli import app

    out: list[list[str]] = []

    def walk(command: Any, path: list[str]) -> None:
        out.append(path)
        if hasattr(command, "list_commands"):  # a group
            ctx = command.context_class(command)
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None:
                    walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return out


def schemas() -> dict[Path, str]:
    out = {}
    for name, schema, title in (
        ("cchc-plan-1", PLAN_SCHEMA, "cchc plan file (cchc-plan/1)"),
        ("cchc-framework-1", FRAMEWORK_SCHEMA, "cchc PAR framework file (cchc-framework/1)"),
        (
            "cchc-overlay-1",
            OVERLAY_SCHEMA,
            "cchc unit's overlay on a template plan (cchc-overlay/1)",
        ),
    ):
        doc = to_json_schema(schema, f"https://cchc.example/schemas/{name}.schema.json", title)
        out[SCHEMAS / f"{name}.schema.json"] = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    return out


def _help(args: list[str]) -> str:
    env = {**os.environ, "COLUMNS": "100", "CCHC_LANG": "vi", "TERM": "dumb", "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "cchc.cli", *args, "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return proc.stdout.rstrip()


def cli_reference() -> str:
    parts = [START, ""]
    for args in commands():
        parts += [
            f"#### `{' '.join(['cchc', *args])}`",
            "",
            "```text",
            _help(args),
            "```",
            "",
        ]
    parts.append(END)
    return "\n".join(parts)


def readme_with_reference(text: str) -> str:
    if START not in text or END not in text:
        raise SystemExit(f"README.md lacks the {START} … {END} markers")
    before = text.split(START, 1)[0]
    after = text.split(END, 1)[1]
    return before + cli_reference() + after


def main(argv: list[str]) -> int:
    check = "--check" in argv
    from cchc.deployments import prefect_yaml

    wanted = schemas()
    wanted[README] = readme_with_reference(README.read_text(encoding="utf-8"))
    wanted[ROOT / "prefect.yaml"] = prefect_yaml()
    stale = [
        p
        for p, content in wanted.items()
        if not p.exists() or p.read_text(encoding="utf-8") != content
    ]
    if check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)} (run `make docs`)")
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(wanted[path], encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
