"""The navigation offers each officer the pages their positions let them use, and the
Quản trị index lists the administration pages of an administrator, nothing for the others."""

from __future__ import annotations

import pytest

from application.access import Identity
from application.occurrences import act
from tests.web.conftest import MAI, NHUNG, PHAT, local

YEAR_END = ('href="/chi-tieu"', 'href="/tu-danh-gia"', 'href="/quan-tri"', 'href="/tien-do"')
ADMIN_PAGES = (
    "/quan-tri/ke-hoach",
    "/quan-tri/can-bo",
    "/quan-tri/lich-lam-viec",
    "/quan-tri/nhat-ky",
    "/quan-tri/hop-thu-di",
)


@pytest.mark.parametrize("path", ["/", "/cho-duyet", "/lich", "/ho-so"])
def test_the_cchc_officer_is_offered_the_year_end_and_administration(  # type: ignore[no-untyped-def]
    client, sign_in, path: str
) -> None:
    sign_in(NHUNG)
    html = client.get(path).text
    for link in YEAR_END:
        assert link in html, (path, link)


@pytest.mark.parametrize("email", [PHAT, MAI])
def test_an_officer_without_those_rights_is_not_offered_them(  # type: ignore[no-untyped-def]
    client, sign_in, email: str
) -> None:
    sign_in(email)
    html = client.get("/").text
    for link in YEAR_END:
        assert link not in html, (email, link)
    assert 'href="/cho-duyet"' in html  # what every officer has stays


@pytest.mark.parametrize("path", ["/", "/cho-duyet", "/lich", "/ho-so"])
def test_the_approval_badge_counts_what_waits_on_every_page(  # type: ignore[no-untyped-def]
    client, sign_in, ward, path: str
) -> None:
    act(
        ward,
        Identity.officer(NHUNG),
        local(2020, 6, 3, 10),
        action="submit",
        task="T.LATE",
        period="2020",
        reason="Chưa có tài liệu",
    )
    sign_in(MAI)
    nav = client.get(path).text.split("</nav>")[0]
    assert '<span class="badge" aria-label="1 kết quả chờ bạn duyệt">1</span>' in nav


def test_the_admin_index_lists_every_administration_page(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    page = client.get("/quan-tri")
    assert page.status_code == 200
    assert "Quản trị hệ thống" in page.text
    for path in ADMIN_PAGES:
        assert f'href="{path}"' in page.text


def test_the_admin_index_refuses_an_officer_with_no_administrative_position(  # type: ignore[no-untyped-def]
    client, sign_in
) -> None:
    sign_in(PHAT)
    page = client.get("/quan-tri")
    assert page.status_code == 403
    assert "không đảm nhiệm vị trí nào có quyền quản trị" in page.text
    for path in ADMIN_PAGES:
        assert f'href="{path}"' not in page.text
