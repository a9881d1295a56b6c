"""Message templates: every kind renders in both languages with the words officers need."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from email.message import EmailMessage
from typing import Any

import pytest

from domain.i18n import Lang
from notifications.render import (
    KINDS,
    assignment_context,
    bundle_context,
    bundle_item,
    dead_letter_context,
    digest_context,
    escalation_context,
    occurrence_context,
    render,
    review_context,
    sample,
    sample_context,
    sample_view,
    submitted_context,
)

UNIT = "UBND phường Phú Hữu"
WEEKDAY = {"vi": "Thứ Hai, 03/02/2020", "en": "Monday, 03/02/2020"}
POSITION = {"vi": "Bộ phận tiếp nhận và trả kết quả (một cửa)", "en": "One-stop desk"}
EVIDENCE = sample_view().evidence


def signer(kind: str, lang: Lang = "vi") -> str:
    """Whose name a kind's sample is signed with: the unit's, but for the message to the
    province's staff about late units (``deadline_overdue``), which the province signs."""
    name = str(sample_context(kind, lang)["unit_name"])
    assert name == UNIT or kind == "deadline_overdue"
    return name


def reminder(lang: Lang = "vi", **kw: Any) -> Any:
    view_kw = {k: kw.pop(k) for k in list(kw) if k not in ("catch_up", "link")}
    return render(
        "reminder",
        occurrence_context(
            sample_view(**view_kw),
            lang=lang,
            unit_name=UNIT,
            position_title=POSITION[lang],
            recipient_name="Bùi Thị Ngọc Ánh",
            **kw,
        ),
        lang,
    )


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_with_a_one_line_subject(kind: str, lang: Lang) -> None:
    out = sample(kind, lang)
    assert out.subject and "\n" not in out.subject
    assert out.text.endswith("\n") and "\n\n\n" not in out.text
    assert out.html.lstrip().startswith("<!DOCTYPE html>")
    assert UNIT in out.text  # signed with the unit's name


@pytest.mark.parametrize(
    "kind",
    [
        k
        for k in KINDS
        if k
        not in ("digest", "dead_letter", "invitation", "appraisal", "deadline", "deadline_overdue")
    ],
)
def test_occurrence_messages_carry_the_weekday_date(kind: str) -> None:
    vi, en = sample(kind, "vi"), sample(kind, "en")
    assert WEEKDAY["vi"] in vi.text and WEEKDAY["vi"] in vi.html
    assert WEEKDAY["en"] in en.text and WEEKDAY["en"] in en.html
    assert "II.3.5" in vi.subject and "tháng 1/2020" in vi.subject and "2020-01" not in vi.subject


@pytest.mark.parametrize("kind", KINDS)
def test_vietnamese_is_written_with_full_diacritics(kind: str) -> None:
    text = sample(kind, "vi").text
    assert text.startswith("Kính gửi đồng chí ")
    assert "Trân trọng." in text
    assert f"{signer(kind)} — gửi bởi phần mềm cchc" in text
    for stripped in ("Kinh gui", "dong chi", "Tran trong", "ngay lam viec"):
        assert stripped not in text


@pytest.mark.parametrize("kind", KINDS)
def test_vietnamese_wording_is_administrative_and_signed_by_the_unit(kind: str) -> None:
    out = sample(kind, "vi")
    for part in (out.subject, out.text, out.html):
        # the name of Ho Chi Minh City's own system is not ours to sign with
        assert "Hệ thống quản lý công tác CCHC" not in part
        for wrong in ("kính báo cáo", "qua chức danh", "còn 0 ngày", "Báo cáo trễ hạn"):
            assert wrong.lower() not in part.lower(), (kind, wrong)
    assert f"{signer(kind)} — gửi bởi phần mềm cchc" in out.html
    en = sample(kind, "en")
    assert f"{signer(kind, 'en')} — sent by the cchc software" in en.text
    assert "CCHC management system" not in en.text + en.html


@pytest.mark.parametrize(("lang", "line"), [("vi", "Hạn là hôm nay."), ("en", "Due today.")])
def test_a_deadline_today_says_so_without_zero_days_left(lang: Lang, line: str) -> None:
    out = reminder(lang, working_days_left=0)
    assert line in out.text
    assert "còn 0" not in out.text.lower() and "0 working days" not in out.text
    assert "còn 0" not in out.html.lower() and "0 working days" not in out.html


def test_reminder_says_what_to_do_and_by_when() -> None:
    text = reminder("vi", working_days_left=4).text
    assert "cchc occurrence submit II.3.5 2020-01" in text
    assert "Còn 4 ngày làm việc." in text
    assert "Kỳ thực hiện: tháng 1/2020 (01/01/2020 – 31/01/2020)" in text
    assert f"Giao cho: {POSITION['vi']} — Bùi Thị Ngọc Ánh" in text
    for name in EVIDENCE:
        assert f"  - {name}" in text
    en = reminder("en", working_days_left=1).text
    assert "1 working day left." in en and "cchc occurrence submit II.3.5 2020-01" in en


def test_overdue_reminder_counts_working_days_late() -> None:
    out = reminder("vi", working_days_left=-2, overdue=True)
    assert "Đã quá hạn 2 ngày làm việc." in out.text
    assert out.subject.startswith("[CCHC] Quá hạn II.3.5")
    assert "Overdue by 2 working days." in reminder("en", working_days_left=-2).text


@pytest.mark.parametrize(
    ("lang", "line"),
    [("vi", "Đã quá hạn (hạn cuối đã qua)."), ("en", "Overdue (the deadline has passed).")],
)
def test_a_deadline_passed_since_less_than_a_working_day_is_overdue_not_today(
    lang: Lang, line: str
) -> None:
    # written on Saturday about Friday's deadline: 0 working days between, but it has passed
    out = reminder(lang, working_days_left=0, overdue=True)
    assert line in out.text
    assert "Hôm nay là ngày cuối" not in out.text and "Due today" not in out.text
    assert "trễ 0" not in out.subject and " 0 working day" not in out.subject
    assert "Quá hạn II.3.5" in out.subject or "Overdue II.3.5" in out.subject


def test_link_replaces_the_command() -> None:
    out = reminder("vi", link="https://cchc.example/o/17?x=1&y=2")
    assert "https://cchc.example/o/17?x=1&y=2" in out.text
    assert "cchc occurrence submit" not in out.text
    assert 'href="https://cchc.example/o/17?x=1&amp;y=2"' in out.html


@pytest.mark.parametrize(
    ("lang", "line"),
    [("vi", "(quyền, thay Phạm Thị Hồng Nhung)"), ("en", "(acting for Phạm Thị Hồng Nhung)")],
)
def test_acting_for_appears_only_when_set(lang: Lang, line: str) -> None:
    acting = reminder(lang, officer_name="Đỗ Thanh Sơn", acting_for="Phạm Thị Hồng Nhung")
    assert f"Đỗ Thanh Sơn {line}" in acting.text and line in acting.html
    plain = reminder(lang)
    assert line not in plain.text and ("quyền, thay" not in plain.text)
    assert "acting for" not in plain.text


def escalation(lang: Lang, **kw: Any) -> Any:
    ctx = {
        "step": 2,
        "days_late": 3,
        "superior_role_title": "Phó Chủ tịch UBND phường",
        "at_top": False,
        **kw,
    }
    return render(
        "escalation",
        escalation_context(
            sample_view(working_days_left=-3, overdue=True, status="open"),
            lang=lang,
            unit_name=UNIT,
            position_title=POSITION[lang],
            recipient_name="Trần Thị Mai",
            **ctx,
        ),
        lang,
    )


def test_escalation_names_the_late_officer_days_and_step() -> None:
    out = escalation("vi")
    assert "Bùi Thị Ngọc Ánh" in out.subject and "chậm 3 ngày làm việc" in out.subject
    assert "đồng chí Bùi Thị Ngọc Ánh" in out.text
    assert "đã chậm 3 ngày làm việc" in out.text
    assert out.subject.startswith(
        "[CCHC] Nhiệm vụ quá hạn – báo cáo lãnh đạo (lần 2): II.3.5 kỳ tháng 1/2020 — "
    )
    assert "Hệ thống xin thông báo để đồng chí chỉ đạo (báo cáo lãnh đạo lần 2):" in out.text
    assert "Hệ thống xin thông báo để đồng chí chỉ đạo" in out.html
    assert "Đề nghị đồng chí đôn đốc đồng chí Bùi Thị Ngọc Ánh" in out.text
    assert "giao nhiệm vụ cho cán bộ khác" in out.text
    assert "Kính gửi đồng chí Trần Thị Mai — Phó Chủ tịch UBND phường," in out.text
    en = escalation("en", superior_role_title="Vice-chairman")
    assert "Bùi Thị Ngọc Ánh" in en.text and "3 working days late" in en.text
    assert "Escalation 2" in en.text


def test_escalation_at_the_top_asks_the_chairman_to_direct() -> None:
    assert "cấp báo cáo cao nhất" in escalation("vi", at_top=True).text
    assert "cấp báo cáo cao nhất" not in escalation("vi").text
    assert "top of the escalation chain" in escalation("en", at_top=True).text


def test_escalation_with_nobody_above_asks_the_cchc_officer_to_follow_up() -> None:
    out = escalation(
        "vi", superior_role_title="Công chức phụ trách công tác CCHC", at_top=True, instead=True
    )
    assert "Kính gửi đồng chí Trần Thị Mai — Công chức phụ trách công tác CCHC," in out.text
    assert "Hệ thống xin thông báo để đồng chí theo dõi (lần 2):" in out.text
    assert out.subject.startswith("[CCHC] Nhiệm vụ quá hạn – đề nghị theo dõi (lần 2): II.3.5")
    assert "Không có cấp trên nào khác để báo cáo việc này" in out.text
    assert "trao đổi trực tiếp với đồng chí Bùi Thị Ngọc Ánh" in out.text
    assert "đôn đốc" not in out.text and "chỉ đạo" not in out.text
    en = escalation("en", superior_role_title="Administrative-reform officer", instead=True)
    assert "nobody above to escalate this to" in en.text and "Please urge" not in en.text


def bundle(lang: Lang) -> Any:
    mine = sample_view(working_days_left=-2, overdue=True, status="open")
    other = sample_view(task="II.1.2", period="2020-Q1", working_days_left=0, evidence=())
    third = sample_view(task="II.3.2", period="2020-02", officer_name="Đỗ Thanh Sơn")
    items = [
        bundle_item(
            mine,
            kind="reported",
            step=1,
            position_title=POSITION[lang],
            told=[("Trần Thị Mai", "Phó Chủ tịch UBND phường")],
        ),
        bundle_item(other, kind="reminder", step=0, position_title=POSITION[lang], catch_up=True),
        bundle_item(third, kind="escalation", step=2, position_title=POSITION[lang]),
    ]
    return render(
        "bundle",
        bundle_context(lang=lang, unit_name=UNIT, recipient_name="Bùi Thị Ngọc Ánh", items=items),
        lang,
    )


def test_a_bundle_lists_each_item_once_under_its_heading() -> None:
    out = bundle("vi")
    assert out.subject == (
        "[CCHC] 3 việc cần đồng chí lưu ý (1 báo cáo lãnh đạo, 1 đã báo cáo lên cấp trên, "
        "1 nhắc việc): II.3.2 kỳ tháng 2/2020, II.3.5 kỳ tháng 1/2020, II.1.2 kỳ quý I/2020"
    )
    text = out.text
    heads = [
        text.index("NHIỆM VỤ QUÁ HẠN CẦN ĐỒNG CHÍ CHỈ ĐẠO, THEO DÕI"),
        text.index("NHIỆM VỤ CỦA ĐỒNG CHÍ ĐÃ ĐƯỢC BÁO CÁO LÊN CẤP TRÊN"),
        text.index("NHẮC VIỆC"),
    ]
    assert heads == sorted(heads)
    assert heads[0] < text.index("- II.3.2 kỳ tháng 2/2020:") < heads[1]
    assert heads[1] < text.index("- II.3.5 kỳ tháng 1/2020:") < heads[2] < text.index("- II.1.2 kỳ")
    assert text.count("\n- ") == 3
    assert "Báo cáo lãnh đạo lần 2: đồng chí Đỗ Thanh Sơn" in text
    assert (
        "Đã báo cáo lên cấp trên (lần 1): đồng chí Trần Thị Mai — Phó Chủ tịch UBND phường." in text
    )
    assert "Hạn: Thứ Hai, 03/02/2020 — Đã quá hạn 2 ngày làm việc." in text
    assert "Hạn: Thứ Hai, 03/02/2020 — Hạn là hôm nay." in text
    assert "Xin gửi đồng chí 3 việc cần lưu ý trong thư này." in text
    assert "tổng hợp các lần nhắc bị lỡ" in text and "Trạng thái hiện tại:" in text
    assert "Nộp: cchc occurrence submit II.1.2 2020-Q1" in text
    en = bundle("en")
    assert en.subject.startswith(
        "[CCHC] 3 items for you (1 escalated to you, 1 reported up, 1 reminder)"
    )
    assert "Reported up (escalation 1) to: Trần Thị Mai" in en.text


def test_a_late_officer_alone_is_told_whom_it_was_reported_to() -> None:
    mine = sample_view(working_days_left=-1, overdue=True, status="open")
    told = [
        ("Trần Thị Mai", "Phó Chủ tịch UBND phường"),
        ("Lê Quốc Bảo", "Phó Chủ tịch UBND phường"),
    ]
    item = bundle_item(mine, kind="reported", step=1, position_title=POSITION["vi"], told=told)
    out = render(
        "bundle",
        bundle_context(lang="vi", unit_name=UNIT, recipient_name="Bùi Thị Ngọc Ánh", items=[item]),
        "vi",
    )
    assert (
        out.subject == "[CCHC] Đã báo cáo lên cấp trên: II.3.5 kỳ tháng 1/2020 chậm 1 ngày làm việc"
    )
    assert "đồng chí Trần Thị Mai — Phó Chủ tịch UBND phường; đồng chí Lê Quốc Bảo" in out.text


def test_a_submission_asks_the_approver_to_review_with_the_commands() -> None:
    def submitted(lang: Lang, reason: str | None = None) -> Any:
        return render(
            "submitted",
            submitted_context(
                sample_view(status="submitted"),
                lang=lang,
                unit_name=UNIT,
                recipient_name="Trần Thị Mai",
                position_title=POSITION[lang],
                approver_title="Phó Chủ tịch UBND phường",
                submitter_name="Bùi Thị Ngọc Ánh",
                reason=reason,
            ),
            lang,
        )

    out = submitted("vi")
    assert out.subject.startswith("[CCHC] Chờ duyệt: II.3.5 kỳ tháng 1/2020 — Bùi Thị Ngọc Ánh")
    assert "cchc occurrence accept II.3.5 2020-01" in out.text
    assert "cchc occurrence return II.3.5 2020-01" in out.text
    assert "Nộp không kèm đủ" not in out.text
    assert "lý do: Sổ đang được ký" in submitted("vi", "Sổ đang được ký").text
    assert "Waiting for your review" in submitted("en").subject


@pytest.mark.parametrize("kind", ["reminder", "escalation"])
def test_catch_up_line_only_with_the_flag(kind: str) -> None:
    def text(lang: Lang, flag: bool) -> str:
        if kind == "escalation":
            return escalation(lang, catch_up=flag).text
        return reminder(lang, catch_up=flag, status="in_progress").text

    assert "hệ thống tạm ngừng hoạt động" in text("vi", True)
    assert "hệ thống tạm ngừng hoạt động" not in text("vi", False)
    assert "while the system was down" in text("en", True)
    assert "while the system was down" not in text("en", False)
    if kind == "reminder":
        assert "trạng thái hiện tại: đang thực hiện." in text("vi", True)
        assert "current status: in progress." in text("en", True)


def digest(lang: Lang, *, empty: bool = False) -> Any:
    soon = sample_view(task="II.3.5", working_days_left=1)
    late = sample_view(task="II.1.2", period="2020-Q1", working_days_left=-4, overdue=True)
    back = sample_view(task="II.3.2", period="2019-12", status="returned", reason="Thiếu chữ ký")
    return render(
        "digest",
        digest_context(
            lang=lang,
            unit_name=UNIT,
            recipient_name="Bùi Thị Ngọc Ánh",
            today=dt.date(2020, 1, 31),
            horizon=5,
            due_soon=[] if empty else [soon],
            overdue=[] if empty else [late],
            returned=[] if empty else [back],
        ),
        lang,
    )


def test_digest_groups_items_into_three_sections() -> None:
    text = digest("vi").text
    i_soon, i_late, i_back = (
        text.index("1. SẮP ĐẾN HẠN"),
        text.index("2. QUÁ HẠN"),
        text.index("3. BỊ TRẢ LẠI"),
    )
    assert i_soon < text.index("II.3.5 kỳ tháng 1/2020") < i_late
    assert i_late < text.index("II.1.2 kỳ quý I/2020") < i_back
    assert i_back < text.index("II.3.2 kỳ tháng 12/2019")
    assert "quá hạn 4 ngày làm việc" in text and "còn 1 ngày làm việc" in text
    assert "Lý do trả lại: Thiếu chữ ký" in text
    assert "Không có việc nào" not in text
    html = digest("vi").html
    assert html.count("<table") == 3 and "Thứ Hai, 03/02/2020" in html
    en = digest("en").text
    assert en.index("1. DUE SOON") < en.index("II.3.5 (January 2020)") < en.index("2. OVERDUE")


def test_empty_digest_says_nothing_due() -> None:
    vi = digest("vi", empty=True)
    assert "không có việc đến hạn" in vi.subject
    assert "Không có việc nào đến hạn trong 5 ngày làm việc tới." in vi.text
    assert "Không có việc nào quá hạn." in vi.text
    assert "Không có việc nào bị trả lại." in vi.text
    assert "<table" not in vi.html
    en = digest("en", empty=True)
    assert "nothing due" in en.subject and "Nothing due within 5 working days." in en.text


def test_returned_carries_the_reason_and_accepted_names_the_approver() -> None:
    def review(kind: str, lang: Lang, reason: str | None) -> Any:
        ctx = review_context(
            sample_view(),
            lang=lang,
            unit_name=UNIT,
            recipient_name="Bùi Thị Ngọc Ánh",
            position_title=POSITION[lang],
            reviewer_name="Trần Thị Mai",
            reason=reason,
        )
        return render(kind, ctx, lang)

    returned = review("returned", "vi", "Thiếu Sổ theo dõi hồ sơ (Mẫu 06).")
    assert "Sau khi bổ sung, đồng chí nộp lại bằng lệnh:" in returned.text
    assert "Lý do trả lại: Thiếu Sổ theo dõi hồ sơ (Mẫu 06)." in returned.text
    assert "Trần Thị Mai" in returned.text
    assert "cchc occurrence submit II.3.5 2020-01" in returned.text
    accepted = review("accepted", "vi", None)
    assert "Đồng chí Trần Thị Mai đã chấp nhận" in accepted.text and "Cảm ơn" in accepted.text
    assert "Thank you" in review("accepted", "en", None).text


def test_assignment_says_from_when() -> None:
    ctx = assignment_context(
        sample_view(officer_name="Đỗ Thanh Sơn"),
        lang="vi",
        unit_name=UNIT,
        recipient_name="Đỗ Thanh Sơn",
        position_title=POSITION["vi"],
        since=dt.date(2020, 2, 3),
    )
    text = render("assignment", ctx).text
    assert (
        "Kể từ Thứ Hai, 03/02/2020, nhiệm vụ dưới đây được giao cho đồng chí với chức danh "
        f"{POSITION['vi']}." in text
    )
    assert "qua chức danh" not in text


def test_a_returned_task_with_a_link_is_resubmitted_after_amending() -> None:
    ctx = review_context(
        sample_view(),
        lang="vi",
        unit_name=UNIT,
        recipient_name="Bùi Thị Ngọc Ánh",
        position_title=POSITION["vi"],
        reviewer_name="Trần Thị Mai",
        reason="Thiếu biên bản",
    )
    out = render("returned", {**ctx, "link": "https://cchc.example/o/17"}, "vi")
    assert "Sau khi bổ sung, đồng chí nộp lại tại: https://cchc.example/o/17" in out.text
    assert "Sau khi bổ sung, đồng chí nộp lại tại:" in out.html


def test_dead_letter_gives_the_retry_command() -> None:
    for lang in ("vi", "en"):
        ctx = dead_letter_context(
            lang=lang,
            unit_name=UNIT,
            recipient_name="Phạm Thị Hồng Nhung",
            outbox_id=42,
            original_recipient="anh.btn@phuhuu.gov.vn",
            channel="smtp",
            subject="[CCHC] Nhắc việc II.3.5",
            attempts=5,
            last_error="550 mailbox unavailable",
        )
        out = render("dead_letter", ctx, lang)
        for part in ("anh.btn@phuhuu.gov.vn", "smtp", "[CCHC] Nhắc việc II.3.5", "550 mailbox"):
            assert part in out.text
        assert "cchc outbox retry 42" in out.text and "cchc outbox retry 42" in out.html
        assert "5" in out.subject


def test_html_escapes_while_text_keeps_verbatim() -> None:
    title = "<script>alert('x')</script> & một cửa"
    out = reminder("vi", title=title)
    assert title in out.text
    assert "<script>" not in out.html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; một cửa" in out.html


def test_render_rejects_an_unknown_kind_and_a_mixed_language() -> None:
    with pytest.raises(ValueError, match="unknown message kind 'memo'"):
        render("memo", {})
    with pytest.raises(ValueError, match="lang"):
        render("reminder", {"lang": "en"}, "vi")


def eml_round_trip(out: Any) -> tuple[str, str, str]:
    """Through the mail cchc really sends (``notifications.channels.to_email``) and back."""
    from notifications.channels import Outgoing, to_email

    mail = to_email(
        Outgoing(
            key="k",
            kind="reminder",
            recipient="mai.tt@phuhuu.gov.vn",
            recipient_name="Trần Thị Mai",
            subject=out.subject,
            body=out.text,
            html=out.html,
        )
    )
    parsed = email.message_from_bytes(mail.as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    assert text_part is not None and html_part is not None
    return str(parsed["Subject"]), text_part.get_content(), html_part.get_content()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_eml_round_trip_keeps_subject_and_both_parts(kind: str, lang: Lang) -> None:
    out = sample(kind, lang)
    assert eml_round_trip(out) == (out.subject, out.text, out.html)


CODE_OUTSIDE_A_COMMAND = re.compile(
    r"(?<!occurrence (?:submit|accept|return) II\.\d\.\d )\b20\d\d-(?:Q\d|H\d|W\d\d|\d\d)\b"
)


@pytest.mark.parametrize("kind", KINDS)
def test_vietnamese_messages_name_periods_as_officers_write_them(kind: str) -> None:
    """Subjects and bodies say "quý I/2020", "tháng 1/2020"; the code stays only in the command
    line the officer copies (``cchc occurrence submit II.3.5 2020-01``)."""
    quarter = sample_view(task="II.1.2", period="2020-Q1")
    week = sample_view(task="II.1.3", period="2020-W23")
    for view in (quarter, week):
        out = render(
            "reminder",
            occurrence_context(
                view,
                lang="vi",
                unit_name=UNIT,
                position_title=POSITION["vi"],
                recipient_name="Bùi Thị Ngọc Ánh",
            ),
            "vi",
        )
        for part in (out.subject, out.text, out.html):
            assert CODE_OUTSIDE_A_COMMAND.search(part) is None, part
    assert "kỳ quý I/2020" in reminder(task="II.1.2", period="2020-Q1").subject
    assert "kỳ tuần 23 (01/6–05/6/2020)" in reminder(period="2020-W23").subject
    assert "Q1 2020" in reminder("en", period="2020-Q1").subject
    out = sample(kind, "vi")
    for part in (out.subject, out.text, out.html):
        assert CODE_OUTSIDE_A_COMMAND.search(part) is None, (kind, part)
