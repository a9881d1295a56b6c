"""Who may do what: every action × every kind of actor, as one table.

The ward of the tests: the chairman, two vice-chairmen with area scopes (3,6,7 and
1,2,4,5,8,9), the CCHC officer (away in July–August, when the office clerk acts for her),
the one-stop desk, justice, accounting, the office clerk, the Fatherland Front (a position
outside the matrix), a vice-chairman holding the chairman's delegation for one week, and an
officer whose holding ended. The work item is II.3.5: area 3, led by the one-stop desk with
the CCHC officer's support, approved by a vice-chairman; the one-stop officer submitted it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from responsibilities.holding import Holding
from responsibilities.policy import (
    ACTIONS,
    APPRAISAL,
    Actor,
    ProvinceGrant,
    Subject,
    decide,
    submission_is_final,
)

D = dt.date
START = D(2020, 1, 1)
ON = D(2020, 4, 15)  # an ordinary day
JULY = D(2020, 7, 15)  # the CCHC officer is away; the office clerk acts for her
DELEGATION = D(2020, 2, 5)  # the chairman's delegation to a vice-chairman runs

HOLDINGS = [
    Holding("hung@w", "Hùng", "chairman", START),
    Holding("mai@w", "Mai", "vice_chairman", START, scope=("3", "6", "7")),
    Holding("bao@w", "Bảo", "vice_chairman", START, scope=("1", "2", "4", "5", "8", "9")),
    Holding("bao@w", "Bảo", "chairman", D(2020, 2, 3), D(2020, 2, 7), "delegate", (), "hung@w"),
    Holding("nhung@w", "Nhung", "cchc_officer", START),
    Holding("son@w", "Sơn", "office", START),
    Holding("son@w", "Sơn", "cchc_officer", D(2020, 7, 1), D(2020, 8, 31), "acting", (), "nhung@w"),
    Holding("anh@w", "Ánh", "one_stop", START),
    Holding("tam@w", "Tâm", "justice", START),
    Holding("ha@w", "Hà", "accounting", START),
    Holding("lan@w", "Lan", "fatherland_front", START),
    Holding("phat@w", "Phát", "culture_info", START),
    Holding("loi@w", "Lợi", "party_mass_mobilisation", START),
    Holding("duc@w", "Đức", "peoples_council", START),
    Holding("cu@w", "Cũ", "justice", D(2019, 1, 1), D(2019, 12, 31)),
]

SUBJECT = Subject(
    task="II.3.5",
    area="3",
    lead="one_stop",
    support=("cchc_officer",),
    approver="vice_chairman",
    owner="one_stop",
    submitted_by="anh@w",
    uploaded_by="anh@w",
    officer="tam@w",
)


def officer(email: str) -> Actor:
    return Actor("officer", email)


# (label, actor, date): every kind of actor the issue lists
ACTORS = {
    "chairman": (officer("hung@w"), ON),
    "vice_chairman_area_3": (officer("mai@w"), ON),
    "vice_chairman_other_areas": (officer("bao@w"), ON),
    "cchc_officer": (officer("nhung@w"), ON),
    "one_stop_submitter": (officer("anh@w"), ON),
    "justice": (officer("tam@w"), ON),
    "accounting": (officer("ha@w"), ON),
    "office": (officer("son@w"), ON),
    "fatherland_front": (officer("lan@w"), ON),
    "culture_info": (officer("phat@w"), ON),
    "party_mass_mobilisation": (officer("loi@w"), ON),
    "peoples_council": (officer("duc@w"), ON),
    "acting_cchc_officer": (officer("son@w"), JULY),
    "cchc_officer_while_away": (officer("nhung@w"), JULY),
    "delegate_of_chairman": (officer("bao@w"), DELEGATION),
    "chairman_while_delegated": (officer("hung@w"), DELEGATION),
    "holding_ended": (officer("cu@w"), ON),
    "unknown": (Actor("unknown", "nobody@example.com"), ON),
    "operator": (Actor("operator", "operator:root"), ON),
    "scheduler": (Actor("system", "system:remind"), ON),
}

CHAIR = {"chairman", "delegate_of_chairman"}
ADMINS = CHAIR | {"cchc_officer", "acting_cchc_officer", "operator"}
# who may, per action; every other actor of ACTORS is refused
ALLOWED: dict[str, set[str]] = {
    "occurrence.start": {"one_stop_submitter"},
    "occurrence.submit": {"one_stop_submitter"},
    "evidence.upload": {"one_stop_submitter", "cchc_officer", "acting_cchc_officer"},
    "occurrence.accept": CHAIR | {"vice_chairman_area_3"},
    "occurrence.return": CHAIR | {"vice_chairman_area_3"},
    "evidence.accept": CHAIR | {"vice_chairman_area_3"},
    "evidence.reject": CHAIR | {"vice_chairman_area_3"},
    "evidence.read": CHAIR
    | {"vice_chairman_area_3", "one_stop_submitter", "cchc_officer", "acting_cchc_officer"},
    "occurrence.waive": CHAIR,
    "occurrence.remind": CHAIR | {"cchc_officer", "acting_cchc_officer"},
    "completeness.read": ADMINS,
    "par.edit": CHAIR | {"cchc_officer", "acting_cchc_officer"},
    "par.submit": CHAIR,
    "par.reopen": CHAIR,
    "measure.set": CHAIR | {"cchc_officer", "acting_cchc_officer", "one_stop_submitter"},
    "dossier.import": ADMINS | {"one_stop_submitter"},
    "dossier.apology": CHAIR | {"cchc_officer", "acting_cchc_officer", "one_stop_submitter"},
    "plan.load": ADMINS,
    "framework.load": ADMINS,
    "people.edit": ADMINS,
    "calendar.edit": ADMINS,
    "contact.edit": ADMINS | {"justice"},  # the subject is the justice officer's own contact
    "outbox.retry": ADMINS,
    "audit.read": ADMINS,
    "job.materialise": ADMINS | {"scheduler"},
    "job.remind": ADMINS | {"scheduler"},
    "job.digest": ADMINS | {"scheduler"},
    "job.deliver": ADMINS | {"scheduler"},
    "evidence.gc": {"operator"},
    "backup.create": {"operator"},
    "backup.restore": {"operator"},
    # the subject is the justice officer's own account
    "account.password": {"operator", "justice"},
    # an invitation (a link to the officer's own address): whoever may administer
    "account.invite": ADMINS,
    "account.token": {"operator", "justice"},
    # two-step sign-in on one's own account: only whoever may administer (not justice)
    "account.totp": {"operator"},
    "account.totp_reset": {"operator"},
    # the province's appraisal: nobody of the ward holds a province role; the ward reads its
    # appraisal only once round 1 is closed (the subject has no cycle yet)
    "appraisal.read": {"operator"},
    "appraisal.read_final": {"operator"},
    "appraisal.score": set(),
    "appraisal.explain": CHAIR | {"cchc_officer", "acting_cchc_officer"},
    "appraisal.manage": set(),
    "appraisal.assign": {"operator"},
    "ranking.read": {"operator"},
    # the unit's own pages, read as the unit's own (no relation): whoever reads its progress
    "unit.read": ADMINS,
}


def test_the_table_lists_every_action_and_every_rule_has_a_message() -> None:
    from domain.i18n import has

    assert set(ALLOWED) == set(ACTIONS)
    for action in ACTIONS:
        assert has(f"action.{action}"), action


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("label", sorted(ACTORS))
def test_who_may_do_what(action: str, label: str) -> None:
    actor, on = ACTORS[label]
    decision = decide(actor, action, SUBJECT, on, HOLDINGS)
    assert decision.allowed == (label in ALLOWED[action]), (label, action, decision)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("label", sorted(ACTORS))
def test_every_refusal_names_a_rule_with_a_message(action: str, label: str) -> None:
    from domain.i18n import has

    actor, on = ACTORS[label]
    decision = decide(actor, action, SUBJECT, on, HOLDINGS)
    assert has(f"refused.{decision.rule}") or decision.allowed


def test_a_refused_review_by_the_submitter_names_the_conflict_and_who_may() -> None:
    decision = decide(officer("anh@w"), "occurrence.accept", SUBJECT, ON, HOLDINGS)
    assert not decision.allowed
    assert decision.rule == "not_own_work" and decision.conflict == "anh@w"
    assert decision.may == ("vice_chairman", "chairman")


def test_the_approver_who_submitted_it_may_not_accept_it_either() -> None:
    own = Subject(
        task="II.3.5",
        area="3",
        lead="vice_chairman",
        approver="vice_chairman",
        submitted_by="mai@w",
    )
    assert not decide(officer("mai@w"), "occurrence.accept", own, ON, HOLDINGS).allowed
    assert decide(officer("hung@w"), "occurrence.accept", own, ON, HOLDINGS).allowed


def test_a_refusal_for_the_wrong_area_names_the_area() -> None:
    decision = decide(officer("bao@w"), "occurrence.accept", SUBJECT, ON, HOLDINGS)
    assert decision.rule == "approver_or_chairman" and decision.area == "3"


def test_uploaders_cannot_review_their_own_file_even_as_approver() -> None:
    uploaded = Subject(
        task="II.3.5", area="3", lead="one_stop", approver="vice_chairman", uploaded_by="mai@w"
    )
    assert not decide(officer("mai@w"), "evidence.accept", uploaded, ON, HOLDINGS).allowed
    assert decide(officer("mai@w"), "occurrence.accept", uploaded, ON, HOLDINGS).allowed


def test_the_chairmans_own_submission_of_a_task_the_chairman_approves_is_final() -> None:
    chairs = Subject(task="II.1.1", area="1", lead="chairman", approver="chairman")
    assert submission_is_final(officer("hung@w"), chairs, ON, HOLDINGS)
    assert submission_is_final(officer("bao@w"), chairs, DELEGATION, HOLDINGS)
    # a vice-chairman's submission of a task they approve still waits for the chairman
    own = Subject(task="II.3.1", area="3", lead="vice_chairman", approver="vice_chairman")
    assert not submission_is_final(officer("mai@w"), own, ON, HOLDINGS)
    # nor is anyone's submission of a task someone else approves
    assert not submission_is_final(officer("hung@w"), SUBJECT, ON, HOLDINGS)


@pytest.mark.parametrize("action", ["account.password", "account.token"])
def test_nobody_but_the_operator_manages_someone_elses_account(action: str) -> None:
    others = Subject(officer="anh@w")
    for email in ("hung@w", "nhung@w", "tam@w"):
        decision = decide(officer(email), action, others, ON, HOLDINGS)
        assert not decision.allowed and decision.rule == "operator_or_self", email
    assert decide(officer("anh@w"), action, others, ON, HOLDINGS).rule == "own_account"
    # an officer whose holding ended manages nothing, not even their own account
    mine = Subject(officer="cu@w")
    assert decide(officer("cu@w"), action, mine, ON, HOLDINGS).rule == "no_position"


def test_two_step_sign_in_is_for_administrators_on_their_own_account() -> None:
    for label in (
        "chairman",
        "cchc_officer",
        "acting_cchc_officer",
        "delegate_of_chairman",
    ):
        actor, on = ACTORS[label]
        mine = Subject(officer=actor.identity)
        assert decide(actor, "account.totp", mine, on, HOLDINGS).allowed, label
    for label in (
        "justice",
        "vice_chairman_area_3",
        "one_stop_submitter",
        "cchc_officer_while_away",
    ):
        actor, on = ACTORS[label]
        decision = decide(actor, "account.totp", Subject(officer=actor.identity), on, HOLDINGS)
        assert not decision.allowed and decision.rule == "totp_administrator", label
        assert decision.may == ("cchc_officer", "chairman")
    # never on someone else's account, and only the operator clears it
    others = Subject(officer="anh@w")
    assert decide(officer("hung@w"), "account.totp", others, ON, HOLDINGS).rule == (
        "operator_or_self"
    )
    mine = Subject(officer="hung@w")
    assert decide(officer("hung@w"), "account.totp_reset", mine, ON, HOLDINGS).rule == (
        "operator_only"
    )


def test_unknown_actions_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        decide(officer("hung@w"), "occurrence.delete", SUBJECT, ON, HOLDINGS)


# --- appraisal: the province's roles over the ward, by stage of the cycle

GRANTS = (
    ProvinceGrant("staff@p", "province_staff", START),
    ProvinceGrant("old@p", "province_staff", D(2019, 1, 1), D(2019, 12, 31)),
    ProvinceGrant("area3@p", "appraiser", START, year=2020, scope="3"),
    ProvinceGrant("crit12@p", "appraiser", START, year=2020, scope="1.2"),
    ProvinceGrant("last@p", "appraiser", START, year=2019, scope=""),
)
PROVINCE_ACTORS = {
    "province_staff": "staff@p",
    "staff_role_ended": "old@p",
    "appraiser_area_3": "area3@p",
    "appraiser_criterion_1_2": "crit12@p",
    "appraiser_of_last_year": "last@p",
    "ward_chairman": "hung@w",
    "ward_cchc_officer": "nhung@w",
    "ward_justice": "tam@w",
    "other_wards_officer": "someone@other",
}
STAGES = ("", "round1", "explanation", "round2", "closed", "published")
PROVINCE = {"province_staff"}
APPRAISERS = {"appraiser_area_3", "appraiser_criterion_1_2"}
WARD = {"ward_chairman", "ward_cchc_officer"}


def _province_allowed(action: str, item: str, stage: str) -> set[str]:
    """Who may, by the rules of the issue (written out independently of the policy)."""
    if action in ("appraisal.manage", "appraisal.assign"):
        return PROVINCE
    if action == "appraisal.score":
        return {"appraiser_area_3"} if item.startswith("3.") else {"appraiser_criterion_1_2"}
    if action == "ranking.read":
        return PROVINCE | APPRAISERS
    if action == "appraisal.explain":
        return WARD
    if action == "appraisal.read":  # comments reach the unit when round 1 closes
        closed = stage in ("explanation", "round2", "closed", "published")
        return PROVINCE | APPRAISERS | (WARD if closed else set())
    if action == "appraisal.read_final":  # final scores once published
        return PROVINCE | APPRAISERS | (WARD if stage == "published" else set())
    raise AssertionError(action)


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("item", ["3.2.1", "1.2.3"])
@pytest.mark.parametrize("action", APPRAISAL)
@pytest.mark.parametrize("label", sorted(PROVINCE_ACTORS))
def test_the_province_appraises_and_the_ward_sees_what_is_its_own(
    label: str, action: str, item: str, stage: str
) -> None:
    from domain.i18n import has

    subject = Subject(task=item, item=item, year=2020, stage=stage, grants=GRANTS)
    decision = decide(officer(PROVINCE_ACTORS[label]), action, subject, ON, HOLDINGS)
    assert decision.allowed == (label in _province_allowed(action, item, stage)), decision
    assert decision.allowed or has(f"refused.{decision.rule}")


def test_an_appraiser_scope_covers_its_area_or_criterion_only() -> None:
    grant = ProvinceGrant("a@p", "appraiser", START, year=2020, scope="3.2")
    assert grant.covers("3.2") and grant.covers("3.2.1")
    assert not grant.covers("3.20.1") and not grant.covers("3.1.1") and not grant.covers(None)
    assert ProvinceGrant("a@p", "appraiser", START).covers("9.9.9")
    # an area coded apart from its items' codes (A3 → 3.2.1) covers them through the subject
    area = ProvinceGrant("a@p", "appraiser", START, year=2020, scope="A3")
    assert area.covers("3.2.1", "A3", "3.2") and not area.covers("3.2.1", "A1", "1.2")
    subject = Subject(
        task="3.2.1", item="3.2.1", area="A3", criterion="3.2", year=2020, grants=(area,)
    )
    assert decide(officer("a@p"), "appraisal.score", subject, ON, HOLDINGS).allowed
    elsewhere = Subject(
        task="1.1.1", item="1.1.1", area="A1", criterion="1.1", year=2020, grants=(area,)
    )
    assert not decide(officer("a@p"), "appraisal.score", elsewhere, ON, HOLDINGS).allowed


# --- another unit's pages, read-only: the reader's own unit's holdings (HOLDINGS) and how the
# read unit stands to it; the province's roles over the read unit (GRANTS)

READERS = {**PROVINCE_ACTORS, "ward_one_stop": "anh@w", "acting_cchc_officer": "son@w"}
RELATED = ("below", "predecessor")


def _unit_read_allowed(relation: str) -> set[str]:
    """Who may read another unit's pages, by the issue's words: province users see every unit
    below them; a unit's officers (those who read its progress: the CCHC officer and the
    chairman) see the units below theirs and their predecessors, never an unrelated unit."""
    province = PROVINCE | APPRAISERS | {"appraiser_of_last_year"}  # no year asked
    return province | (WARD if relation in RELATED else set())


@pytest.mark.parametrize("relation", ["below", "predecessor", "other"])
@pytest.mark.parametrize("label", sorted(READERS))
def test_another_units_pages_are_read_by_the_province_and_the_units_above_or_after(
    label: str, relation: str
) -> None:
    from domain.i18n import has

    subject = Subject(relation=relation, grants=GRANTS)
    decision = decide(officer(READERS[label]), "unit.read", subject, ON, HOLDINGS)
    assert decision.allowed == (label in _unit_read_allowed(relation)), decision
    assert decision.allowed or has(f"refused.{decision.rule}")


def test_a_year_s_appraiser_reads_the_units_pages_of_that_year_only() -> None:
    subject = Subject(relation="below", grants=GRANTS, year=2020)
    assert decide(officer("area3@p"), "unit.read", subject, ON, HOLDINGS).allowed
    assert not decide(officer("last@p"), "unit.read", subject, ON, []).allowed


@pytest.mark.parametrize("relation", ["below", "predecessor", "other"])
@pytest.mark.parametrize("action", [a for a in ACTIONS if a != "unit.read"])
def test_nothing_but_reading_is_done_through_another_units_view(action: str, relation: str) -> None:
    """Not even the province's staff or the operator: a read-only view refuses every change
    (and every other reading) with the rule that says so."""
    from domain.i18n import has

    subject = Subject(relation=relation, grants=GRANTS)
    for who in (officer("staff@p"), officer("hung@w"), Actor("operator", "operator:root")):
        decision = decide(who, action, subject, ON, HOLDINGS)
        assert not decision.allowed, (who, action, relation)
        expected = "other_unit" if relation == "other" else "read_only_unit"
        assert decision.rule == expected and has(f"refused.{expected}")


def test_a_relation_the_policy_does_not_know_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        decide(officer("hung@w"), "unit.read", Subject(relation="sibling"), ON, HOLDINGS)
