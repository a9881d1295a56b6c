"""After a crash, from the command line: a ``kill -9`` during ``evidence add`` leaves a
temporary file that ``evidence verify`` reports and ``evidence gc`` removes once it is stale
(never while an upload may still be writing it); re-uploading the original of a corrupted
stored file repairs it."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cchc.replay import minimal_pdf
from plans import HERE, PLAN_2020

pytestmark = pytest.mark.simulation  # replays 2020 with --now

NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer: supports II.1.1
MB = 1024 * 1024


@pytest.fixture
def ward(cli):  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    assert cli("schedule", "--now", "2020-01-01T06:00")[0] == 0
    return cli


def temporaries(home: Path) -> list[Path]:
    return sorted((home / "evidence").glob("*/*/.tmp-*"))


def kill_during_upload(big: Path, home: Path) -> Path:
    """Start ``evidence add BIG`` and kill -9 it while its temporary file is being written."""
    env = {**os.environ, "CCHC_EVIDENCE_MAX_MB": "2000"}
    args = ["evidence", "add", str(big), "--task", "II.1.1", "--period", "2020", "--as", NHUNG]
    proc = subprocess.Popen([sys.executable, "-m", "cchc.cli", *args], env=env)
    try:
        while proc.poll() is None:
            found = temporaries(home)
            if found:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                return found[0]
        pytest.fail("the upload finished before it could be killed")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_killed_upload_is_reported_and_only_a_stale_leftover_is_collected(
    ward, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    cli = ward
    home = Path(os.environ["CCHC_HOME"])
    big = tmp_path / "scan.pdf"
    with big.open("wb") as out:
        out.write(minimal_pdf("ban quet"))
        out.write(bytes(200 * MB))
    leftover = kill_during_upload(big, home)
    assert leftover.exists()
    size = leftover.stat().st_size

    code, out, _ = cli("evidence", "verify")
    assert code == 0  # a leftover is no damage to any record
    assert "Còn 1 tệp tạm" in out and "evidence gc" in out
    code, out, _ = cli("evidence", "verify", "--json")
    [item] = json.loads(out)["leftovers"]
    assert (item["path"], item["size"], item["stale"]) == (str(leftover), size, False)

    # it may still be an upload under way: gc keeps it
    code, out, _ = cli("evidence", "gc")
    assert code == 0 and "Giữ lại 1 tệp tạm" in out and leftover.exists()

    two_hours_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).timestamp()
    os.utime(leftover, (two_hours_ago, two_hours_ago))
    code, out, _ = cli("evidence", "gc", "--dry-run")
    assert code == 0 and str(leftover) in out and "Chạy thử" in out and leftover.exists()

    code, _, err = cli("evidence", "gc", "--as", NHUNG)
    assert code == 1 and err.startswith("Error:") and "người vận hành" in err
    assert leftover.exists()

    code, out, _ = cli("evidence", "gc", "--json")
    result = json.loads(out)
    assert [x["path"] for x in result["removed"]] == [str(leftover)]
    assert result["removed_bytes"] == size and not leftover.exists()
    code, out, _ = cli("evidence", "verify")
    assert code == 0 and "tệp tạm" not in out


def test_reuploading_the_original_repairs_a_corrupted_stored_file(ward, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = ward
    original = tmp_path / "quyet-dinh.pdf"
    original.write_bytes(minimal_pdf("QD kien toan"))
    add = ("evidence", "add", str(original), "--task", "II.1.1", "--period", "2020", "--as", NHUNG)
    code, out, _ = cli(*add, "--json")
    assert code == 0
    stored = Path(json.loads(out)[0]["path"])
    stored.chmod(0o644)
    stored.write_bytes(stored.read_bytes().replace(b"kien", b"KIEN"))
    assert cli("evidence", "verify")[0] == 1

    code, out, _ = cli(*add)
    assert code == 0 and "Đã lưu" in out and "bị hỏng: đã thay" in out
    assert stored.read_bytes() == original.read_bytes()
    code, out, _ = cli("evidence", "verify")
    assert code == 0 and "nguyên vẹn" in out
    code, out, _ = cli("audit", "list", "--action", "evidence_repair", "--json")
    assert code == 0 and stored.name in out
