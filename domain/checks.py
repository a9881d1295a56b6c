"""Checks shared by the file readers: unique codes, references and cycles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from domain.yamlsrc import Path, Source


def code_of(value: Any) -> str | None:
    """A code as text (YAML may read ``1`` or ``1.1`` as numbers)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        return str(value)
    return None


def unique_codes(src: Source, items: Any, path: Path) -> dict[str, Path]:
    """Codes of a list of mappings → their paths; a repeated code is a problem."""
    seen: dict[str, Path] = {}
    if not isinstance(items, list):
        return seen
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        code = code_of(item.get("code"))
        if code is None:
            continue
        here = (*path, i, "code")
        if code in seen:
            first = src.positions.of(seen[code])[0]
            src.problems.append(src.problem("duplicate_code", here, code=code, first=first))
        else:
            seen[code] = here
    return seen


def check_ref(src: Source, value: Any, known: Iterable[str], path: Path, kind: str) -> None:
    """``value`` must be one of ``known``; else a problem naming what exists."""
    code = code_of(value)
    if code is None:
        return
    known_list = sorted(known)
    if code not in known_list:
        shown = ", ".join(known_list[:12]) + (" …" if len(known_list) > 12 else "")
        src.problems.append(src.problem("unknown_ref", path, kind=kind, code=code, known=shown))


def find_cycles(parent: dict[str, str | None]) -> list[list[str]]:
    """Cycles in a ``child → parent`` map, each once, as the list of codes around it."""
    cycles: list[list[str]] = []
    done: set[str] = set()
    for start in parent:
        trail: list[str] = []
        node: str | None = start
        while node is not None and node not in done and node not in trail:
            trail.append(node)
            node = parent.get(node)
        if node is not None and node in trail:
            cycles.append([*trail[trail.index(node) :], node])
        done.update(trail)
    return cycles
