"""The life of an occurrence: open → in_progress → submitted → accepted, return and waive."""

from __future__ import annotations

import pytest

from domain.errors import LocalizedError
from domain.lifecycle import ACTIVE, STATUSES, TRANSITIONS, apply

LEGAL = [
    ("open", "start", None, "in_progress"),
    ("returned", "start", None, "in_progress"),
    ("open", "submit", None, "submitted"),
    ("in_progress", "submit", None, "submitted"),
    ("returned", "submit", None, "submitted"),
    ("submitted", "accept", None, "accepted"),
    ("submitted", "return", "Thiếu biên bản họp", "returned"),
    ("open", "waive", "Không phát sinh trong kỳ", "waived"),
    ("in_progress", "waive", "Chuyển sang kỳ sau", "waived"),
    ("returned", "waive", "Đã gộp vào báo cáo năm", "waived"),
    ("submitted", "waive", "Quận hủy yêu cầu", "waived"),
]


def refused(status: str, action: str, reason: str | None = None) -> LocalizedError:
    with pytest.raises(LocalizedError) as caught:
        apply(status, action, reason)
    return caught.value


@pytest.mark.parametrize(("status", "action", "reason", "target"), LEGAL)
def test_legal_transitions(status: str, action: str, reason: str | None, target: str) -> None:
    assert apply(status, action, reason) == target


def test_the_happy_path() -> None:
    status = "open"
    for action in ("start", "submit", "accept"):
        status = apply(status, action)
    assert status == "accepted"


def test_a_returned_submission_is_worked_on_again_and_resubmitted() -> None:
    status = apply("submitted", "return", "Thiếu hình ảnh")
    assert status == "returned"
    assert status in ACTIVE
    status = apply(status, "start")
    status = apply(status, "submit")
    assert apply(status, "accept") == "accepted"


def test_a_reason_is_accepted_but_not_needed_where_none_is_required() -> None:
    assert apply("submitted", "accept", "OK") == "accepted"


ILLEGAL = [
    (status, action)
    for action, transition in TRANSITIONS.items()
    for status in STATUSES
    if status not in transition.sources
]


def test_illegal_pairs_include_the_obvious_ones() -> None:
    for pair in [
        ("open", "accept"),
        ("accepted", "submit"),
        ("submitted", "start"),
        ("in_progress", "start"),
        ("submitted", "submit"),
        ("accepted", "waive"),
        ("waived", "start"),
        ("cancelled", "submit"),
        ("in_progress", "return"),
    ]:
        assert pair in ILLEGAL


VI_STATUS = {
    "open": "chưa thực hiện",
    "in_progress": "đang thực hiện",
    "submitted": "đã nộp",
    "accepted": "đã chấp nhận",
    "returned": "bị trả lại",
    "waived": "được miễn",
    "cancelled": "đã hủy",
}
VI_ACTION = {
    "start": "bắt đầu thực hiện",
    "submit": "nộp kết quả",
    "accept": "chấp nhận kết quả",
    "return": "trả lại kết quả",
    "waive": "miễn thực hiện",
}


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_illegal_transitions_are_refused_naming_the_action_and_status_in_words(
    status: str, action: str
) -> None:
    err = refused(status, action, "có lý do")
    assert err.key == "error.bad_transition"
    vi = err.render("vi")
    assert vi.startswith(f"Không thể {VI_ACTION[action]}: ")
    assert f"nhiệm vụ đang ở trạng thái '{VI_STATUS[status]}'" in vi
    english = err.render("en")
    assert english == str(err) and f"Cannot {action}: " in english
    for code in (*STATUSES, *TRANSITIONS):  # no machine code in either language
        assert f"'{code}'" not in vi and code not in vi.replace("_", " ").split(), vi
    assert "in_progress" not in english and "in_progress" not in vi


def test_return_of_a_returned_task_is_refused_in_words() -> None:
    err = refused("returned", "return", "thiếu biên bản")
    assert err.render("vi") == (
        "Không thể trả lại kết quả: nhiệm vụ đang ở trạng thái 'bị trả lại'"
        " (chỉ khi nhiệm vụ ở trạng thái: đã nộp)."
    )
    assert err.render("en") == (
        "Cannot return: the task is 'returned' (only when it is: submitted)."
    )


def test_accept_from_open_says_where_it_can_start() -> None:
    err = refused("open", "accept")
    assert str(err) == "Cannot accept: the task is 'open' (only when it is: submitted)."
    assert err.render("en") == str(err)
    assert err.render("vi") == (
        "Không thể chấp nhận kết quả: nhiệm vụ đang ở trạng thái 'chưa thực hiện'"
        " (chỉ khi nhiệm vụ ở trạng thái: đã nộp)."
    )


def test_submit_from_accepted_is_refused() -> None:
    err = refused("accepted", "submit")
    assert "Cannot submit" in str(err)
    assert "'accepted'" in str(err)
    assert "open, in progress, returned" in str(err)
    assert "chưa thực hiện, đang thực hiện, bị trả lại" in err.render("vi")


def test_start_from_submitted_is_refused() -> None:
    err = refused("submitted", "start")
    assert err.render("en") == (
        "Cannot start: the task is 'submitted' (only when it is: open, returned)."
    )


@pytest.mark.parametrize("reason", [None, "", "   ", "\t\n"])
@pytest.mark.parametrize(("status", "action"), [("submitted", "return"), ("open", "waive")])
def test_return_and_waive_need_a_reason(status: str, action: str, reason: str | None) -> None:
    err = refused(status, action, reason)
    assert err.key == "error.reason_required"
    assert f"to {action}" in str(err)
    assert "reason" in str(err)
    vi = err.render("vi")
    assert f"để {VI_ACTION[action]}" in vi and f"'{action}'" not in vi
    assert "lý do" in vi


def test_an_illegal_waive_is_refused_for_its_status_even_with_no_reason() -> None:
    assert refused("accepted", "waive").key == "error.bad_transition"


@pytest.mark.parametrize("action", ["finish", "approve", "", "Submit"])
def test_an_unknown_action_is_refused_listing_the_known_ones(action: str) -> None:
    err = refused("open", action)
    assert err.key == "error.unknown_action"
    assert f"'{action}'" in str(err)
    for known in TRANSITIONS:
        assert known in str(err)
    assert err.render("vi").startswith("Không có thao tác")


def test_errors_render_in_vietnamese_with_diacritics() -> None:
    texts = [
        refused("open", "accept").render("vi"),
        refused("submitted", "return").render("vi"),
        refused("open", "finish").render("vi"),
    ]
    assert "Không thể" in texts[0]
    assert "trạng thái" in texts[0]
    assert "Cần ghi lý do" in texts[1]
    assert "thao tác" in texts[2]
    for text in texts:
        assert any(ord(ch) > 127 for ch in text)
        assert text.isprintable()


def test_every_transition_leads_to_a_known_status() -> None:
    for transition in TRANSITIONS.values():
        assert transition.target in STATUSES
        assert transition.sources <= set(STATUSES)
    assert {t for t, tr in TRANSITIONS.items() if tr.needs_reason} == {"return", "waive"}
