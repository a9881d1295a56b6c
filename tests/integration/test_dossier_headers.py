"""An export as the one-stop system writes it — Vietnamese headers and labels — imports to the
very dossiers and KPIs of its coded twin, on SQLite and PostgreSQL (issue 11)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from test_dossiers import (
    ROWS,
    _native,
    dossier_count,
    import_file,
    report_for,
    snapshot,
    ward,
    write_csv,
)

from domain.dossiers import COLUMNS, DossierFileInvalid
from domain.errors import InvalidInput

__all__ = ["ward"]

# headers as exports write them: any case, with or without diacritics, extra spaces
HEADERS = {
    "ma_ho_so": "Mã hồ sơ",
    "ma_don_vi": "MÃ ĐƠN VỊ",
    "ma_linh_vuc": "Lĩnh vực",
    "ten_thu_tuc": "Tên thủ tục",
    "ma_thu_tuc": "Mã  thủ tục ",
    "kenh_nop": "Kênh nộp",
    "muc_do_dvc": "Mức độ",
    "ngay_tiep_nhan": "Ngay tiep nhan",
    "ngay_hen_tra": "Ngày hẹn trả",
    "ngay_tra": "Ngày trả kết quả",
    "trang_thai": "Trạng thái",
    "tra_qua_buu_chinh": "Trả qua bưu chính",
    "danh_gia": "Đánh giá",
    "phieu_xin_loi": "Phiếu xin lỗi",
    "so_lan_bo_sung": "Số lần bổ sung",
    "ngay_co_ket_qua": "Ngày có kết quả",
}
LABELS: dict[str, dict[str, str]] = {
    "ma_linh_vuc": {
        "dat_dai": "Đất đai",
        "ho_tich": "Hộ tịch",
        "chung_thuc": "Chứng thực",
        "ho_kinh_doanh": "Hộ kinh doanh",
    },
    "kenh_nop": {
        "truc_tiep": "Trực tiếp",
        "truc_tuyen": "Trực tuyến",
        "buu_chinh": "Qua dịch vụ bưu chính",
    },
    "muc_do_dvc": {"2": "Mức độ 2", "3": "Mức độ 3", "4": "Mức độ 4"},
    "trang_thai": {
        "dang_xu_ly": "Đang giải quyết",
        "da_tra": "Đã trả kết quả",
        "rut": "Rút hồ sơ",
        "tu_choi": "Từ chối giải quyết",
    },
    "danh_gia": {
        "rat_hai_long": "Rất hài lòng",
        "hai_long": "hài lòng",
        "binh_thuong": "Bình thường",
        "khong_hai_long": "KHÔNG HÀI LÒNG",
    },
    "tra_qua_buu_chinh": {"1": "Có"},
    "phieu_xin_loi": {"1": "Có"},
}


def labelled(row: dict[str, Any]) -> dict[str, Any]:
    """The row as the one-stop system labels it."""
    return {c: LABELS.get(c, {}).get(v, v) for c, v in row.items()}


def write_vi_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([HEADERS[c] for c in COLUMNS])
    for r in rows:
        writer.writerow([labelled(r)[c] for c in COLUMNS])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def write_vi_xlsx(path: Path, rows: list[dict[str, Any]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([HEADERS[c] for c in COLUMNS])
    for r in rows:
        vi = labelled(r)
        # dates and flags as a spreadsheet holds them; labels as text
        sheet.append([vi[c] if vi[c] != r[c] else _native(c, r[c]) for c in COLUMNS])
    book.save(path)
    return path


def test_a_vietnamese_export_imports_to_the_kpis_of_its_coded_twin(  # type: ignore[no-untyped-def]
    ward, engine, session, tmp_path
) -> None:
    import_file(engine, write_csv(tmp_path / "coded.csv", ROWS))
    coded = snapshot(engine)
    coded_kpis = report_for(session, ward).as_dict()
    assert coded_kpis["kpis"]["on_time_rate"]["denominator"] == 8  # the twin is not empty

    report = import_file(engine, write_vi_csv(tmp_path / "xuat-mot-cua.csv", ROWS))
    assert (report.rows, report.created) == (13, 0)
    assert snapshot(engine) == coded
    assert report_for(session, ward).as_dict() == coded_kpis

    report = import_file(engine, write_vi_xlsx(tmp_path / "xuat-mot-cua.xlsx", ROWS))
    assert (report.rows, report.created) == (13, 0)
    assert snapshot(engine) == coded
    assert report_for(session, ward).as_dict() == coded_kpis


def test_labels_meet_the_checks_of_codes(ward, engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [labelled(r) for r in ROWS]
    rows[0] = {**rows[0], "ngay_tra": "10/03/2200", "kenh_nop": "Fax"}  # spreadsheet row 2
    rows[1] = {**rows[1], "so_lan_bo_sung": "1000", "ma_thu_tuc": "x\x00y"}  # row 3
    with pytest.raises(DossierFileInvalid) as caught:
        import_file(engine, write_vi_csv(tmp_path / "bad.csv", rows))
    found = [(p.row, p.path, p.code) for p in caught.value.problems]
    assert found == [
        (2, "kenh_nop", "dossier_bad_cell"),
        (2, "ngay_tra", "dossier_bad_cell"),
        (3, "ma_thu_tuc", "dossier_bad_cell"),
        (3, "so_lan_bo_sung", "dossier_bad_cell"),
    ]
    assert dossier_count(engine) == 0


def test_a_units_mapping_file_adds_its_own_header_and_label(ward, engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_vi_csv(tmp_path / "rieng.csv", ROWS)
    text = path.read_text(encoding="utf-8").replace("Kênh nộp", "Nguồn hồ sơ", 1)
    path.write_text(text.replace("Trực tuyến", "Cổng DVC quốc gia"), encoding="utf-8")
    with pytest.raises(DossierFileInvalid) as caught:
        import_file(engine, path)
    assert [(p.row, p.path) for p in caught.value.problems] == [(1, "kenh_nop")]

    mapping = tmp_path / "ban-do.yaml"
    mapping.write_text(
        "columns:\n  kenh_nop: Nguồn hồ sơ\nvalues:\n  kenh_nop:\n"
        "    truc_tuyen: [Cổng DVC quốc gia]\n",
        encoding="utf-8",
    )
    assert import_file(engine, path, mapping=mapping).rows == 13


def test_a_bad_mapping_file_is_refused_where_it_is_wrong(ward, engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    mapping = tmp_path / "ban-do.yaml"
    mapping.write_text(
        "columns:\n"
        "  ma_ho_so: [Số hồ sơ]\n"
        "  so_bien_nhan: [Số biên nhận]\n"  # line 3: no such column
        "  ngay_tra: [Số hồ sơ]\n"  # line 4: one header for two columns
        "values:\n"
        "  kenh_nop:\n"
        "    fax: [Gửi fax]\n",  # line 7: not a channel
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as caught:
        import_file(engine, write_csv(tmp_path / "q1.csv", ROWS), mapping=mapping)
    found = [(p.file, p.line, p.code) for p in caught.value.problems]
    assert found == [
        (str(mapping), 3, "unknown_key"),
        (str(mapping), 4, "mapping_conflict"),
        (str(mapping), 7, "mapping_bad_code"),
    ]
    text = caught.value.render("vi")
    assert f"{mapping}:7:5" in text and "'fax' không phải mã của cột kenh_nop" in text
    assert dossier_count(engine) == 0
