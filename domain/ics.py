"""An officer's deadlines as an iCalendar feed — "lịch hạn công việc".

One all-day event per occurrence on its due date, with a reminder the day before, in an
RFC 5545 document that common calendar apps import or subscribe to. Every occurrence appears,
whatever its status (waived and accepted ones too, the status is in the description); a
cancelled one is marked ``STATUS:CANCELLED`` so a subscribed calendar removes or strikes it.

Text values are escaped (§3.3.11), lines end with CRLF and are folded at 75 octets of UTF-8
(§3.1) without splitting a multi-byte character.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Sequence

from domain.clock import DEFAULT_TIMEZONE
from domain.i18n import Lang, normalize_lang
from domain.occurrence import OccurrenceView
from domain.periods import period_label

PRODID = "-//cchc//deadlines//VI"
CRLF = "\r\n"
MAX_OCTETS = 75  # per line, without the CRLF (RFC 5545 §3.1)
ONE_DAY = dt.timedelta(days=1)

# key: (Vietnamese, English)
LABELS: dict[str, tuple[str, str]] = {
    "period": ("Kỳ", "Period"),
    "due": ("Hạn", "Due"),
    "status": ("Trạng thái", "Status"),
    "overdue": ("quá hạn", "overdue"),
    "officer": ("Người phụ trách", "Officer"),
    "evidence": ("Tài liệu kiểm chứng", "Evidence"),
    "none": ("(chưa có)", "(none)"),
    "reason": ("Lý do", "Reason"),
}
STATUS_NAMES: dict[str, tuple[str, str]] = {
    "open": ("chưa thực hiện", "open"),
    "in_progress": ("đang thực hiện", "in progress"),
    "submitted": ("đã nộp", "submitted"),
    "accepted": ("đã chấp nhận", "accepted"),
    "returned": ("bị trả lại", "returned"),
    "waived": ("được miễn", "waived"),
    "cancelled": ("đã hủy", "cancelled"),
}
_CLOSED = frozenset({"submitted", "accepted", "waived", "cancelled"})
_UID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # TEXT allows HTAB; newlines are escaped


def calendar_feed(
    views: Sequence[OccurrenceView],
    *,
    stamp: dt.datetime,
    name: str,
    lang: str = "vi",
    timezone: str = DEFAULT_TIMEZONE,
) -> str:
    """The iCalendar document (CRLF lines, folded) for ``views``, named ``name``.

    ``stamp`` is when the feed was generated (``DTSTAMP``); it must be time-zone-aware and is
    written in UTC. ``lang`` chooses the description's labels (``vi`` unless it is English).
    ``timezone`` is the plan's; its offset at ``stamp`` describes the calendar's zone.
    """
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        raise ValueError(f"a time-zone-aware datetime is required, got {stamp!r}")
    language = normalize_lang(lang)
    dtstamp = format_utc(stamp)
    offset = _offset(stamp, timezone)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{timezone}",
        # Deadlines are all-day events, so one standard offset describes the zone (Vietnam
        # has kept +07:00 since 1975); the component also keeps an empty feed valid (RFC 5545
        # wants at least one component in a calendar).
        "BEGIN:VTIMEZONE",
        f"TZID:{timezone}",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        f"TZOFFSETFROM:{offset}",
        f"TZOFFSETTO:{offset}",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    for view in views:
        lines.extend(_event(view, dtstamp, language))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)


def _offset(stamp: dt.datetime, timezone: str) -> str:
    """``+0700`` for ``timezone`` at ``stamp``."""
    delta = stamp.astimezone(zoneinfo.ZoneInfo(timezone)).utcoffset() or dt.timedelta()
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _event(view: OccurrenceView, dtstamp: str, lang: Lang) -> list[str]:
    summary = event_summary(view, lang)
    return [
        "BEGIN:VEVENT",
        f"UID:{event_uid(view)}",
        f"DTSTAMP:{dtstamp}",
        f"DTSTART;VALUE=DATE:{format_date(view.due_date)}",
        f"DTEND;VALUE=DATE:{format_date(view.due_date + ONE_DAY)}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(event_description(view, lang))}",
        f"STATUS:{'CANCELLED' if view.status == 'cancelled' else 'CONFIRMED'}",
        "TRANSP:TRANSPARENT",
        "CATEGORIES:CCHC",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-P1D",
        f"DESCRIPTION:{escape_text(summary)}",
        "END:VALARM",
        "END:VEVENT",
    ]


def event_uid(view: OccurrenceView) -> str:
    """A UID stable across feeds for the same occurrence: ``occ-{id}-{task}-{period}@cchc``."""
    local = _UID_UNSAFE.sub("-", f"occ-{view.id}-{view.task}-{view.period}").strip("-")
    return f"{local}@cchc"


def event_summary(view: OccurrenceView, lang: Lang = "vi") -> str:
    """``[CCHC] II.3.5 (tháng 5/2020) — title`` (``May 2020`` in English)."""
    return f"[CCHC] {view.task} ({period_label(view.period, lang)}) — {view.title}"


def event_description(view: OccurrenceView, lang: Lang = "vi") -> str:
    """Period dates, deadline, status, officer, evidence and reason, one item a line."""

    def label(key: str) -> str:
        vi, en = LABELS[key]
        return vi if lang == "vi" else en

    names = STATUS_NAMES.get(view.status, (view.status, view.status))
    status = names[0] if lang == "vi" else names[1]
    if view.overdue and view.status not in _CLOSED:
        status = f"{status} ({label('overdue')})"
    lines = [
        f"{label('period')}: {period_label(view.period, lang)} ({_day(view.period_start, lang)} – "
        f"{_day(view.period_end, lang)})",
        f"{label('due')}: {_day(view.due_date, lang)}",
        f"{label('status')}: {status}",
    ]
    if view.officer_name or view.officer_email:
        who = view.officer_name or ""
        if view.officer_email:
            who = f"{who} <{view.officer_email}>" if who else view.officer_email
        lines.append(f"{label('officer')}: {who}")
    if view.evidence:
        lines.append(f"{label('evidence')}:")
        lines.extend(f"- {item}" for item in view.evidence)
    else:
        lines.append(f"{label('evidence')}: {label('none')}")
    if view.reason:
        lines.append(f"{label('reason')}: {view.reason}")
    return "\n".join(lines)


def _day(day: dt.date, lang: Lang) -> str:
    """A date as the reader writes it: 01/05/2020 in Vietnamese, ISO in English."""
    return day.isoformat() if lang == "en" else f"{day:%d/%m/%Y}"


def escape_text(value: str) -> str:
    """A TEXT value escaped per RFC 5545 §3.3.11; other control characters are dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """``line`` folded to at most 75 octets a line (UTF-8), each piece ending with CRLF.

    Continuation lines start with one space, which counts towards their 75 octets; a break
    never falls inside a multi-byte character.
    """
    pieces: list[str] = []
    current: list[str] = []
    size, limit = 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, MAX_OCTETS - 1
        current.append(char)
        size += width
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces) + CRLF


def format_utc(moment: dt.datetime) -> str:
    """``YYYYMMDDTHHMMSSZ`` for an aware datetime."""
    utc = moment.astimezone(dt.UTC)
    return f"{utc.year:04d}{utc.month:02d}{utc.day:02d}T{utc.hour:02d}{utc.minute:02d}{utc.second:02d}Z"


def format_date(day: dt.date) -> str:
    """``YYYYMMDD``."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"
