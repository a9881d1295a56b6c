"""Read a YAML document keeping where every value stands.

``parse`` returns plain Python data plus a ``Positions`` map from a key path
(``("tasks", 3, "lead")``) to its 1-based line and column, so validators can point
at the exact place of a defect. Duplicate keys and unconstructible scalars (an
impossible date such as 2020-02-30) are reported as problems instead of raising.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from domain.errors import Problem

Path = tuple[str | int, ...]


def dotted(path: Path) -> str:
    """``("tasks", 3, "lead")`` → ``tasks[3].lead``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass
class Positions:
    """Where each value (and each mapping key) of a document stands."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def of(self, path: Path) -> tuple[int | None, int | None]:
        """The position of ``path``, else of its nearest ancestor that has one."""
        probe = tuple(path)
        while True:
            if probe in self.values:
                return self.values[probe]
            if not probe:
                return None, None
            probe = probe[:-1]

    def of_key(self, path: Path) -> tuple[int | None, int | None]:
        return self.keys.get(tuple(path)) or self.of(path)


@dataclass
class Source:
    """A parsed document: its data, positions and the problems met while reading it."""

    file: str
    data: Any
    positions: Positions
    problems: list[Problem]

    def problem(self, kind: str, path: Path, /, *, at_key: bool = False, **params: Any) -> Problem:
        """A problem of ``kind`` at ``path`` (at its key with ``at_key``), filled with ``params``."""
        line, column = self.positions.of_key(path) if at_key else self.positions.of(path)
        return Problem(
            code=kind, path=dotted(path), file=self.file, line=line, column=column, params=params
        )


def parse(text: str, file: str) -> Source:
    """Parse ``text``; syntax errors come back as a problem, never as an exception."""
    positions = Positions()
    problems: list[Problem] = []
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        problems.append(
            Problem(
                code="yaml_syntax",
                file=file,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
                params={"detail": detail},
            )
        )
        return Source(file, None, positions, problems)
    except yaml.YAMLError as exc:
        problems.append(Problem(code="yaml_syntax", file=file, params={"detail": str(exc)}))
        return Source(file, None, positions, problems)
    finally:
        loader.dispose()
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
        problems.append(Problem(code="empty_file", file=file, line=1, column=1))
        return Source(file, None, positions, problems)
    source = Source(file, None, positions, problems)
    source.data = _convert(node, (), source, yaml.SafeLoader(""))
    return source


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _convert(node: yaml.Node, path: Path, source: Source, loader: yaml.SafeLoader) -> Any:
    source.positions.values[path] = _mark(node)
    if isinstance(node, yaml.ScalarNode):
        try:
            return loader.construct_object(node)
        except (ValueError, yaml.constructor.ConstructorError):
            line, column = _mark(node)
            source.problems.append(
                Problem(
                    code="bad_date",
                    path=dotted(path),
                    file=source.file,
                    line=line,
                    column=column,
                    params={"value": node.value},
                )
            )
            return _Invalid(node.value)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, (*path, i), source, loader) for i, child in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            child = (*path, key)
            line, column = _mark(key_node)
            if key in first_seen:
                source.problems.append(
                    Problem(
                        code="duplicate_key",
                        path=dotted(child),
                        file=source.file,
                        line=line,
                        column=column,
                        params={"key": key, "first": first_seen[key]},
                    )
                )
                continue
            first_seen[key] = line
            source.positions.keys[child] = (line, column)
            out[key] = _convert(value_node, child, source, loader)
        return out
    return None  # pragma: no cover - aliases are resolved by the composer


class _Invalid(str):
    """A scalar that could not be constructed; already reported, skipped by later checks."""
