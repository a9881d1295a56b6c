"""The invitation to set a password: a link, until when it works, and what to do."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.i18n import Lang
from notifications.render import Rendered, invitation_context, render

UNIT = "UBND phường Phú Hữu"
LINK = "https://cchc.phuhuu.gov.vn/dat-mat-khau/abc?x=1&y=2"
UNTIL = dt.datetime(2020, 4, 18, 15, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def invitation(lang: Lang) -> Rendered:
    return render(
        "invitation",
        invitation_context(
            lang=lang,
            unit_name=UNIT,
            recipient_name="Bùi Thị Ngọc Ánh",
            email="anh.btn@phuhuu.gov.vn",
            link=LINK,
            expires_at=UNTIL,
        ),
        lang,
    )


@pytest.mark.parametrize(
    ("lang", "until", "words"),
    [
        ("vi", "15:00 Thứ Bảy, 18/04/2020", "đặt mật khẩu"),
        ("en", "15:00 Saturday, 18/04/2020", "set your password"),
    ],
)
def test_the_invitation_links_to_the_page_and_says_until_when(
    lang: Lang, until: str, words: str
) -> None:
    out = invitation(lang)
    assert LINK in out.text and until in out.text and words in out.text
    assert "anh.btn@phuhuu.gov.vn" in out.text
    assert 'href="https://cchc.phuhuu.gov.vn/dat-mat-khau/abc?x=1&amp;y=2"' in out.html
    assert until in out.html
    assert "\n" not in out.subject


def test_the_vietnamese_invitation_is_addressed_and_signed_like_every_message() -> None:
    text = invitation("vi").text
    assert text.startswith("Kính gửi đồng chí Bùi Thị Ngọc Ánh,")
    assert "Trân trọng." in text and f"{UNIT} — gửi bởi phần mềm cchc" in text
    assert "72 giờ" in text
