"""The province's appraisal on a real database: a province of three wards, a full cycle
(submitted → round 1 → explanation window → round 2 → published), the locks of each step,
who sees what, the notices and the audit trail, and the ranking with its XLSX and DOCX."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from sqlmodel import col, select

from application import appraisal as ap
from application import assessment as par
from application.access import Identity, Refused
from application.appraisal_ranking import ranking, write_docx, write_xlsx
from application.uow import UnitOfWork
from domain.errors import CchcError, ConflictError, LocalizedError, NotFoundError
from models import AuditEntry, OutboxMessage
from storage.frameworks import load_framework, read_framework_record
from storage.officers import add_officer, assign
from storage.units import get_unit

SUBMITTED = dt.datetime(2021, 1, 5, 2, 0, tzinfo=dt.UTC)  # Tuesday, 09:00 in Hồ Chí Minh City
ROUND1 = dt.datetime(2021, 1, 11, 2, 0, tzinfo=dt.UTC)  # Monday
CLOSE1 = dt.datetime(2021, 1, 15, 2, 0, tzinfo=dt.UTC)  # Friday: 5 working days → 22/01
EXPLAIN = dt.datetime(2021, 1, 20, 2, 0, tzinfo=dt.UTC)
LATE = dt.datetime(2021, 1, 25, 2, 0, tzinfo=dt.UTC)  # Monday after the deadline
CLOSE2 = dt.datetime(2021, 1, 27, 2, 0, tzinfo=dt.UTC)
PUBLISH = dt.datetime(2021, 1, 28, 2, 0, tzinfo=dt.UTC)
WARDS = ("w1", "w2", "w3")
STAFF = Identity.officer("staff@hcm.gov.vn")
COUNCIL = Identity.officer("council@hcm.gov.vn")  # appraises every item
AREA3 = Identity.officer("area3@hcm.gov.vn")  # appraises area 3 only
OPERATOR = Identity.operator("root")


def chair(ward: str) -> Identity:
    return Identity.officer(f"chair@{ward}.gov.vn")


def cchc(ward: str) -> Identity:
    return Identity.officer(f"cchc@{ward}.gov.vn")


@pytest.fixture
def province(session, load, bundled_framework):  # type: ignore[no-untyped-def]
    """tp-hcm (the bundled plan's city) with three wards under quan-9, each with its chairman
    and CCHC officer; the province's staff and two appraisers."""
    load_framework(bundled_framework, session=session, actor="test", now=SUBMITTED)
    for ward in WARDS:
        load(unit_code=ward)
        uid = get_unit(ward, session=session).id or 0
        for who, position in (("chair", "chairman"), ("cchc", "cchc_officer")):
            email = f"{who}@{ward}.gov.vn"
            add_officer(
                f"{who} {ward}", email, session=session, unit_id=uid, actor="t", now=SUBMITTED
            )
            assign(
                email,
                position,
                dt.date(2020, 1, 1),
                session=session,
                unit_id=uid,
                actor="t",
                now=SUBMITTED,
            )
    city = get_unit("tp-hcm", session=session).id or 0
    for ident, name in ((STAFF, "Sở Nội vụ"), (COUNCIL, "Hội đồng"), (AREA3, "Thẩm định LV3")):
        add_officer(name, ident.name, session=session, unit_id=city, actor="t", now=SUBMITTED)
    session.commit()
    return bundled_framework


@pytest.fixture
def uow(engine) -> UnitOfWork:  # type: ignore[no-untyped-def]
    return UnitOfWork(engine)


def _items(uow: UnitOfWork, framework: str) -> list[tuple[str, float]]:
    with uow as session:
        return [(i.code, i.max) for i in read_framework_record(framework, session=session).items()]


def _set_up_roles(uow: UnitOfWork) -> None:
    ap.grant_role(
        uow,
        OPERATOR,
        SUBMITTED,
        unit="tp-hcm",
        email=STAFF.name,
        role="province_staff",
        start=dt.date(2021, 1, 1),
    )
    # the staff names the council: one member for every item, one for area 3 of 2020
    ap.grant_role(
        uow,
        STAFF,
        SUBMITTED,
        unit="tp-hcm",
        email=COUNCIL.name,
        role="appraiser",
        start=dt.date(2021, 1, 1),
    )
    ap.assign(uow, STAFF, SUBMITTED, unit="tp-hcm", email=AREA3.name, year=2020, area="3")


def test_a_full_cycle_locks_each_step_and_ranks_the_province(uow, province, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _set_up_roles(uow)
    items = _items(uow, province.code)
    # a ward types in an appraisal score of its own before submitting: it will not count
    par.set_score(uow, cchc("w2"), SUBMITTED, unit="w2", year=2020, item="3.2.1",
                  appraisal_2=dict(items)["3.2.1"])  # fmt: skip
    for ward in WARDS:
        par.submit(uow, chair(ward), SUBMITTED, unit=ward, year=2020)

    # only the province's staff opens rounds; the ward and the appraisers may not
    for who in (chair("w1"), COUNCIL, cchc("w1")):
        with pytest.raises(Refused):
            ap.open_round(uow, who, ROUND1, unit="w1", year=2020)
    opened = ap.open_round(uow, STAFF, ROUND1, unit="tp-hcm", year=2020)
    assert [(r.unit, r.stage) for r in opened] == [(w, "round1") for w in WARDS]

    # the unit cannot reopen (nor edit) its self-assessment any more
    with pytest.raises(ConflictError) as frozen:
        par.reopen(uow, chair("w1"), ROUND1, unit="w1", year=2020, reason="sửa")
    assert "thẩm định" in frozen.value.render("vi")
    with pytest.raises(ConflictError):
        par.set_score(
            uow, cchc("w1"), ROUND1, unit="w1", year=2020, item="3.2.1", points=1, reason="x"
        )

    # appraisers write only their items; nobody else writes appraisal fields
    with pytest.raises(Refused) as out_of_scope:
        ap.score(uow, AREA3, ROUND1, unit="w1", year=2020, item="1.1.1", points=1)
    assert "3" not in out_of_scope.value.render("en") or "1.1.1" in out_of_scope.value.render("en")
    ap.score(
        uow,
        AREA3,
        ROUND1,
        unit="w1",
        year=2020,
        item="3.2.1",
        points=0.5,
        comment="Thiếu sổ theo dõi",
    )
    for who in (chair("w1"), STAFF, chair("w2")):
        with pytest.raises(Refused):
            ap.score(uow, who, ROUND1, unit="w1", year=2020, item="3.2.1", points=1)
    with pytest.raises(LocalizedError):
        ap.score(uow, COUNCIL, ROUND1, unit="w1", year=2020, item="3.2.1", points=99)

    # round 1 does not close while an item is unscored
    with pytest.raises(ConflictError) as unscored:
        ap.close_round(uow, STAFF, CLOSE1, unit="w1", year=2020)
    assert "chưa chấm" in unscored.value.render("vi")
    share = {"w1": 1.0, "w2": 0.5, "w3": 0.75}
    for ward in WARDS:
        for code, maximum in items:
            if (ward, code) != ("w1", "3.2.1"):
                ap.score(
                    uow,
                    COUNCIL,
                    ROUND1,
                    unit=ward,
                    year=2020,
                    item=code,
                    points=maximum * share[ward],
                    comment="",
                )

    # before round 1 closes the ward sees its stage, not the scores; another ward nothing
    early = ap.show(uow, chair("w1"), ROUND1, unit="w1", year=2020)
    assert early.stage == "round1" and not early.shows_round1
    assert all(i.round1 is None and not i.comment1 for i in early.items)
    with pytest.raises(Refused):
        ap.show(uow, chair("w2"), ROUND1, unit="w1", year=2020)
    assert ap.show(uow, AREA3, ROUND1, unit="w1", year=2020).shows_round1

    closed = ap.close_round(uow, STAFF, CLOSE1, unit="tp-hcm", year=2020)
    assert {r.due for r in closed} == {dt.date(2021, 1, 22)}  # 5 working days after Friday

    seen = ap.show(uow, cchc("w1"), EXPLAIN, unit="w1", year=2020)
    line = next(i for i in seen.items if i.code == "3.2.1")
    assert (line.round1, line.comment1) == (0.5, "Thiếu sổ theo dõi") and not seen.shows_final

    # the unit explains in its window, with its own evidence only; the province cannot
    with pytest.raises(NotFoundError):
        ap.explain(
            uow,
            cchc("w1"),
            EXPLAIN,
            unit="w1",
            year=2020,
            item="3.2.1",
            text="Đã bổ sung",
            evidence=(999,),
        )
    ap.explain(uow, cchc("w1"), EXPLAIN, unit="w1", year=2020, item="3.2.1", text="Đã bổ sung")
    with pytest.raises(Refused):
        ap.explain(uow, STAFF, EXPLAIN, unit="w1", year=2020, item="3.2.1", text="x")
    with pytest.raises(Refused):
        ap.explain(uow, chair("w2"), EXPLAIN, unit="w1", year=2020, item="3.2.1", text="x")
    # nobody appraises during the window; round 2 waits for its end
    with pytest.raises(ConflictError):
        ap.score(uow, COUNCIL, EXPLAIN, unit="w1", year=2020, item="3.2.1", points=1)
    with pytest.raises(ConflictError) as running:
        ap.open_round(uow, STAFF, EXPLAIN, unit="w1", year=2020)
    assert "22/01/2021" in running.value.render("vi")
    with pytest.raises(ConflictError) as over:
        ap.explain(uow, cchc("w1"), LATE, unit="w1", year=2020, item="3.2.1", text="muộn")
    assert "22/01/2021" in over.value.render("en")

    ap.open_round(uow, STAFF, LATE, unit="tp-hcm", year=2020)
    full = dict(items)["3.2.1"]
    ap.score(uow, AREA3, LATE, unit="w1", year=2020, item="3.2.1", points=full, comment="Đạt")
    during = ap.show(uow, chair("w1"), LATE, unit="w1", year=2020)
    assert all(i.round2 is None for i in during.items) and during.appraised_index is None
    ap.close_round(uow, STAFF, CLOSE2, unit="tp-hcm", year=2020)
    published = ap.publish(uow, STAFF, PUBLISH, unit="tp-hcm", year=2020)
    assert {r.unit: r.appraised_index for r in published} == {"w1": 100.0, "w2": 50.0, "w3": 75.0}

    # after publication: nothing changes, the unit sees its final scores
    with pytest.raises(ConflictError):
        ap.score(uow, COUNCIL, PUBLISH, unit="w1", year=2020, item="3.2.1", points=0)
    final = ap.show(uow, chair("w1"), PUBLISH, unit="w1", year=2020)
    assert final.shows_final and final.appraised_index == 100.0
    assert next(i for i in final.items if i.code == "3.2.1").round2 == full
    with pytest.raises(ConflictError):
        ap.publish(uow, STAFF, PUBLISH, unit="tp-hcm", year=2020)

    # the ranking: for the province; ranked by the published index
    with pytest.raises(Refused):
        ranking(uow, chair("w1"), PUBLISH, unit="tp-hcm", year=2020)
    report = ranking(uow, STAFF, PUBLISH, unit="tp-hcm", year=2020)
    assert [(x.code, x.rank, x.appraised_index) for x in report.lines] == [
        ("w1", 1, 100.0),
        ("w3", 2, 75.0),
        ("w2", 3, 50.0),
    ]
    assert all(x.stage == "published" and x.grade for x in report.lines)
    write_xlsx(report, tmp_path / "r.xlsx")
    write_docx(report, tmp_path / "r.docx")
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "r.xlsx").active
    assert sheet is not None
    assert [c.value for c in sheet[3]][:3] == [1, "w1", "w1"] or sheet.cell(3, 2).value == "w1"
    with zipfile.ZipFile(tmp_path / "r.docx") as z:
        body = z.read("word/document.xml").decode()
    assert "xếp hạng Chỉ số cải cách hành chính năm 2020" in body and "CỘNG HÒA" in body

    # each step was dated, audited and told to the unit's chairman and CCHC officer
    with uow as session:
        actions = set(session.exec(select(AuditEntry.action)).all())
        notices = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "appraisal")).all()
    assert {
        "appraisal_open_round1",
        "appraisal_close_round1",
        "appraisal_open_round2",
        "appraisal_close_round2",
        "appraisal_publish",
        "appraisal_score",
        "appraisal_explain",
        "appraisal_role",
        "appraisal_clear",
    } <= actions
    to_w1 = [n for n in notices if n.recipient == "chair@w1.gov.vn"]
    assert len(to_w1) == 5
    assert any("22/01/2021" in n.body for n in to_w1)
    assert len(final.steps) == 5 and final.steps[0]["step"] == "open_round1"


def test_roles_need_province_officers_and_a_real_scope(uow, province) -> None:  # type: ignore[no-untyped-def]
    _set_up_roles(uow)
    with pytest.raises(NotFoundError) as stranger:
        ap.assign(
            uow, STAFF, SUBMITTED, unit="tp-hcm", email="chair@w1.gov.vn", year=2020, area="3"
        )
    assert "cchc officer add" in stranger.value.render("vi")
    with pytest.raises(NotFoundError):
        ap.assign(
            uow, STAFF, SUBMITTED, unit="tp-hcm", email=COUNCIL.name, year=2020, criterion="42.1"
        )
    with pytest.raises(LocalizedError):
        ap.assign(uow, STAFF, SUBMITTED, unit="tp-hcm", email=COUNCIL.name, year=2020)
    with pytest.raises(Refused):
        ap.assign(uow, COUNCIL, SUBMITTED, unit="tp-hcm", email=AREA3.name, year=2020, area="1")
    with pytest.raises(LocalizedError):
        ap.grant_role(uow, OPERATOR, SUBMITTED, unit="tp-hcm", email=AREA3.name, role="boss")
    # a ward without a submitted self-assessment has nothing to open
    with pytest.raises(CchcError) as nothing:
        ap.open_round(uow, STAFF, ROUND1, unit="w1", year=2020)
    assert "chưa nộp" in nothing.value.render("vi")  # type: ignore[attr-defined]
    with pytest.raises(ConflictError):
        ap.open_round(uow, STAFF, ROUND1, unit="tp-hcm", year=2020)
    with uow as session:
        assert session.exec(select(col(AuditEntry.id))).first() is not None


def test_the_ranking_reads_the_same_number_of_queries_for_any_number_of_units(
    uow, engine, session, province
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    from models import UnitRecord

    _set_up_roles(uow)
    par.submit(uow, chair("w1"), SUBMITTED, unit="w1", year=2020)
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    def queries() -> int:
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            report = ranking(uow, STAFF, ROUND1, unit="tp-hcm", year=2020)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert report.lines
        return len(statements)

    few = queries()
    district = get_unit("quan-9", session=session).id
    for n in range(20):
        session.add(UnitRecord(code=f"x{n:02}", name=f"Phường {n}", parent_id=district))
    session.commit()
    assert queries() == few
    report = ranking(uow, STAFF, ROUND1, unit="tp-hcm", year=2020)
    assert len(report.lines) == 23
    assert {x.stage for x in report.lines} == {"submitted", "missing"}


def test_a_province_officer_signs_in_by_their_role_and_not_after_it_ends(uow, province) -> None:  # type: ignore[no-untyped-def]
    """The province's staff hold no position of a ward's plan: their role lets them sign in
    to the web pages, and only while it runs."""
    from application.identity import SignedIn, SignInRefused, set_password, sign_in

    password = "mật khẩu của sở nội vụ"
    set_password(uow, OPERATOR, email=STAFF.name, password=password, now=SUBMITTED)
    form = {"email": STAFF.name, "password": password, "address": "10.0.0.9"}
    with pytest.raises(SignInRefused):
        sign_in(uow, now=SUBMITTED, **form)
    ap.grant_role(
        uow,
        OPERATOR,
        SUBMITTED,
        unit="tp-hcm",
        email=STAFF.name,
        role="province_staff",
        start=dt.date(2021, 1, 1),
        end=dt.date(2021, 12, 31),
    )
    signed = sign_in(uow, now=ROUND1, **form)
    assert isinstance(signed, SignedIn) and signed.email == STAFF.name
    with pytest.raises(SignInRefused):
        sign_in(uow, now=dt.datetime(2022, 1, 3, 2, 0, tzinfo=dt.UTC), **form)


def test_a_ward_merged_during_the_year_is_listed_not_ranked(uow, session, province) -> None:  # type: ignore[no-untyped-def]
    from application.unit_mergers import merge_units
    from models import AppraisalCycle, Assessment

    def published(ward: str, year: int, index: float) -> None:
        uid = get_unit(ward, session=session).id or 0
        row = Assessment(unit_id=uid, year=year, framework_code=province.code, status="submitted")
        session.add(row)
        session.flush()
        session.add(
            AppraisalCycle(
                assessment_id=row.id or 0, unit_id=uid, year=year, stage="published",
                appraised_index=index, grade="tot",
            )
        )  # fmt: skip

    for ward, index in (("w1", 90.0), ("w2", 95.0), ("w3", 80.0)):  # 2019: w2, w1, w3
        published(ward, 2019, index)
    session.commit()
    merge_units(uow, OPERATOR, SUBMITTED, units=["w2"], into="w9", on=dt.date(2020, 7, 1),
                name="Phường Chín")  # fmt: skip
    for ward, index in (("w1", 85.0), ("w3", 88.0)):  # 2020: w3, w1; w9 not yet
        published(ward, 2020, index)
    session.commit()

    report = ranking(uow, OPERATOR, ROUND1, unit="tp-hcm", year=2020)
    lines = [(x.code, x.rank, x.rank_change, x.stage) for x in report.lines]
    # places moved are counted against 2019's ranking, w2 included: w3 3rd → 1st, w1 stays 2nd
    assert lines == [
        ("w3", 1, 2, "published"),
        ("w1", 2, 0, "published"),
        ("w9", None, None, "missing"),
        ("w2", None, None, "merged"),
    ]
    merged = report.lines[-1]
    assert merged.ended is not None
    assert merged.stage_text("vi") == "sáp nhập vào Phường Chín (w9) từ ngày 01/07/2020"
    assert merged.stage_text("en") == "merged into Phường Chín (w9) on 01/07/2020"
    assert [x.code for x in report.in_force] == ["w3", "w1", "w9"]

    # 2019 as it was: the three wards ranked, w9 did not exist
    earlier = ranking(uow, OPERATOR, ROUND1, unit="tp-hcm", year=2019)
    assert [(x.code, x.rank) for x in earlier.lines] == [("w2", 1), ("w1", 2), ("w3", 3)]


def test_a_stranger_is_refused_before_learning_the_stage_or_the_scope(uow, province) -> None:  # type: ignore[no-untyped-def]
    """Nothing is submitted: the staff hears so (409), another ward's officer and an appraiser
    are refused (403) whatever the stage, never told what is or is not there."""
    _set_up_roles(uow)
    other = cchc("w2")  # an officer of another ward
    for who in (other, COUNCIL):
        with pytest.raises(Refused):
            ap.open_round(uow, who, ROUND1, unit="w1", year=2020)
        with pytest.raises(Refused):
            ap.open_round(uow, who, ROUND1, unit="tp-hcm", year=2020)
        with pytest.raises(Refused):
            ap.publish(uow, who, ROUND1, unit="w1", year=2020)
        with pytest.raises(Refused):  # a scope that does not exist: still the policy first
            ap.assign(
                uow, who, ROUND1, unit="tp-hcm", email=AREA3.name, year=2020, criterion="42.1"
            )
    with pytest.raises(ConflictError):
        ap.open_round(uow, STAFF, ROUND1, unit="w1", year=2020)
    with pytest.raises(Refused):  # no appraiser: refused, though nothing is open to score
        ap.score(uow, other, ROUND1, unit="w1", year=2020, item="3.2.1", points=0.5)
    with pytest.raises(ConflictError):  # an appraiser: nothing submitted to score yet
        ap.score(uow, COUNCIL, ROUND1, unit="w1", year=2020, item="3.2.1", points=0.5)
    with pytest.raises(Refused):  # not an officer of w1: refused before the window is looked at
        ap.explain(uow, other, ROUND1, unit="w1", year=2020, item="3.2.1", text="Đã bổ sung")
    with pytest.raises(ConflictError):  # w1's own CCHC officer: no explanation window yet
        ap.explain(uow, cchc("w1"), ROUND1, unit="w1", year=2020, item="3.2.1", text="Đã bổ sung")
