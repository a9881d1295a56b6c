"""``cchc unit …`` as a province's or a ward's officer uses it: the unit file (all or nothing,
every bad row listed), the tree as it was on a day, one unit in full, and a merger."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from plans import HERE, PLAN_2020

Cli = Callable[..., tuple[int, str, str]]
NHUNG = "nhung.pth@phuhuu.gov.vn"  # the ward's CCHC officer

PROVINCE = """Mã,Tên đơn vị,Cấp,Cấp trên,Từ ngày,Đến ngày
79,Thành phố Hồ Chí Minh,Thành phố,,,
760,Quận 1,Quận,79,,30/06/2025
26734,Phường Bến Nghé,Phường,760,,30/06/2025
26737,Phường Đa Kao,Phường,760,,30/06/2025
26740,Phường Tân Định,Phường,760,,30/06/2025
26731,Phường Sài Gòn,Phường,79,01/07/2025,
"""


def read(cli: Cli, *args: str) -> object:
    code, out, err = cli(*args, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def province(cli: Cli, tmp_path: Path) -> Cli:
    file = tmp_path / "don-vi.csv"
    file.write_text(PROVINCE, encoding="utf-8")
    code, out, err = cli("unit", "import", str(file))
    assert (code, err) == (0, ""), err
    assert "6 đơn vị: 6 mới" in out
    return cli


def test_the_tree_as_it_was_on_a_day(province: Cli) -> None:
    code, out, _ = province("unit", "list", "--on", "01/01/2025")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Đơn vị hành chính ngày 01/01/2025:"
    assert lines[1].startswith("79  Thành phố Hồ Chí Minh (thành phố trực thuộc trung ương)")
    assert lines[2].startswith("  760  Quận 1 (quận/huyện)")
    assert lines[3].startswith("    26734  Phường Bến Nghé (phường)")
    assert "26731" not in out
    after = read(province, "unit", "list", "--on", "2025-07-01")
    assert isinstance(after, dict)
    assert [(u["code"], u["depth"]) for u in after["units"]] == [("79", 0), ("26731", 1)]
    code, out, _ = province("--lang", "en", "unit", "list", "--on", "2025-07-01")
    assert "Administrative units on 01/07/2025:" in out and "(ward)" in out


def test_a_bad_file_stores_nothing_and_lists_every_bad_row(province: Cli, tmp_path: Path) -> None:
    before = read(province, "unit", "list", "--on", "2025-01-01")
    bad = tmp_path / "sai.csv"
    bad.write_text(
        "code,name,level,parent,from,to\n"
        "26734,Phường Bến Nghé mới,ward,760,,\n"  # a fine update, not stored either
        "../etc,Phường X,ward,79,,\n"
        "X1,Phường\x07Chuông,ward,79,,\n"
        "X2,Phường Y,làng,79,,\n"
        "X3,Phường Z,ward,99999,,\n"
        'X4,=HYPERLINK("http://x"),ward,79,2025-02-30,\n'
        f"{'9' * 65},Dài,ward,79,,\n"
        "79,Tỉnh dưới phường,province,26731,,\n",
        encoding="utf-8",
    )
    code, out, err = province("unit", "import", str(bad))
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.startswith("Error:")
    for row, word in (
        (3, "mã đơn vị '../etc' không hợp lệ"),
        (4, "U+0007"),
        (5, "'làng'"),
        (6, "'99999'"),
        (7, "'2025-02-30'"),
        (8, "không hợp lệ"),
        (9, "vòng"),
    ):
        line = " ".join(x for x in err.splitlines() if f"row {row}:" in x)
        assert word in line, (row, err)
    assert "Gợi ý" in err
    assert read(province, "unit", "list", "--on", "2025-01-01") == before
    shown = read(province, "unit", "show", "26734")
    assert isinstance(shown, dict) and shown["name"] == "Phường Bến Nghé"


def test_an_unknown_column_and_an_empty_file(cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "cot.csv"
    file.write_text("code,tên,màu\nA,Phường A,đỏ\n", encoding="utf-8")
    code, _, err = cli("--lang", "en", "unit", "import", str(file))
    assert code == 1 and "'màu'" in err and "Hint:" in err
    code, _, err = cli("unit", "import", str(tmp_path / "khong-co.csv"))
    assert code == 1 and err.startswith("Error:")


def test_a_single_ward_keeps_working_and_can_be_merged(cli: Cli) -> None:
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    tree = read(cli, "unit", "list", "--on", "2020-05-01")
    assert isinstance(tree, dict)
    assert [(u["code"], u["depth"]) for u in tree["units"]] == [
        ("tp-hcm", 0),
        ("quan-9", 1),
        ("phu-huu", 2),
    ]
    shown = read(cli, "unit", "show", "phu-huu")
    assert isinstance(shown, dict)
    assert (shown["has_plans"], shown["plans"], shown["to"]) == (True, ["KH-CCHC-2020"], None)

    # only whoever may plan for the unit above (here: the operator) changes the tree
    code, _, err = cli("unit", "merge", "phu-huu", "--into", "26734", "--on", "2020-07-01",
                       "--name", "Phường Mới", "--as", NHUNG)  # fmt: skip
    assert code == 1 and err.startswith("Error:") and "Không được phép" in err
    code, _, err = cli("unit", "merge", "phu-huu", "--into", "phu-huu", "--on", "2020-07-01")
    assert code == 1 and "chính nó" in err
    code, _, err = cli("unit", "merge", "phu-huu", "--into", "26734", "--on", "2020-07-01")
    assert code == 1 and "--name" in err
    code, _, err = cli("unit", "merge", "phu-huu", "--into", "26734", "--on", "1/13/2020")
    assert code == 2 and "1/13/2020" in err

    code, out, err = cli("unit", "merge", "phu-huu", "--into", "26734", "--on", "2020-07-01",
                         "--name", "Phường Mới", "--level", "Phường")  # fmt: skip
    assert code == 0, err
    assert "Đã sáp nhập phu-huu vào 26734 (Phường Mới) từ ngày 01/07/2020" in out
    merged = out
    assert "30/06/2020" in out and "cchc plan load --unit 26734" in out
    shown = read(cli, "unit", "show", "26734")
    assert isinstance(shown, dict)
    assert shown["predecessors"] == [
        {"code": "phu-huu", "name": "UBND phường Phú Hữu", "on": "2020-07-01", "kind": "merge"}
    ]
    assert (shown["parent"], shown["level"], shown["has_plans"]) == ("quan-9", "ward", False)
    code, out, _ = cli("unit", "show", "phu-huu")
    assert "Đã sáp nhập vào: 26734 Phường Mới (từ 01/07/2020)" in out
    assert "Kế hoạch: KH-CCHC-2020" in out
    code, _, err = cli("unit", "rename", "phu-huu", "--into", "26999", "--on", "2020-09-01",
                       "--name", "Phường Khác")  # fmt: skip
    assert code == 1 and "đã được sáp nhập vào '26734'" in err
    code, _, err = cli("--lang", "en", "unit", "show", "nope")
    assert code == 1 and "No unit 'nope'" in err
    # the holdings of the merged ward running on the day end the day before (one that was to
    # start on the day itself is left as it was: the unit has no work then)
    assert "12 phân công chức danh kết thúc" in merged
    officers = read(cli, "officer", "list", "--unit", "phu-huu", "--on", "2020-07-01")
    assert isinstance(officers, list)
    assert [(p["position"], p["from"]) for o in officers for p in o["positions"]] == [
        ("cchc_officer", "2020-07-01")
    ]


def test_merging_into_a_unit_that_exists_says_how_it_gets_its_plan(province: Cli) -> None:
    code, out, err = province("unit", "merge", "26734", "26737", "--into", "26740",
                              "--on", "01/06/2025")  # fmt: skip
    assert code == 0, err
    text = " ".join(out.split())
    assert "Đã sáp nhập 26734, 26737 vào 26740 (Phường Tân Định) từ ngày 01/06/2025" in text
    # the unit existed (no "Đã tạo"), with no plan of 2025; the merged wards' plans came from
    # no template: a plan file
    assert "Đã tạo" not in text
    assert (
        "26740 chưa có kế hoạch năm 2025: nạp kế hoạch bằng cchc plan load TỆP-KẾ-HOẠCH "
        "--unit 26740." in text
    )
