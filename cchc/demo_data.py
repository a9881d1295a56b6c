"""A year of one-stop dossiers for the demo: a deterministic, plausible export (CSV, spec
columns), and the ward's procedure catalogue (its procedures include some no one filed in
the year)."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

FIELDS = [  # (field code, procedures (code, name, online level), share of dossiers, days to return)
    (
        "dat_dai",
        [
            ("DD-01", "Đăng ký biến động quyền sử dụng đất", 3),
            ("DD-02", "Xác nhận tình trạng nhà đất", 2),
        ],
        0.12,
        10,
    ),
    (
        "ho_tich",
        [
            ("HT-01", "Đăng ký khai sinh", 4),
            ("HT-02", "Đăng ký kết hôn", 3),
            ("HT-03", "Trích lục hộ tịch", 4),
        ],
        0.34,
        3,
    ),
    (
        "chung_thuc",
        [("CT-01", "Chứng thực bản sao từ bản chính", 2), ("CT-02", "Chứng thực chữ ký", 2)],
        0.38,
        1,
    ),
    ("xay_dung", [("XD-01", "Cấp phép sửa chữa nhà ở", 3)], 0.04, 12),
    ("ho_kinh_doanh", [("HKD-01", "Đăng ký hộ kinh doanh", 4)], 0.04, 3),
    ("lao_dong_tbxh", [("LD-01", "Xác nhận hộ nghèo, cận nghèo", 2)], 0.05, 5),
    ("khac", [("K-01", "Xác nhận cư trú", 3)], 0.03, 2),
]
# procedures of the ward's catalogue that received no dossier in the demo year
CATALOGUE_ONLY = [
    ("HT-04", "Đăng ký khai tử", "ho_tich", 3),
    ("HT-05", "Đăng ký giám hộ", "ho_tich", 2),
    ("HT-06", "Đăng ký nhận cha, mẹ, con", "ho_tich", 2),
    ("HT-07", "Cấp Giấy xác nhận tình trạng hôn nhân", "ho_tich", 3),
    ("CT-03", "Chứng thực hợp đồng, giao dịch", "chung_thuc", 2),
    ("CT-04", "Chứng thực di chúc", "chung_thuc", 2),
    ("LD-02", "Xác nhận đơn đề nghị hưởng trợ cấp xã hội", "lao_dong_tbxh", 2),
    ("K-02", "Giải quyết khiếu nại lần đầu", "khac", 2),
    ("K-03", "Tiếp nhận đăng ký tổ chức lễ hội", "khac", 2),
]
COLUMNS = [
    "ma_ho_so",
    "ma_don_vi",
    "ma_linh_vuc",
    "ten_thu_tuc",
    "ma_thu_tuc",
    "kenh_nop",
    "muc_do_dvc",
    "ngay_tiep_nhan",
    "ngay_hen_tra",
    "ngay_tra",
    "trang_thai",
    "tra_qua_buu_chinh",
    "danh_gia",
    "phieu_xin_loi",
    "so_lan_bo_sung",
]


def _working_days(year: int) -> list[dt.date]:
    import holidays

    off = holidays.country_holidays("VN", years=year)
    day, out = dt.date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5 and day not in off:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def write_export(
    path: Path, *, unit: str = "phu-huu", year: int = 2020, count: int = 3000, seed: int = 2020
) -> Path:
    """Write ``count`` dossiers received in ``year`` to ``path`` (UTF-8 CSV with BOM, as exported)."""
    rng = random.Random(seed)
    days = _working_days(year)
    weights = [f[2] for f in FIELDS]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(count):
            code, procedures, _, span = rng.choices(FIELDS, weights=weights)[0]
            proc_code, proc_name, level = rng.choice(procedures)
            received_day = rng.choice(days[:-15])
            received = dt.datetime.combine(
                received_day, dt.time(rng.randint(7, 16), rng.choice((0, 15, 30, 45)))
            )
            due_day = days[min(days.index(received_day) + span, len(days) - 1)]
            due = dt.datetime.combine(due_day, dt.time(16, 30))
            channel = (
                "truc_tuyen"
                if level >= 3 and rng.random() < (0.45 if code == "ho_kinh_doanh" else 0.33)
                else ("buu_chinh" if rng.random() < 0.03 else "truc_tiep")
            )
            roll = rng.random()
            late = roll < (0.015 if code == "dat_dai" else 0.004)
            status, returned = "da_tra", None
            if roll > 0.985:
                status = "rut"
            elif roll > 0.975:
                status = "tu_choi"
            if status == "da_tra":
                offset = rng.randint(1, 6) if late else -rng.randint(0, min(span, 2))
                return_day = days[
                    max(days.index(received_day), min(days.index(due_day) + offset, len(days) - 1))
                ]
                returned = dt.datetime.combine(return_day, dt.time(rng.randint(8, 17), 0))
                returned = max(returned, received + dt.timedelta(hours=1))
            rating = rng.choices(
                ["rat_hai_long", "hai_long", "binh_thuong", "khong_hai_long", ""],
                weights=[40, 45, 6, 1, 25],
            )[0]
            writer.writerow(
                [
                    f"{unit.upper()}-{year}-{n + 1:05d}",
                    unit,
                    code,
                    proc_name,
                    proc_code,
                    channel,
                    level,
                    received.strftime("%d/%m/%Y %H:%M"),
                    due.strftime("%d/%m/%Y %H:%M"),
                    returned.strftime("%d/%m/%Y %H:%M") if returned else "",
                    status,
                    "1" if status == "da_tra" and rng.random() < 0.14 else "0",
                    rating,
                    "1" if late and rng.random() < 0.8 else "0",
                    str(rng.choice((0, 0, 0, 1))),
                ]
            )
    return path


def write_catalogue(path: Path) -> Path:
    """The ward's procedure catalogue (``cchc procedures import``): every procedure of the
    export, and those that received no dossier."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ma_thu_tuc", "ten_thu_tuc", "linh_vuc", "muc_do"])
        for field, procedures, _, _ in FIELDS:
            for code, name, level in procedures:
                writer.writerow([code, name, field, level])
        for code, name, field, level in CATALOGUE_ONLY:
            writer.writerow([code, name, field, level])
    return path
