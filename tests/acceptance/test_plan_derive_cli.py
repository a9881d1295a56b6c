"""``cchc plan derive`` as a province officer runs it: preview, apply, ``plan show`` naming the
template and overlay; a bad overlay loads nothing and names its file and line."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from sqlmodel import Session

from application.audit_key import attach_key
from domain.plan import Unit
from plans import HERE
from storage.db import make_engine
from storage.units import ensure_unit

TEMPLATE = HERE / "province" / "template-2020.yaml"
OVERLAYS = HERE / "province" / "overlays"
UNITS = "phu-huu,an-phu,long-truong"


def with_units(cli, home: Path) -> None:  # type: ignore[no-untyped-def]
    """An installation whose unit table holds a city's three wards (as ``unit import`` does)."""
    assert cli("init")[0] == 0
    engine = attach_key(
        home / "audit.key", make_engine(f"sqlite:///{home / 'cchc.sqlite3'}"), create=False
    )
    city = Unit("tp-hcm", "UBND Thành phố Hồ Chí Minh")
    now = dt.datetime.now(dt.UTC)
    with Session(engine) as session:
        for code, name in (
            ("phu-huu", "UBND phường Phú Hữu"),
            ("an-phu", "UBND phường An Phú"),
            ("long-truong", "UBND phường Long Trường"),
        ):
            ensure_unit(Unit(code, name, city), session=session, actor="test", now=now)
        session.commit()
    engine.dispose()


def test_derive_previews_then_applies_and_show_names_the_template(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with_units(cli, tmp_path / "home")
    args = ("plan", "derive", str(TEMPLATE), "--units", UNITS, "--overlay-dir", str(OVERLAYS))

    code, out, err = cli(*args, "--dry-run")
    assert code == 0, err
    assert "Kế hoạch mẫu KH-CCHC-2020, phiên bản 1" in out
    assert "UBND phường Phú Hữu (phu-huu): lập mới kế hoạch KH-CCHC-2020" in out
    assert "phần điều chỉnh của đơn vị: phu-huu.yaml" in out
    assert "Chạy thử cho 3 đơn vị: không ghi gì vào cơ sở dữ liệu." in out
    assert json.loads(cli("plan", "list", "--json")[1]) == []

    code, out, err = cli(*args)
    assert code == 0, err
    assert "Đã lập kế hoạch cho 3 đơn vị." in out
    listed = json.loads(cli("plan", "list", "--json")[1])
    assert sorted(p["unit"] for p in listed) == ["an-phu", "long-truong", "phu-huu"]

    code, out, err = cli("plan", "show", "--unit", "phu-huu")
    assert code == 0, err
    assert "Lập từ kế hoạch mẫu KH-CCHC-2020, phiên bản 1" in out
    assert "Phần điều chỉnh của đơn vị: phu-huu.yaml" in out
    code, out, _ = cli("plan", "show", "--unit", "an-phu", "--lang", "en")
    assert "Derived from template KH-CCHC-2020, version 1" in out
    assert "No overlay of the unit." in out

    code, out, _ = cli("plan", "derive", str(TEMPLATE), "--json")  # every unit derived from it
    again = json.loads(out)
    assert [u["unit"] for u in again["units"]] == ["an-phu", "long-truong", "phu-huu"]
    assert not any(u["changed"] for u in again["units"])


def test_a_bad_overlay_loads_nothing_and_names_file_and_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with_units(cli, tmp_path / "home")
    folder = tmp_path / "overlays"
    folder.mkdir()
    shutil.copy(OVERLAYS / "phu-huu.yaml", folder / "phu-huu.yaml")
    (folder / "an-phu.yaml").write_text(
        "format: cchc-overlay/1\n"
        "overlay: {unit: an-phu, template: KH-CCHC-2020}\n"
        "targets:\n"
        "  - {target: T2.1a, value: 90}\n",
        encoding="utf-8",
    )
    code, out, err = cli(
        "plan", "derive", str(TEMPLATE), "--units", UNITS, "--overlay-dir", str(folder)
    )
    assert code == 1
    message = out + err
    assert f"{folder / 'an-phu.yaml'}:4:" in message
    assert "thấp hơn mức của tỉnh (>= 95)" in message
    assert "Traceback" not in message
    assert json.loads(cli("plan", "list", "--json")[1]) == []


def test_a_template_cannot_be_loaded_as_a_plan(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("plan", "load", str(TEMPLATE))
    assert code == 1
    assert "cchc plan derive" in out + err


def test_missing_files_and_unknown_units_are_clear_errors(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with_units(cli, tmp_path / "home")
    code, out, err = cli("plan", "derive", str(tmp_path / "khong-co.yaml"), "--units", "phu-huu")
    assert code == 1 and "khong-co.yaml" in out + err and "Traceback" not in out + err
    code, out, err = cli(
        "plan", "derive", str(TEMPLATE), "--units", "phu-huu", "--overlay-dir", str(tmp_path / "x")
    )
    assert code == 1 and "Traceback" not in out + err
    code, out, err = cli("plan", "derive", str(TEMPLATE), "--units", "phu-huu,xa-la")
    assert code == 1
    assert "Không có đơn vị: xa-la" in out + err
    code, out, err = cli("plan", "derive", str(TEMPLATE))
    assert code == 1 and "--units" in out + err
