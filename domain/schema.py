"""A small declarative schema for our YAML formats.

One definition serves twice: ``check`` walks parsed data and reports every
structural defect with its position, and ``to_json_schema`` publishes the same
definition as a JSON Schema for editors (``docs/schemas/``), so the two can never
drift apart.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.yamlsrc import Path, Source, _Invalid


class Type:
    """Base of all schema types."""

    description: str = ""

    def check(self, value: Any, path: Path, src: Source) -> None:
        raise NotImplementedError

    def json(self) -> dict[str, Any]:
        raise NotImplementedError


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, dt.date):
        return "date"
    return "nothing" if value is None else type(value).__name__


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, dict | list) else _describe(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _wrong(src: Source, path: Path, expected: str, value: Any) -> None:
    src.problems.append(
        src.problem(
            "wrong_type", path, expected=expected, got=_describe(value), value=_short(value)
        )
    )


@dataclass
class Str(Type):
    """Text. With ``integers``, a whole number is accepted as its digits (an area code 1)."""

    pattern: str | None = None
    description: str = ""
    integers: bool = False

    def check(self, value: Any, path: Path, src: Source) -> None:
        if isinstance(value, _Invalid):
            return
        if self.integers and isinstance(value, int) and not isinstance(value, bool):
            return
        if isinstance(value, float):
            # 1.10 would silently become "1.1": a code with a dot must be quoted
            src.problems.append(src.problem("unquoted_number", path, value=value))
            return
        if not isinstance(value, str):
            _wrong(src, path, "text", value)
        elif self.pattern and not re.fullmatch(self.pattern, value):
            src.problems.append(src.problem("bad_pattern", path, value=value, pattern=self.pattern))

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": ["string", "integer"] if self.integers else "string"}
        if self.pattern:
            text = {"type": "string", "pattern": f"^(?:{self.pattern})$"}
            out = {"anyOf": [text, {"type": "integer"}]} if self.integers else text
        return _with_description(out, self.description)


@dataclass
class Enum(Type):
    values: tuple[str, ...]
    description: str = ""

    def check(self, value: Any, path: Path, src: Source) -> None:
        if isinstance(value, _Invalid):
            return
        if not isinstance(value, str) or value not in self.values:
            src.problems.append(
                src.problem("bad_enum", path, value=value, allowed=", ".join(self.values))
            )

    def json(self) -> dict[str, Any]:
        return _with_description({"enum": list(self.values)}, self.description)


@dataclass
class Num(Type):
    """A number. NaN and infinities are refused, and so is any number beyond ``LIMIT``
    (a value no file of ours needs, too large for dates, floats and the databases)."""

    minimum: float | None = None
    integer: bool = False
    exclusive_minimum: bool = False
    description: str = ""
    maximum: float | None = None

    LIMIT = 1e15

    def check(self, value: Any, path: Path, src: Source) -> None:
        if isinstance(value, _Invalid):
            return  # already reported by the reader
        ok = isinstance(value, int) if self.integer else isinstance(value, int | float)
        if isinstance(value, bool) or not ok:
            _wrong(src, path, "integer" if self.integer else "number", value)
            return
        if isinstance(value, float) and not math.isfinite(value):
            src.problems.append(src.problem("not_finite", path, value=value))
            return
        maximum = self.LIMIT if self.maximum is None else self.maximum
        if self.minimum is not None and (
            value < self.minimum or (self.exclusive_minimum and value == self.minimum)
        ):
            sign = ">" if self.exclusive_minimum else "≥"
            src.problems.append(
                src.problem(
                    "out_of_range", path, value=_short(value), constraint=f"{sign} {self.minimum:g}"
                )
            )
        elif value > maximum or (self.minimum is None and value < -maximum):
            src.problems.append(
                src.problem("out_of_range", path, value=_short(value), constraint=f"≤ {maximum:g}")
            )

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            key = "exclusiveMinimum" if self.exclusive_minimum else "minimum"
            out[key] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return _with_description(out, self.description)


def Int(minimum: float | None = None, description: str = "", maximum: float | None = None) -> Num:
    return Num(minimum=minimum, integer=True, description=description, maximum=maximum)


@dataclass
class Bool(Type):
    description: str = ""

    def check(self, value: Any, path: Path, src: Source) -> None:
        if not isinstance(value, bool):
            _wrong(src, path, "true/false", value)

    def json(self) -> dict[str, Any]:
        return _with_description({"type": "boolean"}, self.description)


_DATE = r"\d{4}-\d{2}-\d{2}"


@dataclass
class Date(Type):
    description: str = ""

    def check(self, value: Any, path: Path, src: Source) -> None:
        if isinstance(value, _Invalid):
            return  # already reported by the reader
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
            src.problems.append(src.problem("bad_date", path, value=_short(value)))
            return
        if isinstance(value, str):
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                src.problems.append(src.problem("bad_date", path, value=value))

    def json(self) -> dict[str, Any]:
        return _with_description({"type": "string", "format": "date"}, self.description)


@dataclass
class Time(Type):
    description: str = ""

    def check(self, value: Any, path: Path, src: Source) -> None:
        if isinstance(value, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            return
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            return  # YAML 1.1 reads an unquoted 07:30 as sexagesimal 450
        src.problems.append(src.problem("bad_time", path, value=_short(value)))

    def json(self) -> dict[str, Any]:
        return _with_description(
            {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$"}, self.description
        )


@dataclass
class ListOf(Type):
    item: Type
    min_items: int = 0
    description: str = ""

    def check(self, value: Any, path: Path, src: Source) -> None:
        if not isinstance(value, list):
            _wrong(src, path, "list", value)
            return
        if len(value) < self.min_items:
            src.problems.append(src.problem("empty_list", path))
        for i, child in enumerate(value):
            self.item.check(child, (*path, i), src)

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": self.item.json()}
        if self.min_items:
            out["minItems"] = self.min_items
        return _with_description(out, self.description)


@dataclass
class MapOf(Type):
    """A mapping with free keys and values of one type (e.g. levels → points)."""

    value: Type
    description: str = ""

    def check(self, value: Any, path: Path, src: Source) -> None:
        if not isinstance(value, dict):
            _wrong(src, path, "mapping", value)
            return
        for key, child in value.items():
            self.value.check(child, (*path, key), src)

    def json(self) -> dict[str, Any]:
        return _with_description(
            {"type": "object", "additionalProperties": self.value.json()}, self.description
        )


@dataclass
class AnyOf(Type):
    """The first alternative whose basic shape fits the value decides."""

    options: tuple[Type, ...]
    description: str = ""

    def check(self, value: Any, path: Path, src: Source) -> None:
        for option in self.options:
            if isinstance(option, Obj) and isinstance(value, dict):
                option.check(value, path, src)
                return
            if isinstance(option, Str) and isinstance(value, str):
                option.check(value, path, src)
                return
            if (
                isinstance(option, Num)
                and isinstance(value, int | float)
                and not isinstance(value, bool)
            ):
                option.check(value, path, src)
                return
        _wrong(src, path, " | ".join(_name(o) for o in self.options), value)

    def json(self) -> dict[str, Any]:
        return _with_description({"anyOf": [o.json() for o in self.options]}, self.description)


def _name(t: Type) -> str:
    return {Obj: "mapping", Str: "text", Num: "number"}.get(type(t), type(t).__name__.lower())


@dataclass
class Obj(Type):
    fields: Mapping[str, Type]
    required: tuple[str, ...] = ()
    description: str = ""
    ref: str | None = None  # name under $defs when published
    extra_checks: list[Any] = field(default_factory=list)

    def check(self, value: Any, path: Path, src: Source) -> None:
        if not isinstance(value, dict):
            _wrong(src, path, "mapping", value)
            return
        for key in self.required:
            if key not in value:
                src.problems.append(src.problem("missing_key", path, at_key=True, key=key))
        for key, child in value.items():
            spec = self.fields.get(key)
            if spec is None:
                src.problems.append(
                    src.problem(
                        "unknown_key",
                        (*path, key),
                        at_key=True,
                        key=key,
                        allowed=", ".join(self.fields),
                    )
                )
            elif child is not None or key in self.required:
                spec.check(child, (*path, key), src)

    def json(self, inline: bool = False) -> dict[str, Any]:
        if self.ref and not inline:
            return {"$ref": f"#/$defs/{self.ref}"}
        out: dict[str, Any] = {
            "type": "object",
            "properties": {
                k: v.json() if k in self.required else {"anyOf": [v.json(), {"type": "null"}]}
                for k, v in self.fields.items()
            },
            "additionalProperties": False,
        }
        if self.required:
            out["required"] = list(self.required)
        return _with_description(out, self.description)


def _with_description(out: dict[str, Any], description: str) -> dict[str, Any]:
    if description:
        out["description"] = description
    return out


def _named(root: Type, found: dict[str, Obj], seen: set[int]) -> None:
    """Every ``Obj`` with a ``ref`` under ``root`` (recursive types are visited once)."""
    if id(root) in seen:
        return
    seen.add(id(root))
    if isinstance(root, Obj):
        if root.ref:
            found[root.ref] = root
        for child in root.fields.values():
            _named(child, found, seen)
    elif isinstance(root, ListOf):
        _named(root.item, found, seen)
    elif isinstance(root, MapOf):
        _named(root.value, found, seen)
    elif isinstance(root, AnyOf):
        for option in root.options:
            _named(option, found, seen)


def to_json_schema(root: Type, schema_id: str, title: str) -> dict[str, Any]:
    """Publish ``root`` as a JSON Schema (draft 2020-12) document."""
    named: dict[str, Obj] = {}
    _named(root, named, set())
    out: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id,
        "title": title,
        **root.json(),
    }
    if named:
        out["$defs"] = {name: obj.json(inline=True) for name, obj in sorted(named.items())}
    return out
