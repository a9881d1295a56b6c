"""A unit's own pages read from above or after, read-only (``?don_vi=CODE``): the city's CCHC
staff and the district's CCHC officer open Phú Hữu's Tiến độ, Chỉ tiêu and Tự đánh giá from
``/tinh/tien-do`` — the same pages, with a banner, no form, no button — and a change posted
"on" the ward is refused by the policy (403), not merely hidden. An officer of another ward is
refused; the ward a predecessor was merged into reads its history; a reader who may not read
a unit's appraisal never sees its unpublished appraisal scores.

The units: tp-hcm (the city: its CCHC staff hold a province role there) → quan-9 (the
district: its CCHC officer Tuấn) → phu-huu (the ward of the fixtures), an-phu (another ward,
with its own CCHC officer) and phu-huu-cu (a ward merged into Phú Hữu on 1 June 2020)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlmodel import Session, select

from application.access import Identity
from application.identity import set_password
from application.uow import UnitOfWork
from tests.web.conftest import NHUNG, NOW, PASSWORD, PHAT, csrf_of, local, small_plan

STAFF = "staff@tphcm.gov.vn"  # the city's CCHC staff (province_staff over tp-hcm)
TUAN = "tuan.nv@quan9.gov.vn"  # the district's CCHC officer
BINH = "binh.cchc@anphu.gov.vn"  # An Phú's CCHC officer: another ward
OLD = "phu-huu-cu"  # merged into phu-huu on 1 June 2020
MONDAY = local(2020, 6, 15, 9)  # the pages' clock: T.A3 and T.A9 are overdue
BANNER = "Đang xem đơn vị UBND phường Phú Hữu (chỉ đọc)"
PAGES = ("/tien-do", "/chi-tieu", "/tu-danh-gia")


@pytest.fixture
def app(ward, engine, db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    from application.settings import Settings
    from tests.web.apps import web_app

    settings = Settings(home=tmp_path / "home", database_url=db_url, lang="vi")
    return web_app(settings, engine=engine, now=lambda: MONDAY)


def _roster(session: Session, unit: str, line: str) -> None:
    """One officer (a roster line) in ``unit``, holding a position there."""
    from cchc.tables import read_table
    from models import Position
    from responsibilities.roster import read_roster
    from storage.officers import import_roster
    from storage.units import get_unit

    uid = get_unit(unit, session=session).id or 0
    position = line.split(",")[3]
    if (
        session.exec(
            select(Position).where(Position.unit_id == uid, Position.code == position)
        ).first()
        is None
    ):
        session.add(Position(unit_id=uid, code=position, title="Công chức CCHC"))
        session.flush()
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{unit}.csv"
        path.write_text(
            "name,email,phone,position,scope,from,to,kind,acting_for\n" + line + "\n",
            encoding="utf-8",
        )
        header, rows = read_table(path)
    entries = read_roster(header, rows, file=path.name, positions=[position], areas=[])
    import_roster(entries, session=session, unit_id=uid, actor="test", now=NOW)


@pytest.fixture
def province(ward: UnitOfWork, engine, session: Session, load, bundled_plan, bundled_framework):  # type: ignore[no-untyped-def]
    """The city's staff, the district's officer, another ward and a predecessor, with
    passwords; the framework stored."""
    from models import Officer
    from storage.appraisal import add_role
    from storage.frameworks import load_framework
    from storage.occurrences import materialise
    from storage.plans import find_plan
    from storage.units import add_succession, get_unit

    load_framework(bundled_framework, session=session, actor="test", now=NOW)
    session.commit()
    plan = small_plan(bundled_plan)
    load(plan, now=local(2020, 6, 1, 6), unit_code="an-phu")
    load(plan, now=local(2020, 6, 1, 6), unit_code=OLD)
    city = get_unit("tp-hcm", session=session)
    staff = Officer(unit_id=city.id or 0, name="Lê Thị Sở", email=STAFF)
    session.add(staff)
    session.flush()
    add_role(
        session,
        unit_id=city.id or 0,
        officer=staff,
        role="province_staff",
        start=dt.date(2020, 1, 1),
        end=None,
        year=None,
        scope="",
        actor="test",
        now=NOW,
    )
    _roster(session, "quan-9", f"Nguyễn Văn Tuấn,{TUAN},0909000099,cchc_officer,,01/01/2020,,,")
    _roster(session, "an-phu", f"Trần Thanh Bình,{BINH},0909000098,cchc_officer,,01/01/2020,,,")
    old = get_unit(OLD, session=session)
    old.name = "UBND phường Phú Hữu cũ"
    session.add(old)
    materialise(  # its occurrences of the year, as its history
        find_plan(session=session, unit_id=old.id or 0),
        session=session,
        actor="t",
        now=local(2020, 6, 1),
    )
    add_succession(
        old,
        get_unit("phu-huu", session=session),
        dt.date(2020, 6, 1),
        "merge",
        session=session,
        actor="test",
        now=NOW,
    )
    session.commit()
    for email in (STAFF, TUAN, BINH):
        set_password(UnitOfWork(engine), Identity.operator("t"), email=email, password=PASSWORD,
                     now=NOW)  # fmt: skip
    return ward


def _main(html: str) -> str:
    """What the page itself shows (the top bar's sign-out form aside)."""
    return html.split("<main>", 1)[1].split("</main>", 1)[0]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _switch(client, sign_in, email: str) -> None:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    assert sign_in(email).status_code == 303


@pytest.mark.usefixtures("province")
def test_the_city_staff_opens_a_wards_pages_from_the_units_table_read_only(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    assert sign_in(STAFF).status_code == 303
    table = client.get("/tinh/tien-do?nam=2020")
    assert table.status_code == 200, table.text[:500]
    for path in PAGES:
        assert f'href="{path}?don_vi=phu-huu&amp;nam=2020"' in table.text, path
    for path in PAGES:
        page = client.get(f"{path}?don_vi=phu-huu&nam=2020")
        assert page.status_code == 200, (path, page.text[:800])
        main = _main(page.text)
        assert BANNER in _text(main), path
        assert 'href="/tinh/tien-do?nam=2020"' in main  # the way back
        assert "<form" not in main and "<button" not in main, path
        assert "/tai-lieu/" not in main, path  # the ward's documents are its officers'
    progress = client.get("/tien-do?don_vi=phu-huu&nam=2020").text
    assert "T.A9" in _text(progress) and "Nhắc ngay" not in progress  # who owes what, no button
    assert 'href="/nhiem-vu/T.A9/2020?don_vi=phu-huu"' in progress
    occurrence = client.get("/nhiem-vu/T.A9/2020?don_vi=phu-huu")
    assert occurrence.status_code == 200, occurrence.text[:800]
    main = _main(occurrence.text)
    assert BANNER in _text(main) and "T.A9" in main
    assert "<form" not in main and "<button" not in main
    assessment = _main(client.get("/tu-danh-gia?don_vi=phu-huu&nam=2020").text)
    assert 'id="muc-1.1.1"' in assessment and "Tải hồ sơ" not in _text(assessment)
    assert "Nộp bản tự đánh giá" not in _text(assessment)
    workbook = client.get("/tien-do.xlsx?don_vi=phu-huu&nam=2020")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"


@pytest.mark.usefixtures("province")
def test_a_change_posted_on_another_units_page_is_refused_by_the_policy(
    client, sign_in, engine
) -> None:  # type: ignore[no-untyped-def]
    from models import AuditEntry, OutboxMessage

    assert sign_in(STAFF).status_code == 303
    token = csrf_of(client.get("/tien-do?don_vi=phu-huu&nam=2020").text)
    posts = {
        "/tien-do/nhac/T.A9/2020": {},
        "/tu-danh-gia/1.1.2/diem": {"diem": "1", "ly_do": "x", "nam": "2020"},
        "/tu-danh-gia/cong-tru": {"thuong": "1", "ly_do_thuong": "x", "nam": "2020"},
        "/tu-danh-gia/nop": {"password": PASSWORD, "nam": "2020"},
        "/chi-tieu/so-lieu": {"code": "T1", "value": "1", "year": "2020"},
        "/nhiem-vu/T.A9/2020/start": {},
        "/nhiem-vu/T.A9/2020/waive": {"reason": "x"},
    }
    for path, form in posts.items():
        refused = client.post(f"{path}?don_vi=phu-huu", data={"csrf_token": token, **form})
        assert refused.status_code == 403, (path, refused.text[:500])
        assert "chỉ được xem đơn vị này (chỉ đọc)" in _text(refused.text), path
    assert client.get("/tu-danh-gia/nop?don_vi=phu-huu&nam=2020").status_code == 403
    with Session(engine) as session:
        assert not session.exec(select(OutboxMessage).where(OutboxMessage.kind == "nudge")).all()
        refusals = session.exec(
            select(AuditEntry).where(AuditEntry.action == "refused", AuditEntry.actor == STAFF)
        ).all()
        assert len(refusals) >= len(posts)


@pytest.mark.usefixtures("province")
def test_the_district_officer_reads_the_ward_below_and_not_beyond(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    assert sign_in(TUAN).status_code == 303
    page = client.get("/tien-do?don_vi=phu-huu&nam=2020")
    assert page.status_code == 200 and BANNER in _text(page.text)
    assert "<form" not in _main(page.text)
    assert client.get("/tu-danh-gia?don_vi=an-phu&nam=2020").status_code == 200
    assert client.get("/tien-do?don_vi=tp-hcm&nam=2020").status_code in (403, 404)


@pytest.mark.usefixtures("province")
def test_an_officer_of_another_ward_is_refused(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    assert sign_in(BINH).status_code == 303
    own = client.get("/tien-do?nam=2020")
    assert own.status_code == 200 and "(chỉ đọc)" not in own.text
    for path in (*PAGES, "/nhiem-vu/T.A9/2020"):
        refused = client.get(f"{path}?don_vi=phu-huu&nam=2020")
        assert refused.status_code == 403, path
        assert "không trực thuộc" in _text(refused.text), path
        assert "T.A9" not in refused.text  # nothing of the ward's page
    _switch(client, sign_in, PHAT)  # a ward's culture officer reads no other unit either
    assert client.get("/tien-do?don_vi=an-phu&nam=2020").status_code == 403


@pytest.mark.usefixtures("province")
def test_the_successor_reads_its_predecessors_history_read_only(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    assert sign_in(NHUNG).status_code == 303
    own = client.get("/tien-do?nam=2020")
    assert own.status_code == 200
    assert f'href="/tien-do?don_vi={OLD}&amp;nam=2020"' in own.text  # the history, linked
    assert "Nhắc ngay" in own.text  # her own unit's page is not read-only
    same = client.get("/tien-do?don_vi=phu-huu&nam=2020")
    assert same.status_code == 200 and "(chỉ đọc)" not in same.text
    for path in PAGES:
        page = client.get(f"{path}?don_vi={OLD}&nam=2020")
        assert page.status_code == 200, (path, page.text[:800])
        main = _main(page.text)
        assert "Đang xem đơn vị UBND phường Phú Hữu cũ (chỉ đọc)" in _text(main)
        assert 'href="/tien-do?nam=2020"' in main  # back to her own unit's progress
        assert "<form" not in main
    occurrence = client.get(f"/nhiem-vu/T.A3/2020?don_vi={OLD}")
    assert occurrence.status_code == 200 and "<form" not in _main(occurrence.text)
    assert "(chỉ đọc)" in occurrence.text
    token = csrf_of(own.text)
    refused = client.post(f"/tien-do/nhac/T.A9/2020?don_vi={OLD}", data={"csrf_token": token})
    assert refused.status_code == 403
    _switch(client, sign_in, PHAT)  # who may not read her own unit's progress reads no history
    assert client.get(f"/tien-do?don_vi={OLD}&nam=2020").status_code == 403
    _switch(client, sign_in, BINH)  # nor does another ward
    assert client.get(f"/tien-do?don_vi={OLD}&nam=2020").status_code == 403


@pytest.mark.usefixtures("province")
def test_unpublished_appraisal_scores_reach_only_who_may_read_the_appraisal(
    client, sign_in, engine
) -> None:  # type: ignore[no-untyped-def]
    """An appraisal score of the predecessor's item: its successor's officer (another unit)
    never sees it; the city's staff (who read every appraisal) do."""
    from models import AssessmentItem
    from storage.assessment import get_assessment
    from storage.units import get_unit

    with Session(engine) as session:
        uid = get_unit(OLD, session=session).id or 0
        assessment = get_assessment(session, uid, 2020, "par-ward-2020")
        session.add(AssessmentItem(assessment_id=assessment.id or 0, item="1.1.1",
                                   appraisal_1=0.37))  # fmt: skip
        session.commit()
    assert sign_in(NHUNG).status_code == 303
    page = _main(client.get(f"/tu-danh-gia?don_vi={OLD}&nam=2020").text)
    assert 'id="muc-1.1.1"' in page
    assert "0,37" not in page and "Thẩm định vòng 1" not in page
    _switch(client, sign_in, STAFF)
    page = _main(client.get(f"/tu-danh-gia?don_vi={OLD}&nam=2020").text)
    assert "0,37" in page and "Thẩm định vòng 1" in page


@pytest.mark.usefixtures("province")
def test_the_banner_in_english(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    from models import Officer

    with Session(engine) as session:
        tuan = session.exec(select(Officer).where(Officer.email == TUAN)).one()
        tuan.lang = "en"
        session.add(tuan)
        session.commit()
    assert sign_in(TUAN).status_code == 303
    text = _text(_main(client.get("/chi-tieu?don_vi=phu-huu&nam=2020").text))
    assert "Viewing unit UBND phường Phú Hữu (read-only)" in text
    assert "Back to the units' progress" in text or "Back to the units&#39; progress" in text


@pytest.mark.usefixtures("province")
def test_each_wards_officer_opens_their_own_units_occurrence_without_naming_it(
    client, sign_in, engine
) -> None:  # type: ignore[no-untyped-def]
    """Three units hold a plan here, so "the only unit with a plan" is no answer: an officer's
    own occurrence page (as linked from Việc của tôi, without ``don_vi``) is their unit's."""
    from storage.occurrences import materialise
    from storage.plans import find_plan
    from storage.units import get_unit

    with Session(engine) as session:
        unit_id = get_unit("an-phu", session=session).id or 0
        plan = find_plan(session=session, unit_id=unit_id)
        materialise(plan, session=session, actor="t", now=local(2020, 6, 1))
        session.commit()
    assert sign_in(BINH).status_code == 303
    page = client.get("/nhiem-vu/T.A9/2020")
    assert page.status_code == 200, page.text[:800]
    main = _main(page.text)
    assert "(chỉ đọc)" not in main
    assert "Phát" not in main  # An Phú's T.A9: its culture officer's post is vacant
    _switch(client, sign_in, PHAT)
    page = client.get("/nhiem-vu/T.A9/2020")
    assert page.status_code == 200, page.text[:800]
    main = _main(page.text)
    assert "Phát" in main and "(chỉ đọc)" not in main  # Phú Hữu's, which he leads
    assert "/nhiem-vu/T.A9/2020/start" in main  # and may start
