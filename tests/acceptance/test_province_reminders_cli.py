"""The province's self-assessment deadline from the command line, and a year replayed with
``cchc remind --now``: the province's staff set the date, the ward's chairman and CCHC officer
are reminded, once late the staff hear of it; a step is never sent twice, whatever is replayed.
Refusals and mistakes are clear messages, never a traceback."""

from __future__ import annotations

import json
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from plans import HERE, PLAN_2020

pytestmark = pytest.mark.simulation

HUNG = "hung.nv@phuhuu.gov.vn"  # the ward's chairman
NHUNG = "nhung.pth@phuhuu.gov.vn"  # the ward's CCHC officer
STAFF = "staff@hcm.gov.vn"
SET = ("--unit", "tp-hcm", "--year", "2020", "--now", "2021-01-25T09:00")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def province(cli):  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    code, _, err = cli("officer", "add", "Sở Nội vụ", STAFF, "--unit", "tp-hcm")
    assert code == 0, err
    code, _, err = cli("appraisal", "role", STAFF, "--unit", "tp-hcm", "--from", "2021-01-01")
    assert code == 0, err
    return cli


def mails(home: Path) -> list[tuple[str, str, str]]:
    """(recipient, subject, text) of every .eml the file channel wrote."""
    out = []
    for path in sorted((home / "outbox").glob("*.eml")):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        out.append((str(message["To"]), str(message["Subject"]), body.get_content()))
    return out


def test_the_staff_set_the_deadline_and_a_replayed_year_reminds_then_reports(
    province, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    cli = province
    code, _, err = cli("appraisal", "deadline", *SET, "--self-assessment-due", "18/02/2021",
                       "--as", HUNG)  # fmt: skip
    assert code == 1 and "Traceback" not in err
    assert flat(err).startswith("Error: Không được phép: 'hung.nv@phuhuu.gov.vn'")
    code, out, err = cli("appraisal", "deadline", *SET, "--self-assessment-due", "18/02/2021",
                         "--as", STAFF)  # fmt: skip
    assert code == 0, err
    assert (
        "Hạn nộp bản tự đánh giá Chỉ số CCHC năm 2020 của các đơn vị thuộc tp-hcm: Thứ Năm, "
        "18/02/2021. Đã nộp: 0/1 đơn vị" in flat(out)
    )

    code, out, err = cli("remind", "--now", "2021-02-04T07:35", "--dry-run")
    assert code == 0, err
    assert (
        "→ Nguyễn Văn Hùng <hung.nv@phuhuu.gov.vn>: nhắc hạn nộp bản tự đánh giá năm 2020 của "
        "phu-huu (trước hạn 5 ngày làm việc)" in flat(out)
    )
    assert "sẽ gửi 2 thư về hạn của tỉnh/thành phố; chưa gửi gì" in flat(out)
    assert not list((tmp_path / "home" / "outbox").glob("*.eml"))

    code, out, err = cli("remind", "--now", "2021-02-04T07:35")
    assert code == 0, err
    assert "Hạn của tỉnh/thành phố: nhắc hạn 1 đơn vị, báo cáo quá hạn 0 đơn vị, thư: 2." in out
    sent = mails(tmp_path / "home")
    assert sorted(to for to, _, _ in sent) == sorted(
        ["Nguyễn Văn Hùng <hung.nv@phuhuu.gov.vn>", "Phạm Thị Hồng Nhung <nhung.pth@phuhuu.gov.vn>"]
    )
    assert "Còn 5 ngày làm việc." in sent[0][2]

    # the replay goes on past the deadline: the staff hear of the ward once
    code, out, err = cli("remind", "--now", "2021-02-19T07:35", "--json")
    assert code == 0, err
    done = json.loads(out)["deadlines"]
    assert (done["reminders"], done["escalations"], done["catch_ups"]) == (0, 1, 1)
    code, out, err = cli("remind", "--now", "2021-02-19T07:35", "--json")
    assert json.loads(out)["deadlines"]["messages"] == 0  # replaying the moment sends nothing
    staff = [m for m in mails(tmp_path / "home") if STAFF in m[0]]
    assert len(staff) == 1
    assert staff[0][1] == "[CCHC] 1 đơn vị quá hạn nộp bản tự đánh giá Chỉ số CCHC năm 2020"
    assert "chưa nộp bản tự đánh giá Chỉ số CCHC năm 2020" in staff[0][2]
    assert "Chủ tịch: Nguyễn Văn Hùng" in staff[0][2]


def test_mistakes_are_clear_messages(province) -> None:  # type: ignore[no-untyped-def]
    cli = province
    code, _, err = cli("appraisal", "deadline", *SET, "--self-assessment-due", "12/02/2021",
                       "--as", STAFF)  # fmt: skip
    assert code == 1 and "Traceback" not in err
    assert "Ngày 12/02/2021 không phải ngày làm việc" in flat(err) and "17/02/2021" in err
    code, _, err = cli("--lang", "en", "appraisal", "deadline", *SET,
                       "--self-assessment-due", "2021-01-04", "--as", STAFF)  # fmt: skip
    assert code == 1 and "The date 04/01/2021 has passed" in flat(err) and "Hint" in err
    code, _, err = cli("appraisal", "deadline", *SET, "--self-assessment-due", "31/02/2021",
                       "--as", STAFF)  # fmt: skip
    assert code in (1, 2) and "Traceback" not in err and "31/02/2021" in err
    code, _, err = cli("appraisal", "deadline", "--unit", "phu-huu", "--year", "2020",
                       "--now", "2021-01-25T09:00", "--self-assessment-due", "18/02/2021",
                       "--as", STAFF)  # fmt: skip
    assert code == 1 and "Traceback" not in err


def test_the_deadline_as_json_and_moved(province) -> None:  # type: ignore[no-untyped-def]
    cli = province
    args = ("appraisal", "deadline", *SET, "--as", STAFF, "--json")
    code, out, err = cli(*args, "--self-assessment-due", "2021-02-18")
    assert code == 0, err
    assert json.loads(out) == {
        "unit": "tp-hcm",
        "year": 2020,
        "self_assessment_due": "2021-02-18",
        "before": None,
        "units": 1,
        "submitted": 0,
    }
    code, out, err = cli(*args[:-1], "--lang", "en", "--self-assessment-due", "26/02/2021")
    assert code == 0, err
    assert "by Friday, 26/02/2021" in flat(out) and "It was 18/02/2021" in flat(out)


def test_the_units_progress_counts_down_to_the_deadline_the_staff_set(province) -> None:  # type: ignore[no-untyped-def]
    cli = province
    view = ("province", "progress", "--unit", "tp-hcm", "--year", "2020",
            "--now", "2021-02-04T09:00", "--json")  # fmt: skip
    code, out, err = cli(*view)
    assert code == 0, err
    assert json.loads(out)["assessment_due"] is None  # none set yet
    code, _, err = cli("appraisal", "deadline", *SET, "--self-assessment-due", "18/02/2021",
                       "--as", STAFF)  # fmt: skip
    assert code == 0, err
    code, out, err = cli(*view)
    assert code == 0, err
    assert json.loads(out)["assessment_due"] == "2021-02-18"
    code, out, err = cli(*view, "--assessment-due", "2021-02-10")  # the option still wins
    assert json.loads(out)["assessment_due"] == "2021-02-10"
