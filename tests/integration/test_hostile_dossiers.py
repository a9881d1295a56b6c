"""Hostile dossier exports: every value is range-checked before anything is written, so
SQLite and PostgreSQL refuse the same file with the same FILE:ROW:FIELD problems."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from application.access import Identity
from application.dossiers import import_dossiers
from application.uow import UnitOfWork
from domain.dossiers import COLUMNS
from domain.errors import InvalidInput
from models import Dossier

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2020, 4, 15, 8, 0, tzinfo=VN)
OPERATOR = Identity.operator("test")


def row(ma: str, **over: str) -> dict[str, str]:
    base = {
        "ma_ho_so": ma,
        "ma_don_vi": "phu-huu",
        "ma_linh_vuc": "ho_tich",
        "ten_thu_tuc": "Đăng ký khai sinh",
        "ma_thu_tuc": "",
        "kenh_nop": "truc_tiep",
        "muc_do_dvc": "3",
        "ngay_tiep_nhan": "2020-02-03",
        "ngay_hen_tra": "2020-02-05",
        "ngay_tra": "2020-02-04",
        "trang_thai": "da_tra",
        "tra_qua_buu_chinh": "",
        "danh_gia": "",
        "phieu_xin_loi": "",
        "so_lan_bo_sung": "",
        "ngay_co_ket_qua": "",
    }
    return base | over


HOSTILE = [
    row("OK1"),
    # year 1 and 9999 with offsets: converting to UTC or to the local day overflows
    row("D1", ngay_tiep_nhan="0001-01-01T00:00:00+07:00"),
    row("D2", ngay_hen_tra="9999-12-31T23:59:59-05:00"),
    row("D3", ngay_tra="9999-12-31T23:59:59-05:00"),
    row("D4", ngay_co_ket_qua="9999-12-31 23:59"),
    row("D5", ngay_tiep_nhan="1899-12-31", ngay_tra="", trang_thai="dang_xu_ly"),
    # thirty digits, a superscript two (str.isdigit accepts it), Arabic-Indic three
    row("N1", so_lan_bo_sung="9" * 30),
    row("N2", so_lan_bo_sung="²"),
    row("N3", so_lan_bo_sung="٣"),
    row("N4", so_lan_bo_sung="1000000"),
    # text: NUL and other control characters, far too long
    row("T1", ten_thu_tuc="Đăng ký\x00khai sinh"),
    row("T2\x01"),
    row("T3", ma_thu_tuc="x" * 5000),
    row("T4", ten_thu_tuc="Đăng ký " * 2000),
    row("T5", ma_linh_vuc="ho\x1btich"),
]
EXPECTED = [
    (3, "ngay_tiep_nhan"),
    (4, "ngay_hen_tra"),
    (5, "ngay_tra"),
    (6, "ngay_co_ket_qua"),
    (7, "ngay_tiep_nhan"),
    (8, "so_lan_bo_sung"),
    (9, "so_lan_bo_sung"),
    (10, "so_lan_bo_sung"),
    (11, "so_lan_bo_sung"),
    (12, "ten_thu_tuc"),
    (13, "ma_ho_so"),
    (14, "ma_thu_tuc"),
    (15, "ten_thu_tuc"),
    (16, "ma_linh_vuc"),
]


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([r[c] for c in COLUMNS])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    for r in rows:
        sheet.append(r)
    book.save(path)
    return path


def count(engine: object) -> int:
    with Session(engine) as s:  # type: ignore[arg-type]
        return int(s.exec(select(func.count()).select_from(Dossier)).one())


def refused(engine: object, path: Path) -> list[tuple[int | None, str]]:
    with pytest.raises(InvalidInput) as caught:
        import_dossiers(UnitOfWork(engine), OPERATOR, NOW, path=path)  # type: ignore[arg-type]
    assert count(engine) == 0  # nothing stored
    return [(p.row, p.path) for p in caught.value.problems]


def test_a_hostile_export_is_refused_the_same_way_on_both_databases(
    load, engine, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    load()
    problems = refused(engine, write_csv(tmp_path / "hostile.csv", HOSTILE))
    assert problems == EXPECTED


def test_each_hostile_row_alone_is_refused_not_crashed(load, engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Alone, each row goes through the fast path of a clean-looking file."""
    load()
    for r, (_, column) in zip(HOSTILE[1:], EXPECTED, strict=True):
        assert refused(engine, write_csv(tmp_path / "one.csv", [r])) == [(2, column)]


def test_hostile_spreadsheet_values_are_refused(load, engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    load()
    good = [row("X")[c] or None for c in COLUMNS]
    at = {c: i for i, c in enumerate(COLUMNS)}

    def with_(column: str, value: object) -> list[object]:
        cells = list(good)
        cells[at[column]] = value
        return cells

    rows = [
        with_("ngay_tiep_nhan", dt.datetime(1, 1, 1)),
        with_("ngay_hen_tra", dt.datetime(9999, 12, 31, 23, 59)),
        with_("so_lan_bo_sung", 10**30),
        with_("so_lan_bo_sung", "²"),
        with_("so_lan_bo_sung", -1),
        with_("muc_do_dvc", 3.5),
    ]
    problems = refused(engine, write_xlsx(tmp_path / "hostile.xlsx", rows))
    assert problems == [
        (2, "ngay_tiep_nhan"),
        (3, "ngay_hen_tra"),
        (4, "so_lan_bo_sung"),
        (5, "so_lan_bo_sung"),
        (6, "so_lan_bo_sung"),
        (7, "muc_do_dvc"),
    ]


def test_a_field_over_the_csv_limit_is_a_located_problem(load, engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    load()
    rows = [row("A"), row("B", ten_thu_tuc="x" * 200_000)]
    problems = refused(engine, write_csv(tmp_path / "long.csv", rows))
    assert problems == [(3, "ten_thu_tuc")]


def test_a_catalogue_field_over_the_csv_limit_is_a_located_problem(
    load, engine, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from application.procedures import import_procedures

    load()
    path = tmp_path / "catalogue.csv"
    path.write_text(
        "ma_thu_tuc,ten_thu_tuc,linh_vuc,muc_do\n1.001,Khai sinh,ho_tich,3\n"
        f'1.002,"{"x" * 200_000}",ho_tich,3\n',
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as caught:
        import_procedures(UnitOfWork(engine), OPERATOR, NOW, path=path)  # type: ignore[arg-type]
    assert [(p.row, p.path, p.code) for p in caught.value.problems] == [
        (3, "ten_thu_tuc", "cell_too_long")
    ]


def test_line_breaks_and_tabs_in_a_text_cell_become_single_spaces(
    load, engine, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Alt+Enter in a spreadsheet cell: stored the same on both databases, never refused."""
    load()
    rows = [
        row("L1", ten_thu_tuc="Đăng ký\nkhai sinh", ma_linh_vuc="ho_tich\t", ma_thu_tuc="1.\r\n001")
    ]
    import_dossiers(UnitOfWork(engine), OPERATOR, NOW, path=write_csv(tmp_path / "l.csv", rows))  # type: ignore[arg-type]
    with Session(engine) as s:  # type: ignore[arg-type]
        stored = s.exec(select(Dossier)).one()
    assert (stored.ten_thu_tuc, stored.ma_linh_vuc, stored.ma_thu_tuc) == (
        "Đăng ký khai sinh",
        "ho_tich",
        "1. 001",
    )
