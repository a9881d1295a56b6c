"""The iCalendar feed of deadlines: folding, escaping, dates, UIDs, statuses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pytest

from domain.ics import calendar_feed, escape_text, fold
from domain.occurrence import OccurrenceView

D = dt.date
ICT = dt.timezone(dt.timedelta(hours=7))
STAMP = dt.datetime(2020, 5, 4, 8, 30, 15, tzinfo=ICT)
LONG_TITLE = (
    "Rà soát, đánh giá thủ tục hành chính thuộc thẩm quyền giải quyết của Ủy ban nhân dân "
    "phường; đề xuất phương án đơn giản hóa và công khai kết quả trên Cổng thông tin điện tử"
)


def view(
    id: int = 1, task: str = "II.3.5", period: str = "2020-05", **kw: object
) -> OccurrenceView:
    values: dict[str, object] = {
        "id": id,
        "unit": "phuhuu",
        "plan": "2020",
        "task": task,
        "title": LONG_TITLE,
        "area": "II",
        "period": period,
        "period_start": D(2020, 5, 1),
        "period_end": D(2020, 5, 31),
        "due_date": D(2020, 5, 29),
        "due_at": dt.datetime(2020, 5, 29, 17, 0, tzinfo=ICT),
        "status": "open",
        "lead_role": "vice_chairman",
        "officer_email": "an@phuhuu.gov.vn",
        "officer_name": "Nguyễn Văn An",
        "acting_for": None,
        "overdue": False,
        "working_days_left": 19,
        "evidence": ("Báo cáo kết quả rà soát", "Quyết định công bố"),
        "reason": "",
    }
    values.update(kw)
    return OccurrenceView(**values)  # type: ignore[arg-type]


def feed(*views: OccurrenceView, lang: str = "vi", name: str = "Hạn CCHC — Nguyễn Văn An") -> str:
    return calendar_feed(list(views), stamp=STAMP, name=name, lang=lang)


# --- a small independent parser ---------------------------------------------------------


@dataclass
class Component:
    name: str
    props: list[tuple[str, dict[str, str], str]] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)

    def get(self, name: str) -> str:
        values = self.all(name)
        assert len(values) == 1, f"{name}: {values}"
        return values[0]

    def all(self, name: str) -> list[str]:
        return [value for prop, _, value in self.props if prop == name]

    def params(self, name: str) -> dict[str, str]:
        return next(params for prop, params, _ in self.props if prop == name)

    def sub(self, name: str) -> list[Component]:
        return [child for child in self.children if child.name == name]


def unfold(text: str) -> list[str]:
    assert text.endswith("\r\n")
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")[:-1]


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        nxt = next(chars)
        out.append("\n" if nxt in "nN" else nxt)
    return "".join(out)


def parse(text: str) -> Component:
    stack: list[Component] = [Component("ROOT")]
    for line in unfold(text):
        head, _, value = line.partition(":")
        name, *raw_params = head.split(";")
        params = dict(p.split("=", 1) for p in raw_params)
        if name == "BEGIN":
            child = Component(value)
            stack[-1].children.append(child)
            stack.append(child)
        elif name == "END":
            assert stack.pop().name == value
        else:
            stack[-1].props.append((name, params, value))
    assert len(stack) == 1
    (calendar,) = stack[0].children
    return calendar


def events(text: str) -> list[Component]:
    return parse(text).sub("VEVENT")


# --- the tests --------------------------------------------------------------------------


def test_calendar_header() -> None:
    cal = parse(feed(view()))
    assert cal.name == "VCALENDAR"
    assert cal.get("VERSION") == "2.0"
    assert cal.get("PRODID") == "-//cchc//deadlines//VI"
    assert cal.get("CALSCALE") == "GREGORIAN"
    assert cal.get("METHOD") == "PUBLISH"
    assert unescape(cal.get("X-WR-CALNAME")) == "Hạn CCHC — Nguyễn Văn An"
    assert cal.get("X-WR-TIMEZONE") == "Asia/Ho_Chi_Minh"
    text = feed(view())
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")


def test_lines_are_crlf_terminated_and_at_most_75_octets() -> None:
    views = [view(), view(id=2, title="Ă" * 200), view(id=3, title="ệ" * 77 + "x" * 3)]
    text = feed(*views)
    assert text.endswith("\r\n")
    raw_lines = text.split("\r\n")[:-1]
    assert "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", "")
    assert max(len(line.encode("utf-8")) for line in raw_lines) <= 75
    assert any(line.startswith(" ") for line in raw_lines)  # something was folded
    for line in raw_lines:
        line.encode("utf-8").decode("utf-8")  # each physical line is whole characters
    # a continuation drops exactly one leading space: the folded summary comes back whole
    summaries = [line for line in unfold(text) if line.startswith("SUMMARY:")]
    assert summaries[1] == "SUMMARY:[CCHC] II.3.5 (tháng 5/2020) — " + "Ă" * 200
    assert summaries[2] == "SUMMARY:[CCHC] II.3.5 (tháng 5/2020) — " + "ệ" * 77 + "xxx"


def test_fold_never_splits_a_multibyte_character() -> None:
    for prefix in ("", "a", "ab"):
        line = "SUMMARY:" + prefix + "ữ" * 100  # 3 octets each
        folded = fold(line)
        pieces = folded.split("\r\n")[:-1]
        assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
        assert "".join(p[1:] if i else p for i, p in enumerate(pieces)) == line
    assert fold("SHORT:x") == "SHORT:x\r\n"
    exactly = "X:" + "a" * 73
    assert fold(exactly) == exactly + "\r\n"
    assert fold(exactly + "b") == exactly + "\r\n b\r\n"


def test_unfolding_restores_the_vietnamese_title() -> None:
    (event,) = events(feed(view()))
    summary = unescape(event.get("SUMMARY"))
    assert summary == f"[CCHC] II.3.5 (tháng 5/2020) — {LONG_TITLE}"
    alarm = event.sub("VALARM")[0]
    assert unescape(alarm.get("DESCRIPTION")) == summary


def test_text_escaping() -> None:
    tricky = "a;b,c\\d\ne\r\nf"
    assert escape_text(tricky) == "a\\;b\\,c\\\\d\\ne\\nf"
    (event,) = events(feed(view(title=tricky, reason="x; y, z\\w\nv")))
    raw = event.get("SUMMARY")
    assert raw == "[CCHC] II.3.5 (tháng 5/2020) — a\\;b\\,c\\\\d\\ne\\nf"
    assert unescape(raw) == "[CCHC] II.3.5 (tháng 5/2020) — a;b,c\\d\ne\nf"
    assert unescape(event.get("DESCRIPTION")).endswith("Lý do: x; y, z\\w\nv")
    name = parse(feed(view(), name="A, B; C")).get("X-WR-CALNAME")
    assert name == "A\\, B\\; C"


def test_all_day_dates() -> None:
    (event,) = events(feed(view(due_date=D(2020, 12, 31))))
    assert event.get("DTSTART") == "20201231"
    assert event.params("DTSTART") == {"VALUE": "DATE"}
    assert event.get("DTEND") == "20210101"
    assert event.params("DTEND") == {"VALUE": "DATE"}


def test_uid_stable_across_calls_and_unique_per_occurrence() -> None:
    views = [view(id=1), view(id=2, period="2020-06"), view(id=3, task="I.1 (b)/x")]
    first = [e.get("UID") for e in events(feed(*views))]
    second = [e.get("UID") for e in events(feed(*reversed(views), lang="en"))]
    assert first == list(reversed(second))
    assert len(set(first)) == 3
    assert first[0] == "occ-1-II.3.5-2020-05@cchc"
    assert all(uid.endswith("@cchc") and " " not in uid for uid in first)
    assert first[2] == "occ-3-I.1-b-x-2020-05@cchc"


def test_dtstamp_in_utc_from_aware_stamp() -> None:
    (event,) = events(feed(view()))
    assert event.get("DTSTAMP") == "20200504T013015Z"
    later = dt.datetime(2020, 1, 1, 3, 0, tzinfo=ICT)  # the day before in UTC
    text = calendar_feed([view()], stamp=later, name="x")
    assert events(text)[0].get("DTSTAMP") == "20191231T200000Z"


def test_naive_stamp_raises() -> None:
    with pytest.raises(ValueError):
        calendar_feed([view()], stamp=dt.datetime(2020, 5, 4, 8, 0), name="x")


def test_status_confirmed_and_cancelled() -> None:
    views = [view(id=1), view(id=2, status="cancelled", reason="Bỏ nhiệm vụ")]
    open_event, cancelled = events(feed(*views))
    assert open_event.get("STATUS") == "CONFIRMED"
    assert cancelled.get("STATUS") == "CANCELLED"
    assert "Trạng thái: đã hủy" in unescape(cancelled.get("DESCRIPTION"))


def test_closed_occurrences_still_appear_with_their_status() -> None:
    views = [
        view(id=1, status="waived", reason="Không phát sinh"),
        view(id=2, status="accepted"),
        view(id=3, status="in_progress", overdue=True),
    ]
    found = events(feed(*views))
    assert len(found) == 3
    assert all(e.get("STATUS") == "CONFIRMED" for e in found)
    descriptions = [unescape(e.get("DESCRIPTION")) for e in found]
    assert "Trạng thái: được miễn" in descriptions[0]
    assert "Lý do: Không phát sinh" in descriptions[0]
    assert "Trạng thái: đã chấp nhận" in descriptions[1]
    assert "Trạng thái: đang thực hiện (quá hạn)" in descriptions[2]


def test_description_vietnamese_and_english() -> None:
    (vi,) = events(feed(view()))
    text = unescape(vi.get("DESCRIPTION"))
    assert text.splitlines() == [
        "Kỳ: tháng 5/2020 (01/05/2020 – 31/05/2020)",
        "Hạn: 29/05/2020",
        "Trạng thái: chưa thực hiện",
        "Người phụ trách: Nguyễn Văn An <an@phuhuu.gov.vn>",
        "Tài liệu kiểm chứng:",
        "- Báo cáo kết quả rà soát",
        "- Quyết định công bố",
    ]
    (en,) = events(feed(view(evidence=()), lang="en"))
    text = unescape(en.get("DESCRIPTION"))
    assert "Period: May 2020 (2020-05-01 – 2020-05-31)" in text
    assert "Status: open" in text
    assert "Evidence: (none)" in text
    assert "Kỳ" not in text


def test_event_properties_and_alarm() -> None:
    (event,) = events(feed(view()))
    assert event.get("CATEGORIES") == "CCHC"
    (alarm,) = event.sub("VALARM")
    assert alarm.get("ACTION") == "DISPLAY"
    assert alarm.get("TRIGGER") == "-P1D"
    assert alarm.get("DESCRIPTION")


def test_empty_feed_is_still_a_calendar() -> None:
    cal = parse(feed())
    assert cal.sub("VEVENT") == []
    assert cal.get("VERSION") == "2.0"


def test_one_event_per_view_in_order() -> None:
    views = [view(id=i, period=f"2020-{i:02d}") for i in range(1, 6)]
    found = events(feed(*views))
    assert [e.get("UID") for e in found] == [
        f"occ-{i}-II.3.5-2020-{i:02d}@cchc" for i in range(1, 6)
    ]
    assert replace(views[0]) == views[0]  # the views are untouched values


def test_parses_with_icalendar_library() -> None:
    import icalendar

    text = feed(view(), view(id=2, status="cancelled", title="a;b,c\\d\ne"))
    cal = icalendar.Calendar.from_ical(text)
    found = [c for c in cal.walk("VEVENT")]
    assert len(found) == 2
    assert str(found[0]["SUMMARY"]) == f"[CCHC] II.3.5 (tháng 5/2020) — {LONG_TITLE}"
    assert str(found[1]["SUMMARY"]) == "[CCHC] II.3.5 (tháng 5/2020) — a;b,c\\d\ne"
    assert found[0].decoded("DTSTART") == D(2020, 5, 29)
    assert found[0].decoded("DTEND") == D(2020, 5, 30)
