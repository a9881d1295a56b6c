"""Vietnamese headers and labels, and repeated errors grouped, from the command line (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

from plans import PLAN_2020

HEADER = (
    "Mã hồ sơ,Mã đơn vị,Lĩnh vực,Tên thủ tục,Kênh nộp,Mức độ,Ngày tiếp nhận,Ngày hẹn trả,"
    "Ngày trả kết quả,Trạng thái"
)


def test_a_repeated_error_is_one_line_and_json_names_every_row(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    rows = [
        f"B{i},long-truong,Chứng thực,Chứng thực bản sao,Trực tiếp,Mức độ 2,02/03/2020,"
        "03/03/2020,03/03/2020,Đã trả kết quả"
        for i in range(140)
    ]
    path = tmp_path / "long-truong.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")

    code, out, err = cli("dossiers", "import", str(path), "--json")
    assert code == 1
    assert f"{path}: ma_don_vi: không có đơn vị 'long-truong' (dòng 2, 3, 4 … 140 dòng)" in err
    assert err.count("long-truong'") == 1
    assert "Tổng cộng 140 lỗi." in err
    problems = json.loads(out)["problems"]
    assert [p["row"] for p in problems] == list(range(2, 142))
    assert {p["path"] for p in problems} == {"ma_don_vi"}

    code, out, err = cli("--lang", "en", "dossiers", "import", str(path))
    assert code == 1 and out == ""
    assert f"{path}: ma_don_vi: no unit 'long-truong' (rows 2, 3, 4 … 140 rows)" in err
    assert err.count("long-truong'") == 1
    assert "140 problem(s) in all." in err

    path.write_text("\n".join([HEADER, *rows]).replace("long-truong", "phu-huu") + "\n")
    code, out, err = cli("dossiers", "import", str(path), "--json")
    assert code == 0, err
    assert json.loads(out)["rows"] == 140


def test_a_catalogue_with_vietnamese_headers_and_labels(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    path = tmp_path / "danh-muc.csv"
    path.write_text(
        "Mã thủ tục,Tên thủ tục,Lĩnh vực,Mức độ\n"
        "1.001,Cấp Giấy chứng nhận,Đất đai,Mức độ 3\n"
        "2.000,Chứng thực bản sao,Chứng thực,2\n",
        encoding="utf-8",
    )
    code, out, err = cli("procedures", "import", str(path))
    assert code == 0, err
    code, out, err = cli("procedures", "list", "--json")
    assert code == 0, err
    listed = {(p["ma_thu_tuc"], p["linh_vuc"], p["muc_do"]) for p in json.loads(out)}
    assert listed == {("1.001", "dat_dai", 3), ("2.000", "chung_thuc", 2)}
