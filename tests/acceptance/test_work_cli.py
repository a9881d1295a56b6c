"""Scheduled work from the command line: calendar, schedule, tasks, occurrences, reminders, ics."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import pytest

from plans import HERE, PLAN_2020

# these tests give changes the time they choose (--now): a simulation database
pytestmark = pytest.mark.simulation


@pytest.fixture
def ward(cli):  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    return cli


def test_calendar_counts_working_days_over_tet_and_follows_overrides(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("calendar", "add", "2020-01-20", "5", "--json")
    assert json.loads(out)["date"] == "2020-02-03"
    code, out, _ = cli("calendar", "add", "2020-02-03", "-5", "--json")
    assert json.loads(out)["date"] == "2020-01-20"
    code, out, _ = cli("calendar", "add", "2020-01-20", "5")
    assert "Thứ Hai, 03/02/2020" in out
    assert (
        cli("calendar", "set", "2020-01-21", "--off", "--reason", "Quyết định nghỉ thêm (thử)")[0]
        == 0
    )
    assert cli("calendar", "set", "2020-01-18", "--working", "--reason", "Làm bù (thử)")[0] == 0
    code, out, _ = cli("calendar", "add", "2020-01-17", "2", "--json")
    assert json.loads(out)["date"] == "2020-01-20"  # Saturday 18 works, Sunday 19 does not
    code, out, _ = cli("calendar", "show", "2020", "--json")
    days = {d["date"]: d for d in json.loads(out)["days"]}
    assert days["2020-01-18"]["kind"] == "make_up" and days["2020-01-21"]["kind"] == "override"
    assert days["2020-01-23"]["kind"] == "holiday"
    code, _, err = cli("calendar", "set", "2020-01-21", "--off")
    assert code == 2 and "--reason" in err


@pytest.mark.parametrize(
    "env", [{"LANG": "C", "LC_ALL": "C"}, {"LANG": "en_US.UTF-8", "LANGUAGE": "en"}]
)
def test_calendar_names_holidays_in_the_output_language_whatever_the_locale(
    cli, monkeypatch, env
) -> None:  # type: ignore[no-untyped-def]
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, out, _ = cli("calendar", "show", "2020")
    assert code == 0 and "Tết Dương lịch" in out and "Giỗ Tổ Hùng Vương" in out
    assert "New Year" not in out and "Lunar" not in out
    code, out, _ = cli("--lang", "en", "calendar", "show", "2020")
    assert code == 0 and "New Year's Day" in out and "Tết Dương lịch" not in out


def test_scheduling_a_year_with_no_plan_names_the_year(ward) -> None:  # type: ignore[no-untyped-def]
    code, _, err = ward("schedule", "--year", "2021", "--now", "2020-01-01T06:00")
    assert code == 1
    assert "2021" in err and "Chưa nạp kế hoạch nào" not in err, err


def test_schedule_is_idempotent_and_tasks_filter(ward) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = ward("schedule", "--now", "2020-01-01T06:00", "--json")
    assert json.loads(out)["created"] == 146
    code, out, _ = ward("schedule", "--now", "2020-01-01T06:00", "--json")
    assert json.loads(out)["created"] == 0 and json.loads(out)["unchanged"] == 146
    code, out, _ = ward(
        "tasks",
        "--officer",
        "hung.nv@phuhuu.gov.vn",
        "--now",
        "2020-03-17T08:00",
        "--overdue",
        "--json",
    )
    overdue = json.loads(out)["tasks"]
    assert [(t["task"], t["period"]) for t in overdue] == [("II.1.2", "2020-Q1")]
    assert overdue[0]["working_days_left"] == -1
    code, out, _ = ward("tasks", "--position", "justice", "--json")
    assert code == 0
    assert {t["lead_role"] for t in json.loads(out)["tasks"]} == {"justice"}


NHUNG = ("--as", "nhung.pth@phuhuu.gov.vn")  # CCHC officer: leads II.3.1 (quarterly from Q2)
MAI = ("--as", "mai.tt@phuhuu.gov.vn")  # vice-chairman for areas 3, 6, 7: approves II.3.1
HUNG = ("--as", "hung.nv@phuhuu.gov.vn")  # chairman


def test_occurrence_lifecycle_from_the_command_line(ward) -> None:  # type: ignore[no-untyped-def]
    ward("schedule", "--now", "2020-01-01T06:00")
    code, out, _ = ward(
        "occurrence",
        "submit",
        "II.3.1",
        "2020-Q2",
        "--now",
        "2020-06-10T09:00",
        "--reason",
        "Nộp không kèm tài liệu (kiểm thử)",  # not about evidence
        "--json",
        *NHUNG,
    )
    assert json.loads(out)["to"] == "submitted"
    code, _, err = ward("occurrence", "start", "II.3.1", "2020-Q2", *NHUNG)
    assert err == (
        "Error: Không thể bắt đầu thực hiện: nhiệm vụ đang ở trạng thái 'đã nộp' (chỉ khi nhiệm "
        "vụ ở trạng thái: chưa thực hiện, bị trả lại).\n"
    )
    assert code == 1 and "submitted" not in err and "'start'" not in err
    code, _, err = ward("occurrence", "return", "II.3.1", "2020-Q2", *MAI)
    assert code == 1 and "--reason" in err and "trả lại kết quả" in err
    code, out, _ = ward(
        "occurrence", "return", "II.3.1", "2020-Q2", "--reason", "Thiếu báo cáo", "--json", *MAI
    )
    assert json.loads(out)["to"] == "returned"
    code, _, err = ward("occurrence", "waive", "II.3.1", "2020-Q2", "--reason", "x", *MAI)
    assert code == 1 and "Chủ tịch" in err
    code, out, _ = ward(
        "occurrence",
        "waive",
        "II.3.1",
        "2020-Q2",
        "--reason",
        "Đã gộp vào báo cáo 6 tháng",
        "--now",
        "2020-06-12T09:00",
        "--json",
        *HUNG,
    )
    assert json.loads(out)["to"] == "waived"


def test_the_chairmans_own_submission_of_a_task_he_approves_is_final(ward) -> None:  # type: ignore[no-untyped-def]
    ward("schedule", "--now", "2020-01-01T06:00")
    code, out, _ = ward(
        "occurrence",
        "submit",
        "II.1.2",
        "2020-Q1",
        "--reason",
        "Báo cáo đã gửi quận (kiểm thử)",
        "--now",
        "2020-03-10T09:00",
        *HUNG,
    )
    assert code == 0 and "cuối cùng" in out
    code, out, _ = ward("tasks", "--status", "accepted", "--json")
    assert [(t["task"], t["period"]) for t in json.loads(out)["tasks"]] == [("II.1.2", "2020-Q1")]


def test_remind_writes_one_readable_message_per_due_step(ward, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ward("schedule", "--now", "2020-01-01T06:00")
    code, out, _ = ward("remind", "--now", "2020-03-17T08:00", "--dry-run", "--json")
    planned = json.loads(out)
    assert planned["planned"] == [
        {"task": "II.1.2", "period": "2020-Q1", "kind": "escalation", "step": 1, "catch_up": True}
    ]
    outbox = tmp_path / "home" / "outbox"
    assert not outbox.exists() or not list(outbox.iterdir())
    code, out, _ = ward("remind", "--now", "2020-03-17T08:00", "--json")
    assert json.loads(out)["escalations"] == 1 and json.loads(out)["delivered"]["sent"] == 1
    code, out, _ = ward("remind", "--now", "2020-03-17T08:00", "--json")
    assert code == 0 and json.loads(out)["messages"] == 0
    files = list(outbox.glob("*.eml"))
    assert len(files) == 1
    mail = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    # nobody above the chairman: the CCHC officer is asked to follow it up
    assert mail["Subject"].startswith(
        "[CCHC] Nhiệm vụ quá hạn – đề nghị theo dõi (lần 1): II.1.2 kỳ quý I/2020"
    )
    # the chairman's own task: never escalated to himself, only the CCHC officer is told
    assert "Phạm Thị Hồng Nhung" in str(mail["To"]) and "Nguyễn Văn Hùng" not in str(mail["To"])
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Thứ Hai, 16/03/2020" in body and "tổng hợp" in body


def test_remind_dry_run_says_what_it_would_send_to_whom(ward) -> None:  # type: ignore[no-untyped-def]
    ward("schedule", "--now", "2020-01-01T06:00")
    code, out, _ = ward("remind", "--now", "2020-04-10T08:00", "--dry-run")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines == [
        "→ Phạm Thị Hồng Nhung <nhung.pth@phuhuu.gov.vn>: nhiệm vụ quá hạn II.1.2 kỳ quý I/2020 "
        "(lần 2) — tổng hợp các bước bị lỡ; nhắc việc II.7.5 kỳ quý II/2020 (bước 5, trước hạn 5 "
        "ngày làm việc)",
        "→ Nguyễn Văn Hùng <hung.nv@phuhuu.gov.vn>: nhiệm vụ quá hạn II.5.3 kỳ quý I/2020 (lần 2) — "
        "tổng hợp các bước bị lỡ",
        "→ Đỗ Thanh Sơn <son.dt@phuhuu.gov.vn>: thông báo II.5.3 kỳ quý I/2020 đã được báo cáo lên "
        "cấp trên (lần 2) — tổng hợp các bước bị lỡ",
        "Chạy thử: sẽ gửi 3 thư (1 nhắc việc, 2 thông báo nhiệm vụ quá hạn); chưa gửi gì.",
    ]
    code, out, _ = ward("remind", "--now", "2020-04-10T08:00", "--dry-run", "--lang", "en")
    assert out.strip().splitlines()[-2:] == [
        "→ Đỗ Thanh Sơn <son.dt@phuhuu.gov.vn>: notice that II.5.3 (Q1 2020) was reported up "
        "(escalation 2) — catch-up of missed steps",
        "Dry run: 3 message(s) would be sent (1 reminder(s), 2 escalation(s)); nothing was sent.",
    ]
    code, out, _ = ward("remind", "--now", "2020-04-10T08:00", "--json")
    assert json.loads(out)["messages"] == 3  # what the dry run said


def test_ics_feed_of_an_officer(ward) -> None:  # type: ignore[no-untyped-def]
    ward("schedule", "--now", "2020-01-01T06:00")
    code, out, _ = ward("ics", "--officer", "ha.dtt@phuhuu.gov.vn", "--now", "2020-01-02T08:00")
    assert code == 0
    assert out.startswith("BEGIN:VCALENDAR") and out.rstrip().endswith("END:VCALENDAR")
    assert out.count("BEGIN:VEVENT") == 3  # the accountant leads II.6.1 (two halves) and II.6.2
    # an empty name (an unset shell variable) is refused, not read as everyone's work
    for empty in ("", " "):
        code, out, err = ward("ics", "--officer", empty, "--now", "2020-01-02T08:00")
        assert (code, out) == (2, "") and "Traceback" not in err
        assert "--officer cần email hoặc họ tên của một cán bộ." in " ".join(err.split())
