"""A small province for the appraisal pages, built quickly on the web fixtures' ward: Phú Hữu
(the conftest's ward: Nhung its CCHC officer, Hùng its chairman, Phát a culture officer) and a
second ward ``w2`` of the bundled plan, both under Quận 9 of Thành phố Hồ Chí Minh; the city's
CCHC staff (``STAFF``), a council member who appraises every item (``COUNCIL``) and one who
appraises area 3 only (``AREA3``), each with a password; a document of Phú Hữu for T.A3 (items
3.1.1–3.1.3). The pages' clock is ``Clock``: the tests move it from step to step.

The dates are those of the integration test of the cycle: submitted on Tuesday 5 January 2021,
round 1 from Monday 11, closed Friday 15 (five working days to explain: until 22 January),
round 2 from Monday 25, closed on 27 and published on 28 January."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from application import appraisal as ap
from application.access import Identity
from application.settings import Settings
from application.uow import UnitOfWork
from tests.web.conftest import NHUNG, PASSWORD, local

HUNG = "hung.nv@phuhuu.gov.vn"  # Phú Hữu's chairman in the demo roster
STAFF = "noivu@hcm.gov.vn"
COUNCIL = "hoidong@hcm.gov.vn"
AREA3 = "linhvuc3@hcm.gov.vn"
W2_CHAIR = "chair@w2.gov.vn"
W2_CCHC = "cchc@w2.gov.vn"
OPERATOR = Identity.operator("test")
YEAR = 2020

SUBMITTED = local(2021, 1, 5, 9)
ROUND1 = local(2021, 1, 11, 9)
CLOSE1 = local(2021, 1, 15, 9)
EXPLAIN = local(2021, 1, 20, 9)
ROUND2 = local(2021, 1, 25, 9)
CLOSE2 = local(2021, 1, 27, 9)
PUBLISH = local(2021, 1, 28, 9)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Clock:
    """The pages' clock, set by the test."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


def build_province(engine, session, load, bundled_framework, home: Path) -> UnitOfWork:  # type: ignore[no-untyped-def]
    """The province around the conftest's ward (which must be set up already)."""
    from application.evidence import disk_store, upload
    from application.identity import set_password
    from storage.evidence import Upload
    from storage.frameworks import load_framework
    from storage.officers import add_officer, assign
    from storage.units import get_unit

    at = local(2020, 6, 8, 9)
    load_framework(bundled_framework, session=session, actor="test", now=at)
    session.commit()
    load(unit_code="w2")
    w2 = get_unit("w2", session=session).id or 0
    for email, position in ((W2_CHAIR, "chairman"), (W2_CCHC, "cchc_officer")):
        add_officer(email.split("@")[0], email, session=session, unit_id=w2, actor="t", now=at)
        assign(email, position, dt.date(2020, 1, 1), session=session, unit_id=w2, actor="t",
               now=at)  # fmt: skip
    city = get_unit("tp-hcm", session=session).id or 0
    for email, name in ((STAFF, "Sở Nội vụ"), (COUNCIL, "Hội đồng"), (AREA3, "Thẩm định LV3")):
        add_officer(name, email, session=session, unit_id=city, actor="t", now=at)
    session.commit()
    uow = UnitOfWork(engine)
    start = dt.date(2021, 1, 1)
    ap.grant_role(uow, OPERATOR, SUBMITTED, unit="tp-hcm", email=STAFF, role="province_staff",
                  start=start)  # fmt: skip
    ap.grant_role(uow, Identity.officer(STAFF), SUBMITTED, unit="tp-hcm", email=COUNCIL,
                  role="appraiser", start=start)  # fmt: skip
    ap.assign(uow, Identity.officer(STAFF), SUBMITTED, unit="tp-hcm", email=AREA3, year=YEAR,
              area="3")  # fmt: skip
    for email in (HUNG, STAFF, COUNCIL, AREA3, W2_CHAIR, W2_CCHC):
        set_password(uow, OPERATOR, email=email, password=PASSWORD, now=at)
    upload(
        uow,
        Identity.officer(NHUNG),
        at,
        task="T.A3",
        period="2020",
        unit="phu-huu",
        files=[Upload("so-theo-doi.pdf", PDF, summary="Sổ theo dõi hồ sơ")],
        store=disk_store(home),
        max_bytes=10_000_000,
    )
    return uow


def settings_of(db_url: str, home: Path) -> Settings:
    return Settings(home=home, database_url=db_url, lang="vi")


def items(uow: UnitOfWork) -> list[tuple[str, float]]:
    from storage.frameworks import read_framework_record

    with uow as session:
        record = read_framework_record("par-ward-2020", session=session)
        return [(i.code, i.max) for i in record.items()]


def submit_all(uow: UnitOfWork) -> None:
    from application import assessment as par

    par.submit(uow, Identity.officer(HUNG), SUBMITTED, unit="phu-huu", year=YEAR)
    par.submit(uow, Identity.officer(W2_CHAIR), SUBMITTED, unit="w2", year=YEAR)


def score_rest(
    uow: UnitOfWork,
    now: dt.datetime,
    *,
    units: Iterable[str] = ("phu-huu", "w2"),
    share: float = 0.75,
    skip: Iterable[tuple[str, str]] = (),
) -> None:
    """The council scores every item of ``units`` (``share`` of its maximum) but ``skip``."""
    left_out = set(skip)
    member = Identity.officer(COUNCIL)
    for unit in units:
        for code, most in items(uow):
            if (unit, code) not in left_out:
                ap.score(uow, member, now, unit=unit, year=YEAR, item=code,
                         points=most * share)  # fmt: skip
