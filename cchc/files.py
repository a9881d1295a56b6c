"""Reading users' files at the edge: text, fingerprints, and plan/framework pairs."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from domain.errors import InvalidInput, NotFoundError, Problem
from domain.framework import Framework
from domain.frameworkfile import read_framework
from domain.plan import Plan
from domain.planfile import read_plan
from domain.yamlsrc import parse


def read_text(path: Path) -> str:
    if not path.is_file():
        raise NotFoundError("error.file_not_found", path=path)
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            [
                Problem(
                    "unreadable",
                    file=str(path),
                    params={"detail": f"not UTF-8 at byte {exc.start}"},
                )
            ]
        ) from exc


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _declared(text: str, file: str, key: str) -> tuple[str | None, str | None]:
    """The file's ``format`` and ``<key>.code`` (or ``plan.framework``) without full checks."""
    data = parse(text, file).data
    if not isinstance(data, dict):
        return None, None
    section = data.get(key)
    return data.get("format"), section.get("code") if isinstance(section, dict) else None


@dataclass
class FrameworkSource:
    path: Path
    code: str | None
    text: str


def framework_sources(paths: Iterable[Path]) -> dict[str, FrameworkSource]:
    """Frameworks by code from ``paths``; later paths win over earlier ones."""
    out: dict[str, FrameworkSource] = {}
    for path in paths:
        text = read_text(path)
        _, code = _declared(text, str(path), "framework")
        if code is not None:
            out[str(code)] = FrameworkSource(path, str(code), text)
    return out


def declared_framework(path: Path) -> str | None:
    """The framework code a plan file names (``plan.framework``), read without checks."""
    data = parse(read_text(path), str(path)).data
    if isinstance(data, dict) and isinstance(data.get("plan"), dict):
        code = data["plan"].get("framework")
        return None if code is None else str(code)
    return None


def check_plan(path: Path, frameworks: dict[str, Framework | None]) -> Plan:
    """Read a plan, checking its criteria against its framework when that is known.

    ``frameworks`` maps codes to frameworks; a code mapped to None exists but is itself
    invalid (its own problems are reported separately), so criteria are not checked.
    """
    text = read_text(path)
    fw_code = declared_framework(path)
    if fw_code is None:
        return read_plan(text, str(path), criteria=None)
    if fw_code not in frameworks:
        return read_plan(text, str(path), criteria=None, framework_known=False)
    fw = frameworks[fw_code]
    return read_plan(text, str(path), criteria=fw.codes() if fw else None)


def check_framework(source: FrameworkSource, plan_targets: set[str] | None = None) -> Framework:
    return read_framework(source.text, str(source.path), targets=plan_targets)
