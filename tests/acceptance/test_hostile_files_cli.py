"""Hostile files given to the command line: every one refused with located problems, exit 1,
no traceback, nothing stored."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hostile_inputs import big_xlsx, billion_laughs

from plans import PLAN_2020

PLAN = PLAN_2020.read_text(encoding="utf-8")


def hostile_plans() -> dict[str, str]:
    return {
        "laughs": billion_laughs(),
        "deep": "format: cchc-plan/1\nplan: " + "[" * 5000 + "]" * 5000 + "\n",
        "control": PLAN.replace("Phú Hữu", "Phú\x07Hữu", 1),
        "year": PLAN.replace("  year: 2020\n", "  year: 99999999999999999999999\n"),
        "nan": PLAN.replace("    value: 98\n", "    value: .nan\n", 1),
        "due": PLAN.replace("due: {date: 2020-04-29}", "due: {date: 2021-04-29}"),
        "minutely": PLAN.replace("FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MINUTELY"),
    }


def test_plan_validate_locates_the_problem_of_each_hostile_plan(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = []
    for name, text in hostile_plans().items():
        paths.append(tmp_path / f"{name}.yaml")
        paths[-1].write_text(text, encoding="utf-8")

    code, out, err = cli("--lang", "en", "plan", "validate", *map(str, paths))

    assert code == 1, out + err
    for path in paths:
        assert re.search("^" + re.escape(str(path)) + r":\d+:\d+: ", out, re.MULTILINE), (path, out)
    assert "Traceback" not in out + err


def test_plan_load_and_framework_validate_refuse_the_same_files(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    laughs = tmp_path / "laughs.yaml"
    laughs.write_text(billion_laughs(), encoding="utf-8")

    for command in (("plan", "load"), ("framework", "validate"), ("framework", "load")):
        code, out, err = cli("--lang", "en", *command, str(laughs))
        assert code == 1, (command, out, err)
        assert f"{laughs}:" in out + err and "YAML aliases" in out + err
        assert "Traceback" not in out + err
    code, out, _ = cli("plan", "list", "--json")
    assert (code, json.loads(out)) == (0, [])


# --- rosters ---------------------------------------------------------------------------------


def roster_files(tmp_path: Path) -> dict[str, Path]:
    header = "name,email,phone,position,scope,from,to,kind,acting_for\n"
    files = {
        "huge-cell.csv": header + f'Trần Thị Mai,mai.tt@phuhuu.gov.vn,"{"9" * 200_000}",'
        "vice_chairman,,01/01/2020,,,\n",
        "two-chairmen.csv": header
        + "Nguyễn Văn Hùng,hung.nv@phuhuu.gov.vn,,chairman,,01/01/2020,,,\n"
        + "Đỗ Thanh Sơn,son.dt@phuhuu.gov.vn,,chairman,,03/02/2020,07/02/2020,,\n",
        "nul.csv": header + "Trần Thị\x00Mai,mai.tt@phuhuu.gov.vn,,vice_chairman,,01/01/2020,,,\n",
    }
    out = {}
    for name, text in files.items():
        out[name] = tmp_path / name
        out[name].write_text(text, encoding="utf-8")
    out["two-million-rows.xlsx"] = big_xlsx(tmp_path / "two-million-rows.xlsx", 2_000_000)
    return out


def test_officer_import_refuses_hostile_rosters_by_row(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("plan", "load", str(PLAN_2020))
    expected = {
        "huge-cell.csv": ":row 2: phone: the cell is longer than",
        "two-chairmen.csv": ":row 3: position: Nguyễn Văn Hùng (row 2) is chairman",
        "nul.csv": ":row 2: name: control character U+0000",
        "two-million-rows.xlsx": ": the spreadsheet is larger than 16 MB",
    }

    for name, path in roster_files(tmp_path).items():
        code, out, err = cli("--lang", "en", "officer", "import", str(path))
        assert code == 1, (name, out, err)
        assert err.startswith("Error:"), err
        assert f"{path}{expected[name]}" in " ".join(err.split()), err
        assert "Traceback" not in out + err

    code, out, _ = cli("officer", "list", "--json")
    assert json.loads(out) == []
