"""The annual reform plan as data — "Kế hoạch CCHC năm".

Dataclasses for a validated ``cchc-plan/1`` file, and the schema that the file must
follow. Reading and checking a file lives in ``domain.planfile``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from domain.schema import AnyOf, Bool, Date, Enum, Int, ListOf, Num, Obj, Str, Time

FORMAT = "cchc-plan/1"
# ``plan.kind``: a unit's own plan, or a province's template its communes derive theirs from
KINDS = ("plan", "template")
EVERY = ("once", "week", "month", "quarter", "half_year", "year", "rrule")
METRICS = (
    "on_time_rate",
    "online_rate",
    "online_dossier_share",
    "online_procedure_share",
    "postal_return_rate",
    "satisfaction_rate",
    "apology_coverage",
    "household_business_online_rate",
    "manual",
)
OPS = (">=", ">", "<=", "<", "=")
SOURCES = ("plan", "inferred")
# The fields a node may mark as inferred (``inferred: [schedule, evidence]``): our reading
# of the plan, not its text. ``schedule`` is the recurrence (every/rrule/start/until),
# ``due`` the deadline rule. A target's ``unit`` has a default, so it may be marked inferred
# without being written; every other listed field must be given. (Reminders, criteria and
# target links are settings and our mapping onto the framework, never the plan's text.)
TASK_FIELDS = ("lead", "support", "approver", "schedule", "due", "evidence")
TARGET_FIELDS = ("owner", "metric", "scope", "op", "value", "unit")
ROLE_FIELDS = ("title", "reports_to", "duties")
PLAN_FIELDS = ("issued", "basis", "funding")
DEFAULTED_FIELDS = frozenset({"unit"})
COMPARES = ("previous_year",)
FUNDING_KINDS = ("state_budget", "socialised", "other")
EVIDENCE_KINDS = (
    "ke_hoach",
    "quyet_dinh",
    "bao_cao",
    "bien_ban",
    "thong_ke",
    "hinh_anh",
    "van_ban",
    "danh_sach",
    "so_theo_doi",
    "phieu",
    "tin_bai",
    "khac",
)
CODE = r"[A-Za-z0-9][A-Za-z0-9_.\-]*"


def ordered(fields: object, known: tuple[str, ...]) -> tuple[str, ...]:
    """The known field names among ``fields``, once each, in ``known``'s order."""
    given = set(fields) if isinstance(fields, list | tuple | set | frozenset) else set()
    return tuple(f for f in known if f in given)


@dataclass(frozen=True)
class Unit:
    """An administrative unit (UBND phường / quận / thành phố); ``parent`` goes up a level."""

    code: str
    name: str = ""
    parent: Unit | None = None

    def chain(self) -> list[Unit]:
        """This unit, then its parents up to the top (ward → district → city)."""
        out: list[Unit] = []
        node: Unit | None = self
        while node is not None:
            out.append(node)
            node = node.parent
        return out


@dataclass(frozen=True)
class Reminders:
    """Working days before the due date to remind, after it to escalate, and the hour."""

    before: tuple[int, ...] = (5, 2, 0)
    escalate: tuple[int, ...] = (1, 3)
    at: dt.time = dt.time(7, 30)


@dataclass(frozen=True)
class Due:
    """How an occurrence's deadline is found; exactly one field is set."""

    working_days: int | None = None
    before_end_working_days: int | None = None
    month_day: int | None = None
    date: dt.date | None = None

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Schedule:
    """How a task recurs: ``every`` period kind (or an RFC 5545 rule) between two dates."""

    every: str
    start: dt.date
    until: dt.date
    due: Due
    rrule: str | None = None


@dataclass(frozen=True)
class EvidenceRequirement:
    """A document each occurrence must collect — "tài liệu kiểm chứng"."""

    name: str
    kind: str
    required: bool = True

    @classmethod
    def many(cls, items: Any) -> tuple[EvidenceRequirement, ...]:
        """Requirements from checked file data (a list of mappings, or nothing)."""
        return tuple(
            cls(name=e["name"], kind=e["kind"], required=e.get("required", True))
            for e in items or []
        )


@dataclass(frozen=True)
class Role:
    """A position of the responsibility matrix — "chức danh" — never a person."""

    code: str
    title: str
    title_en: str = ""
    reports_to: str | None = None
    source: str = "plan"
    note: str = ""
    wording: str = ""
    inferred: tuple[str, ...] = ()
    duties: tuple[Duty, ...] = ()


@dataclass(frozen=True)
class Duty:
    """A duty section IV gives a position that is not a task of section II (nhiệm vụ của
    chức danh): ``ref`` is where the plan says it, ``tasks`` the tasks it concerns."""

    ref: str
    text: str
    tasks: tuple[str, ...] = ()


@dataclass(frozen=True)
class FundingSource:
    """Where the plan's money comes from (nguồn kinh phí); ``amount`` only when stated."""

    kind: str
    text: str
    amount: float | None = None
    unit: str = "VND"


@dataclass(frozen=True)
class Funding:
    """Section III of a plan — "kinh phí thực hiện": its sources and the criteria it feeds."""

    sources: tuple[FundingSource, ...]
    criteria: tuple[str, ...] = ()
    source: str = "plan"
    note: str = ""

    @classmethod
    def from_dict(cls, value: Any) -> Funding | None:
        """Funding from checked file data or its stored form (``as_dict``); None without."""
        if not isinstance(value, dict):
            return None
        return cls(
            sources=tuple(
                FundingSource(
                    kind=x["kind"],
                    text=x["text"],
                    amount=float(x["amount"]) if x.get("amount") is not None else None,
                    unit=x.get("unit") or "VND",
                )
                for x in value.get("sources") or []
            ),
            criteria=tuple(str(c) for c in value.get("criteria") or []),
            source=value.get("source") or "plan",
            note=value.get("note") or "",
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "sources": [
                {"kind": s.kind, "text": s.text, "amount": s.amount, "unit": s.unit}
                for s in self.sources
            ],
            "criteria": list(self.criteria),
            "source": self.source,
            "note": self.note,
        }


@dataclass(frozen=True)
class Area:
    """A task area of the plan (section II.n)."""

    code: str
    title: str
    title_en: str = ""


@dataclass(frozen=True)
class Target:
    """A measurable target of the plan (chỉ tiêu), e.g. on-time land dossiers ≥ 98 %."""

    code: str
    title: str
    metric: str
    owner: str
    title_en: str = ""
    scope: dict[str, object] = field(default_factory=dict)
    op: str | None = None
    value: float | None = None
    unit: str = "%"
    source: str = "plan"
    note: str = ""
    compare: str | None = None
    inferred: tuple[str, ...] = ()


@dataclass(frozen=True)
class Task:
    """A numbered task of the plan (nhiệm vụ), led by one role."""

    code: str
    area: str
    title: str
    lead: str
    schedule: Schedule
    reminders: Reminders
    title_en: str = ""
    support: tuple[str, ...] = ()
    approver: str | None = None
    evidence: tuple[EvidenceRequirement, ...] = ()
    criteria: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    source: str = "plan"
    note: str = ""
    inferred: tuple[str, ...] = ()

    def is_inferred(self, name: str) -> bool:
        """Whether the plan text does not give field ``name`` (``source`` is the lead's)."""
        return name in self.inferred or (name == "lead" and self.source == "inferred")


@dataclass(frozen=True)
class Plan:
    """A validated annual plan."""

    code: str
    title: str
    unit: Unit
    year: int
    issued: dt.date | None
    timezone: str
    roll: str
    reminders: Reminders
    areas: tuple[Area, ...]
    roles: tuple[Role, ...]
    targets: tuple[Target, ...]
    tasks: tuple[Task, ...]
    basis: tuple[str, ...] = ()
    framework: str | None = None
    inferred: tuple[str, ...] = ()
    funding: Funding | None = None
    kind: str = "plan"
    version: str = ""

    @property
    def is_template(self) -> bool:
        """Whether this is a province's template plan (kế hoạch mẫu), derived per unit."""
        return self.kind == "template"

    def role(self, code: str) -> Role:
        """The position ``code``; ``KeyError`` when the plan has none."""
        for r in self.roles:
            if r.code == code:
                return r
        raise KeyError(code)

    def task(self, code: str) -> Task:
        """The task ``code``; ``KeyError`` when the plan has none."""
        for t in self.tasks:
            if t.code == code:
                return t
        raise KeyError(code)

    def chain(self, role_code: str) -> list[str]:
        """``role_code`` and the roles above it, following ``reports_to`` to the top."""
        by_code = {r.code: r for r in self.roles}
        out = [role_code]
        while (up := by_code[out[-1]].reports_to) is not None and up not in out:
            out.append(up)
        return out


# --- the file's schema ----------------------------------------------------------------

_UNIT_REF = Str(CODE, description="Unit code")
_UNIT: Obj = Obj(
    {"code": Str(CODE), "name": Str(), "parent": _UNIT_REF},
    required=("code",),
    description="An administrative unit; parent is a code or another unit mapping",
    ref="unit",
)
# a parent may itself be a mapping with its own parent (ward → district → city)
_UNIT.fields = {**_UNIT.fields, "parent": AnyOf((Str(CODE), _UNIT))}

MIN_YEAR, MAX_YEAR = 2000, 2100  # the years a plan may be for

# a count of working days: a year has about 250, so more than a year's days is a mistake
MAX_WORKING_DAYS = 366

_REMINDERS = Obj(
    {
        "before": ListOf(Int(minimum=0, maximum=MAX_WORKING_DAYS)),
        "escalate": ListOf(Int(minimum=1, maximum=MAX_WORKING_DAYS)),
        "at": Time(description="Local time reminders are sent, HH:MM"),
    },
    description="Working days before the due date, working days after it, and the hour",
)
DUE_SCHEMA = _DUE = Obj(
    {
        "working_days": Int(minimum=0, maximum=MAX_WORKING_DAYS),
        "before_end_working_days": Int(minimum=0, maximum=MAX_WORKING_DAYS),
        "month_day": Int(minimum=1, maximum=31),
        "date": Date(),
    },
    description="Exactly one of the four keys",
)
_SCHEDULE = Obj(
    {
        "every": Enum(EVERY),
        "rrule": Str(description="RFC 5545 RRULE, only with every: rrule"),
        "start": Date(),
        "until": Date(),
        "due": _DUE,
    },
    required=("every", "due"),
)
_EVIDENCE = Obj(
    {"name": Str(), "kind": Enum(EVIDENCE_KINDS), "required": Bool(), "note": Str()},
    required=("name", "kind"),
)
_SOURCE = Enum(SOURCES)


def _inferred(fields: tuple[str, ...]) -> ListOf:
    return ListOf(
        Enum(fields),
        description="Fields the plan text does not give: our reading, to check and adjust",
    )


_FUNDING = Obj(
    {
        "sources": ListOf(
            Obj(
                {
                    "kind": Enum(FUNDING_KINDS),
                    "text": Str(),
                    "amount": Num(minimum=0),
                    "unit": Str(),
                },
                required=("kind", "text"),
            ),
            min_items=1,
        ),
        "criteria": ListOf(Str(CODE)),
        "source": _SOURCE,
        "note": Str(),
    },
    required=("sources",),
    description="Section III of the plan: where the money comes from",
)
_DUTY = Obj(
    {"ref": Str(), "text": Str(), "tasks": ListOf(Str(CODE))},
    required=("ref", "text"),
    description="A duty section IV gives the position, with the tasks it concerns",
)

TASK_SCHEMA = Obj(
    {
        "code": Str(CODE),
        "area": Str(CODE, integers=True),
        "title": Str(),
        "title_en": Str(),
        "lead": Str(CODE),
        "support": ListOf(Str(CODE)),
        "approver": Str(CODE),
        "schedule": _SCHEDULE,
        "reminders": _REMINDERS,
        "evidence": ListOf(_EVIDENCE),
        "criteria": ListOf(Str(CODE)),
        "targets": ListOf(Str(CODE)),
        "source": _SOURCE,
        "note": Str(),
        "inferred": _inferred(TASK_FIELDS),
    },
    required=("code", "area", "title", "lead", "schedule"),
)

PLAN_SCHEMA = Obj(
    {
        "format": Str(),
        "plan": Obj(
            {
                "code": Str(CODE),
                "title": Str(),
                "unit": _UNIT,
                "year": Int(minimum=MIN_YEAR, maximum=MAX_YEAR),
                "issued": Date(),
                "basis": ListOf(Str()),
                "framework": Str(CODE),
                "timezone": Str(),
                "note": Str(),
                "inferred": _inferred(PLAN_FIELDS),
                "funding": _FUNDING,
                "kind": Enum(
                    KINDS, description="template: a province's plan its units derive theirs from"
                ),
                "version": Str(
                    integers=True, description="The template's edition, as its issuer numbers it"
                ),
            },
            required=("code", "title", "unit", "year"),
        ),
        "defaults": Obj({"reminders": _REMINDERS, "roll": Enum(("next", "previous"))}),
        "areas": ListOf(
            Obj(
                {"code": Str(CODE, integers=True), "title": Str(), "title_en": Str()},
                required=("code", "title"),
            ),
            min_items=1,
        ),
        "roles": ListOf(
            Obj(
                {
                    "code": Str(CODE),
                    "title": Str(),
                    "title_en": Str(),
                    "reports_to": Str(CODE),
                    "source": _SOURCE,
                    "note": Str(),
                    "wording": Str(description="The position as the plan's text names it"),
                    "inferred": _inferred(ROLE_FIELDS),
                    "duties": ListOf(_DUTY),
                },
                required=("code", "title"),
            ),
            min_items=1,
        ),
        "targets": ListOf(
            Obj(
                {
                    "code": Str(CODE),
                    "title": Str(),
                    "title_en": Str(),
                    "metric": Enum(METRICS),
                    "scope": Obj(
                        {"field": Str(), "fields_except": ListOf(Str()), "each": Bool()},
                        description="Which dossiers: one field, all but some, each separately",
                    ),
                    "op": Enum(OPS),
                    "value": Num(minimum=0),
                    "unit": Str(),
                    "owner": Str(CODE),
                    "source": _SOURCE,
                    "note": Str(),
                    "compare": Enum(
                        COMPARES, description="The threshold is the previous year's figure"
                    ),
                    "inferred": _inferred(TARGET_FIELDS),
                },
                required=("code", "title", "metric", "owner"),
            )
        ),
        "tasks": ListOf(TASK_SCHEMA, min_items=1),
    },
    required=("format", "plan", "areas", "roles", "tasks"),
)
