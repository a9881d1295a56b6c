"""Emails link to the page they are about when the engine carries the web's public address
(``CCHC_BASE_URL``), also when delivery re-composes a waiting message — over a real SMTP
server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest
from smtp_server import LocalSmtp
from sqlmodel import Session, select
from test_notices import MAI, NHUNG, channels, local, notices_plan

from application.delivery import deliver
from application.occurrences import materialise_plan, transition
from cchc.tables import read_table
from models import OutboxMessage
from plans import HERE
from responsibilities.roster import read_roster
from storage.db import with_base_url
from storage.occurrences import find_occurrence
from storage.officers import import_roster
from storage.plans import find_plan, load_plan
from storage.units import get_unit

BASE = "https://cchc.phuhuu.gov.vn/"
START = local(2020, 6, 1, 6)


@pytest.fixture
def smtp() -> Iterator[LocalSmtp]:
    server = LocalSmtp().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def linked(engine, bundled_plan) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    """A session whose engine carries the public address, on the ward of ``test_notices``."""
    plan = notices_plan(bundled_plan)
    with Session(with_base_url(engine, BASE), expire_on_commit=False) as session:
        load_plan(plan, session=session, actor="test", now=START)
        unit_id = get_unit("phu-huu", session=session).id
        assert unit_id is not None
        header, rows = read_table(HERE / "demo-roster.csv")
        entries = read_roster(
            header,
            [(n, r) for n, r in rows if r.get("kind") != "acting"],
            file="demo-roster.csv",
            positions=[r.code for r in plan.roles],
            areas=[a.code for a in plan.areas],
        )
        import_roster(entries, session=session, unit_id=unit_id, actor="test", now=START)
        materialise_plan(
            find_plan(session=session, unit_id=unit_id), session=session, actor="test", now=START
        )
        session.commit()
        yield session


def test_submitted_and_returned_emails_link_to_the_occurrence(linked, engine, smtp) -> None:  # type: ignore[no-untyped-def]
    unit_id = get_unit("phu-huu", session=linked).id or 0
    occ = find_occurrence(unit_id, "T.SOON", "2020", session=linked)
    transition(occ, "submit", session=linked, actor=NHUNG, now=local(2020, 6, 8, 9))
    linked.commit()
    delivering = with_base_url(engine, BASE)
    assert deliver(delivering, channels(smtp), now=local(2020, 6, 8, 9, 30)).sent == 1
    transition(occ, "return", session=linked, actor=MAI, now=local(2020, 6, 8, 10), reason="Thiếu")
    linked.commit()
    assert deliver(delivering, channels(smtp), now=local(2020, 6, 8, 11)).sent == 1
    kinds = [m.kind for m in linked.exec(select(OutboxMessage))]
    assert kinds == ["submitted", "returned"]
    page = "https://cchc.phuhuu.gov.vn/nhiem-vu/T.SOON/2020"
    for received in smtp.received:
        message = message_from_bytes(received.content, policy=policy.default)
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
        assert page in text and f'href="{page}"' in html
        assert "cchc occurrence" not in text + html
