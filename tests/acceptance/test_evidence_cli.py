"""Evidence from the command line, as a ward officer drives it: upload, refusals, the submit
rule, review, verification and the completeness report (terminal, JSON and Excel)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cchc.replay import minimal_pdf
from plans import HERE, PLAN_2020

HUNG = "hung.nv@phuhuu.gov.vn"  # chairman, leads II.1.1
BAO = "bao.lq@phuhuu.gov.vn"  # vice-chairman, approver of area 1


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
        "evidence", "add", str(virus), "--task", "II.1.1", "--period", "2020", "--requirement", "2"
    )
    assert code == 1 and "Phân công.pdf" in err and "exe" in err

    code, out, _ = cli(
        "evidence", "add", str(decision), "--task", "II.1.1", "--period", "2020",
        "--requirement", "kiện toàn", "--doc-number", "12/QĐ-UBND", "--doc-date", "2020-04-02",
        "--issuer", "UBND phường Phú Hữu", "--as", HUNG, "--json",
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

    code, _, err = cli(
        "occurrence", "submit", "II.1.1", "2020", "--as", HUNG, "--now", "2020-04-20T09:00"
    )
    assert code == 1 and "Quyết định phân công nhiệm vụ" in err and "kiện toàn Ban" not in err

    second = tmp_path / "phan-cong.pdf"
    second.write_bytes(minimal_pdf("QD phan cong"))
    assert cli("evidence", "add", str(second), "--task", "II.1.1", "--period", "2020",
               "--requirement", "2", "--criteria", "1.1.3")[0] == 0  # fmt: skip
    code, out, _ = cli(
        "occurrence", "submit", "II.1.1", "2020", "--as", HUNG, "--now", "2020-04-20T09:00",
        "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["to"] == "submitted"

    code, _, err = cli("evidence", "reject", str(added["id"]), "--as", BAO)
    assert code == 1 and "--reason" in err
    code, out, _ = cli(
        "evidence", "reject", str(added["id"]), "--reason", "Thiếu chữ ký", "--as", BAO, "--json"
    )
    assert json.loads(out) == {"id": added["id"], "status": "rejected", "reason": "Thiếu chữ ký"}
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
    assert area1["provided"] == 1 and area1["accepted"] == 0  # the rejected one does not count
    owed = [(o["task"], o["period"], o["missing"]) for o in report["owed"] if o["task"] == "II.1.1"]
    assert owed == [("II.1.1", "2020", ["Quyết định kiện toàn Ban Chỉ đạo CCHC phường"])]

    sheet = tmp_path / "bao-cao.xlsx"
    code, out, _ = cli(
        "completeness", "--now", "2020-05-06T08:00", "--by", "officer", "--xlsx", str(sheet)
    )
    assert code == 0 and "Ai còn nợ tài liệu gì" in out and "Nguyễn Văn Hùng" in out
    from openpyxl import load_workbook

    owes = load_workbook(sheet).worksheets[1]
    tasks = [row[2] for row in owes.iter_rows(min_row=2, values_only=True)]
    assert "II.1.1" in tasks
