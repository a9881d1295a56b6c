"""Dossiers, KPIs and measurements from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plans import HERE, PLAN_2020

NHUNG = "nhung.pth@phuhuu.gov.vn"  # the CCHC officer
SON = "son.dt@phuhuu.gov.vn"  # office: owns targets T2.5 and T2.6
ANH = "anh.btn@phuhuu.gov.vn"  # the one-stop desk: owns T2.1b (manual)
TAM = "tam.vm@phuhuu.gov.vn"  # justice

HEADER = (
    "ma_ho_so,ma_don_vi,ma_linh_vuc,ten_thu_tuc,ma_thu_tuc,kenh_nop,muc_do_dvc,"
    "ngay_tiep_nhan,ngay_hen_tra,ngay_tra,trang_thai,tra_qua_buu_chinh,danh_gia,phieu_xin_loi"
)

# these tests give changes the time they choose (--now): a simulation database
pytestmark = pytest.mark.simulation
GOOD = [
    "HS-1,phu-huu,dat_dai,Cấp Giấy chứng nhận,1.001,truc_tuyen,3,02/03/2020 08:00,10/03/2020,"
    "10/03/2020 16:30,da_tra,1,hai_long,0",
    "HS-2,phu-huu,ho_tich,Đăng ký khai sinh,,truc_tiep,2,2020-03-02 09:15,2020-03-04,,"
    "dang_xu_ly,,,0",
    "HS-3,phu-huu,ho_tich,Đăng ký khai sinh,,truc_tiep,2,2020-03-02,2020-03-04,2020-03-06,"
    "da_tra,,rat_hai_long,1",
]


@pytest.fixture
def ward(cli, tmp_path: Path):  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    path = tmp_path / "hoso.csv"
    path.write_text("\n".join([HEADER, *GOOD]) + "\n", encoding="utf-8")
    code, out, err = cli("dossiers", "import", str(path))  # the operator: scripts import
    assert code == 0, err
    assert out.strip() == "Đã nhập 3 hồ sơ: thêm mới 3, cập nhật 0."
    return cli


def test_import_errors_list_every_bad_row_and_import_nothing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    bad = [
        GOOD[0],
        GOOD[1].replace("truc_tiep", "fax"),
        GOOD[2].replace("phu-huu", "phu-huu-x").replace(",2020-03-06,", ",,"),
    ]
    path = tmp_path / "loi.csv"
    path.write_text("\n".join([HEADER, *bad]) + "\n", encoding="utf-8")
    code, out, err = cli("--lang", "en", "dossiers", "import", str(path))
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert lines[0] == "Error:"
    assert lines[1] == (
        f"{path}:row 3: kenh_nop: 'fax' is invalid, expected truc_tiep | truc_tuyen | buu_chinh"
    )
    assert lines[2].startswith(f"{path}:row 4: ma_don_vi: no unit 'phu-huu-x'")
    assert lines[3] == f"{path}:row 4: ngay_tra: trang_thai is da_tra but ngay_tra is empty"
    assert lines[4] == "3 problem(s) in all."
    code, out, _ = cli("kpi", "--year", "2020", "--now", "2020-04-15", "--json")
    assert json.loads(out)["kpis"]["on_time_rate"]["denominator"] == 0  # nothing was imported

    code, _, err = cli("dossiers", "import", str(tmp_path / "khong-co.csv"))
    assert code == 1 and "khong-co.csv" in err


def test_import_json_counts_and_reimport(ward, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, out, _ = ward("dossiers", "import", str(tmp_path / "hoso.csv"), "--json")
    data = json.loads(out)
    assert (data["rows"], data["created"], data["updated"]) == (3, 0, 3)
    assert len(data["sha256"]) == 64


def test_kpi_json_has_every_kpi_and_target(ward) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = ward("kpi", "--quarter", "2020-Q1", "--now", "2020-04-15T08:00", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["unit"], data["from"], data["to"]) == ("phu-huu", "2020-01-01", "2020-03-31")
    assert list(data["kpis"]) == [
        "on_time_rate",
        "online_rate",
        "online_dossier_share",
        "online_procedure_share",
        "postal_return_rate",
        "satisfaction_rate",
        "apology_coverage",
        "household_business_online_rate",
    ]
    on_time = data["kpis"]["on_time_rate"]
    assert (on_time["numerator"], on_time["denominator"]) == (1, 3)
    assert on_time["fields"]["dat_dai"]["value"] == 100.0
    assert on_time["fields"]["ho_tich"] == {"value": 0.0, "numerator": 0, "denominator": 2}
    assert data["kpis"]["household_business_online_rate"]["value"] is None
    targets = {t["code"]: t for t in data["targets"]}
    assert targets["T2.2a"]["status"] == "met" and targets["T2.2b"]["status"] == "not_met"
    assert targets["T2.2b"]["fields"]["ho_tich"] == {"value": 0.0, "status": "not_met"}
    assert targets["T2.3d"]["status"] == "no_data" and targets["T2.5"]["status"] == "no_data"


def test_kpi_table_in_vietnamese_and_english(ward) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = ward("kpi", "--year", "2020", "--now", "2020-04-15")
    assert code == 0
    assert "Tỷ lệ hồ sơ đúng hạn" in out and "33,3% (1/3)" in out  # a decimal comma
    assert "33.3" not in out
    assert "không đạt" in out and "chưa có số liệu" in out and "T2.2a" in out
    code, out, _ = ward("--lang", "en", "kpi", "--from", "2020-03-01", "--to", "2020-03-31")
    assert "On-time rate" in out and "not met" in out and "no data" in out
    code, out, _ = ward("--lang", "en", "kpi", "--year", "2020", "--now", "2020-04-15")
    assert "33.3% (1/3)" in out
    code, _, err = ward("kpi", "--year", "2020", "--quarter", "2020-Q1")
    assert code == 2 and "--quarter" in err
    code, _, err = ward("kpi", "--quarter", "2020-Q9")
    assert code == 2


def test_late_without_apology_and_the_apology_slip(ward, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = ward("dossiers", "late", "--year", "2020", "--now", "2020-04-15", "--json")
    late = json.loads(out)
    # HS-3 has a slip; HS-2 is late by 29 working days (42 calendar days; 02/04 a holiday)
    assert [(x["ma_ho_so"], x["days_late"]) for x in late] == [("HS-2", 29)]
    code, out, _ = ward("dossiers", "late", "--quarter", "2020-Q1", "--now", "2020-04-15")
    assert "HS-2" in out and "chưa trả" in out and "trễ 29 ngày làm việc" in out

    code, html, _ = ward("dossiers", "apology", "HS-2")
    assert code == 0 and html.startswith("<!DOCTYPE html>")
    assert "Phiếu xin lỗi và hẹn lại ngày trả kết quả" in html
    assert "Mẫu số 04" in html and ">ỦY BAN NHÂN DÂN<" in html and ">PHƯỜNG PHÚ HỮU<" in html
    assert "UBND QUẬN 9" in html and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert "HS-2" in html and "Đăng ký khai sinh" in html
    # decree 30's dates: a leading zero for days 1–9 and for January and February only
    assert "Ngày 02 tháng 3 năm 2020, lúc 09 giờ 15, Ủy ban nhân dân phường Phú Hữu" in html
    assert "ngày 04 tháng 3 năm 2020" in html
    assert "Phú Hữu, ngày … tháng … năm …" in html  # a blank slip: dated by hand
    # the signature matches the header: the committee's chairman signs, named
    assert "TM. ỦY BAN NHÂN DÂN" in html and "CHỦ TỊCH" in html
    assert "Nguyễn Văn Hùng" in html
    assert "Lý do:" in html and "Ông/Bà" in html
    code, html, _ = ward(
        "dossiers", "apology", "HS-2", "--new-appointment", "2020-03-12", "--date",
        "2020-03-05", "--now", "2020-03-05T10:00", "--as", ANH,
    )  # fmt: skip
    assert code == 0, html
    assert "Phú Hữu, ngày 05 tháng 3 năm 2020" in html and "ngày 12 tháng 3 năm 2020" in html
    out_file = tmp_path / "phieu.html"
    code, out, _ = ward("dossiers", "apology", "HS-2", "--out", str(out_file))
    assert code == 0 and str(out_file) in out.replace("\n", "")
    assert out_file.read_text(encoding="utf-8") == html
    code, _, err = ward("dossiers", "apology", "HS-404")
    assert code == 1 and "HS-404" in err


def test_the_apology_slip_as_a_word_document_in_the_official_layout(ward, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import docx
    from docx.shared import Pt

    code, _, err = ward(
        "dossiers", "apology", "HS-2", "--new-appointment", "2020-03-12", "--date",
        "2020-03-05", "--now", "2020-03-05T10:00", "--as", ANH,
    )  # fmt: skip
    assert code == 0, err
    path = tmp_path / "phieu.docx"
    code, out, err = ward("dossiers", "apology", "HS-2", "--docx", str(path))
    assert code == 0, err
    assert str(path) in out.replace("\n", "")
    document = docx.Document(str(path))
    heading, signature = document.tables
    left, right = ("\n".join(p.text for p in c.paragraphs) for c in heading.rows[0].cells)
    # the unit under its parent, Quốc hiệu and Tiêu ngữ, the place-and-date line
    assert left.split("\n")[:3] == ["UBND QUẬN 9", "ỦY BAN NHÂN DÂN", "PHƯỜNG PHÚ HỮU"]
    assert right.split("\n")[:2] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert "Phú Hữu, ngày 05 tháng 3 năm 2020" in right
    motto = heading.rows[0].cells[1].paragraphs[1].runs[0]
    assert motto.bold and motto.underline
    body = [p.text for p in document.paragraphs if p.text]
    text = "\n".join(body)
    assert "Mẫu số 04" in body[0]
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in body
    for part in (
        "Ngày 02 tháng 3 năm 2020, lúc 09 giờ 15, Ủy ban nhân dân phường Phú Hữu tiếp nhận "
        "giải quyết hồ sơ của Ông/Bà:",
        "Mã hồ sơ: HS-2",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh.",
        "thời gian trả kết quả giải quyết hồ sơ là ngày 04 tháng 3 năm 2020.",
        "Tuy nhiên đến nay, Ủy ban nhân dân phường Phú Hữu chưa trả kết quả",
        "Lý do:",
        "Ủy ban nhân dân phường Phú Hữu xin lỗi Ông/Bà và sẽ trả kết quả giải quyết hồ sơ cho "
        "Ông/Bà vào ngày 12 tháng 3 năm 2020.",
        "Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./.",
    ):
        assert part in text, part
    # the signature block matches the header: the committee's chairman signs, named
    signs = [p.text for p in signature.rows[0].cells[1].paragraphs if p.text]
    assert signs[:3] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "(Ký, ghi rõ họ tên và đóng dấu)"]
    assert signs[-1] == "Nguyễn Văn Hùng"
    # A4 portrait, the decree's margins, Times New Roman 14 pt
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 30 and round(section.top_margin.mm) == 20
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)

    # a blank slip (HS-3 has none recorded … but is returned): refused, nothing written
    refused = tmp_path / "hs3.docx"
    code, _, err = ward("dossiers", "apology", "HS-3", "--docx", str(refused))
    assert code == 1 and "HS-3" in err and not refused.exists()


def test_measurements_feed_manual_targets(ward) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = ward(
        "measure", "set", "T2.5", "100", "--year", "2020", "--note", "Sổ theo dõi", "--as", NHUNG
    )
    assert code == 0 and out.strip() == "Đã ghi T2.5 năm 2020 = 100."
    assert ward("measure", "set", "T2.6", "80", "--year", "2020", "--as", SON)[0] == 0  # its owner
    code, out, _ = ward("measure", "set", "T2.6", "79,5", "--year", "2020", "--as", SON)
    assert code == 0 and out.strip() == "Đã ghi T2.6 năm 2020 = 79,5."  # a decimal comma
    assert ward("measure", "set", "T2.6", "80", "--year", "2020", "--as", SON)[0] == 0
    code, out, _ = ward("measure", "list", "--json")
    assert [(m["code"], m["value"]) for m in json.loads(out)] == [("T2.5", 100.0), ("T2.6", 80.0)]
    code, out, _ = ward("measure", "list")
    assert "Sổ theo dõi" in out
    code, out, _ = ward("kpi", "--year", "2020", "--now", "2020-04-15", "--json")
    targets = {t["code"]: t for t in json.loads(out)["targets"]}
    assert targets["T2.5"]["status"] == "met" and targets["T2.5"]["value"] == 100.0
    assert targets["T2.6"]["status"] == "not_met"


def test_the_goal_of_i15_is_met_when_the_index_beats_last_year(ward) -> None:  # type: ignore[no-untyped-def]
    for year, value in (("2019", "80.5"), ("2020", "84")):
        code, _, err = ward("measure", "set", "T1.5", value, "--year", year, "--as", NHUNG)
        assert code == 0, err
    code, out, _ = ward("kpi", "--year", "2020", "--now", "2020-04-15", "--json")
    goal = {t["code"]: t for t in json.loads(out)["targets"]}["T1.5"]
    assert (goal["status"], goal["value"], goal["threshold"]) == ("met", 84.0, 80.5)


def test_the_operator_imports_but_an_officer_outside_the_desk_may_not(ward, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "moi.csv"
    path.write_text(HEADER + "\n" + GOOD[1].replace("HS-2", "HS-9") + "\n", encoding="utf-8")
    code, out, err = ward("dossiers", "import", str(path), "--as", TAM)
    assert code == 1 and out == ""
    assert err.startswith("Error: Không được phép")
    for who in (
        "Bộ phận tiếp nhận và trả kết quả (một cửa)",
        "Công chức phụ trách công tác CCHC",
        "Chủ tịch UBND phường",
    ):
        assert who in err
    assert "Võ Minh Tâm" in err
    code, _, err = ward("dossiers", "apology", "HS-9")
    assert code == 1 and "HS-9" in err  # nothing was imported
    code, out, err = ward("--lang", "en", "dossiers", "import", str(path), "--as", TAM)
    assert code == 1 and "Not allowed" in err and "One-stop desk" in err

    code, out, err = ward("dossiers", "import", str(path), "--as", ANH, "--json")
    assert code == 0, err
    assert (json.loads(out)["rows"], json.loads(out)["created"]) == (1, 1)
    code, out, _ = ward("dossiers", "import", str(path), "--json")  # and the operator
    assert code == 0 and json.loads(out)["updated"] == 1


def test_a_measurement_is_recorded_by_the_officers_who_answer_for_it(ward) -> None:  # type: ignore[no-untyped-def]
    code, out, err = ward("measure", "set", "T2.5", "90", "--year", "2020", "--as", ANH)
    assert code == 1 and out == ""
    assert "Không được phép" in err and "Bùi Thị Ngọc Ánh" in err
    assert "Công chức phụ trách công tác CCHC" in err and "Chủ tịch UBND phường" in err
    assert "Công chức Văn phòng – Thống kê" in err  # T2.5's owner
    code, _, err = ward("--lang", "en", "measure", "set", "T2.5", "90", "--year", "2020")
    assert code == 1 and "the operator may not record a measurement" in err
    assert json.loads(ward("measure", "list", "--json")[1]) == []  # nothing recorded

    code, out, err = ward("measure", "set", "T2.1b", "100", "--year", "2020", "--as", ANH, "--json")
    assert code == 0, err
    assert json.loads(out) == {"code": "T2.1b", "year": 2020, "value": 100.0, "note": ""}
    listed = json.loads(ward("measure", "list", "--json")[1])
    assert [(m["code"], m["value"], m["recorded_by"]) for m in listed] == [("T2.1b", 100.0, ANH)]
