"""What must not reach a Vietnamese reader: machine codes and English (issue 11).

:func:`leaks` finds them in one line of output; :func:`scan` in many lines, each with the
place it was read (``stdout:123``, ``outbox/x.eml:Subject``, ``sheet.xlsx!Sheet!B4``). The
forbidden codes come from the project's own files (the plan's positions, the dossier
vocabulary, the occurrence statuses, the metrics, the frequencies), so a new one is caught.

A command an officer is told to type ("cchc occurrence submit II.3.5 2020-01") is a command,
not prose: a line that is only such a command is not scanned. Known codes of the plan and
the framework (II.1.1, 1.3.1, T2.1a …) are not numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from plans import DOSSIER_COLUMNS, FRAMEWORK_2020, PLAN_2020

_PERIOD = re.compile(
    r"(?<![\w./-])\d{4}-(?:Q[1-4]|H[12]|W\d{2}|(?:0[1-9]|1[0-2])(?![\d-]))(?![\w])"
)
_DECIMAL = re.compile(r"(?<![\w./:-])\d+\.\d+(?:\.\d+)*(?![\w/-])")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")  # 1.234.567: Vietnamese thousands
_EMAIL_OR_URL = re.compile(r"\S+@\S+|\b[a-z][a-z0-9+]*://\S+|(?<!\w)/[\w./-]*[\w]")
# a command: "cchc", one of its commands, then arguments in ASCII or in quotes, up to the end of
# the line or to the prose after it; it starts a line or follows a label ("Nộp: cchc …")
_COMMAND = re.compile(
    r'(?:^\s*(?:\$ )?|(?<=: ))cchc (?P<name>[a-z][a-z-]*)(?: (?:"[^"]*"|[\x21-\x7e]+))*(?= \(|\s*$)'
)
_WORD = r"(?<![\w@./-]){}(?![\w@-])"


@dataclass(frozen=True)
class Leak:
    where: str
    what: str
    text: str

    def __str__(self) -> str:
        line = self.text.strip()
        return f"{self.where}: {self.what} in {line[:160]!r}"


@cache
def forbidden_words() -> dict[str, str]:
    """Each forbidden code → the kind of code it is."""
    import yaml

    from domain.kpi import KPIS
    from domain.lifecycle import STATUSES
    from domain.plan import EVERY

    out: dict[str, str] = {}
    vocabulary = yaml.safe_load(DOSSIER_COLUMNS.read_text(encoding="utf-8"))
    for column, values in vocabulary["values"].items():
        for code in values:
            if not str(code).isdigit():
                out[str(code)] = f"dossier {column} code"
    for code in STATUSES:
        out[code] = "occurrence status code"
    for code in ("rejected",):
        out[code] = "evidence status code"
    plan = yaml.safe_load(PLAN_2020.read_text(encoding="utf-8"))
    for role in plan["roles"]:
        out[role["code"]] = "position code"
    for code in (*KPIS, "manual", "previous_year"):
        out[code] = "metric code"
    for code in EVERY:
        out[code] = "frequency code"
    return out


@cache
def _word_pattern() -> re.Pattern[str]:
    words = sorted(forbidden_words(), key=len, reverse=True)
    return re.compile(_WORD.format("(" + "|".join(re.escape(w) for w in words) + ")"))


@cache
def english_holidays() -> tuple[str, ...]:
    import holidays

    names = holidays.country_holidays("VN", years=range(2019, 2022), language="en_US").values()
    return tuple(sorted({n.split(" (")[0] for n in names}, key=len, reverse=True))


@cache
def known_codes() -> frozenset[str]:
    """Codes of the bundled plan and framework that look like numbers (1.1, 8.1.2 …)."""
    text = PLAN_2020.read_text(encoding="utf-8") + FRAMEWORK_2020.read_text(encoding="utf-8")
    return frozenset(
        re.findall(r"(?:code|ref|item|criterion|criteria):\s*['\"]?([\w.]+)", text)
        + re.findall(r"^\s*['\"]?(\d+(?:\.\d+)+)['\"]?\s*:", text, re.MULTILINE)
        + re.findall(r"['\"](\d+(?:\.\d+)+)['\"]", text)
    )


@cache
def cli_commands() -> frozenset[str]:
    """The names of cchc's commands and command groups."""
    import typer.main

    from cchc.cli import app

    group = typer.main.get_command(app)
    return frozenset(getattr(group, "commands", {}))


def without_commands(line: str) -> str:
    """``line`` without the ``cchc …`` commands it tells an officer to type."""

    def drop(m: re.Match[str]) -> str:
        return " " if m.group("name") in cli_commands() else m.group()

    return _COMMAND.sub(drop, line)


def leaks(line: str, where: str, *, codes: frozenset[str] = frozenset()) -> list[Leak]:
    """Everything in one line of Vietnamese output that a Vietnamese reader should not see."""
    found: list[Leak] = []
    bare = _EMAIL_OR_URL.sub(" ", without_commands(line))
    for m in _PERIOD.finditer(bare):
        found.append(Leak(where, f"period code {m.group()!r}", line))
    words = forbidden_words()
    for m in _word_pattern().finditer(bare):
        found.append(Leak(where, f"{words[m.group(1)]} {m.group(1)!r}", line))
    for name in english_holidays():
        if name in bare:
            found.append(Leak(where, f"English holiday name {name!r}", line))
            bare = bare.replace(name, " ")
    if "Hint:" in bare:
        found.append(Leak(where, "'Hint:'", line))
    for m in _DECIMAL.finditer(bare):
        number = m.group()
        if _THOUSANDS.fullmatch(number) or number in codes or number in known_codes():
            continue
        if number.count(".") > 1:
            continue  # 1.2.3 is a code (a criterion, a section), not a number
        found.append(Leak(where, f"number with a decimal point {number!r}", line))
    return found


def scan(lines: Iterable[tuple[str, str]]) -> list[Leak]:
    """Every leak in ``(where, line)`` pairs."""
    return [leak for where, line in lines for leak in leaks(line, where)]
