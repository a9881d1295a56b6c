"""The parts of an administrative document's layout (Nghị định 30/2020/NĐ-CP): dates as the
decree writes them, the issuing body, the place, documents cited by number and summary."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.letterhead import Letterhead, citation, date_line, moment_in_words


@pytest.mark.parametrize(
    ("day", "written"),
    [
        (dt.date(2021, 1, 5), "Phú Hữu, ngày 05 tháng 01 năm 2021"),
        (dt.date(2020, 2, 29), "Phú Hữu, ngày 29 tháng 02 năm 2020"),
        (dt.date(2020, 3, 9), "Phú Hữu, ngày 09 tháng 3 năm 2020"),
        (dt.date(2020, 12, 31), "Phú Hữu, ngày 31 tháng 12 năm 2020"),
        (None, "Phú Hữu, ngày … tháng … năm …"),
    ],
)
def test_a_leading_zero_only_for_days_1_to_9_and_for_january_and_february(
    day: dt.date | None, written: str
) -> None:
    assert date_line("Phú Hữu", day) == written


def test_a_moment_in_words() -> None:
    moment = dt.datetime(2020, 3, 26, 16, 0)
    assert moment_in_words(moment) == "Ngày 26 tháng 3 năm 2020, lúc 16 giờ 00"


def test_the_issuing_body_its_parent_its_place_and_who_signs() -> None:
    head = Letterhead(body="UBND phường Phú Hữu", parent="UBND Quận 9", signer="Nguyễn Văn Hùng")
    assert head.body_line == "ỦY BAN NHÂN DÂN PHƯỜNG PHÚ HỮU"
    assert head.body_lines == ["ỦY BAN NHÂN DÂN", "PHƯỜNG PHÚ HỮU"]  # not "PHÚ / HỮU"
    assert head.parent_line == "UBND QUẬN 9"
    assert head.place == "Phú Hữu" and head.recipient == "Ủy ban nhân dân Quận 9"
    assert head.signature == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    acting = Letterhead(body="UBND xã Long Trường", acting=True)
    assert acting.place == "Long Trường" and acting.signature[1] == "Q. CHỦ TỊCH"


def test_documents_are_cited_as_documents() -> None:
    cite = {"file_name": "qd.pdf", "own_body": "UBND phường Phú Hữu"}
    assert (
        citation(
            number="12/QĐ-UBND",
            date="2020-01-15",
            issuer="UBND phường Phú Hữu",
            summary="Kiện toàn Ban Chỉ đạo CCHC",
            **cite,
        )
        == "Quyết định số 12/QĐ-UBND ngày 15/01/2020 về kiện toàn Ban Chỉ đạo CCHC"
    )
    assert (
        citation(
            number="99/KH-UBND",
            date=dt.date(2020, 3, 12),
            issuer="UBND Quận 9",
            summary="về việc thực hiện công tác CCHC",
            **cite,
        )
        == "Kế hoạch số 99/KH-UBND ngày 12/03/2020 của UBND Quận 9 về việc thực hiện công tác CCHC"
    )
    assert citation(number="125/UBND-VP", date="", issuer="", summary="", **cite) == (
        "Văn bản số 125/UBND-VP"
    )
    assert citation(number="", date="", issuer="", summary="", **cite) == "qd.pdf"
