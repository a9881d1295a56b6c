"""The messages about the province's deadlines: where a unit stands, in both languages."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.i18n import Lang
from notifications.deadlines import State, deadline_context, late_unit, overdue_context
from notifications.render import render

DUE = dt.date(2021, 2, 18)


def unit_message(lang: Lang, state: State, **kw: object) -> object:
    values: dict[str, object] = {
        "lang": lang,
        "unit_name": "UBND phường Tân Định",
        "unit_code": "26734",
        "recipient_name": "Nguyễn Văn Hùng",
        "province_name": "Thành phố Hồ Chí Minh",
        "deadline": "self_assessment",
        "year": 2020,
        "due": DUE,
        "state": state,
    }
    values.update(kw)
    return render("deadline", deadline_context(**values), lang)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("left", "passed", "expected"),
    [(3, False, State(3, False, 0)), (0, False, State(0, False, 0)),
     (0, True, State(0, True, 0)), (-2, True, State(0, True, 2))],
)  # fmt: skip
def test_where_a_unit_stands(left: int, passed: bool, expected: State) -> None:
    assert State.of(left, passed) == expected


@pytest.mark.parametrize(
    ("state", "vi", "en"),
    [
        (State.of(0, False), "Hạn là hôm nay.", "Due today."),
        (State.of(0, True), "Đã quá hạn (hạn cuối đã qua).", "Overdue (the deadline has passed)."),
        (State.of(-1, True), "Đã quá hạn 1 ngày làm việc.", "Overdue by 1 working day."),
        (State.of(4, False), "Còn 4 ngày làm việc.", "4 working days left."),
    ],
)
def test_a_unit_is_told_where_it_stands_without_zero_days(state: State, vi: str, en: str) -> None:
    text_vi = unit_message("vi", state).text  # type: ignore[attr-defined]
    text_en = unit_message("en", state).text  # type: ignore[attr-defined]
    assert vi in text_vi and en in text_en
    assert "còn 0" not in text_vi.lower() and "0 working days" not in text_en


def test_an_explanation_counts_the_items_and_a_late_unit_learns_whom_it_was_reported_to() -> None:
    out = unit_message(
        "en", State.of(-1, True), deadline="explanation", unanswered=1, told=["Lê Thị Thu"]
    )
    assert "explain the 1 item commented on in round 1" in out.text  # type: ignore[attr-defined]
    assert "reported to the province's CCHC staff: Lê Thị Thu." in out.text  # type: ignore[attr-defined]
    assert "cchc appraisal show --unit 26734 --year 2020" in out.text  # type: ignore[attr-defined]


def test_the_staff_message_escapes_names_in_html_and_signs_with_the_province() -> None:
    units = [
        late_unit(
            unit_name="Phường <Bến> Nghé",
            unit_code="26740",
            deadline="self_assessment",
            year=2020,
            due=DUE,
            state=State.of(-3, True),
            chairman=["A & B"],
            province_code="79",
        )
    ]
    out = render(
        "deadline_overdue",
        overdue_context(lang="vi", province_name="Thành phố Hồ Chí Minh",
                        recipient_name="Lê Thị Thu", units=units),
        "vi",
    )  # fmt: skip
    assert "Phường &lt;Bến&gt; Nghé" in out.html and "A &amp; B" in out.html
    assert "Phường <Bến> Nghé (26740): chưa nộp bản tự đánh giá" in out.text
    assert "quá hạn 3 ngày làm việc" in out.text
    assert "cchc province progress --unit 79 --year 2020" in out.text
    assert out.text.rstrip().endswith("Thành phố Hồ Chí Minh — gửi bởi phần mềm cchc")
