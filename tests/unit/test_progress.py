"""Progress categories ("tiến độ"): each edge a ward officer would argue about."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from domain.progress import Item, Progress, classify, describe, summarize

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2020, 6, 1, tzinfo=HCM)
DUE = dt.datetime(2020, 6, 30, 17, 0, tzinfo=HCM)  # 17:00 local on the due date
MINUTE = dt.timedelta(minutes=1)


def item(status: str, submitted: dt.datetime | None = None) -> Item:
    return Item(status=status, period_start=START, due_at=DUE, submitted_at=submitted)


def test_accepted_work_submitted_at_17h_sharp_is_on_time() -> None:
    assert classify(item("accepted", DUE), DUE + dt.timedelta(days=5)) == "done_on_time"


def test_submitted_a_minute_late_then_accepted_is_done_late() -> None:
    assert classify(item("accepted", DUE + MINUTE), DUE + dt.timedelta(days=5)) == "done_late"


def test_open_work_is_on_time_until_17h_then_late() -> None:
    assert classify(item("open"), DUE) == "in_progress_on_time"
    assert classify(item("open"), DUE + MINUTE) == "in_progress_late"


def test_returned_work_past_the_deadline_is_in_progress_late() -> None:
    assert classify(item("returned", DUE - MINUTE), DUE + MINUTE) == "in_progress_late"


def test_submitted_on_time_awaiting_review_is_not_late() -> None:
    assert classify(item("submitted", DUE - MINUTE), DUE + MINUTE) == "in_progress_on_time"
    assert classify(item("submitted", DUE + MINUTE), DUE + MINUTE) == "in_progress_late"


def test_open_work_whose_period_has_not_begun_is_not_yet_due() -> None:
    assert classify(item("open"), START - MINUTE) == "not_yet_due"
    assert classify(item("open"), START) == "in_progress_on_time"
    assert classify(item("in_progress"), START - MINUTE) == "in_progress_on_time"


def test_waived_is_counted_apart_and_cancelled_not_at_all() -> None:
    now = DUE + MINUTE
    progress = summarize(
        [item("waived"), item("cancelled"), item("accepted", DUE), item("open")], now
    )
    assert progress == Progress(done_on_time=1, in_progress_late=1, waived=1)
    assert progress.total == 2
    assert progress.share("done_on_time") == 50.0


def test_as_dict_gives_counts_and_shares() -> None:
    progress = Progress(done_on_time=585, in_progress_on_time=67, in_progress_late=181)
    data = progress.as_dict()
    assert data["total"] == 833 and data["done"] == 585
    assert data["categories"]["in_progress_late"] == {"count": 181, "share": 21.7}
    assert Progress().share("done_late") == 0.0


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        classify(item("open"), dt.datetime(2020, 6, 1))


def test_a_summary_line_names_every_category_with_its_count_and_share() -> None:
    progress = Progress(done_on_time=5, done_late=1, in_progress_on_time=3, not_yet_due=3)
    assert describe(progress, "vi") == (
        "Tiến độ: 12 nhiệm vụ: 5 đã hoàn thành đúng hạn (41,7%); 1 đã hoàn thành quá hạn "
        "(8,3%); 3 đang thực hiện trong hạn (25%); 0 đang thực hiện quá hạn (0%); "
        "3 chưa đến hạn (25%)."
    )
    waived = Progress(in_progress_late=1, waived=2)
    assert describe(waived, "en") == (
        "Progress: 1 tasks: 0 done on time (0%); 0 done late (0%); 0 in progress, on time (0%); "
        "1 in progress, overdue (100%); 0 not yet due (0%). Besides, 2 waived."
    )
