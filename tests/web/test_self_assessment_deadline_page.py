"""The self-assessment deadline on /tinh/tham-dinh: the province's staff sets it in a small
form (dd/mm/yyyy) and reads it with the units submitted; anyone else is refused; a day off is
refused with the next working day as the hint."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import PHAT, csrf_of
from tests.web.test_unit_view_pages import (
    STAFF,
    province,  # noqa: F401  (the fixture)
)

PAGE = "/tinh/tham-dinh?nam=2020&don_vi=tp-hcm"
FORM = "/tinh/tham-dinh/han-tu-danh-gia"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _section(html: str) -> str:
    return _text(html.split('id="han-tu-danh-gia"', 1)[1].split("</section>", 1)[0])


@pytest.mark.usefixtures("province")
def test_the_staff_sets_the_deadline_and_reads_it_with_the_units_submitted(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    assert sign_in(STAFF).status_code == 303
    page = client.get(PAGE)
    assert page.status_code == 200, page.text[:500]
    assert "Chưa đặt hạn nộp." in _section(page.text)
    assert "Đã nộp: 0/" in _section(page.text)
    fields = {"csrf_token": csrf_of(page.text), "tinh": "tp-hcm", "nam": "2020"}
    done = client.post(FORM, data={**fields, "han": "30/06/2020"})
    assert done.status_code == 303, done.text[:500]
    shown = client.get(done.headers["location"])
    assert "Hạn nộp: 30/06/2020." in _section(shown.text)
    assert "Đã đặt hạn nộp tự đánh giá" in _section(shown.text)
    # not a date: the form's page again, saying how to write one
    bad = client.post(FORM, data={**fields, "han": "2020-13-45x"})
    assert bad.status_code == 422
    assert "ngày/tháng/năm" in _text(bad.text)
    # the CSRF token is required
    assert (
        client.post(FORM, data={**fields, "csrf_token": "", "han": "30/06/2020"}).status_code == 403
    )


@pytest.mark.usefixtures("province")
def test_a_tet_day_is_refused_with_the_next_working_day(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    assert sign_in(STAFF).status_code == 303
    page = client.get(PAGE)
    fields = {"csrf_token": csrf_of(page.text), "tinh": "tp-hcm", "nam": "2020"}
    refused = client.post(FORM, data={**fields, "han": "12/02/2021"})  # Tết Tân Sửu
    assert refused.status_code == 422, refused.text[:500]
    text = _text(refused.text)
    assert "12/02/2021" in text and "17/02/2021" in text, text[:2000]
    assert "Chưa đặt hạn nộp." in _section(refused.text)


@pytest.mark.usefixtures("province")
def test_a_ward_officer_may_not_set_it(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    assert sign_in(PHAT).status_code == 303
    token = csrf_of(client.get("/ho-so").text)
    refused = client.post(
        FORM, data={"csrf_token": token, "tinh": "tp-hcm", "nam": "2020", "han": "30/06/2020"}
    )
    assert refused.status_code == 403, refused.text[:500]
