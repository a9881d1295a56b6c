"""The one-stop figures an officer reads from the command line: the online share of dossiers,
the procedure catalogue, on time by the ready date, lateness in working days, apology slips
and the dossiers coming due.

The export below is small enough to count by hand (report time 15/04/2020 08:00; 02/04/2020
is a public holiday).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plans import HERE, PLAN_2020

ANH = "anh.btn@phuhuu.gov.vn"  # the one-stop desk
TAM = "tam.vm@phuhuu.gov.vn"  # justice: no part in the one-stop desk
NOW = "2020-04-15T08:00"

HEADER = (
    "ma_ho_so,ma_don_vi,ma_linh_vuc,ten_thu_tuc,ma_thu_tuc,kenh_nop,muc_do_dvc,"
    "ngay_tiep_nhan,ngay_hen_tra,ngay_tra,ngay_co_ket_qua,trang_thai,phieu_xin_loi"
)

# these tests give changes the time they choose (--now): a simulation database
pytestmark = pytest.mark.simulation
ROWS = [
    # Q1: five dossiers received, one filed online (20 %); the PAR online_rate is 1/1
    "HS-1,phu-huu,dat_dai,Cấp Giấy chứng nhận,1.001,truc_tuyen,3,02/03/2020 08:00,10/03/2020,"
    "10/03/2020 16:30,,da_tra,0",
    # late: appointment 04/03, not returned at 15/04 — 42 calendar days, 29 working days
    "HS-2,phu-huu,ho_tich,Đăng ký khai sinh,,truc_tiep,2,2020-03-02 09:15,2020-03-04,,,"
    "dang_xu_ly,0",
    # late, with the export's apology flag
    "HS-3,phu-huu,ho_tich,Đăng ký khai sinh,,truc_tiep,2,2020-03-02,2020-03-04,2020-03-06,,"
    "da_tra,1",
    # handed over two days after the appointment, but the result was ready on the day
    "HS-4,phu-huu,chung_thuc,Chứng thực bản sao,2.000,truc_tiep,2,2020-03-02,2020-03-03,"
    "2020-03-05,2020-03-03 10:00,da_tra,0",
    "HS-5,phu-huu,chung_thuc,Chứng thực bản sao,2.000,truc_tiep,2,2020-03-09,2020-03-10,"
    "2020-03-10,,da_tra,0",
    # April: coming due on Friday 17/04 and Wednesday 22/04; one returned already
    "HS-6,phu-huu,ho_tich,Đăng ký kết hôn,,truc_tiep,2,2020-04-13,2020-04-17 16:00,,,dang_xu_ly,0",
    "HS-7,phu-huu,dat_dai,Cấp Giấy chứng nhận,1.001,truc_tiep,3,2020-04-01,2020-04-22,,,"
    "dang_xu_ly,0",
    "HS-8,phu-huu,ho_tich,Đăng ký khai sinh,,truc_tiep,2,2020-04-13,2020-04-16,2020-04-14,,"
    "da_tra,0",
]
CATALOGUE = """\
ma_thu_tuc,ten_thu_tuc,linh_vuc,muc_do
1.001,Cấp Giấy chứng nhận,dat_dai,3
2.000,Chứng thực bản sao,chung_thuc,2
HT-01,Đăng ký khai sinh,ho_tich,4
HT-02,Đăng ký kết hôn,ho_tich,3
HT-03,Trích lục hộ tịch,ho_tich,2
"""


@pytest.fixture
def ward(cli, tmp_path: Path):  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    path = tmp_path / "hoso.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    code, _, err = cli("dossiers", "import", str(path))
    assert code == 0, err
    return cli


def kpi_json(cli, *args: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    code, out, err = cli("kpi", *args, "--now", NOW, "--json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def flat(text: str) -> str:
    return " ".join(text.split())


# --- the online share of dossiers (T2.3b) ------------------------------------------------


def test_kpi_json_carries_online_dossier_share_next_to_the_other_kpis(ward) -> None:  # type: ignore[no-untyped-def]
    data = kpi_json(ward, "--quarter", "2020-Q1")
    kpis = data["kpis"]
    assert {
        "on_time_rate",
        "online_rate",
        "online_dossier_share",
        "online_procedure_share",
        "postal_return_rate",
        "satisfaction_rate",
        "apology_coverage",
        "household_business_online_rate",
    } == set(kpis)
    share = kpis["online_dossier_share"]
    assert (share["value"], share["numerator"], share["denominator"]) == (20.0, 1, 5)
    assert share["fields"]["dat_dai"]["value"] == 100.0
    assert (kpis["online_rate"]["numerator"], kpis["online_rate"]["denominator"]) == (1, 1)
    targets = {t["code"]: t for t in data["targets"]}
    assert targets["T2.3b"]["metric"] == "online_dossier_share"
    assert (targets["T2.3b"]["value"], targets["T2.3b"]["status"]) == (20.0, "not_met")


def test_kpi_table_shows_the_share_and_t23b_not_met(ward) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = ward("kpi", "--quarter", "2020-Q1", "--now", NOW)
    assert code == 0
    text = flat(out)
    assert "Tỷ lệ hồ sơ nộp trực tuyến trên tổng số hồ sơ" in text
    assert "20% (1/5)" in text
    t23b = text.split("T2.3b")[1].split("T2.")[0]
    assert "không đạt" in t23b
    code, out, _ = ward("--lang", "en", "kpi", "--quarter", "2020-Q1", "--now", NOW)
    assert "Dossiers filed online, of all dossiers" in flat(out)


# --- on time by the ready date --------------------------------------------------------------


def test_on_time_is_judged_by_the_ready_date_when_the_export_gives_it(ward) -> None:  # type: ignore[no-untyped-def]
    on_time = kpi_json(ward, "--quarter", "2020-Q1")["kpis"]["on_time_rate"]
    # due: HS-1..HS-5; on time: HS-1, HS-4 (ready on its appointment day), HS-5
    assert (on_time["numerator"], on_time["denominator"]) == (3, 5)
    assert on_time["fields"]["chung_thuc"]["value"] == 100.0


# --- the procedure catalogue (T2.3a) --------------------------------------------------------


def test_without_a_catalogue_the_output_says_what_the_figure_is_over(ward) -> None:  # type: ignore[no-untyped-def]
    data = kpi_json(ward, "--quarter", "2020-Q1")
    assert data["online_procedure_basis"] == "procedures_with_dossiers"
    share = data["kpis"]["online_procedure_share"]
    # received in Q1: 1.001 (level 3), "Đăng ký khai sinh" without a code (2), 2.000 (2)
    assert (share["numerator"], share["denominator"]) == (1, 3)
    code, out, _ = ward("kpi", "--quarter", "2020-Q1", "--now", NOW)
    assert code == 0 and "trên các thủ tục có hồ sơ (chưa nhập danh mục thủ tục)" in flat(out)
    _, out, _ = ward("--lang", "en", "kpi", "--quarter", "2020-Q1", "--now", NOW)
    assert "over the procedures that received dossiers" in flat(out)


def test_the_catalogue_is_imported_listed_and_becomes_the_denominator(ward, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "danh-muc.csv"
    path.write_text(CATALOGUE, encoding="utf-8")
    code, out, err = ward("procedures", "import", str(path), "--as", ANH)
    assert code == 0, err
    assert out.strip() == "Đã nhập danh mục 5 thủ tục: thêm mới 5, cập nhật 0, bỏ khỏi danh mục 0."
    code, out, _ = ward("procedures", "list", "--json")
    listed = json.loads(out)
    assert [(p["ma_thu_tuc"], p["linh_vuc"], p["muc_do"], p["online"]) for p in listed] == [
        ("1.001", "dat_dai", 3, True),
        ("2.000", "chung_thuc", 2, False),
        ("HT-01", "ho_tich", 4, True),
        ("HT-02", "ho_tich", 3, True),
        ("HT-03", "ho_tich", 2, False),
    ]
    code, out, _ = ward("procedures", "list")
    assert "Trích lục hộ tịch" in out and "3/5" in flat(out)

    data = kpi_json(ward, "--quarter", "2020-Q1")
    assert data["online_procedure_basis"] == "catalogue"
    share = data["kpis"]["online_procedure_share"]
    assert (share["value"], share["numerator"], share["denominator"]) == (60.0, 3, 5)
    assert share["fields"]["ho_tich"]["numerator"] == 2
    targets = {t["code"]: t for t in data["targets"]}
    assert targets["T2.3a"]["status"] == "met"
    code, out, _ = ward("kpi", "--quarter", "2020-Q1", "--now", NOW)
    assert "theo danh mục 5 thủ tục" in flat(out)

    # a later catalogue replaces the whole list
    path.write_text(
        "ma_thu_tuc;ten_thu_tuc;linh_vuc;muc_do\n1.001;Cấp GCN;dat_dai;4\nK-01;Xác nhận cư trú;khac;2\n",
        encoding="utf-8",
    )
    code, out, err = ward("procedures", "import", str(path), "--json")  # the operator
    assert code == 0, err
    assert json.loads(out) | {"sha256": None} == {
        "file": "danh-muc.csv",
        "rows": 2,
        "added": 1,
        "updated": 1,
        "removed": 4,
        "sha256": None,
    }
    share = kpi_json(ward, "--quarter", "2020-Q1")["kpis"]["online_procedure_share"]
    assert (share["numerator"], share["denominator"]) == (1, 2)


def test_a_catalogue_with_bad_rows_imports_nothing_and_lists_every_one(ward, tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "dung.csv"
    good.write_text(CATALOGUE, encoding="utf-8")
    assert ward("procedures", "import", str(good))[0] == 0
    bad = tmp_path / "loi.csv"
    bad.write_text(
        "ma_thu_tuc,ten_thu_tuc,linh_vuc,muc_do\n"
        "1.001,Cấp Giấy chứng nhận,dat_dai,3\n"
        "1.002,Xác nhận,dat_dai,5\n"
        "1.003,,dat_dai,2\n"
        "1.001,Cấp Giấy chứng nhận (cũ),dat_dai,2\n",
        encoding="utf-8",
    )
    code, out, err = ward("--lang", "en", "procedures", "import", str(bad))
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert lines[0] == "Error:"
    assert lines[1].startswith(f"{bad}:row 3: muc_do: '5' is invalid, expected 2 | 3 | 4 (Hint: ")
    assert lines[2].startswith(f"{bad}:row 4: ten_thu_tuc: required cell is empty (Hint: ")
    assert lines[3].startswith(f"{bad}:row 5: ma_thu_tuc: procedure '1.001' is already on row 2")
    assert lines[4] == "3 problem(s) in all."
    listed = json.loads(ward("procedures", "list", "--json")[1])
    assert len(listed) == 5  # the earlier catalogue stands

    code, _, err = ward("procedures", "import", str(good), "--as", TAM)
    assert code == 1 and "Không được phép" in err and "Võ Minh Tâm" in err


def test_an_xlsx_catalogue_gives_the_same_list(ward, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    lines = [line.split(",") for line in CATALOGUE.splitlines()]
    sheet.append(lines[0])
    for code, name, field, level in lines[1:]:
        sheet.append([code, name, field, int(level)])
    path = tmp_path / "danh-muc.xlsx"
    book.save(path)
    code, _, err = ward("procedures", "import", str(path))
    assert code == 0, err
    listed = json.loads(ward("procedures", "list", "--json")[1])
    assert [p["muc_do"] for p in listed] == [3, 2, 4, 3, 2]


# --- lateness in working days ---------------------------------------------------------------


def test_late_dossiers_count_working_days_and_say_so(ward) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = ward("dossiers", "late", "--quarter", "2020-Q1", "--now", NOW, "--json")
    assert [(x["ma_ho_so"], x["days_late"]) for x in json.loads(out)] == [("HS-2", 29)]
    code, out, _ = ward("dossiers", "late", "--quarter", "2020-Q1", "--now", NOW)
    assert code == 0 and "trễ 29 ngày làm việc" in flat(out) and "42" not in out
    _, out, _ = ward("--lang", "en", "dossiers", "late", "--quarter", "2020-Q1", "--now", NOW)
    assert "29 working days late" in flat(out)


# --- apology slips -------------------------------------------------------------------------


def test_an_apology_slip_is_recorded_printed_and_audited(ward, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out_file = tmp_path / "phieu.html"
    code, out, err = ward(
        "dossiers", "apology", "HS-6", "--new-appointment", "24/04/2020", "--out", str(out_file),
        "--now", NOW, "--as", ANH,
    )  # fmt: skip
    assert code == 0, err
    assert "Đã ghi phiếu xin lỗi hồ sơ HS-6: lập ngày 15/04/2020, hẹn lại ngày 24/04/2020." in (
        flat(out)
    )
    html = out_file.read_text(encoding="utf-8")
    assert "vào ngày 24 tháng 4 năm 2020" in html and "ngày 15 tháng 4 năm 2020" in html
    code, reprinted, _ = ward("dossiers", "apology", "HS-6")  # printing again reads the record
    assert "vào ngày 24 tháng 4 năm 2020" in reprinted
    code, out, _ = ward("audit", "list", "--json", "--object", "apology_slip")
    entries = json.loads(out)
    assert [(e["action"], e["key"], e["actor"]) for e in entries] == [("create", "HS-6", ANH)]
    assert entries[0]["after"]["new_appointment"] == "2020-04-24"

    # once its appointment has passed unreturned, HS-6 is late, and covered: the slip was in time
    data = kpi_json(ward, "--from", "2020-04-01", "--to", "2020-04-30")
    assert data["kpis"]["apology_coverage"]["value"] is None  # not yet late on 15/04
    code, out, _ = ward(
        "kpi", "--from", "2020-04-01", "--to", "2020-04-30", "--now", "2020-04-20T08:00", "--json"
    )
    coverage = json.loads(out)["kpis"]["apology_coverage"]
    assert (coverage["numerator"], coverage["denominator"]) == (1, 1)
    # re-importing the export keeps the slip
    assert ward("dossiers", "import", str(tmp_path / "hoso.csv"))[0] == 0
    code, out, _ = ward(
        "kpi", "--from", "2020-04-01", "--to", "2020-04-30", "--now", "2020-04-20T08:00", "--json"
    )
    assert json.loads(out)["kpis"]["apology_coverage"]["numerator"] == 1


def test_a_slip_issued_after_the_appointment_does_not_count_as_coverage(ward) -> None:  # type: ignore[no-untyped-def]
    before = kpi_json(ward, "--quarter", "2020-Q1")["kpis"]["apology_coverage"]
    assert (before["numerator"], before["denominator"]) == (1, 2)  # HS-3's flag; HS-2 none
    code, out, err = ward(
        "dossiers", "apology", "HS-2", "--new-appointment", "2020-04-20", "--json",
        "--now", NOW, "--as", ANH,
    )  # fmt: skip
    assert code == 0, err
    slip = json.loads(out)
    assert (slip["ma_ho_so"], slip["date"], slip["new_appointment"]) == (
        "HS-2",
        "2020-04-15",
        "2020-04-20",
    )
    assert slip["in_time"] is False
    after = kpi_json(ward, "--quarter", "2020-Q1")["kpis"]["apology_coverage"]
    assert (after["numerator"], after["denominator"]) == (1, 2)
    # HS-2 has its slip now: no longer listed as owed one
    code, out, _ = ward("dossiers", "late", "--quarter", "2020-Q1", "--now", NOW, "--json")
    assert json.loads(out) == []


def test_a_late_slip_says_it_will_not_count(ward, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = ward(
        "dossiers", "apology", "HS-2", "--new-appointment", "2020-04-20", "--date", "2020-04-14",
        "--out", str(tmp_path / "p.html"), "--now", NOW, "--as", ANH,
    )  # fmt: skip
    assert code == 0, err
    text = flat(out)
    assert "lập ngày 14/04/2020" in text
    assert "Phiếu lập sau ngày hẹn trả 04/03/2020" in text


def test_slips_are_refused_for_returned_dossiers_and_bad_dates(ward) -> None:  # type: ignore[no-untyped-def]
    def slip(*args: str) -> tuple[int, str, str]:
        return ward("dossiers", "apology", *args, "--now", NOW, "--as", ANH)  # type: ignore[no-any-return]

    code, out, err = slip("HS-8", "--new-appointment", "2020-04-20")
    assert code == 1 and out == ""
    assert err.strip() == (
        "Error: Hồ sơ 'HS-8' đã trả kết quả ngày 14/04/2020: không lập phiếu xin lỗi cho hồ sơ "
        "đã trả."
    )
    code, _, err = ward("--lang", "en", "dossiers", "apology", "HS-8", "--as", ANH)
    assert code == 1 and "was returned on 14/04/2020" in err  # nor printed blank
    code, _, err = slip("HS-6", "--new-appointment", "2020-04-17")
    assert code == 1 and "phải sau ngày hẹn trả 17/04/2020" in err
    code, _, err = slip("HS-6", "--new-appointment", "2020-04-24", "--date", "2020-04-16")
    assert code == 1 and "16/04/2020" in err and "sau hôm nay" in err
    code, _, err = slip("HS-6", "--new-appointment", "2020-04-24", "--date", "2020-04-10")
    assert code == 1 and "trước ngày tiếp nhận 13/04/2020" in err
    code, _, err = slip("HS-6", "--new-appointment", "hôm qua")
    assert code == 1 and "hôm qua" in err
    code, _, err = ward(
        "dossiers", "apology", "HS-6", "--new-appointment", "2020-04-24", "--now", NOW
    )
    assert code == 1 and "Không được phép" in err  # the operator keeps no slips
    code, _, err = ward(
        "dossiers", "apology", "HS-6", "--new-appointment", "2020-04-24", "--now", NOW, "--as", TAM
    )
    assert code == 1 and "Không được phép" in err and "Võ Minh Tâm" in err
    code, out, _ = ward("audit", "list", "--json", "--object", "apology_slip")
    entries = json.loads(out)  # nothing recorded; the two refusals are remembered
    assert sorted((e["action"], e["actor"].split(":")[0]) for e in entries) == [
        ("refused", "operator"),
        ("refused", TAM),
    ]


# --- dossiers coming due -------------------------------------------------------------------


def test_dossiers_due_within_n_working_days_not_yet_returned(ward) -> None:  # type: ignore[no-untyped-def]
    code, out, err = ward("dossiers", "due", "--within", "2", "--now", NOW, "--json")
    assert code == 0, err
    due = json.loads(out)
    # Thursday 16/04 and Friday 17/04: HS-6 (HS-8 due 16/04 was returned on 14/04)
    assert [(d["ma_ho_so"], d["working_days_left"]) for d in due] == [("HS-6", 2)]
    assert due[0]["apology"] is None
    code, out, _ = ward("dossiers", "due", "--within", "5", "--now", NOW, "--json")
    assert [(d["ma_ho_so"], d["working_days_left"]) for d in json.loads(out)] == [
        ("HS-6", 2),
        ("HS-7", 5),
    ]
    code, out, _ = ward("dossiers", "due", "--within", "5", "--now", NOW)
    text = flat(out)
    assert "HS-6" in text and "HS-7" in text and "còn 2 ngày làm việc" in text
    assert "5 ngày làm việc" in text

    assert ward(
        "dossiers", "apology", "HS-7", "--new-appointment", "2020-04-29", "--json", "--now", NOW,
        "--as", ANH,
    )[0] == 0  # fmt: skip
    code, out, _ = ward("dossiers", "due", "--within", "5", "--now", NOW, "--json")
    hs7 = json.loads(out)[1]
    assert hs7["apology"] == {"date": "2020-04-15", "new_appointment": "2020-04-29"}
    code, out, _ = ward("--lang", "en", "dossiers", "due", "--within", "1", "--now", NOW)
    assert "No dossier" in flat(out)
    code, out, _ = ward("dossiers", "due", "--within", "0", "--now", "2020-04-17T08:00")
    assert code == 0 and "HS-6" in out and "đến hạn hôm nay" in flat(out) and "HS-7" not in out
