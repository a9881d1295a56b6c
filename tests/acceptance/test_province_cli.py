"""``cchc province progress|kpi`` as a district officer runs them: two wards of quan-9 with
the bundled plan, one export file holding both wards' dossiers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from plans import PLAN_2020

pytestmark = pytest.mark.simulation

LATER = ("--now", "2020-07-15T09:00")
EXPORT = """\
ma_ho_so,ma_don_vi,ma_linh_vuc,ten_thu_tuc,ma_thu_tuc,kenh_nop,muc_do_dvc,ngay_tiep_nhan,ngay_hen_tra,ngay_tra,trang_thai
A1,ward-a,dat_dai,Cấp GCN,DD1,truc_tuyen,3,2020-03-02 08:00,2020-03-10,2020-03-10 16:00,da_tra
A2,ward-a,ho_tich,Đăng ký khai sinh,HT1,truc_tuyen,4,2020-05-04,2020-05-06,2020-05-05 10:00,da_tra
B1,ward-b,dat_dai,Cấp GCN,DD1,truc_tiep,3,2020-03-03,2020-03-12,2020-03-13 09:00,da_tra
B2,ward-b,ho_tich,Đăng ký khai sinh,HT1,truc_tuyen,4,2020-04-01,2020-04-03,2020-04-02 09:00,da_tra
"""


def _province(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for ward in ("ward-a", "ward-b"):
        code, _, err = cli("plan", "load", str(PLAN_2020), "--unit", ward)
        assert code == 0, err
        code, _, err = cli("schedule", "--unit", ward, "--now", "2020-01-01T06:00")
        assert code == 0, err
    export = tmp_path / "mot-cua.csv"
    export.write_text(EXPORT, encoding="utf-8")
    code, _, err = cli("dossiers", "import", str(export), *LATER)
    assert code == 0, err


def test_progress_of_the_wards_of_a_district(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _province(cli, tmp_path)
    args = ("province", "progress", "--unit", "quan-9", "--year", "2020", *LATER)
    code, out, err = cli(*args, "--assessment-due", "2020-12-10")
    flat = " ".join(out.split())
    assert code == 0, err
    assert "Tiến độ thực hiện kế hoạch CCHC năm 2020 của các đơn vị thuộc UBND Quận 9" in flat
    assert "ward-a" in out and "ward-b" in out and "quá hạn" in out
    assert "2 đơn vị chưa nộp tự đánh giá Chỉ số CCHC năm 2020" in flat
    assert "Hạn nộp 10/12/2020: còn 148 ngày." in flat
    code, out, _ = cli(*args, "--json")
    data = json.loads(out)
    assert code == 0 and [u["unit"] for u in data["units"]] == ["ward-a", "ward-b"]
    a = data["units"][0]
    assert a["total"]["due_so_far"] > 0 and a["total"]["overdue"] == a["total"]["due_so_far"]
    assert a["assessment"] == "missing" and data["not_submitted"] == ["ward-a", "ward-b"]
    book = tmp_path / "tien-do-quan-9.xlsx"
    code, out, _ = cli(*args, "--xlsx", str(book))
    assert code == 0 and "Đã ghi báo cáo vào" in out and book.exists()
    sheets = load_workbook(book)
    first = sheets.worksheets[0]
    assert first["A1"].value.startswith("Tiến độ thực hiện kế hoạch CCHC năm 2020")
    assert [first.cell(r, 1).value for r in (3, 4)] == ["ward-a", "ward-b"]
    assert sheets.worksheets[1]["A1"].value.startswith("2 đơn vị chưa nộp")
    code, out, _ = cli(*args, "--lang", "en")
    assert code == 0 and "Progress of the 2020 CCHC plan in the units of" in " ".join(out.split())


def test_kpi_ranking_with_sparklines_and_workbook(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _province(cli, tmp_path)
    args = ("province", "kpi", "--unit", "quan-9", "--year", "2020", *LATER)
    code, out, err = cli(*args, "--kpi", "on_time_rate")
    flat = " ".join(out.split())
    assert code == 0, err
    assert "Xếp hạng: Tỷ lệ hồ sơ đúng hạn — các đơn vị thuộc UBND Quận 9, năm 2020" in flat
    assert "100%" in flat and "50%" in flat and "2/2" in flat and "1/2" in flat
    assert "T2.2a" in flat and "không đạt" in flat
    code, out, _ = cli(*args, "--kpi", "on_time_rate", "--json")
    ranking = json.loads(out)["rankings"][0]
    assert [(r["unit"], r["rank"], r["value"]) for r in ranking["rows"]] == [
        ("ward-a", 1, 100.0),
        ("ward-b", 2, 50.0),
    ]
    assert ranking["rows"][0]["sparkline"] == "··█·█·······"
    code, out, _ = cli(*args, "--quarter", "2", "--kpi", "online_rate", "--json")
    rows = json.loads(out)["rankings"][0]["rows"]
    assert [(r["unit"], r["months"]) for r in rows] == [
        ("ward-a", [None, 100.0, None]),
        ("ward-b", [100.0, None, None]),
    ]
    book = tmp_path / "chi-so.xlsx"
    code, _, _ = cli(*args, "--xlsx", str(book))
    sheets = load_workbook(book)
    assert code == 0 and sheets.sheetnames[0] == "on_time_rate" and len(sheets.sheetnames) == 8
    assert (
        sheets["on_time_rate"]["B3"].value == "ward-a" and sheets["on_time_rate"]["A3"].value == 1
    )


def test_clear_errors(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _province(cli, tmp_path)
    code, _, err = cli("province", "kpi", "--unit", "quan-9", "--year", "2020", "--kpi", "nope")
    assert code == 1 and "Không có chỉ số 'nope'" in err and "Traceback" not in err
    code, _, err = cli("province", "progress", "--unit", "khong-co", "--year", "2020")
    assert code == 1 and "khong-co" in err
    code, _, err = cli("province", "progress", "--unit", "ward-a", "--year", "2020")
    assert code == 1 and "không có đơn vị trực thuộc" in err
    code, _, err = cli("province", "kpi", "--unit", "quan-9", "--quarter", "5")
    assert code == 2
    code, _, err = cli(
        "province", "progress", "--unit", "quan-9", "--year", "2020", "--as", "nguoi.la@example.com"
    )
    assert code == 1 and "Traceback" not in err
