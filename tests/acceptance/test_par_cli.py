"""The PAR Index self-assessment from the command line, as the ward's officers use it: who may
enter scores, who may submit and reopen, and that a refusal changes nothing."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from plans import HERE, PLAN_2020

# these tests give changes the time they choose (--now): a simulation database
pytestmark = pytest.mark.simulation

HUNG = "hung.nv@phuhuu.gov.vn"  # chairman
NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer
TAM = "tam.vm@phuhuu.gov.vn"  # justice officer
ANH = "anh.btn@phuhuu.gov.vn"  # one-stop desk
AT = ("--year", "2020", "--now", "2021-01-05T08:00")


@pytest.fixture
def ward(cli):  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    return cli


def flat(text: str) -> str:
    """Error text with the terminal's line wrapping undone."""
    return " ".join(text.split())


def score(cli) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    code, out, err = cli("par", "score", *AT, "--json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def item(card: dict[str, Any], code: str) -> dict[str, Any]:
    return next(
        i
        for area in card["areas"]
        for criterion in area["children"]
        for i in criterion["children"]
        if i["code"] == code
    )


def test_only_the_chairman_submits_the_self_assessment(ward) -> None:  # type: ignore[no-untyped-def]
    code, out, err = ward("par", "submit", *AT, "--as", ANH)
    assert code == 1 and out == ""
    assert flat(err).startswith("Error: Không được phép: chỉ Chủ tịch UBND phường")
    assert "Bùi Thị Ngọc Ánh không giữ chức danh này ngày 05/01/2021" in flat(err)
    assert "Traceback" not in err
    assert score(ward)["status"] == "open" and score(ward)["snapshot_sha256"] is None

    code, _, err = ward("--lang", "en", "par", "submit", *AT)  # the operator, no --as
    assert code == 1
    assert "the operator may not submit the PAR self-assessment in an officer's name" in flat(err)
    code, _, err = ward("par", "submit", *AT, "--as", NHUNG)  # the CCHC officer edits, not submits
    assert code == 1 and "Chủ tịch UBND phường" in flat(err)
    assert score(ward)["status"] == "open"

    code, out, err = ward("par", "submit", *AT, "--as", HUNG, "--json")
    assert code == 0, err
    submitted = json.loads(out)
    assert submitted["year"] == 2020 and submitted["status"] == "submitted"
    assert len(submitted["snapshot_sha256"]) == 64
    card = score(ward)
    assert card["status"] == "submitted"
    assert card["snapshot_sha256"] == submitted["snapshot_sha256"]

    code, _, err = ward("par", "set", "1.1.1", "--level", "kip_thoi", *AT, "--as", NHUNG)
    assert code == 1 and "đã nộp và bị khóa" in flat(err)


def test_only_the_chairman_reopens_a_submitted_assessment(ward) -> None:  # type: ignore[no-untyped-def]
    assert ward("par", "submit", *AT, "--as", HUNG)[0] == 0
    code, _, err = ward("par", "reopen", *AT, "--reason", "Bổ sung", "--as", NHUNG)
    assert code == 1
    assert "chỉ Chủ tịch UBND phường (hoặc người được giao quyền) được mở lại" in flat(err)
    assert score(ward)["status"] == "submitted"
    code, out, err = ward("par", "reopen", *AT, "--reason", "Bổ sung tài liệu", "--as", HUNG)
    assert code == 0, err
    assert "Đã mở lại bản tự đánh giá năm 2020." in out
    assert score(ward)["status"] == "open"


def test_the_cchc_officer_enters_scores_and_the_justice_officer_may_not(ward) -> None:  # type: ignore[no-untyped-def]
    code, out, err = ward("par", "set", "1.1.1", "--level", "kip_thoi", *AT, "--as", TAM)
    assert code == 1 and out == ""
    assert (
        "chỉ Công chức phụ trách công tác CCHC hoặc Chủ tịch UBND phường được sửa bản tự đánh giá"
        in flat(err)
    )
    assert "Võ Minh Tâm" in flat(err)
    assert item(score(ward), "1.1.1")["self_score"] is None
    code, _, err = ward(
        "--lang", "en", "par", "explain", "1.1.1", *AT, "--text", "Kế hoạch", "--as", TAM
    )
    assert code == 1
    assert (
        "only Administrative-reform officer or Chairman of the ward People's Committee may change"
        in flat(err)
    )
    code, _, err = ward("par", "adjust", *AT, "--bonus", "1", "--bonus-reason", "x", "--as", TAM)
    assert code == 1 and "Công chức phụ trách công tác CCHC" in flat(err)
    code, _, err = ward("par", "set", "1.1.1", "--level", "kip_thoi", *AT)  # the operator
    assert code == 1 and "người vận hành hệ thống không được sửa" in flat(err)
    card = score(ward)
    assert item(card, "1.1.1")["self_score"] is None and card["bonus"] == 0

    code, out, err = ward("par", "set", "1.1.1", "--level", "kip_thoi", *AT, "--as", NHUNG)
    assert code == 0, err
    assert "Đã ghi 1.1.1." in out
    code, _, err = ward("par", "explain", "1.1.1", *AT, "--text", "Kế hoạch số 12", "--as", NHUNG)
    assert code == 0, err
    code, _, err = ward(
        "par", "adjust", *AT, "--bonus", "9", "--bonus-reason", "Sáng kiến", "--as", HUNG
    )
    assert code == 0, err
    card = score(ward)
    assert item(card, "1.1.1")["self_score"] == 1
    assert item(card, "1.1.1")["explanation"] == "Kế hoạch số 12"
    assert card["bonus"] == 2  # capped by the framework


def test_the_submission_pack_is_exported_without_changing_anything(ward, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out_dir = tmp_path / "pack"
    code, out, err = ward("par", "export", *AT, "--out", str(out_dir), "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert set(summary) == {"folder", "sheet", "report", "files", "framework", "model", "anchor"}
    assert summary["model"] is True  # the bundled framework is a model
    assert (out_dir / "bang-tu-danh-gia-2020.xlsx").is_file()
    assert (out_dir / "bao-cao-tu-danh-gia-2020.docx").is_file()
    assert summary["files"] == 0
    assert score(ward)["status"] == "open"


def test_the_pack_files_the_audit_log_head_that_verify_checks_later(ward, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out_dir = tmp_path / "pack"
    code, out, err = ward("par", "export", *AT, "--out", str(out_dir))
    assert code == 0, err
    token = (out_dir / "moc-nhat-ky.txt").read_text(encoding="utf-8").splitlines()[1]
    assert token.startswith("cchc-anchor:") and token in out
    code, out, err = ward("audit", "verify", "--anchor", token)
    assert code == 0, out + err
    home = Path(os.environ["CCHC_HOME"])
    with sqlite3.connect(home / "cchc.sqlite3") as db:  # the log cut back behind the pack
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            db.execute(f"DROP TRIGGER {name}")
        db.execute("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    code, out, err = ward("audit", "verify", "--anchor", token)
    assert code == 1 and "Error:" in err


def test_the_score_shows_survey_points_apart_and_the_index_adds_them(ward) -> None:  # type: ignore[no-untyped-def]
    code, _, err = ward("par", "set", "8.1.1", "--survey", "7", *AT, "--as", NHUNG)
    assert code == 0, err
    code, _, err = ward(  # a decimal comma, as officers write it
        "par", "set", "5.1.5", "--self", "1,5", "--reason", "Không vi phạm", *AT, "--as", NHUNG
    )
    assert code == 0, err
    card = score(ward)
    assert (card["self_assessed_total"], card["self_assessed_max"]) == (1.5, 70)
    assert (card["survey_total"], card["survey_max"]) == (7, 30)
    assert card["self_total"] == 8.5 and card["self_index"] == 8.5  # the index adds both
    assert card["self_grade"] == "kem"  # every index has a grade, the lowest included
    survey_area = next(a for a in card["areas"] if a["code"] == "A8")
    assert (survey_area["survey"], survey_area["self_assessed"]) == (7, 0)
    assert item(card, "8.1.1")["survey"] == 7

    code, out, err = ward("par", "score", *AT)
    assert code == 0, err
    assert "Điểm tự đánh giá: 1,5 / 70" in out  # a decimal comma in Vietnamese
    assert "Điểm điều tra xã hội học: 7 / 30" in out
    assert "Chỉ số CCHC: 8,5 / 100 = 8,5% — xếp loại: Kém" in out
    assert "Tổng điểm tự đánh giá: 8,5" not in out  # survey points are not self-assessed
    assert "8.5%" not in out and "1.5 / 70" not in out
    line = next(x for x in out.splitlines() if "8.1.1 " in x)
    assert line.rstrip().endswith("10 / — / — / 7 / — · 0")
    code, out, err = ward("--lang", "en", "par", "score", *AT)
    assert code == 0, err
    assert "Self-assessed points: 1.5 / 70" in out and "Survey points: 7 / 30" in out
    assert "PAR Index: 8.5 / 100 = 8.5% — grade: Poor" in out


def test_an_item_without_data_gets_no_points_and_is_flagged(ward) -> None:  # type: ignore[no-untyped-def]
    card = score(ward)
    pakn = item(card, "3.2.1")
    assert pakn["suggested"] is None and pakn["self_score"] is None
    assert pakn["basis"] == "measure:pakn_dung_han_pct: no data"
    assert pakn["missing_input"] == "measure:pakn_dung_han_pct" and pakn["needs_input"] is True
    assert card["self_total"] == 0  # nothing scored silently
    code, out, err = ward("par", "score", *AT)
    assert code == 0, err
    line = next(x for x in out.splitlines() if "3.2.1 " in x)
    assert "⚠ thiếu số liệu" in line
    summary = flat(out[out.index("Thiếu số liệu đầu vào") :])
    assert "3.2.1 (measure:pakn_dung_han_pct)" in summary
    assert "3.3.5 (metric:apology_coverage)" in summary

    code, _, err = ward(
        "measure", "set", "pakn_dung_han_pct", "100", "--year", "2020", "--as", NHUNG
    )
    assert code == 0, err
    pakn = item(score(ward), "3.2.1")
    assert pakn["suggested"] == 2 and pakn["self_score"] == 2
    assert pakn["missing_input"] is None and pakn["needs_input"] is False
    # the officer confirms that no dossier was late: scored by a person, with a reason
    code, _, err = ward(
        "par",
        "set",
        "3.3.5",
        "--self",
        "1",
        "--reason",
        "Không có hồ sơ trễ hạn",
        *AT,
        "--as",
        NHUNG,
    )
    assert code == 0, err
    apology = item(score(ward), "3.3.5")
    assert apology["self_score"] == 1 and apology["needs_input"] is False
    assert apology["missing_input"] == "metric:apology_coverage"
    code, out, _ = ward("par", "score", *AT)
    line = next(x for x in out.splitlines() if "3.3.5 " in x)
    assert "thiếu số liệu" not in line


def test_scores_take_a_decimal_comma_and_a_typo_is_refused_in_vietnamese(ward) -> None:  # type: ignore[no-untyped-def]
    code, _, err = ward("par", "set", "8.1.1", "--survey", "8,5", *AT, "--as", NHUNG)
    assert code == 0, err
    assert item(score(ward), "8.1.1")["survey"] == 8.5
    code, _, err = ward("par", "set", "8.1.1", "--survey", "8.25", *AT, "--as", NHUNG)
    assert code == 0, err
    assert item(score(ward), "8.1.1")["survey"] == 8.25
    code, _, err = ward("par", "set", "8.1.1", "--survey", "tám", *AT, "--as", NHUNG)
    assert code == 2 and "'tám' không phải là một số (viết 8,5 hoặc 8.5)" in err
    assert "Input should be" not in err
    code, _, err = ward("--lang", "en", "par", "set", "8.1.1", "--survey", "8,5,1", *AT)
    assert code == 2 and "'8,5,1' is not a number" in err
    assert item(score(ward), "8.1.1")["survey"] == 8.25  # nothing changed
