"""Messages to officers rendered from Jinja2 templates — "thông báo", Vietnamese or English.

Each kind of message has three templates under ``templates/<lang>/``: ``KIND.subject.j2``
(one line), ``KIND.txt.j2`` (plain text) and ``KIND.html.j2`` (an HTML e-mail body). The
context builders below turn plain data (an :class:`OccurrenceView`, names, dates) into the
dictionaries the templates read; they touch no database. Dates stay dates in the context and
the templates format them with the ``weekday_date`` filter ("Thứ Hai, 03/02/2020"); period keys
go through the ``period`` filter ("quý II/2020"), numbers through ``number`` and ``percent``
("99,5%").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from domain.i18n import Lang, t
from domain.numbers import decimal, percent
from domain.occurrence import OccurrenceView
from domain.periods import period_label
from domain.workdays import weekday_date

if TYPE_CHECKING:  # Jinja2 is imported when the first message is rendered, not before
    from jinja2 import Environment
    from jinja2.runtime import Context

KINDS: tuple[str, ...] = (
    "reminder",
    "escalation",
    "digest",
    "returned",
    "accepted",
    "assignment",
    "dead_letter",
    "bundle",
    "submitted",
    "invitation",
    "nudge",
    "appraisal",
    "deadline",
    "deadline_overdue",
)
PARTS: tuple[str, ...] = ("subject", "txt", "html")
_BLANK_RUNS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Rendered:
    """One message in three parts: a one-line subject, a plain-text body, an HTML body."""

    subject: str
    text: str
    html: str


def _autoescape(name: str | None) -> bool:
    return name is not None and name.endswith(".html.j2")


def _weekday_date_filter(ctx: Context, day: dt.date) -> str:
    return weekday_date(day, str(ctx.get("lang", "vi")))


def _status_name_filter(ctx: Context, status: str) -> str:
    lang: Lang = "en" if ctx.get("lang") == "en" else "vi"
    return t(f"status.{status}", lang)


def _period_filter(ctx: Context, key: str) -> str:
    return period_label(key, str(ctx.get("lang", "vi")))


def _number_filter(ctx: Context, value: float, digits: int = 2) -> str:
    return decimal(value, str(ctx.get("lang", "vi")), digits)


def _percent_filter(ctx: Context, value: float, digits: int = 1) -> str:
    return percent(value, str(ctx.get("lang", "vi")), digits)


def _date_filter(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


@cache
def environment() -> Environment:
    """The one Jinja2 environment for every message (built on first use)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context

    env = Environment(
        loader=PackageLoader("notifications", "templates"),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # the filters but ``ddmmyyyy`` read the message's language from the template's context
    env.filters["weekday_date"] = pass_context(_weekday_date_filter)
    env.filters["status_name"] = pass_context(_status_name_filter)
    env.filters["ddmmyyyy"] = _date_filter
    env.filters["period"] = pass_context(_period_filter)
    env.filters["number"] = pass_context(_number_filter)
    env.filters["percent"] = pass_context(_percent_filter)
    return env


def render(kind: str, context: Mapping[str, Any], lang: Lang = "vi") -> Rendered:
    """Subject, text and HTML of a ``kind`` message in ``lang``.

    Raises ``ValueError`` for an unknown kind, or when ``context`` was built for the other
    language (its names and titles would not match the template's words).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown message kind {kind!r}; expected one of: {', '.join(KINDS)}")
    built_for = context.get("lang", lang)
    if built_for != lang:
        raise ValueError(f"context was built for lang {built_for!r}, not {lang!r}")
    env = environment()
    data = {**context, "lang": lang}
    subject, text, html = (
        env.get_template(f"{lang}/{kind}.{part}.j2").render(data) for part in PARTS
    )
    return Rendered(subject=" ".join(subject.split()), text=tidy_text(text), html=html)


def tidy_text(text: str) -> str:
    """Paragraphs separated by exactly one blank line, no trailing spaces, one final newline.

    Templates may leave extra blank lines where an optional paragraph (catch-up, link) is
    absent; the plain-text body should not show them.
    """
    lines = [line.rstrip() for line in text.splitlines()]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"


# --- context builders ----------------------------------------------------------------------


def submit_command(view: OccurrenceView) -> str:
    """The command an officer types to submit ``view``."""
    return f"cchc occurrence submit {view.task} {view.period}"


def occurrence_item(view: OccurrenceView, position_title: str = "") -> dict[str, Any]:
    """What every message says about one occurrence (the ``occ`` of the templates).

    It is late once its deadline (17:00 of the due day) has passed, even when no full working
    day has gone by since (a Saturday after a Friday deadline: ``days_late`` is 0)."""
    late = view.overdue or view.working_days_left < 0
    return {
        "task": view.task,
        "title": view.title,
        "period": view.period,
        "period_start": view.period_start,
        "period_end": view.period_end,
        "due_date": view.due_date,
        "status": view.status,
        "overdue": late,
        "days_left": 0 if late else view.working_days_left,
        "days_late": max(-view.working_days_left, 0) if late else 0,
        "evidence": list(view.evidence),
        "position": position_title or view.lead_role,
        "officer_name": view.officer_name,
        "acting_for": view.acting_for,
        "submit_command": submit_command(view),
        "link": None,  # the occurrence's page, when the web's address is known (with_links)
    }


def _base(lang: Lang, unit_name: str, recipient_name: str) -> dict[str, Any]:
    return {"lang": lang, "unit_name": unit_name, "recipient_name": recipient_name, "links": False}


_ITEM_LISTS = (
    "items",
    "escalations",
    "reported",
    "reminders",
    "due_soon",
    "overdue",
    "returned",
    "to_review",
)


def with_links(context: Mapping[str, Any], base_url: str | None) -> dict[str, Any]:
    """``context`` with every occurrence linked to its page on the web site at ``base_url``
    (``CCHC_BASE_URL``): the templates then print the link where they would print a command
    to type. Unchanged without a ``base_url``."""
    out = dict(context)
    if not base_url:
        return out
    from domain.links import occurrence_path, page_url

    def linked(item: Mapping[str, Any]) -> dict[str, Any]:
        return {**item, "link": page_url(base_url, occurrence_path(item["task"], item["period"]))}

    out["links"] = True
    if isinstance(out.get("occ"), Mapping):
        out["occ"] = linked(out["occ"])
        out["link"] = out["occ"]["link"]
    if isinstance(out.get("first"), Mapping):
        out["first"] = linked(out["first"])
    for key in _ITEM_LISTS:
        if isinstance(out.get(key), list):
            out[key] = [linked(i) for i in out[key]]
    return out


def occurrence_context(
    view: OccurrenceView,
    *,
    lang: Lang,
    unit_name: str,
    position_title: str,
    recipient_name: str,
    catch_up: bool = False,
    link: str | None = None,
) -> dict[str, Any]:
    """Context of a ``reminder`` to the officer who holds the work."""
    return {
        **_base(lang, unit_name, recipient_name),
        "occ": occurrence_item(view, position_title),
        "catch_up": catch_up,
        "link": link,
    }


def escalation_context(
    view: OccurrenceView,
    *,
    lang: Lang,
    unit_name: str,
    position_title: str,
    recipient_name: str,
    step: int,
    days_late: int,
    superior_role_title: str,
    at_top: bool,
    catch_up: bool = False,
    instead: bool = False,
) -> dict[str, Any]:
    """Context of an ``escalation`` to a superior (``recipient_name``, ``superior_role_title``).

    ``at_top`` says the superior is the top of the chain (the chairman): nobody above to tell.
    ``instead`` says there is nobody above the late officer to tell (the chairman's own task,
    or a vacant superior post): the CCHC officer is told instead, and asked to follow it up.
    """
    return {
        **_base(lang, unit_name, recipient_name),
        "occ": occurrence_item(view, position_title),
        "catch_up": catch_up,
        "link": None,
        "step": step,
        "days_late": days_late,
        "late_officer": view.officer_name,
        "superior_role_title": superior_role_title,
        "at_top": at_top,
        "instead": instead,
    }


def digest_context(
    *,
    lang: Lang,
    unit_name: str,
    recipient_name: str,
    today: dt.date,
    horizon: int,
    due_soon: Sequence[OccurrenceView],
    overdue: Sequence[OccurrenceView],
    returned: Sequence[OccurrenceView],
    to_review: Sequence[tuple[OccurrenceView, str]] = (),
    progress: str = "",
) -> dict[str, Any]:
    """Context of one officer's ``digest`` for ``today``: three sections of their own work,
    each a list of items, and a fourth for reviewers — the submissions waiting for them
    (with who submitted each); ``progress``: the line of the officer's progress in the five
    categories (``domain.progress.describe``), printed after them."""
    sections = {
        "due_soon": [occurrence_item(v) for v in due_soon],
        "overdue": [occurrence_item(v) for v in overdue],
        "returned": [{**occurrence_item(v), "reason": v.reason} for v in returned],
        "to_review": [
            {
                **occurrence_item(v),
                "submitter_name": who or v.officer_name or "",
                "accept_command": f"cchc occurrence accept {v.task} {v.period}",
            }
            for v, who in to_review
        ],
    }
    return {
        **_base(lang, unit_name, recipient_name),
        "today": today,
        "horizon": horizon,
        **sections,
        "empty": not any(sections.values()),
        "progress": progress,
    }


def review_context(
    view: OccurrenceView,
    *,
    lang: Lang,
    unit_name: str,
    recipient_name: str,
    position_title: str,
    reviewer_name: str,
    reason: str | None,
) -> dict[str, Any]:
    """Context of a ``returned`` or ``accepted`` message (``reason`` is the approver's words)."""
    return {
        **_base(lang, unit_name, recipient_name),
        "occ": occurrence_item(view, position_title),
        "catch_up": False,
        "link": None,
        "reviewer_name": reviewer_name,
        "reason": reason or None,
    }


def assignment_context(
    view: OccurrenceView,
    *,
    lang: Lang,
    unit_name: str,
    recipient_name: str,
    position_title: str,
    since: dt.date,
) -> dict[str, Any]:
    """Context of an ``assignment``: work routed to ``recipient_name`` from ``since`` on."""
    return {
        **_base(lang, unit_name, recipient_name),
        "occ": occurrence_item(view, position_title),
        "catch_up": False,
        "link": None,
        "since": since,
    }


def nudge_context(
    view: OccurrenceView,
    *,
    lang: Lang,
    unit_name: str,
    recipient_name: str,
    position_title: str,
    sender_name: str,
    sender_title: str = "",
) -> dict[str, Any]:
    """Context of a ``nudge`` ("Nhắc ngay"): the CCHC officer or the chairman
    (``sender_name``, ``sender_title``) asks the officer holding the work to finish it now."""
    return {
        **_base(lang, unit_name, recipient_name),
        "occ": occurrence_item(view, position_title),
        "catch_up": False,
        "link": None,
        "sender_name": sender_name,
        "sender_title": sender_title,
    }


def submitted_context(
    view: OccurrenceView,
    *,
    lang: Lang,
    unit_name: str,
    recipient_name: str,
    position_title: str,
    approver_title: str,
    submitter_name: str,
    reason: str | None,
) -> dict[str, Any]:
    """Context of a ``submitted`` notice: work waits for ``recipient_name`` to accept or return.

    ``reason`` is the submitter's written reason when the submission came without evidence."""
    return {
        **_base(lang, unit_name, recipient_name),
        "occ": occurrence_item(view, position_title),
        "catch_up": False,
        "link": None,
        "approver_title": approver_title,
        "submitter_name": submitter_name,
        "reason": reason or None,
        "accept_command": f"cchc occurrence accept {view.task} {view.period}",
        "return_command": f'cchc occurrence return {view.task} {view.period} --reason "…"',
    }


def bundle_item(
    view: OccurrenceView,
    *,
    kind: str,
    step: int,
    position_title: str,
    catch_up: bool = False,
    told: Sequence[tuple[str, str]] = (),
    instead: bool = False,
) -> dict[str, Any]:
    """One entry of a ``bundle``: an escalation to the reader (``step``), the reader's late
    work reported up (to ``told``: names and position titles), or a reminder."""
    return {
        **occurrence_item(view, position_title),
        "kind": kind,
        "step": step,
        "catch_up": catch_up,
        "late_officer": view.officer_name,
        "told": [{"name": n, "title": title} for n, title in told],
        "instead": instead,
    }


def bundle_context(
    *,
    lang: Lang,
    unit_name: str,
    recipient_name: str,
    items: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Context of a ``bundle``: what one sweep has for one person, in one message — the
    escalations addressed to them, their own late work reported up, and their reminders."""
    escalations = [i for i in items if i["kind"] == "escalation"]
    reported = [i for i in items if i["kind"] == "reported"]
    reminders = [i for i in items if i["kind"] == "reminder"]
    ordered = [*escalations, *reported, *reminders]
    return {
        **_base(lang, unit_name, recipient_name),
        "items": ordered,
        "escalations": escalations,
        "reported": reported,
        "reminders": reminders,
        "first": ordered[0] if ordered else None,
        "catch_up": any(i["catch_up"] for i in ordered),
        "link": None,
    }


def dead_letter_context(
    *,
    lang: Lang,
    unit_name: str,
    recipient_name: str,
    outbox_id: int,
    original_recipient: str,
    channel: str,
    subject: str,
    attempts: int,
    last_error: str,
) -> dict[str, Any]:
    """Context of a ``dead_letter`` to the CCHC officer: a message that could not be delivered."""
    return {
        **_base(lang, unit_name, recipient_name),
        "outbox_id": outbox_id,
        "original_recipient": original_recipient,
        "channel": channel,
        "subject": subject,
        "attempts": attempts,
        "last_error": last_error,
        "retry_command": f"cchc outbox retry {outbox_id}",
    }


def invitation_context(
    *,
    lang: Lang,
    unit_name: str,
    recipient_name: str,
    email: str,
    link: str,
    expires_at: dt.datetime,
) -> dict[str, Any]:
    """Context of an ``invitation``: a one-time ``link`` to set the password of ``email``'s
    account, working until ``expires_at`` (on the unit's wall clock)."""
    return {
        **_base(lang, unit_name, recipient_name),
        "email": email,
        "link": link,
        "expires_at": expires_at,
        "expires_day": expires_at.date(),
        "valid_hours": 72,
    }


def appraisal_context(
    *,
    lang: Lang,
    unit_name: str,
    recipient_name: str,
    step: str,
    year: int,
    due: dt.date | None = None,
    index: float | None = None,
    grade: str | None = None,
) -> dict[str, Any]:
    """Context of an ``appraisal`` notice: a step of the province's appraisal of the unit's
    self-assessment of ``year`` (``open_round1``, ``close_round1`` with the explanation
    deadline ``due``, ``open_round2``, ``close_round2``, ``publish`` with the appraised
    ``index`` and ``grade``)."""
    return {
        **_base(lang, unit_name, recipient_name),
        "step": step,
        "year": year,
        "due": due,
        "index": index,
        "grade": t(f"grade.{grade}", lang) if grade else "",
    }


# --- samples for `cchc notify preview` ------------------------------------------------------

SAMPLE_UNIT = "UBND phường Phú Hữu"
SAMPLE_TODAY = dt.date(2020, 1, 31)
_SAMPLE_TITLES: dict[Lang, dict[str, str]] = {
    "vi": {
        "one_stop": "Bộ phận tiếp nhận và trả kết quả (một cửa)",
        "vice_chairman": "Phó Chủ tịch UBND phường",
        "chairman": "Chủ tịch UBND phường",
        "cchc_officer": "Công chức phụ trách công tác CCHC",
        "office": "Công chức Văn phòng – Thống kê (nội vụ, thi đua)",
    },
    "en": {
        "one_stop": "One-stop desk",
        "vice_chairman": "Vice-chairman of the ward People's Committee",
        "chairman": "Chairman of the ward People's Committee",
        "cchc_officer": "Administrative-reform officer",
        "office": "Office and statistics officer (internal affairs, emulation)",
    },
}


def sample_view(**overrides: Any) -> OccurrenceView:
    """A realistic occurrence: II.3.5 of Phú Hữu ward, January 2020, due right after Tết."""
    values: dict[str, Any] = {
        "id": 17,
        "unit": "phu-huu",
        "plan": "KH-CCHC-2020",
        "task": "II.3.5",
        "title": (
            "Nâng cao chất lượng thực hiện cơ chế một cửa, một cửa liên thông tập trung "
            "tại Bộ phận tiếp nhận và trả kết quả theo Nghị định số 61/2018/NĐ-CP"
        ),
        "area": "3",
        "period": "2020-01",
        "period_start": dt.date(2020, 1, 1),
        "period_end": dt.date(2020, 1, 31),
        "due_date": dt.date(2020, 2, 3),
        "due_at": dt.datetime(2020, 2, 3, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))),
        "status": "in_progress",
        "lead_role": "one_stop",
        "officer_email": "anh.btn@phuhuu.gov.vn",
        "officer_name": "Bùi Thị Ngọc Ánh",
        "acting_for": None,
        "overdue": False,
        "working_days_left": 1,
        "evidence": (
            "Thống kê hồ sơ tiếp nhận, giải quyết trên Hệ thống thông tin một cửa điện tử",
            "Sổ theo dõi hồ sơ (Mẫu 06)",
        ),
        "reason": "",
    }
    values.update(overrides)
    return OccurrenceView(**values)


def sample_context(kind: str, lang: Lang = "vi") -> dict[str, Any]:
    """The context :func:`sample` renders for ``kind``."""
    from notifications import deadlines

    if kind in deadlines.KINDS:
        return deadlines.sample_context(kind, lang)
    titles = _SAMPLE_TITLES[lang]
    view = sample_view()
    late = sample_view(status="open", overdue=True, working_days_left=-3)
    if kind == "reminder":
        return occurrence_context(
            view,
            lang=lang,
            unit_name=SAMPLE_UNIT,
            position_title=titles["one_stop"],
            recipient_name="Bùi Thị Ngọc Ánh",
        )
    if kind == "escalation":
        return escalation_context(
            late,
            lang=lang,
            unit_name=SAMPLE_UNIT,
            position_title=titles["one_stop"],
            recipient_name="Trần Thị Mai",
            step=1,
            days_late=3,
            superior_role_title=titles["vice_chairman"],
            at_top=False,
        )
    if kind == "digest":
        other = sample_view(
            task="II.1.2",
            title="Kiểm soát thủ tục hành chính, công khai TTHC tại trụ sở",
            period="2020-Q1",
            period_start=dt.date(2020, 1, 1),
            period_end=dt.date(2020, 3, 31),
            due_date=dt.date(2020, 1, 22),
            working_days_left=-2,
            overdue=True,
            status="open",
        )
        back = sample_view(
            task="II.3.2",
            title="Niêm yết công khai thủ tục hành chính",
            period="2019-12",
            period_start=dt.date(2019, 12, 1),
            period_end=dt.date(2019, 12, 31),
            due_date=dt.date(2020, 2, 5),
            working_days_left=3,
            status="returned",
            reason="Thiếu chữ ký của lãnh đạo trên sổ theo dõi.",
        )
        return digest_context(
            lang=lang,
            unit_name=SAMPLE_UNIT,
            recipient_name="Bùi Thị Ngọc Ánh",
            today=SAMPLE_TODAY,
            horizon=5,
            due_soon=[view],
            overdue=[other],
            returned=[back],
        )
    if kind in ("returned", "accepted"):
        returned = kind == "returned"
        return review_context(
            sample_view(status="returned" if returned else "accepted"),
            lang=lang,
            unit_name=SAMPLE_UNIT,
            recipient_name="Bùi Thị Ngọc Ánh",
            position_title=titles["one_stop"],
            reviewer_name="Trần Thị Mai",
            reason=(
                "Bảng thống kê chưa có số hồ sơ trả qua bưu chính công ích tháng 01/2020."
                if returned
                else None
            ),
        )
    if kind == "assignment":
        return assignment_context(
            sample_view(
                officer_name="Đỗ Thanh Sơn",
                officer_email="son.dt@phuhuu.gov.vn",
                acting_for="Bùi Thị Ngọc Ánh",
            ),
            lang=lang,
            unit_name=SAMPLE_UNIT,
            recipient_name="Đỗ Thanh Sơn",
            position_title=titles["one_stop"],
            since=dt.date(2020, 2, 3),
        )
    if kind == "nudge":
        return nudge_context(
            late,
            lang=lang,
            unit_name=SAMPLE_UNIT,
            recipient_name="Bùi Thị Ngọc Ánh",
            position_title=titles["one_stop"],
            sender_name="Phạm Thị Hồng Nhung",
            sender_title=titles["cchc_officer"],
        )
    if kind == "dead_letter":
        return dead_letter_context(
            lang=lang,
            unit_name=SAMPLE_UNIT,
            recipient_name="Phạm Thị Hồng Nhung",
            outbox_id=42,
            original_recipient="Bùi Thị Ngọc Ánh <anh.btn@phuhuu.gov.vn>",
            channel="smtp",
            subject="[CCHC] Nhắc việc II.3.5 kỳ tháng 1/2020: hạn Thứ Hai, 03/02/2020",
            attempts=5,
            last_error="SMTPRecipientsRefused: 550 5.1.1 mailbox unavailable",
        )
    if kind == "submitted":
        return submitted_context(
            sample_view(status="submitted", evidence=()),
            lang=lang,
            unit_name=SAMPLE_UNIT,
            recipient_name="Trần Thị Mai",
            position_title=titles["one_stop"],
            approver_title=titles["vice_chairman"],
            submitter_name="Bùi Thị Ngọc Ánh",
            reason=None,
        )
    if kind == "appraisal":
        return appraisal_context(
            lang=lang,
            unit_name=SAMPLE_UNIT,
            recipient_name="Nguyễn Văn Hùng",
            step="close_round1",
            year=2020,
            due=dt.date(2021, 1, 12),
        )
    if kind == "invitation":
        return invitation_context(
            lang=lang,
            unit_name=SAMPLE_UNIT,
            recipient_name="Bùi Thị Ngọc Ánh",
            email="anh.btn@phuhuu.gov.vn",
            link="https://cchc.phuhuu.gov.vn/dat-mat-khau/Xy3-sample-token",
            expires_at=dt.datetime(2020, 2, 3, 15, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))),
        )
    if kind == "bundle":
        chair = _SAMPLE_TITLES[lang]
        mine = sample_view(status="open", overdue=True, working_days_left=-3)
        other = sample_view(
            task="II.1.2",
            title="Kiểm soát thủ tục hành chính, công khai TTHC tại trụ sở",
            period="2020-Q1",
            period_start=dt.date(2020, 1, 1),
            period_end=dt.date(2020, 3, 31),
            due_date=dt.date(2020, 2, 5),
            working_days_left=2,
        )
        items = [
            bundle_item(
                mine,
                kind="reported",
                step=1,
                position_title=titles["one_stop"],
                told=[("Trần Thị Mai", chair["vice_chairman"])],
            ),
            bundle_item(other, kind="reminder", step=2, position_title=titles["one_stop"]),
        ]
        return bundle_context(
            lang=lang, unit_name=SAMPLE_UNIT, recipient_name="Bùi Thị Ngọc Ánh", items=items
        )
    raise ValueError(f"unknown message kind {kind!r}; expected one of: {', '.join(KINDS)}")


def sample(kind: str, lang: Lang = "vi") -> Rendered:
    """A realistic ``kind`` message for ``cchc notify preview KIND``."""
    return render(kind, sample_context(kind, lang), lang)
