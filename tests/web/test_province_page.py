"""The province's page (``/tinh/tien-do``): a district officer reads the wards below the
district side by side; a ward's officer is refused or told there is nothing below."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from application.access import Identity
from application.identity import set_password
from application.uow import UnitOfWork
from tests.web.conftest import NHUNG, NOW, PASSWORD, PHAT
from tests.web.test_unit_view_pages import OLD as MERGED_WARD
from tests.web.test_unit_view_pages import STAFF as UNIT_VIEW_STAFF
from tests.web.test_unit_view_pages import province  # noqa: F401  (the fixture)

TUAN = "tuan.nv@quan9.gov.vn"  # the district's CCHC officer


def _district_officer(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import Session

    from cchc.tables import read_table
    from models import Position
    from responsibilities.roster import read_roster
    from storage.officers import import_roster
    from storage.units import get_unit

    roster = tmp_path / "quan-9.csv"
    roster.write_text(
        "name,email,phone,position,scope,from,to,kind,acting_for\n"
        f"Nguyễn Văn Tuấn,{TUAN},0909000099,cchc_officer,,01/01/2020,,,\n",
        encoding="utf-8",
    )
    header, rows = read_table(roster)
    entries = read_roster(header, rows, file=roster.name, positions=["cchc_officer"], areas=[])
    with Session(engine, expire_on_commit=False) as session:
        uid = get_unit("quan-9", session=session).id or 0
        # the district's own position (its plan would give it; the district has none here)
        session.add(Position(unit_id=uid, code="cchc_officer", title="Chuyên viên CCHC quận"))
        session.flush()
        import_roster(entries, session=session, unit_id=uid, actor="test", now=NOW)
        session.commit()
    set_password(UnitOfWork(engine), Identity.operator("test"), email=TUAN, password=PASSWORD,
                 now=NOW)  # fmt: skip


def test_a_district_officer_reads_the_wards_below(  # type: ignore[no-untyped-def]
    engine, client, sign_in, tmp_path: Path
) -> None:
    _district_officer(engine, tmp_path)
    assert sign_in(TUAN).status_code == 303
    page = client.get("/tinh/tien-do?nam=2020")
    assert page.status_code == 200, page.text[:500]
    text = page.text
    assert "Tiến độ thực hiện kế hoạch CCHC năm 2020 của các đơn vị thuộc UBND Quận 9" in text
    assert 'id="unit-phu-huu"' in text and "UBND phường Phú Hữu" in text
    assert "chưa nộp tự đánh giá" in text and "<script" not in text.split("</head>")[1]
    assert client.get("/tinh/tien-do?nam=20x0").status_code == 422


def test_a_ward_officer_is_refused_or_told_nothing_is_below(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    assert sign_in(PHAT).status_code == 303
    assert client.get("/tinh/tien-do").status_code == 403
    client.post("/dang-xuat", data={})
    client.cookies.clear()
    assert sign_in(NHUNG).status_code == 303
    page = client.get("/tinh/tien-do?nam=2020")
    assert page.status_code in (404, 409, 422) and "không có đơn vị trực thuộc" in page.text
    assert client.get("/tinh/tien-do?nam=2020&don_vi=quan-9").status_code == 403


@pytest.mark.usefixtures("province")
def test_a_merged_ward_reads_merged_into_its_successor_on_the_day(client, sign_in, session) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from storage.units import get_unit

    old = get_unit(MERGED_WARD, session=session)
    old.valid_to = dt.date(2020, 5, 31)  # its last day, as `cchc unit merge` leaves it
    session.add(old)
    session.commit()
    assert sign_in(UNIT_VIEW_STAFF).status_code == 303
    page = client.get("/tinh/tien-do?nam=2020&don_vi=tp-hcm")
    assert page.status_code == 200, page.text[:500]
    row = page.text.split(f'id="unit-{MERGED_WARD}"', 1)[1].split("</tr>", 1)[0]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
    assert "sáp nhập vào UBND phường Phú Hữu (phu-huu) từ ngày 01/06/2020" in text, text
    assert "đã sáp nhập hoặc đổi tên" not in text


def test_a_district_officer_lands_on_the_progress_of_the_wards_below(  # type: ignore[no-untyped-def]
    engine, client, sign_in, tmp_path: Path
) -> None:
    _district_officer(engine, tmp_path)  # the district has no plan: no work of its own
    assert sign_in(TUAN).status_code == 303
    landing = client.get("/")
    assert landing.status_code == 303, landing.text[:500]
    assert landing.headers["location"] == "/tinh/tien-do"
    assert "UBND phường Phú Hữu" in client.get(landing.headers["location"]).text


@pytest.mark.usefixtures("province")
def test_the_province_staff_lands_on_the_appraisal(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    assert sign_in(UNIT_VIEW_STAFF).status_code == 303
    landing = client.get("/")
    assert landing.status_code == 303, landing.text[:500]
    assert landing.headers["location"] == "/tinh/tham-dinh"
    assert client.get(landing.headers["location"]).status_code == 200


def test_a_ward_officer_still_lands_on_their_work(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    assert sign_in(PHAT).status_code == 303
    assert client.get("/").status_code == 200
