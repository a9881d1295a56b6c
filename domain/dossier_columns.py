"""The words of a one-stop export — "tên cột", "nhãn giá trị" — and the codes cchc keeps.

A real export heads its columns "Mã hồ sơ", "Ngày tiếp nhận" … and fills them with labels
("Trực tuyến", "Đã trả kết quả", "Chứng thực"). A :class:`Vocabulary` maps both to the codes
of the spec (dossiers.md): headers are matched ignoring case, diacritics and extra spaces,
and so are labels; a code always matches itself, and a cell no label matches is kept as
given (then checked like any cell). The bundled words are ``plans/dossier-columns.yaml``; a
unit extends them with a small file of the same shape (:func:`read_vocabulary`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.dossiers import CHANNELS, COLUMNS, FLAGS, LEVELS, RATINGS, STATUSES
from domain.errors import InvalidInput
from domain.names import fold
from domain.yamlsrc import Source, parse

# the columns whose labels may be mapped, and their codes (None: any code, kept as given)
VALUE_CODES: dict[str, tuple[str, ...] | None] = {
    "ma_don_vi": None,
    "ma_linh_vuc": None,
    "kenh_nop": CHANNELS,
    "muc_do_dvc": LEVELS,
    "trang_thai": STATUSES,
    "tra_qua_buu_chinh": FLAGS,
    "danh_gia": RATINGS,
    "phieu_xin_loi": FLAGS,
}
MAX_WORD = 200  # characters of a header or a label
MAX_CODE = 64  # characters of a unit or field code (as ma_don_vi, ma_linh_vuc)
KEYS = ("columns", "values")


@dataclass(frozen=True)
class Vocabulary:
    """Headers (folded) → column codes, and per column labels (folded) → value codes."""

    headers: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def column(self, header: object) -> str | None:
        """The column code a header cell names, if any."""
        if not isinstance(header, str):
            return None
        key = fold(header)
        return self.headers.get(key) or (key if key in COLUMNS else None)

    def code(self, column: str, value: object) -> object:
        """The code a cell's label stands for; any other cell unchanged."""
        labels = self.labels.get(column)
        if not labels or not isinstance(value, str):
            return value
        return labels.get(fold(value), value)

    def translate(self, cells: Sequence[object], index: Mapping[str, int]) -> list[object]:
        """A row's cells with every label of a mapped column replaced by its code."""
        out = list(cells)
        for column in self.labels:
            i = index.get(column)
            if i is not None and i < len(out):
                out[i] = self.code(column, out[i])
        return out

    def extended(self, other: Vocabulary) -> Vocabulary:
        """This vocabulary with ``other``'s words added (``other`` wins where both map one)."""
        labels = {c: dict(m) for c, m in self.labels.items()}
        for column, words in other.labels.items():
            labels.setdefault(column, {}).update(words)
        return Vocabulary({**self.headers, **other.headers}, labels)


def read_vocabulary(text: str, file: str) -> Vocabulary:
    """A mapping file (``columns:`` code → headers, ``values:`` column → code → labels),
    checked: every problem located by line and column, raised together."""
    src = parse(text, file)
    headers: dict[str, str] = {}
    labels: dict[str, dict[str, str]] = {}
    data = src.data
    if data is not None and not isinstance(data, dict):
        src.problems.append(_wrong(src, (), "mapping", data))
    elif isinstance(data, dict):
        for key in data:
            if key not in KEYS:
                src.problems.append(
                    src.problem(
                        "unknown_key", (key,), at_key=True, key=key, allowed=", ".join(KEYS)
                    )
                )
        _columns(src, data.get("columns"), headers)
        _values(src, data.get("values"), labels)
    if src.problems:
        raise InvalidInput(src.problems, source=file)
    return Vocabulary(headers, labels)


def _wrong(src: Source, path: tuple[str | int, ...], expected: str, value: Any) -> Any:
    return src.problem(
        "wrong_type", path, expected=expected, got=type(value).__name__, value=str(value)[:80]
    )


def _words(
    src: Source, path: tuple[str | int, ...], value: Any, code: str, into: dict[str, str]
) -> None:
    """Headers or labels for ``code`` (one text or a list of texts) into ``into``."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        src.problems.append(_wrong(src, path, "text | [text, …]", value))
        return
    for i, word in enumerate(items):
        at = path if isinstance(value, str) else (*path, i)
        if not isinstance(word, str) or not fold(word) or len(word) > MAX_WORD:
            src.problems.append(_wrong(src, at, f"text (1–{MAX_WORD})", word))
            continue
        key = fold(word)
        if into.get(key, code) != code:
            src.problems.append(
                src.problem("mapping_conflict", at, word=word, first=into[key], second=code)
            )
        into[key] = code


def _entries(src: Source, name: str, section: Any, known: Iterable[str]) -> Iterator[Any]:
    """The keys of section ``name`` that are in ``known``; every other problem recorded
    (the section not a mapping, an unknown key)."""
    if section is None:
        return
    if not isinstance(section, dict):
        src.problems.append(_wrong(src, (name,), "mapping", section))
        return
    allowed = tuple(known)
    for key in section:
        if key in allowed:
            yield key
        else:
            src.problems.append(
                src.problem(
                    "unknown_key", (name, key), at_key=True, key=key, allowed=", ".join(allowed)
                )
            )


def _columns(src: Source, section: Any, headers: dict[str, str]) -> None:
    for code in _entries(src, "columns", section, COLUMNS):
        _words(src, ("columns", code), section[code], code, headers)


def _values(src: Source, section: Any, labels: dict[str, dict[str, str]]) -> None:
    for column in _entries(src, "values", section, VALUE_CODES):
        codes = section[column]
        if not isinstance(codes, dict):
            src.problems.append(_wrong(src, ("values", column), "mapping", codes))
            continue
        allowed = VALUE_CODES[column]
        into = labels.setdefault(column, {})
        for code, words in codes.items():
            value = str(code) if isinstance(code, int) and not isinstance(code, bool) else code
            if (
                not isinstance(value, str)
                or (allowed is not None and value not in allowed)
                or not 0 < len(value) <= MAX_CODE
            ):
                expected = " | ".join(allowed) if allowed else "text"
                src.problems.append(
                    src.problem(
                        "mapping_bad_code",
                        ("values", column, code),
                        at_key=True,
                        column=column,
                        value=str(code),
                        expected=expected,
                    )
                )
                continue
            _words(src, ("values", column, code), words, value, into)
