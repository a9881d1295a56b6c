"""Read a YAML document keeping where every value stands.

``parse`` returns plain Python data plus a ``Positions`` map from a key path
(``("tasks", 3, "lead")``) to its 1-based line and column, so validators can point
at the exact place of a defect. Duplicate keys and unconstructible scalars (an
impossible date such as 2020-02-30) are reported as problems instead of raising.

Our files are written by hand, so the reader refuses what only a hostile or broken file
contains, each as a located problem and before it costs memory or stack: control
characters, nesting deeper than ``MAX_DEPTH``, more than ``MAX_ALIASES`` alias uses
(``*name``) and aliases that would expand to more than ``MAX_ALIAS_NODES`` values (the
"billion laughs").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import yaml
from yaml.events import AliasEvent

from domain.errors import Problem

Path = tuple[str | int, ...]

MAX_DEPTH = 64
"""Deepest nesting of lists and mappings; a plan needs fewer than ten levels."""
MAX_ALIASES = 100
"""Most alias uses (``*name``) in one file."""
MAX_ALIAS_NODES = 10_000
"""Most values that aliases may add to a file once expanded."""
MAX_CONTROL_REPORTS = 20
"""Control characters reported one by one; the rest are counted in the last problem."""


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


class _Refused(Exception):
    """A limit of the reader was reached at ``mark``; becomes the problem ``code``."""

    def __init__(self, code: str, mark: yaml.Mark | None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.mark = mark
        self.params = params


@dataclass
class _Alias:
    """Where an alias was used, and the node it stands for (kept apart to be counted)."""

    node: yaml.Node
    mark: yaml.Mark


class _Composer(yaml.SafeLoader):
    """PyYAML's safe loader, composing with a depth limit and an alias count."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0
        self.aliases = 0

    def _next_mark(self) -> yaml.Mark:
        """Where the next event (a node about to be composed) starts."""
        mark: yaml.Mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
        return mark

    def compose_node(self, parent: yaml.Node | None, index: Any) -> Any:
        if self.check_event(AliasEvent):
            mark = self._next_mark()
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _Refused("yaml_alias_limit", mark, limit=MAX_ALIASES)
            # an alias composes to the node of its anchor (an unknown one raises)
            return _Alias(cast(yaml.Node, super().compose_node(parent, index)), mark)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Refused("yaml_too_deep", self._next_mark(), limit=MAX_DEPTH)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _located(code: str, file: str, mark: yaml.Mark | None, **params: Any) -> Problem:
    return Problem(
        code=code,
        file=file,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
        params=params,
    )


def control_characters(text: str, file: str) -> list[Problem]:
    """Each character YAML cannot hold (C0/C1 controls but tab and line breaks, U+FFFE …)."""
    problems: list[Problem] = []
    found = list(yaml.reader.Reader.NON_PRINTABLE.finditer(text))
    for match in found[:MAX_CONTROL_REPORTS]:
        at = match.start()
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        problems.append(
            Problem(
                code="control_character",
                file=file,
                line=line,
                column=column,
                params={"char": f"U+{ord(match.group()):04X}"},
            )
        )
    if len(found) > MAX_CONTROL_REPORTS:
        problems.append(
            Problem(
                code="control_character_more",
                file=file,
                line=problems[-1].line,
                column=problems[-1].column,
                params={"n": len(found) - MAX_CONTROL_REPORTS},
            )
        )
    return problems


def parse(text: str, file: str) -> Source:
    """Parse ``text``; syntax errors come back as a problem, never as an exception."""
    positions = Positions()
    problems: list[Problem] = control_characters(text, file)
    if problems:
        return Source(file, None, positions, problems)
    loader = _Composer(text)
    try:
        node = loader.get_single_node()
    except _Refused as exc:
        problems.append(_located(exc.code, file, exc.mark, **exc.params))
        return Source(file, None, positions, problems)
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
    try:
        source.data = _Converter(source).convert(node, (), 1)
    except _Refused as exc:
        source.data = None
        problems.append(_located(exc.code, file, exc.mark, **exc.params))
    return source


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_DATE_TAG = "tag:yaml.org,2002:timestamp"


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."


class _Converter:
    """Composed nodes → plain data, expanding aliases within ``MAX_ALIAS_NODES`` values."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.loader = yaml.SafeLoader("")
        self.expanded = 0  # values added by aliases so far
        self.alias: yaml.Mark | None = None  # the outermost alias being expanded

    def convert(self, node: yaml.Node | _Alias, path: Path, depth: int) -> Any:
        if isinstance(node, _Alias):
            if self.alias is not None:
                return self.convert(node.node, path, depth)
            self.alias = node.mark
            try:
                return self.convert(node.node, path, depth)
            finally:
                self.alias = None
        if self.alias is not None:
            self.expanded += 1
            if self.expanded > MAX_ALIAS_NODES:
                raise _Refused("yaml_alias_budget", self.alias, limit=MAX_ALIAS_NODES)
        if depth > MAX_DEPTH:  # only aliases can nest this deep once composed
            raise _Refused("yaml_too_deep", self.alias or node.start_mark, limit=MAX_DEPTH)
        return self._value(node, path, depth)

    def _value(self, node: yaml.Node, path: Path, depth: int) -> Any:
        source = self.source
        source.positions.values[path] = _mark(node)
        if isinstance(node, yaml.ScalarNode):
            try:
                return self.loader.construct_object(node)
            except (ValueError, yaml.constructor.ConstructorError):
                line, column = _mark(node)
                code = (
                    "bad_number"
                    if node.tag in _NUMBER_TAGS
                    else "bad_date"
                    if node.tag == _DATE_TAG
                    else "bad_tag"
                )
                source.problems.append(
                    Problem(
                        code=code,
                        path=dotted(path),
                        file=source.file,
                        line=line,
                        column=column,
                        params={"value": _shown(node.value), "tag": node.tag},
                    )
                )
                return _Invalid(node.value)
        if isinstance(node, yaml.SequenceNode):
            return [
                self.convert(child, (*path, i), depth + 1) for i, child in enumerate(node.value)
            ]
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            first_seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, _Alias):
                    key_node = key_node.node
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
                out[key] = self.convert(value_node, child, depth + 1)
            return out
        return None  # pragma: no cover - every node is a scalar, a sequence or a mapping


class _Invalid(str):
    """A scalar that could not be constructed; already reported, skipped by later checks."""
