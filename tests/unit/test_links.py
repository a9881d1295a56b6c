"""The pages' addresses, as the emails and the web's routes both spell them."""

from __future__ import annotations

import pytest

from domain import links


def test_an_occurrence_page_is_its_task_and_period() -> None:
    assert links.occurrence_path("II.3.5", "2020-Q2") == "/nhiem-vu/II.3.5/2020-Q2"


def test_characters_a_path_cannot_carry_are_quoted() -> None:
    # a slash inside a code must not open a new path segment; spaces and accents are quoted
    assert links.occurrence_path("A/B c", "2020-01") == "/nhiem-vu/A%2FB%20c/2020-01"
    assert links.occurrence_path("Đ.1", "2020") == "/nhiem-vu/%C4%90.1/2020"


def test_a_set_password_link_carries_the_token() -> None:
    assert links.set_password_path("abc_-123") == "/dat-mat-khau/abc_-123"


@pytest.mark.parametrize(
    ("base", "path", "expected"),
    [
        ("https://cchc.phuhuu.gov.vn", "/cho-duyet", "https://cchc.phuhuu.gov.vn/cho-duyet"),
        ("https://cchc.phuhuu.gov.vn/", "/cho-duyet", "https://cchc.phuhuu.gov.vn/cho-duyet"),
        ("https://x.vn/cchc/", "/", "https://x.vn/cchc/"),
        ("https://x.vn/cchc", "nhiem-vu/a/b", "https://x.vn/cchc/nhiem-vu/a/b"),
        ("http://127.0.0.1:8080//", "//lich", "http://127.0.0.1:8080/lich"),
    ],
)
def test_a_page_url_joins_base_and_path_with_one_slash(base: str, path: str, expected: str) -> None:
    assert links.page_url(base, path) == expected


def test_the_fixed_pages() -> None:
    assert (
        links.MY_TASKS,
        links.APPROVALS,
        links.PROGRESS,
        links.CALENDAR,
        links.PROFILE,
        links.SIGN_IN,
        links.SIGN_OUT,
    ) == ("/", "/cho-duyet", "/tien-do", "/lich", "/ho-so", "/dang-nhap", "/dang-xuat")


def test_the_remind_button_posts_to_the_progress_page_of_one_occurrence() -> None:
    assert links.remind_path("II.3.5", "2020-Q2") == "/tien-do/nhac/II.3.5/2020-Q2"
    assert links.remind_path("a/b", "x?y") == "/tien-do/nhac/a%2Fb/x%3Fy"


def test_the_province_kpis_page_names_its_year_quarter_kpi_and_unit() -> None:
    assert links.province_kpis_path("tp-hcm", 2020) == "/tinh/chi-so?nam=2020&don_vi=tp-hcm"
    assert (
        links.province_kpis_path("quận 9", 2020, 2, "on_time_rate")
        == "/tinh/chi-so?nam=2020&quy=2&chi_so=on_time_rate&don_vi=qu%E1%BA%ADn%209"
    )
