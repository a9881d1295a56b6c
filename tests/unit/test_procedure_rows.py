"""Reading rows of a procedure catalogue — "danh mục thủ tục hành chính" (domain.procedures)."""

from __future__ import annotations

from domain.procedures import (
    CatalogueFileInvalid,
    CatalogueRows,
    Procedure,
    match_catalogue_header,
)

HEADER = ["MA_THU_TUC", " ten_thu_tuc ", "linh_vuc", "muc_do", "ghi_chu"]


def test_a_clean_catalogue_reads_every_procedure() -> None:
    index, missing = match_catalogue_header(HEADER, file="dm.csv")
    assert missing == []
    rows = CatalogueRows(index, file="dm.csv")
    first, problems = rows(["1.001", "Cấp GCN", "dat_dai", "3", "x"], 2)
    assert problems == [] and first == Procedure("1.001", "Cấp GCN", "dat_dai", 3)
    assert first.online
    second, _ = rows(["HT-01", "Đăng ký khai sinh", "ho_tich", 4.0, None], 3)  # XLSX numbers
    assert second == Procedure("HT-01", "Đăng ký khai sinh", "ho_tich", 4)
    third, _ = rows(["CT-01", "Chứng thực bản sao", "chung_thuc", "2", ""], 4)
    assert third is not None and not third.online


def test_every_problem_of_every_row_is_reported_with_a_hint() -> None:
    index, _ = match_catalogue_header(HEADER, file="dm.csv")
    rows = CatalogueRows(index, file="dm.csv")
    assert rows(["1.001", "Cấp GCN", "dat_dai", "3"], 2)[1] == []
    _, bad_level = rows(["1.002", "Xác nhận", "dat_dai", "5"], 3)
    _, empty = rows(["1.003", "", "", "2"], 4)
    _, repeated = rows(["1.001", "Cấp GCN (bản cũ)", "dat_dai", "2"], 5)
    found = [p.render("en") for p in [*bad_level, *empty, *repeated]]
    assert found == [
        "dm.csv:row 3: muc_do: '5' is invalid, expected 2 | 3 | 4 (Hint: the level of online "
        "public service: 2 = information only, 3 = partly online, 4 = fully online)",
        "dm.csv:row 4: ten_thu_tuc: required cell is empty (Hint: every procedure needs "
        "ma_thu_tuc, ten_thu_tuc, linh_vuc and muc_do)",
        "dm.csv:row 4: linh_vuc: required cell is empty (Hint: every procedure needs "
        "ma_thu_tuc, ten_thu_tuc, linh_vuc and muc_do)",
        "dm.csv:row 5: ma_thu_tuc: procedure '1.001' is already on row 2 (Hint: one row per "
        "procedure: remove the repeated row or correct its code)",
    ]
    vi = bad_level[0].render("vi")
    assert vi.startswith("dm.csv:row 3: muc_do: '5' không hợp lệ, cần 2 | 3 | 4 (Gợi ý: ")


def test_missing_columns_are_reported_on_row_1() -> None:
    _, missing = match_catalogue_header(["ma_thu_tuc", "ten"], file="dm.csv")
    assert [(p.row, p.path) for p in missing] == [
        (1, "ten_thu_tuc"),
        (1, "linh_vuc"),
        (1, "muc_do"),
    ]
    error = CatalogueFileInvalid(missing, source="dm.csv")
    assert "dm.csv:row 1: linh_vuc: required column 'linh_vuc' is missing" in error.render("en")
    assert "(Hint: a catalogue has the columns ma_thu_tuc, ten_thu_tuc, linh_vuc, muc_do)" in (
        error.render("en")
    )
