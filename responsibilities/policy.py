"""Who may do what — "phân quyền": one policy for every front end.

``decide(actor, action, subject, on, holdings)`` is a pure function: the application layer
calls it for every change, whichever front end (command line, web, scheduled job) asked, and
refuses, audits and explains what it refuses. Nothing here reads a database or a clock.

The rules, by action (a *position* answers through its holders on the action's date: the
appointed holder, or whoever acts for them — ``quyền`` — or holds their delegation —
``ủy quyền``; an area-scoped holder answers only for the areas of the scope):

- ``occurrence.start`` / ``occurrence.submit``: the task's lead position.
- ``evidence.upload``: the lead position or a support position of the task.
- ``occurrence.accept`` / ``occurrence.return`` / ``evidence.accept`` / ``evidence.reject``:
  the task's approver position, or the chairman — never the officer who submitted the
  occurrence or uploaded the file. A task without an approver is approved by the position
  the lead reports to (the chairman at the top).
- ``evidence.read`` (opening an uploaded document): whoever the occurrence concerns — its
  lead and support positions, its approver position, the chairman and the CCHC officer.
- ``occurrence.waive``: the chairman.
- ``completeness.read`` (the Tiến độ page, the completeness report of the whole unit) and
  ``occurrence.remind`` (reminding the officer of one occurrence now, "Nhắc ngay"): the CCHC
  officer or the chairman; the operator may read the report too (scripts and the command line
  without ``--as`` do).
- ``par.edit`` (scores, explanations, survey results, bonus and penalty): the CCHC officer or
  the chairman; ``par.submit`` / ``par.reopen``: the chairman.
- ``measure.set``: the CCHC officer, the chairman, or the position owning the target.
- ``dossier.import``, ``dossier.apology``: the one-stop desk, the CCHC officer or the chairman;
  the operator may import an export too (scripts do).
- administration (``ADMIN``: plans, frameworks, roster and holdings, calendar, others'
  contacts, outbox retries, running a job by hand): the CCHC officer, the chairman, or the
  installation's operator. ``contact.edit`` of one's own contact: the officer themself.
- ``job.*``: the scheduler, or anyone who may administer.
- accounts (``ACCOUNT``: setting a password, sending an invitation to set one, creating,
  listing and revoking API tokens): the operator for anyone; an officer sets their own
  password and manages their own tokens (``subject.officer``). Inviting an officer to set a
  password (``account.invite``: a one-time link sent to the officer's own address, also how
  the Cán bộ page resets an officer's sign-in) is the operator's or an administrator's (the
  CCHC officer or the chairman, as for ``ADMIN``): the administrator never sees the link.
  Nobody else — not even the CCHC officer or the chairman — touches another's password or
  tokens.
  Two-step sign-in (``account.totp``: turning on a TOTP code at sign-in) is for accounts with
  administrative rights: an officer on their own account who may administer (the CCHC officer
  or the chairman, as for ``ADMIN``); only the operator clears it (``account.totp_reset``).
- the province's appraisal (``APPRAISAL``), for the officers of a unit above the assessed
  unit (the province, through ``unit.parent_id``) who hold a ``ProvinceGrant`` there on the
  date: ``appraisal.manage`` (opening and closing rounds, publishing) and ``appraisal.assign``
  (naming appraisers) are the province's CCHC staff's (``province_staff``); the operator
  may assign too (setting up, like the roster). ``appraisal.score`` (an appraisal score and
  comment on an item) is an appraiser's of that year whose area or criterion covers the item
  — nobody else writes appraisal fields, and appraisers write nothing else.
  ``appraisal.read`` (the appraisal of a unit: round scores, comments, explanations) and
  ``ranking.read`` (the province's ranking): province staff and the year's appraisers, and
  the operator. The unit's own CCHC officer and chairman read their appraisal's round 1
  scores and comments once round 1 is closed (``comments_after_round_1``) and the final
  scores once published (``appraisal.read_final``); an officer of another unit holds no
  position in it and is refused. ``appraisal.explain`` (the unit's explanation per item in
  its window): the unit's CCHC officer or chairman.
- a unit's own pages read by someone who is not its officer (``unit.read``: Tiến độ, Chỉ
  tiêu, Tự đánh giá opened read-only — "xem đơn vị, chỉ đọc"). ``subject.relation`` says how
  the read unit stands to the reader's own unit, whose ``holdings`` are given: ``below`` (the
  read unit is below it in the tree), ``predecessor`` (the read unit was merged into it,
  transitively), ``other`` (neither); empty: the holdings are the read unit's own. Who may:
  the province's staff and appraisers with a role over the read unit (``subject.grants``);
  the CCHC officer or the chairman of the reader's unit when the read unit is below it or
  its predecessor (or is the unit itself); the operator. An officer of another unit is
  refused (``other_unit``), and nothing but reading is done through such a view: any other
  action with ``subject.relation`` set is refused (``read_only_unit``).
- the installation itself (``INSTALLATION``: removing leftovers of interrupted uploads,
  taking and restoring a backup): the operator only — it holds every unit's data and the
  audit key, beyond any one unit's positions.

The operator (a command run without ``--as``) administers but never acts in an officer's
name. An identity that is no officer of the unit, or an officer holding no position on the
date, is refused everything.

A chairman's own submission of a task the chairman approves is final: there is nobody above
the chairman in the unit to approve it (``submission_is_final``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from responsibilities.holding import Holding, holders

CHAIRMAN = "chairman"
CCHC_OFFICER = "cchc_officer"
ONE_STOP = "one_stop"

ActorKind = Literal["officer", "operator", "system", "unknown"]

OCCURRENCE_ACTIONS = (
    "occurrence.start",
    "occurrence.submit",
    "occurrence.accept",
    "occurrence.return",
    "occurrence.waive",
    "occurrence.remind",
)
EVIDENCE_ACTIONS = ("evidence.upload", "evidence.accept", "evidence.reject", "evidence.read")
PAR_ACTIONS = ("par.edit", "par.submit", "par.reopen")
DATA_ACTIONS = ("measure.set", "dossier.import", "dossier.apology", "completeness.read")
UNIT_READ = "unit.read"
RELATIONS = ("", "below", "predecessor", "other")  # the read unit to the reader's unit
ADMIN = (
    "plan.load",
    "framework.load",
    "people.edit",
    "calendar.edit",
    "contact.edit",
    "outbox.retry",
    "audit.read",
)
JOBS = ("job.materialise", "job.remind", "job.digest", "job.deliver")
INSTALLATION = ("evidence.gc", "backup.create", "backup.restore")
ACCOUNT = (
    "account.password",
    "account.invite",
    "account.token",
    "account.totp",
    "account.totp_reset",
)
OWN_ACCOUNT = ("account.password", "account.token")
PROVINCE_STAFF = "province_staff"
APPRAISER = "appraiser"
APPRAISAL = (
    "appraisal.read",
    "appraisal.read_final",
    "appraisal.score",
    "appraisal.explain",
    "appraisal.manage",
    "appraisal.assign",
    "ranking.read",
)
OPERATOR_APPRAISAL = ("appraisal.read", "appraisal.read_final", "appraisal.assign", "ranking.read")
ROUND_1_CLOSED = ("explanation", "round2", "closed", "published")
ACTIONS: tuple[str, ...] = (
    OCCURRENCE_ACTIONS
    + EVIDENCE_ACTIONS
    + PAR_ACTIONS
    + DATA_ACTIONS
    + ADMIN
    + JOBS
    + INSTALLATION
    + ACCOUNT
    + APPRAISAL
    + (UNIT_READ,)
)
OPERATOR_READS = ("dossier.import", "completeness.read", UNIT_READ)
REVIEWS = ("occurrence.accept", "occurrence.return", "evidence.accept", "evidence.reject")


@dataclass(frozen=True)
class Actor:
    """Who acts. ``identity`` is an officer's email (also for ``unknown``, as given), the
    operator's login name, or the job's name for ``system``."""

    kind: ActorKind
    identity: str
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.identity


@dataclass(frozen=True)
class ProvinceGrant:
    """An officer of a unit above the subject's unit in an appraisal role on a date range:
    ``province_staff``, or ``appraiser`` of ``year`` for the items under ``scope`` (an area
    ``3`` or criterion ``3.2``; empty: every item)."""

    officer: str
    role: str
    start: dt.date
    end: dt.date | None = None
    year: int | None = None
    scope: str = ""

    def active(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)

    def covers(self, item: str | None, *within: str | None) -> bool:
        """Whether the scope covers ``item``: the scope is the item, one of the area and
        criterion it is ``within``, or a code the item's starts with (``3.2`` → ``3.2.1``)."""
        if not self.scope:
            return True
        if self.scope in within:
            return True
        return item is not None and (item == self.scope or item.startswith(self.scope + "."))


@dataclass(frozen=True)
class Subject:
    """What an action is on: the task's positions for work, the people involved."""

    task: str | None = None
    area: str | None = None
    lead: str | None = None
    support: tuple[str, ...] = ()
    approver: str | None = None
    owner: str | None = None
    submitted_by: str | None = None
    uploaded_by: str | None = None
    officer: str | None = None
    item: str | None = None  # the assessment item an appraisal action is about
    criterion: str | None = None  # … and its criterion (``area``: its area)
    year: int | None = None
    stage: str = ""  # the appraisal cycle's stage (round1, explanation, round2, closed, …)
    grants: tuple[ProvinceGrant, ...] = ()  # the province roles over the subject's unit
    relation: str = ""  # another unit read through the reader's own unit: see ``RELATIONS``


@dataclass(frozen=True)
class Decision:
    """The answer, with what a refusal message needs: the ``rule`` applied, the positions
    that ``may`` do it (with the ``area`` they must cover), and the ``conflict`` (the
    officer's own submission or upload) when that is why."""

    allowed: bool
    rule: str
    may: tuple[str, ...] = ()
    area: str | None = None
    conflict: str | None = None
    through: tuple[str, ...] = field(default_factory=tuple)


def _holds(
    holdings: Sequence[Holding], who: str, position: str, on: dt.date, area: str | None
) -> bool:
    return any(h.officer == who for h in holders(holdings, position, on, area))


def _through(
    holdings: Sequence[Holding], who: str, positions: Iterable[str], on: dt.date, area: str | None
) -> tuple[str, ...]:
    return tuple(p for p in dict.fromkeys(positions) if p and _holds(holdings, who, p, on, area))


def decide(
    actor: Actor, action: str, subject: Subject, on: dt.date, holdings: Sequence[Holding]
) -> Decision:
    """May ``actor`` do ``action`` on ``subject`` on ``on``, given the unit's ``holdings``?"""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if subject.relation not in RELATIONS:
        raise ValueError(f"unknown relation {subject.relation!r}")
    if subject.relation == "other" and action != UNIT_READ:
        return Decision(False, "other_unit")
    if subject.relation and action != UNIT_READ:
        return Decision(False, "read_only_unit")
    if actor.kind == "unknown":
        return Decision(False, "unknown_identity")
    if actor.kind == "system":
        return Decision(action in JOBS, "scheduler" if action in JOBS else "scheduler_only_jobs")
    if action in INSTALLATION:
        return Decision(
            actor.kind == "operator", "operator" if actor.kind == "operator" else "operator_only"
        )
    if actor.kind == "operator":
        if (
            action in ADMIN
            or action in JOBS
            or action in ACCOUNT
            or action in OPERATOR_READS
            or action in OPERATOR_APPRAISAL
        ):
            return Decision(True, "operator")
        return Decision(False, "operator_not_officer")
    if action in APPRAISAL:
        return _appraisal(actor.identity, action, subject, on, holdings)
    if action == UNIT_READ:
        return _unit_read(actor.identity, subject, on, holdings)
    me = actor.identity
    if not any(h.officer == me and h.active(on) for h in holdings):
        return Decision(False, "no_position")
    area = subject.area

    def grant(rule: str, *positions: str | None, scoped: bool = True) -> Decision:
        wanted = tuple(p for p in positions if p)
        through = _through(holdings, me, wanted, on, area if scoped else None)
        return Decision(bool(through), rule, wanted, area if scoped else None, None, through)

    if action == "account.totp" and subject.officer == me:
        return grant("totp_administrator", CCHC_OFFICER, CHAIRMAN, scoped=False)
    if action == "account.invite":
        return grant("administrator", CCHC_OFFICER, CHAIRMAN, scoped=False)
    if action in ACCOUNT:
        if action in OWN_ACCOUNT and subject.officer == me:
            return Decision(True, "own_account")
        theirs = action in OWN_ACCOUNT or action == "account.totp"
        return Decision(False, "operator_or_self" if theirs else "operator_only")

    if action in ("occurrence.start", "occurrence.submit"):
        return grant("lead", subject.lead)
    if action == "evidence.upload":
        return grant("lead_or_support", subject.lead, *subject.support)
    if action == "evidence.read":
        return grant(
            "occurrence_reader",
            subject.lead,
            *subject.support,
            subject.approver,
            CHAIRMAN,
            CCHC_OFFICER,
        )
    if action in REVIEWS:
        own = subject.uploaded_by if action.startswith("evidence.") else None
        for who in (subject.submitted_by, own):
            if who and who == me:
                return Decision(
                    False, "not_own_work", (subject.approver or CHAIRMAN, CHAIRMAN), area, who
                )
        return grant("approver_or_chairman", subject.approver, CHAIRMAN)
    if action in ("occurrence.waive", "par.submit", "par.reopen"):
        return grant("chairman", CHAIRMAN, scoped=False)
    if action in ("par.edit", "completeness.read", "occurrence.remind"):
        return grant("cchc_officer_or_chairman", CCHC_OFFICER, CHAIRMAN, scoped=False)
    if action == "measure.set":
        return grant("measure", CCHC_OFFICER, CHAIRMAN, subject.owner, scoped=False)
    if action in ("dossier.import", "dossier.apology"):
        return grant("one_stop", ONE_STOP, CCHC_OFFICER, CHAIRMAN, scoped=False)
    if action == "contact.edit" and subject.officer and subject.officer == me:
        return Decision(True, "own_contact")
    # administration and jobs run by hand
    return grant("administrator", CCHC_OFFICER, CHAIRMAN, scoped=False)


def _appraisal(
    me: str, action: str, subject: Subject, on: dt.date, holdings: Sequence[Holding]
) -> Decision:
    """The province's appraisal: province staff, the year's appraisers, the unit's own."""
    mine = [g for g in subject.grants if g.officer == me and g.active(on)]
    staff = any(g.role == PROVINCE_STAFF for g in mine)
    appraisers = [
        g
        for g in mine
        if g.role == APPRAISER and (subject.year is None or g.year in (None, subject.year))
    ]
    if action in ("appraisal.manage", "appraisal.assign"):
        return Decision(staff, "province_staff", (PROVINCE_STAFF,))
    if action == "appraisal.score":
        where = (subject.area, subject.criterion)
        through = tuple(APPRAISER for g in appraisers if g.covers(subject.item, *where))[:1]
        return Decision(bool(through), "appraiser_scope", (APPRAISER,), None, None, through)
    if action in ("ranking.read", "appraisal.read", "appraisal.read_final") and (
        staff or appraisers
    ):
        return Decision(True, "province_user", through=(PROVINCE_STAFF if staff else APPRAISER,))
    if action == "ranking.read":
        return Decision(False, "province_user", (PROVINCE_STAFF, APPRAISER))
    own = _through(holdings, me, (CCHC_OFFICER, CHAIRMAN), on, None)
    if not own:
        if not any(h.officer == me and h.active(on) for h in holdings):
            return Decision(False, "no_position")
        return Decision(False, "cchc_officer_or_chairman", (CCHC_OFFICER, CHAIRMAN))
    if action == "appraisal.read" and subject.stage not in ROUND_1_CLOSED:
        return Decision(False, "comments_after_round_1", (PROVINCE_STAFF, APPRAISER))
    if action == "appraisal.read_final" and subject.stage != "published":
        return Decision(False, "scores_after_publication", (PROVINCE_STAFF, APPRAISER))
    return Decision(True, "own_unit", (CCHC_OFFICER, CHAIRMAN), through=own)


def _unit_read(me: str, subject: Subject, on: dt.date, holdings: Sequence[Holding]) -> Decision:
    """Another unit's pages, read-only: the province's roles over it; else the CCHC officer
    or the chairman of the unit above it or of the unit it was merged into."""
    for g in subject.grants:
        if (
            g.officer == me
            and g.active(on)
            and g.role in (PROVINCE_STAFF, APPRAISER)
            and (g.role == PROVINCE_STAFF or subject.year is None or g.year in (None, subject.year))
        ):
            return Decision(True, "unit_reader", through=(g.role,))
    if subject.relation == "other":
        return Decision(False, "other_unit", (PROVINCE_STAFF, APPRAISER))
    own = _through(holdings, me, (CCHC_OFFICER, CHAIRMAN), on, None)
    if own:
        return Decision(True, "unit_reader", (CCHC_OFFICER, CHAIRMAN), through=own)
    if not any(h.officer == me and h.active(on) for h in holdings):
        return Decision(False, "no_position")
    return Decision(False, "unit_reader", (CCHC_OFFICER, CHAIRMAN, PROVINCE_STAFF, APPRAISER))


def submission_is_final(
    actor: Actor, subject: Subject, on: dt.date, holdings: Sequence[Holding]
) -> bool:
    """A chairman's own submission of a task the chairman approves needs no one else's
    acceptance (nobody in the unit stands above the chairman): it is final as submitted."""
    return (
        actor.kind == "officer"
        and (subject.approver or CHAIRMAN) == CHAIRMAN
        and _holds(holdings, actor.identity, CHAIRMAN, on, None)
    )
