"""The province's appraisal from the command line: the province's staff gives roles and
opens rounds, appraisers score only their area, the ward sees nothing before round 1 closes,
the ranking prints and writes its XLSX and DOCX; refusals and mistakes are clear messages in
Vietnamese and English, never a traceback."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from plans import HERE, PLAN_2020

pytestmark = pytest.mark.simulation

HUNG = "hung.nv@phuhuu.gov.vn"  # the ward's chairman
STAFF = "staff@hcm.gov.vn"
AREA3 = "area3@hcm.gov.vn"
AT = ("--year", "2020", "--now", "2021-01-11T09:00")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def province(cli):  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    for name, email in (("Sở Nội vụ", STAFF), ("Thẩm định lĩnh vực 3", AREA3)):
        code, _, err = cli("officer", "add", name, email, "--unit", "tp-hcm")
        assert code == 0, err
    code, out, err = cli("appraisal", "role", STAFF, "--unit", "tp-hcm", "--from", "2021-01-01")
    assert code == 0, err
    assert "cán bộ CCHC của tỉnh/thành phố" in out
    code, out, err = cli(
        "appraisal", "assign", AREA3, "--unit", "tp-hcm", "--year", "2020", "--area", "3",
        "--as", STAFF,
    )  # fmt: skip
    assert code == 0, err
    assert "A3" in out
    code, _, err = cli("par", "submit", "--year", "2020", "--now", "2021-01-05T09:00", "--as", HUNG)
    assert code == 0, err
    return cli


def test_a_round_opens_appraisers_score_their_area_and_the_ward_waits(province) -> None:  # type: ignore[no-untyped-def]
    cli = province
    code, _, err = cli("appraisal", "open", "--unit", "tp-hcm", *AT, "--as", HUNG)
    assert code == 1 and "Traceback" not in err
    assert "Không được phép: chỉ cán bộ CCHC của tỉnh/thành phố" in flat(err)
    code, out, err = cli("appraisal", "open", "--unit", "tp-hcm", *AT, "--as", STAFF)
    assert code == 0, err
    assert "phu-huu — thẩm định năm 2020: đang thẩm định vòng 1." in out

    code, out, err = cli(
        "appraisal", "score", "3.2.1", "--unit", "phu-huu", *AT, "--points", "0,5",
        "--comment", "Thiếu sổ theo dõi", "--as", AREA3,
    )  # fmt: skip
    assert code == 0, err
    assert "vòng 1 của 3.2.1" in out
    code, _, err = cli(
        "--lang", "en", "appraisal", "score", "1.1.1", "--unit", "phu-huu", *AT,
        "--points", "1", "--as", AREA3,
    )  # fmt: skip
    assert code == 1 and "Not allowed: only an appraiser of the council assigned to 1.1.1" in flat(
        err
    )
    code, _, err = cli(
        "appraisal", "score", "3.2.1", "--unit", "phu-huu", *AT, "--points", "1", "--as", HUNG
    )
    assert code == 1 and "Không được phép" in err

    # the unit cannot take its self-assessment back, and sees no score yet
    code, _, err = cli("par", "reopen", *AT, "--reason", "sửa", "--as", HUNG)
    assert code == 1 and "đang được tỉnh/thành phố thẩm định" in flat(err)
    code, out, err = cli("appraisal", "show", "--unit", "phu-huu", *AT, "--as", HUNG, "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["stage"] == "round1"
    assert all(i["round1"] is None and i["comment1"] == "" for i in shown["items"])
    code, out, _ = cli("appraisal", "show", "--unit", "phu-huu", *AT, "--as", HUNG)
    assert "khi kết thúc vòng 1" in out
    code, out, _ = cli("appraisal", "show", "--unit", "phu-huu", *AT, "--as", AREA3)
    assert "Thiếu sổ theo dõi" in out

    # round 1 closes only when every item is scored
    code, _, err = cli("appraisal", "close", "--unit", "phu-huu", *AT, "--as", STAFF)
    assert code == 1 and "còn 63 tiêu chí thành phần chưa chấm" in flat(err)


def test_the_ranking_is_the_provinces_and_writes_its_report(province, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = province
    code, _, err = cli("appraisal", "ranking", "--unit", "tp-hcm", *AT, "--as", HUNG)
    assert code == 1 and "Không được phép" in err
    xlsx, docx = tmp_path / "xep-hang.xlsx", tmp_path / "xep-hang.docx"
    code, out, err = cli(
        "appraisal", "ranking", "--unit", "tp-hcm", *AT, "--as", STAFF,
        "--xlsx", str(xlsx), "--docx", str(docx),
    )  # fmt: skip
    assert code == 0, err
    assert "Xếp hạng Chỉ số CCHC năm 2020" in out and "đã nộp, chờ thẩm định" in out
    with zipfile.ZipFile(docx) as z:
        assert "BÁO CÁO" in z.read("word/document.xml").decode()
    assert xlsx.stat().st_size > 0
    code, out, err = cli("appraisal", "ranking", "--unit", "tp-hcm", *AT, "--json")
    assert code == 0, err  # the operator reads it too
    (line,) = json.loads(out)["units"]
    assert line["unit"] == "phu-huu" and line["stage"] == "submitted" and line["rank"] is None


def test_mistakes_are_clear_messages(province) -> None:  # type: ignore[no-untyped-def]
    cli = province
    code, _, err = cli("appraisal", "assign", AREA3, "--unit", "tp-hcm", "--year", "2020",
                       "--as", STAFF)  # fmt: skip
    assert code == 1 and "--area hoặc --criterion" in err
    code, _, err = cli("appraisal", "assign", AREA3, "--unit", "tp-hcm", "--year", "2020",
                       "--criterion", "42.1", "--as", STAFF)  # fmt: skip
    assert code == 1 and "'42.1' không phải là tiêu chí" in flat(err)
    code, _, err = cli("appraisal", "assign", HUNG, "--unit", "tp-hcm", "--year", "2020",
                       "--area", "3", "--as", STAFF)  # fmt: skip
    assert code == 1 and "cchc officer add" in err
    code, _, err = cli("--lang", "en", "appraisal", "role", AREA3, "--unit", "tp-hcm",
                       "--role", "boss")  # fmt: skip
    assert code == 1 and "There is no role 'boss'" in err
    code, _, err = cli("appraisal", "close", "--unit", "phu-huu", *AT, "--as", STAFF)
    assert code == 1 and "không thể đóng vòng thẩm định lúc này" in flat(err)
    for out in (err,):
        assert "Traceback" not in out
