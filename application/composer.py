"""What a message about occurrences says, composed when it is queued and again when it is sent.

A message carries *items*, one per thing it says about an occurrence: a reminder (step =
working days before the deadline), an escalation to the reader (step n, the position told),
the reader's own late work reported up (to whom), a submission waiting for the reader's
review, a return, an acceptance, an assignment. The items are stored with the outbox row
(``OutboxMessage.facts``), so delivery can re-check them against the occurrence as it is at
sending time (``application.freshness``) and render the text again with that day's figures.

One item gives the kind's own message; several (what one sweep has for one person) give one
``bundle`` listing them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.i18n import Lang
from domain.lifecycle import ACTIVE, RETURNED, SUBMITTED
from domain.occurrence import OccurrenceView
from domain.plan import Plan
from models import Occurrence
from notifications.render import (
    Rendered,
    assignment_context,
    bundle_context,
    bundle_item,
    escalation_context,
    nudge_context,
    occurrence_context,
    render,
    review_context,
    submitted_context,
    with_links,
)
from storage.evidence import missing_for_many
from storage.occurrences import Context, views

REMINDER, ESCALATION, REPORTED = "reminder", "escalation", "reported"
ACCEPTED, ASSIGNMENT, BUNDLE = "accepted", "assignment", "bundle"
NUDGE = "nudge"  # "Nhắc ngay": the CCHC officer or the chairman asks for the work now
CLOSED = frozenset({"accepted", "waived", "cancelled"})
SWEEP_KINDS = frozenset({REMINDER, ESCALATION, REPORTED})
CCHC_OFFICER = "cchc_officer"


@dataclass(frozen=True)
class Item:
    """One thing a message says about one occurrence.

    ``role`` is the position told (an escalation: the reader's; a submission: the approving
    one); ``instead`` marks an escalation told to the CCHC officer because there is nobody
    above the late officer; ``told`` names who a late officer's work was reported to (name,
    position code); ``by`` is the reviewer's or submitter's name, ``reason`` their words.
    """

    occurrence_id: int
    kind: str
    step: int = 0
    catch_up: bool = False
    role: str = ""
    instead: bool = False
    told: tuple[tuple[str, str], ...] = ()
    by: str = ""
    reason: str = ""
    since: dt.date | None = None

    @property
    def claim(self) -> str:
        """What the item is, as a string unique to it (reminder steps are claimed once)."""
        return f"{self.occurrence_id}:{self.kind}:{self.step}"

    @property
    def family(self) -> str:
        """Items of one family about one occurrence repeat each other: a newer one supersedes
        an older one still waiting (a reminder, then an escalation of the same work)."""
        return "sweep" if self.kind in SWEEP_KINDS else self.kind

    def current(self, status: str) -> bool:
        """Whether the item still has something to say about an occurrence in ``status``:
        reminders, escalations and assignments about finished work (submitted, accepted,
        waived, cancelled) have not, nor a return once resubmitted, nor a review request once
        reviewed, nor a nudge once the work is closed. An acceptance always has."""
        if self.kind in SWEEP_KINDS or self.kind == ASSIGNMENT:
            return status in ACTIVE
        if self.kind == SUBMITTED:
            return status == SUBMITTED
        if self.kind == RETURNED:
            return status == RETURNED
        if self.kind == NUDGE:
            return status not in CLOSED
        return True

    def fact(self) -> dict[str, Any]:
        out: dict[str, Any] = {"occurrence": self.occurrence_id, "kind": self.kind}
        if self.step:
            out["step"] = self.step
        for name in ("catch_up", "role", "instead", "by", "reason"):
            if value := getattr(self, name):
                out[name] = value
        if self.told:
            out["told"] = [list(pair) for pair in self.told]
        if self.since is not None:
            out["since"] = self.since.isoformat()
        return out

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Item:
        since = data.get("since")
        return cls(
            occurrence_id=int(data["occurrence"]),
            kind=str(data["kind"]),
            step=int(data.get("step", 0)),
            catch_up=bool(data.get("catch_up", False)),
            role=str(data.get("role", "")),
            instead=bool(data.get("instead", False)),
            told=tuple((str(n), str(r)) for n, r in data.get("told", [])),
            by=str(data.get("by", "")),
            reason=str(data.get("reason", "")),
            since=dt.date.fromisoformat(since) if since else None,
        )


def facts(email: str, items: Sequence[Item]) -> dict[str, Any]:
    """What an outbox row stores about its message: the recipient and the items."""
    return {"to": email, "items": [i.fact() for i in items]}


def items_of(stored: Mapping[str, Any] | None) -> list[Item]:
    return [Item.of(x) for x in (stored or {}).get("items", [])]


def message_kind(items: Sequence[Item]) -> str:
    """A single reminder, escalation or review notice keeps its own kind; anything more —
    or a late officer's "reported up" notice — is a bundle."""
    if len(items) == 1 and items[0].kind != REPORTED:
        return items[0].kind
    return BUNDLE


def bundle_key(items: Sequence[Item]) -> str:
    """The idempotency key of a bundle: the same items always give the same key."""
    digest = hashlib.sha256("|".join(sorted(i.claim for i in items)).encode()).hexdigest()
    return f"bundle:{digest[:24]}"


def role_title(plan: Plan, code: str, lang: str) -> str:
    """A position's title in ``lang`` (its code when the plan has no such position)."""
    try:
        role = plan.role(code)
    except KeyError:
        return code
    return role.title_en if lang == "en" and role.title_en else role.title


def _top(plan: Plan, lead: str) -> str | None:
    try:
        return plan.chain(lead)[-1]
    except KeyError:  # a position the revised plan no longer has
        return None


def message_views(
    ctx: Context,
    occurrences: Sequence[Occurrence],
    lang: Lang,
    missing: Mapping[int, list[str]] | None = None,
) -> dict[int, OccurrenceView]:
    """The occurrences as a message shows them at ``ctx.now``: the evidence listed is the
    required documents still missing (no upload that was not rejected; ``missing``: read
    already, by occurrence id)."""
    tasks = {t.code: t for t in ctx.plan.tasks}
    seen = list({o.id: o for o in occurrences}.values())
    out: dict[int, OccurrenceView] = {}
    shown = views(
        ctx.plan_row, session=ctx.session, now=ctx.now, occurrences=seen, lang=lang, ctx=ctx
    )
    if missing is None or any((o.id or 0) not in missing for o in seen):
        missing = missing_for_many([(o, tasks.get(o.task_code)) for o in seen], session=ctx.session)
    for occ, view in zip(seen, shown, strict=True):
        out[occ.id or 0] = dataclasses.replace(view, evidence=tuple(missing[occ.id or 0]))
    return out


def compose(
    ctx: Context,
    items: Sequence[Item],
    *,
    lang: Lang,
    recipient_name: str,
    kind: str | None = None,
    missing: Mapping[int, list[str]] | None = None,
) -> tuple[str, Rendered]:
    """The message about ``items`` for ``recipient_name`` as of ``ctx.now``: (kind, text);
    ``missing``: the documents each occurrence still lacks, when the caller read them for
    many messages at once."""
    kind = kind or message_kind(items)
    occurrences = {}
    for item in items:
        occ = ctx.session.get(Occurrence, item.occurrence_id)
        if occ is None:
            raise LookupError(f"occurrence {item.occurrence_id} is gone")
        occurrences[item.occurrence_id] = occ
    shown = message_views(ctx, list(occurrences.values()), lang, missing)
    unit_name = ctx.plan.unit.name or ctx.unit_code

    def title(code: str) -> str:
        return role_title(ctx.plan, code, lang)

    if kind == BUNDLE:
        entries = [
            bundle_item(
                shown[i.occurrence_id],
                kind=i.kind,
                step=i.step,
                position_title=title(occurrences[i.occurrence_id].lead_role),
                catch_up=i.catch_up,
                told=[(name, title(role)) for name, role in i.told],
                instead=i.instead,
            )
            for i in items
        ]
        context = bundle_context(
            lang=lang, unit_name=unit_name, recipient_name=recipient_name, items=entries
        )
        return kind, render(kind, with_links(context, ctx.base_url), lang)
    item = items[0]
    occ, view = occurrences[item.occurrence_id], shown[item.occurrence_id]
    base: dict[str, Any] = {
        "lang": lang,
        "unit_name": unit_name,
        "position_title": title(occ.lead_role),
        "recipient_name": recipient_name,
    }
    if kind == REMINDER:
        context = occurrence_context(view, catch_up=item.catch_up, **base)
    elif kind == ESCALATION:
        context = escalation_context(
            view,
            step=item.step,
            days_late=max(-view.working_days_left, 0),
            superior_role_title=title(item.role),
            at_top=_top(ctx.plan, occ.lead_role) == item.role,
            catch_up=item.catch_up,
            instead=item.instead,
            **base,
        )
    elif kind in (RETURNED, ACCEPTED):
        context = review_context(view, reviewer_name=item.by, reason=item.reason or None, **base)
    elif kind == ASSIGNMENT:
        context = assignment_context(view, since=item.since or ctx.today, **base)
    elif kind == SUBMITTED:
        context = submitted_context(
            view,
            approver_title=title(item.role),
            submitter_name=item.by,
            reason=item.reason or None,
            **base,
        )
    elif kind == NUDGE:
        context = nudge_context(
            view, sender_name=item.by, sender_title=title(item.role) if item.role else "", **base
        )
    else:
        raise ValueError(f"no message about occurrences of kind {kind!r}")
    return kind, render(kind, with_links(context, ctx.base_url), lang)
