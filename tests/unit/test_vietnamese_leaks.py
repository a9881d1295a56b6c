"""The scanner behind the Vietnamese-output acceptance test finds what it must, and only that."""

from __future__ import annotations

import pytest

from tests.vietnamese_leaks import leaks

LEAKS = [
    ("Kỳ 2020-Q2 đã đến hạn", "period code '2020-Q2'"),
    ("6 tháng: 2020-H1", "period code '2020-H1'"),
    ("tuần 2020-W23", "period code '2020-W23'"),
    ("kỳ 2020-07 chưa nộp", "period code '2020-07'"),
    ("chung_thuc: 99,5%", "dossier ma_linh_vuc code 'chung_thuc'"),
    ("Kênh: truc_tuyen", "dossier kenh_nop code 'truc_tuyen'"),
    ("Trạng thái: da_tra", "dossier trang_thai code 'da_tra'"),
    ("Trạng thái: submitted", "occurrence status code 'submitted'"),
    ("1 = chairman — Chủ tịch", "position code 'chairman'"),
    ("Phụ trách: one_stop", "position code 'one_stop'"),
    ("satisfaction_rate > 95 %", "metric code 'satisfaction_rate'"),
    ("Tần suất: half_year: 9", "frequency code 'half_year'"),
    ("Ngày nghỉ: New Year's Day", 'English holiday name "New Year\'s Day"'),
    ("Hint: dùng --year", "'Hint:'"),
    ("Tỷ lệ 99.5%", "number with a decimal point '99.5'"),
    ("Tổng điểm 69.45", "number with a decimal point '69.45'"),
]


@pytest.mark.parametrize(("line", "what"), LEAKS, ids=[w for _, w in LEAKS])
def test_a_leak_is_found_and_named_with_its_place(line: str, what: str) -> None:
    found = leaks(line, "out.txt:7")
    assert [leak.what for leak in found] == [what]
    assert str(found[0]).startswith("out.txt:7: ")


CLEAN = [
    "Kỳ thực hiện: quý II/2020 (01/04/2020 – 30/06/2020)",
    "Tỷ lệ hài lòng > 95%: 99,5% (1.234/1.240)",  # decimal comma, thousands with a dot
    "Nhiệm vụ II.1.1, tiêu chí 1.3.1, chỉ tiêu T2.1a",  # codes, not numbers
    "Tiêu chí 1.1. Kế hoạch CCHC năm",
    "Hạn: 04/05/2020 08:00",
    "    cchc occurrence submit II.3.5 2020-01",  # a command to type
    "Nộp: cchc occurrence submit II.3.3 2020-H1",
    "Chấp nhận: cchc occurrence accept II.5.3 2020-Q1 (hoặc trả lại kèm lý do)",
    'cchc occurrence return II.8.2 2020-W24 --reason "…"',
    "Liên hệ: office@phuhuu.gov.vn",
]


@pytest.mark.parametrize("line", CLEAN)
def test_vietnamese_text_codes_and_commands_are_not_leaks(line: str) -> None:
    assert leaks(line, "x") == []


def test_prose_after_a_command_is_still_read() -> None:
    found = leaks("Nộp: cchc occurrence submit II.3.3 2020-H1 (kỳ 2020-Q2)", "x")
    assert [leak.what for leak in found] == ["period code '2020-Q2'"]


def test_a_line_that_only_starts_like_a_command_is_prose() -> None:
    found = leaks("cchc serve đang chạy, kỳ 2020-Q2", "x")
    assert [leak.what for leak in found] == ["period code '2020-Q2'"]
