"""Enforcing the policy: who is acting, may they, and a refusal the user understands.

Front ends say who is acting with an ``Identity`` (an officer's email from ``--as``,
``CCHC_USER`` or a signed-in web session; the local operator; a scheduled job). The use case
turns it into the policy's ``Actor`` for its unit, asks ``responsibilities.policy.decide``
and, when refused, raises ``Refused``: a message naming the rule and who may do it, in the
user's language. The unit of work then rolls back and audits the attempt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from domain.errors import CchcError
from domain.i18n import Lang
from responsibilities.holding import Holding
from responsibilities.policy import (
    APPRAISER,
    CHAIRMAN,
    PROVINCE_STAFF,
    Actor,
    Decision,
    Subject,
    decide,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from domain.plan import Plan
    from storage.occurrences import Context

IdentityKind = Literal["officer", "operator", "system"]
PROVINCE_ROLES = (PROVINCE_STAFF, APPRAISER)


@dataclass(frozen=True)
class Identity:
    """Who a front end says is acting. ``name``: an email for an officer, the login name
    for the operator, the job's name for the scheduler."""

    kind: IdentityKind
    name: str

    @classmethod
    def officer(cls, email: str) -> Identity:
        return cls("officer", email.strip().lower())

    @classmethod
    def operator(cls, login: str = "") -> Identity:
        if not login:
            import getpass

            try:
                login = getpass.getuser()
            except (KeyError, OSError):
                login = "operator"
        return cls("operator", login)

    @classmethod
    def system(cls, job: str) -> Identity:
        return cls("system", job)

    @property
    def audit_name(self) -> str:
        """What the audit log records as the actor."""
        return self.name if self.kind == "officer" else f"{self.kind}:{self.name}"


def actor_for(identity: Identity, holdings: list[Holding], names: dict[str, str]) -> Actor:
    """The policy's actor: an officer known to the unit, or ``unknown``."""
    if identity.kind == "operator":
        return Actor("operator", identity.audit_name)
    if identity.kind == "system":
        return Actor("system", identity.audit_name)
    email = identity.name
    if email in names:
        return Actor("officer", email, names[email])
    return Actor("unknown", email)


class Refused(CchcError):
    """Không được phép. Not allowed."""

    def __init__(
        self,
        *,
        actor: Actor,
        action: str,
        decision: Decision,
        on: dt.date,
        entity: str,
        key: str,
        unit_id: int | None,
        messages: dict[str, str],
    ) -> None:
        self.actor, self.action, self.decision, self.on = actor, action, decision, on
        self.entity, self.key, self.unit_id = entity, key, unit_id
        self.messages = messages
        super().__init__(messages["en"])

    def render(self, lang: Lang = "vi") -> str:
        return self.messages[lang]


@dataclass
class Gate:
    """What a use case needs to ask the policy for one unit: its holdings and names."""

    unit_id: int
    holdings: list[Holding]
    names: dict[str, str]
    plan: Plan | None = None

    @classmethod
    def load(cls, session: Session, unit_id: int, plan: Plan | None = None) -> Gate:
        from storage.officers import holdings, known_names

        return cls(
            unit_id,
            holdings(session=session, unit_id=unit_id),
            known_names(session=session, unit_id=unit_id),
            plan,
        )

    @classmethod
    def of(cls, ctx: Context) -> Gate:
        """The gate of ``ctx``'s unit from what the context has read already."""
        return cls(ctx.plan_row.unit_id, ctx.holdings, ctx.names(), ctx.plan)

    def actor(self, identity: Identity) -> Actor:
        return actor_for(identity, self.holdings, self.names)

    def check(
        self,
        identity: Identity,
        action: str,
        subject: Subject,
        *,
        on: dt.date,
        entity: str,
        key: str,
    ) -> Actor:
        """The acting ``Actor`` when the policy allows ``action``; ``Refused`` otherwise."""
        actor = self.actor(identity)
        decision = decide(actor, action, subject, on, self.holdings)
        if decision.allowed:
            return actor
        raise Refused(
            actor=actor,
            action=action,
            decision=decision,
            on=on,
            entity=entity,
            key=key,
            unit_id=self.unit_id,
            messages={
                lang: explain(actor, action, subject, decision, on, self, lang)
                for lang in ("vi", "en")
            },
        )

    def role_title(self, code: str, lang: Lang) -> str:
        if code in PROVINCE_ROLES:
            from domain.i18n import t

            return t(f"appraisal.role.{code}", lang)
        if self.plan is not None:
            try:
                role = self.plan.role(code)
            except KeyError:
                return code
            return role.title_en if lang == "en" and role.title_en else role.title
        return code


def explain(
    actor: Actor,
    action: str,
    subject: Subject,
    decision: Decision,
    on: dt.date,
    gate: Gate,
    lang: Lang,
) -> str:
    """The refusal in words: the rule, who may, and why this actor may not."""
    from domain.i18n import t

    verb = t(f"action.{action}", lang)
    who = _who_may(decision, gate, lang)
    params = {
        "actor": actor.label,
        "verb": verb,
        "who": who,
        "task": subject.task or "",
        "on": on.strftime("%d/%m/%Y"),
    }
    text = " ".join(t(f"refused.{decision.rule}", lang, **params).split()).replace(" ;", ";")
    text = text.replace(" .", ".")
    if decision.conflict:
        by = gate.names.get(decision.conflict, decision.conflict)
        own = "submitted" if decision.conflict == subject.submitted_by else "uploaded"
        text += " " + t(f"refused.conflict_{own}", lang, name=by)
    return text


def _who_may(decision: Decision, gate: Gate, lang: Lang) -> str:
    from domain.i18n import t

    parts = []
    for code in dict.fromkeys(decision.may):
        title = gate.role_title(code, lang)
        if decision.area and code != CHAIRMAN:
            title = t("refused.for_area", lang, title=title, area=decision.area)
        parts.append(title)
    return t("refused.or", lang).join(parts) if parts else ""


def check_installation(identity: Identity, action: str, now: dt.datetime) -> Actor:
    """The policy for an action on the whole installation rather than one unit (``evidence
    gc``, ``backup``, ``restore``): the acting ``Actor`` when allowed, ``Refused`` otherwise.
    Nothing is audited here: such actions may run with no database at all (a restore)."""
    on = now.date()
    gate = Gate(0, [], {})
    actor = (
        Actor("officer", identity.name)  # of whichever unit: no officer may, anyway
        if identity.kind == "officer"
        else gate.actor(identity)
    )
    decision = decide(actor, action, Subject(), on, [])
    if decision.allowed:
        return actor
    raise Refused(
        actor=actor,
        action=action,
        decision=decision,
        on=on,
        entity="installation",
        key=action,
        unit_id=None,
        messages={
            lang: explain(actor, action, Subject(), decision, on, gate, lang)
            for lang in ("vi", "en")
        },
    )
