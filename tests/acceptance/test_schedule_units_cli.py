"""``cchc schedule`` for several units at once — ``--unit A --unit B`` or ``--below`` a
district or province — as a province's operator runs it: every unit's line, all or none when
one is wrong, and the one-unit command as it always was."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from plans import PLAN_2020

pytestmark = pytest.mark.simulation

Cli = Callable[..., tuple[int, str, str]]
AT = ("--now", "2020-01-02T08:00")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def district(cli: Cli, tmp_path: Path) -> Cli:
    """Three wards of quan-9 with the bundled plan, and ward-z with none yet."""
    for ward in ("ward-a", "ward-b", "ward-c"):
        code, _, err = cli("plan", "load", str(PLAN_2020), "--unit", ward)
        assert code == 0, err
    units = tmp_path / "don-vi.csv"
    units.write_text(
        "Mã,Tên,Cấp,Cấp trên,Từ ngày,Đến ngày\nward-z,Phường Z,Phường,quan-9,,\n", "utf-8"
    )
    code, _, err = cli("unit", "import", str(units))
    assert code == 0, err
    return cli


def made(cli: Cli, ward: str) -> int:
    """How many occurrences scheduling ``ward`` alone would make now (0: already made)."""
    code, out, err = cli("schedule", "--unit", ward, *AT, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert isinstance(report, dict)
    return int(report["created"])


def test_several_units_each_get_their_year(district: Cli) -> None:
    cli = district
    code, out, err = cli("schedule", "--unit", "ward-a", "--unit", "ward-b", "--year", "2020", *AT)
    assert code == 0, err
    text = flat(out)
    assert "ward-a (ward-a): Kế hoạch KH-CCHC-2020: tạo 146," in text
    assert "ward-b (ward-b): Kế hoạch KH-CCHC-2020: tạo 146," in text
    assert "Đã lập lịch thực hiện kế hoạch cho 2 đơn vị." in text
    assert made(cli, "ward-a") == 0 and made(cli, "ward-b") == 0

    # below the district: every ward in force; the one without a plan is named, not an error
    code, out, err = cli("schedule", "--below", "quan-9", *AT, "--json")
    assert code == 0, err
    done = json.loads(out)
    assert [(u["unit"], u["created"], u["unchanged"]) for u in done["units"]] == [
        ("ward-a", 0, 146),
        ("ward-b", 0, 146),
        ("ward-c", 146, 0),
    ]
    assert done["without_plan"] == ["ward-z"]
    code, out, err = cli("--lang", "en", "schedule", "--below", "tp-hcm", *AT)
    assert code == 0, err
    assert "Units with no plan yet, no occurrences made (1): ward-z." in flat(out)
    assert "Scheduled the plans of 3 units." in flat(out)


def test_one_wrong_unit_and_nothing_is_made(district: Cli) -> None:
    cli = district
    code, out, err = cli("schedule", "--unit", "ward-a", "--unit", "nope", "--unit", "khac", *AT)
    assert code == 1 and "Traceback" not in err and out == ""
    assert "Không có đơn vị: nope, khac; chưa tạo lần thực hiện cho đơn vị nào." in flat(err)
    code, _, err = cli("schedule", "--unit", "ward-a", "--unit", "ward-z", "--year", "2020", *AT)
    assert code == 1 and "Đơn vị ward-z chưa có kế hoạch năm 2020" in flat(err)
    assert made(cli, "ward-a") == 146  # the failed commands made nothing
    code, _, err = cli("--lang", "en", "schedule", "--below", "tp-hcm", "--year", "2021", *AT)
    assert code == 1 and "No unit below tp-hcm has a plan for 2021." in flat(err)
    code, _, err = cli("schedule", "--below", "ward-a", *AT)
    assert code == 1 and "Không có đơn vị nào thuộc ward-a." in flat(err)
    code, _, err = cli("schedule", "--unit", "ward-a", "--below", "quan-9", *AT)
    assert code == 2 and "Ghi --unit hoặc --below, không ghi cả hai." in flat(err)
    for empty in ("", "  "):  # an unset shell variable: `--below "$TINH"`
        code, out, err = cli("schedule", "--below", empty, *AT)
        assert code == 2 and "Traceback" not in err and out == ""
        assert "--below cần mã của một tỉnh, thành phố hoặc quận, huyện" in flat(err)


def test_one_unit_as_it_always_was(district: Cli) -> None:
    cli = district
    code, out, err = cli("schedule", "--unit", "ward-c", *AT)
    assert code == 0, err
    assert flat(out).startswith("Kế hoạch KH-CCHC-2020: tạo 146,")
    code, _, err = cli("schedule", *AT)  # several units have plans: which one?
    assert code == 1 and "ward-a" in err and "Traceback" not in err
    code, _, err = cli("schedule", "--unit", "nope", *AT)
    assert code == 1 and "Không có đơn vị 'nope'" in flat(err)
