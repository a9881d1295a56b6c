"""Evidence from the command line, as ward officers drive it, each as themself (``--as``):
upload, refusals, the submit rule, review, verification and the completeness report
(terminal, JSON and Excel); and who may upload and review."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cchc.replay import minimal_pdf
from domain.periods import period_label
from plans import HERE, PLAN_2020

# these tests give changes the time they choose (--now): a simulation database
pytestmark = pytest.mark.simulation

HUNG = "hung.nv@phuhuu.gov.vn"  # chairman, leads and approves II.1.1
BAO = "bao.lq@phuhuu.gov.vn"  # vice-chairman for area 1 (not II.1.1's approver)
NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer: supports II.1.1, leads II.3.1
MAI = "mai.tt@phuhuu.gov.vn"  # vice-chairman for area 3: approves II.3.1
ANH = "anh.btn@phuhuu.gov.vn"  # one-stop desk: supports II.3.1
PHAT = "phat.ht@phuhuu.gov.vn"  # culture officer: neither task is his


@pytest.fixture
def ward(cli):  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    assert cli("schedule", "--now", "2020-01-01T06:00")[0] == 0
    return cli


def test_an_officer_uploads_submits_and_the_report_shows_what_is_owed(ward, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = ward
    decision = tmp_path / "Quyết định kiện toàn.jpg"  # a PDF under a photo's name
    decision.write_bytes(minimal_pdf("QD kien toan Ban Chi dao"))
    virus = tmp_path / "Phân công.pdf"
    virus.write_bytes(b"MZ\x90\x00" + bytes(400))

    code, _, err = cli(
        "occurrence", "submit", "II.1.1", "2020", "--as", HUNG, "--now", "2020-04-20T09:00"
    )
    assert code == 1 and err.startswith("Error:")
    assert "Quyết định kiện toàn Ban Chỉ đạo CCHC phường" in err and "--reason" in err

    code, _, err = cli(
        "evidence", "add", str(virus), "--task", "II.1.1", "--period", "2020", "--requirement", "2",
        "--as", HUNG,
    )  # fmt: skip
    assert code == 1 and "Phân công.pdf" in err and "exe" in err

    # the CCHC officer (a support position of II.1.1) files the decision for the chairman
    code, out, _ = cli(
        "evidence", "add", str(decision), "--task", "II.1.1", "--period", "2020",
        "--requirement", "kiện toàn", "--doc-number", "12/QĐ-UBND", "--doc-date", "2020-04-02",
        "--issuer", "UBND phường Phú Hữu", "--as", NHUNG, "--now", "2020-04-10T08:30", "--json",
    )  # fmt: skip
    assert code == 0
    [added] = json.loads(out)
    assert (added["revision"], added["file"], added["doc_number"]) == (
        1,
        "Quyết định kiện toàn.jpg",
        "12/QĐ-UBND",
    )
    assert sorted(added["criteria"]) == ["1.1.3", "4.1.4"]  # the task's, by default
    assert Path(added["path"]).read_bytes() == decision.read_bytes()

    code, out, _ = cli("evidence", "show", str(added["id"]))
    assert code == 0 and "application/pdf" in out and "12/QĐ-UBND" in out
    assert f"{NHUNG} 2020-04-10 08:30" in out  # on the plan's wall clock (Asia/Ho_Chi_Minh)

    code, _, err = cli(
        "occurrence", "submit", "II.1.1", "2020", "--as", HUNG, "--now", "2020-04-20T09:00"
    )
    assert code == 1 and "Quyết định phân công nhiệm vụ" in err and "kiện toàn Ban" not in err

    second = tmp_path / "phan-cong.pdf"
    second.write_bytes(minimal_pdf("QD phan cong"))
    assert cli("evidence", "add", str(second), "--task", "II.1.1", "--period", "2020",
               "--requirement", "2", "--criteria", "1.1.3", "--as", HUNG)[0] == 0  # fmt: skip

    # II.1.1 is approved by the chairman: the vice-chairman for area 1 may not review it
    code, _, err = cli(
        "evidence", "reject", str(added["id"]), "--reason", "Thiếu chữ ký", "--as", BAO
    )
    assert code == 1 and "Chủ tịch UBND phường" in err and "Lê Quốc Bảo" in err
    code, _, err = cli("evidence", "reject", str(added["id"]), "--as", HUNG)
    assert code == 1 and "--reason" in err
    code, out, _ = cli(
        "evidence", "reject", str(added["id"]), "--reason", "Thiếu chữ ký", "--as", HUNG, "--json"
    )
    assert json.loads(out) == {"id": added["id"], "status": "rejected", "reason": "Thiếu chữ ký"}

    # a rejected document no longer counts: the submission needs it again, or a reason
    code, _, err = cli(
        "occurrence", "submit", "II.1.1", "2020", "--as", HUNG, "--now", "2020-04-20T09:00"
    )
    assert code == 1 and "Quyết định kiện toàn Ban Chỉ đạo CCHC phường" in err
    code, out, _ = cli(
        "occurrence", "submit", "II.1.1", "2020", "--as", HUNG, "--now", "2020-04-20T09:00",
        "--reason", "Quyết định kiện toàn đang trình ký lại", "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["to"] == "accepted"  # the chairman's own: final
    code, out, _ = cli("evidence", "list", "--task", "II.1.1", "--status", "rejected")
    assert code == 0 and "Thiếu chữ ký" in out and "bị trả lại" in out

    code, out, _ = cli("evidence", "verify")
    assert code == 0 and "2" in out
    blob = Path(added["path"])
    blob.chmod(0o644)
    blob.write_bytes(blob.read_bytes().replace(b"kien", b"KIEN"))
    code, out, _ = cli("evidence", "verify", "--json")
    assert code == 1
    assert [(p["id"], p["problem"]) for p in json.loads(out)["problems"]] == [
        (added["id"], "corrupted")
    ]

    code, out, _ = cli("completeness", "--now", "2020-05-06T08:00", "--by", "area", "--json")
    report = json.loads(out)
    area1 = next(g for g in report["groups"] if g["key"] == "1")
    # the rejected decision does not count; the chairman's own pending document was accepted
    # with his final submission
    assert area1["provided"] == 1 and area1["accepted"] == 1
    owed = [(o["task"], o["period"], o["missing"]) for o in report["owed"] if o["task"] == "II.1.1"]
    assert owed == []  # accepted (the chairman's final submission): closed, never owed or late
    missing = [(o["task"], o["missing"]) for o in report["occurrences"] if o["task"] == "II.1.1"]
    assert missing == [("II.1.1", ["Quyết định kiện toàn Ban Chỉ đạo CCHC phường"])]

    sheet = tmp_path / "bao-cao.xlsx"
    code, out, _ = cli(
        "completeness", "--now", "2020-05-06T08:00", "--by", "officer", "--xlsx", str(sheet)
    )
    assert code == 0 and "Ai còn nợ tài liệu gì" in out and "Nguyễn Văn Hùng" in out
    from openpyxl import load_workbook

    owes = load_workbook(sheet).worksheets[1]
    tasks = [row[2] for row in owes.iter_rows(min_row=2, values_only=True)]
    assert tasks == [o["task"] for o in report["owed"]] and tasks  # what the report owes
    periods = [row[4] for row in owes.iter_rows(min_row=2, values_only=True)]
    assert periods == [period_label(o["period"], "vi") for o in report["owed"]]
    assert not any(re.fullmatch(r"20\d\d(-(Q\d|H\d|W\d\d|\d\d))?", p) for p in periods)
    assert "II.1.1" not in tasks


def statuses(cli) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    code, out, _ = cli("evidence", "list", "--task", "II.3.1", "--json")
    assert code == 0
    return [(e["uploaded_by"], e["status"], e["reviewed_by"] or "") for e in json.loads(out)]


def test_who_may_upload_and_review_evidence(ward, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """II.3.1: the CCHC officer leads, the one-stop desk supports, the vice-chairman for area
    3 approves. Every refusal exits 1, names who may, and changes nothing."""
    cli = ward
    photo = tmp_path / "niem-yet.pdf"
    photo.write_bytes(minimal_pdf("Anh niem yet TTHC"))
    add = ("evidence", "add", str(photo), "--task", "II.3.1", "--period", "2020-Q2",
           "--requirement", "1", "--now", "2020-05-04T09:00")  # fmt: skip

    code, _, err = cli(*add, "--as", PHAT)  # an officer of another position
    assert code == 1 and err.startswith("Error: Không được phép")
    assert "Công chức phụ trách công tác CCHC" in err and "II.3.1" in err
    assert "Huỳnh Tấn Phát" in err
    code, _, err = cli(*add, "--as", PHAT, "--lang", "en")
    assert code == 1 and "Not allowed" in err and "Administrative-reform officer" in err
    code, _, err = cli(*add, "--as", "nobody@example.com")
    assert code == 1 and "nobody@example.com" in err and "cchc officer list" in err
    code, _, err = cli(*add)  # the operator, without --as
    assert code == 1 and "người vận hành" in err and "--as" in err
    assert statuses(cli) == []

    code, out, _ = cli(*add, "--as", ANH, "--json")  # a support position may
    assert code == 0
    [photo_id] = [e["id"] for e in json.loads(out)]
    assert statuses(cli) == [(ANH, "pending", "")]

    accept = ("evidence", "accept", str(photo_id), "--now", "2020-05-05T09:00")
    code, _, err = cli(*accept, "--as", ANH)  # never one's own upload
    assert code == 1 and "Bùi Thị Ngọc Ánh" in err
    assert "Phó Chủ tịch UBND phường phụ trách lĩnh vực 3" in err
    code, _, err = cli(*accept, "--as", NHUNG)  # the lead does not approve
    assert code == 1 and "Phó Chủ tịch UBND phường phụ trách lĩnh vực 3" in err
    code, _, err = cli(*accept, "--as", "nobody@example.com")
    assert code == 1 and "nobody@example.com" in err
    code, _, err = cli(*accept)
    assert code == 1 and "người vận hành" in err
    code, _, err = cli("evidence", "reject", str(photo_id), "--reason", "Mờ")
    assert code == 1 and "người vận hành" in err
    assert statuses(cli) == [(ANH, "pending", "")]

    code, out, _ = cli(*accept, "--as", MAI)  # the approver may
    assert code == 0 and "đã chấp nhận" in out
    assert statuses(cli) == [(ANH, "accepted", MAI)]
    code, out, _ = cli("evidence", "show", str(photo_id))
    assert f"{MAI} 2020-05-05 09:00" in out
