"""Backups from the command line: ``cchc backup DIR`` while the installation is being written
to, ``cchc backup --verify DIR``, and ``cchc restore DIR`` into a fresh home, where every
record and evidence file of the moment of the backup is found and the audit log verifies.
Nothing is ever overwritten: not an existing backup, not a home that has data."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import zoneinfo
from pathlib import Path

import pytest

from cchc.replay import minimal_pdf
from plans import HERE, PLAN_2020

pytestmark = pytest.mark.simulation  # replays 2020 with --now

NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer: supports II.1.1
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def ward(cli):  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    assert cli("schedule", "--now", "2020-01-01T06:00")[0] == 0
    return cli


def in_home(home: Path, *args: str) -> tuple[int, str, str]:
    """``cchc ARGS`` with ``CCHC_HOME=home``."""
    proc = subprocess.run(
        [sys.executable, "-m", "cchc.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "CCHC_HOME": str(home)},
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr


class Writer(threading.Thread):
    """Uploads evidence through the use case, one transaction after another, until stopped;
    ``done`` lists (id, sha256) of every committed upload, in order."""

    def __init__(self, home: Path) -> None:
        super().__init__(daemon=True)
        self.home = home
        self.done: list[tuple[int, str]] = []
        self.stop = threading.Event()
        self.started_writing = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        from application.access import Identity
        from application.audit_key import read_key
        from application.evidence import disk_store, upload
        from application.uow import UnitOfWork
        from storage.db import make_engine
        from storage.evidence import Upload

        engine = make_engine(
            f"sqlite:///{self.home / 'cchc.sqlite3'}",
            audit_key=read_key(self.home / "audit.key"),
            simulated=True,  # a replayed April morning, on the ward's simulation database
        )
        try:
            i = 0
            while not self.stop.is_set():
                i += 1
                [item] = upload(
                    UnitOfWork(engine),
                    Identity.officer(NHUNG),
                    dt.datetime(2020, 4, 10, 8, tzinfo=TZ),
                    task="II.1.1",
                    period="2020",
                    files=[Upload(f"bien-ban-{i}.pdf", minimal_pdf(f"bien ban so {i}"))],
                    store=disk_store(self.home),
                    max_bytes=1024 * 1024,
                )
                self.done.append((item.id, item.sha256))
                if len(self.done) >= 3:
                    self.started_writing.set()
        except BaseException as exc:  # reported by the test
            self.error = exc
            self.started_writing.set()
        finally:
            engine.dispose()


def test_a_backup_taken_while_writing_restores_every_record_file_and_audit_entry(
    ward, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    cli = ward
    home = Path(os.environ["CCHC_HOME"])
    assert home.joinpath("audit.key").is_file()  # created with the database
    writer = Writer(home)
    writer.start()
    try:
        assert writer.started_writing.wait(120) and writer.error is None
        before = list(writer.done)  # committed before the backup began
        code, out, err = cli("backup", str(tmp_path / "backup"))
        during = writer.is_alive()
    finally:
        writer.stop.set()
        writer.join(120)
    assert writer.error is None and during
    assert code == 0, err
    assert "Đã sao lưu" in out

    backup = tmp_path / "backup"
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["database"] == "sqlite" and manifest["schema_revision"]
    assert manifest["cchc_version"] and manifest["created_at"]
    paths = {f["path"] for f in manifest["files"]}
    assert {"cchc.sqlite3", "audit.key"} <= paths
    for _, sha in before:
        assert f"evidence/{sha[:2]}/{sha[2:4]}/{sha}" in paths
    code, out, _ = cli("backup", "--verify", str(backup))
    assert code == 0 and "nguyên vẹn" in out

    fresh = tmp_path / "restored"
    code, out, err = in_home(fresh, "restore", str(backup))
    assert code == 0, err
    assert "Đã khôi phục" in out
    code, out, _ = in_home(fresh, "evidence", "list", "--task", "II.1.1", "--json")
    restored = {(e["id"], e["sha256"]) for e in json.loads(out)}
    assert set(before) <= restored  # every record of the moment of the backup
    code, out, _ = in_home(fresh, "evidence", "verify")
    assert code == 0 and "nguyên vẹn" in out  # every file, whole
    code, out, err = in_home(fresh, "audit", "verify")
    assert code == 0, err
    code, out, _ = in_home(fresh, "audit", "list", "--action", "evidence_add", "--json")
    audited = json.loads(out)
    assert len(audited) >= len(before)
    assert (fresh / "audit.key").read_bytes() == (home / "audit.key").read_bytes()


def test_a_backup_never_overwrites_and_a_damaged_one_is_caught_and_never_restored(
    ward, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    cli = ward
    doc = tmp_path / "qd.pdf"
    doc.write_bytes(minimal_pdf("QD kien toan"))
    add = ("evidence", "add", str(doc), "--task", "II.1.1", "--period", "2020", "--as", NHUNG)
    assert cli(*add)[0] == 0

    taken = tmp_path / "taken"
    taken.mkdir()  # an empty folder is fine
    code, out, _ = cli("backup", str(taken), "--json")
    assert code == 0
    result = json.loads(out)
    assert len([f for f in result["files"] if f["path"].startswith("evidence/")]) == 1
    before = sorted(p.name for p in taken.rglob("*"))

    code, _, err = cli("backup", str(taken))  # never over an existing backup
    assert code == 1 and err.startswith("Error:") and "không ghi đè" in err
    assert sorted(p.name for p in taken.rglob("*")) == before

    code, _, err = cli("backup", str(tmp_path / "by-officer"), "--as", NHUNG)
    assert code == 1 and "người vận hành" in err and not (tmp_path / "by-officer").exists()

    code, _, err = cli("restore", str(taken))  # the ward's own home is not empty
    assert code == 1 and "không rỗng" in err

    # a flipped byte in one evidence file: --verify names it, restore refuses it whole
    [blob] = [p for p in (taken / "evidence").rglob("*") if p.is_file()]
    blob.chmod(0o644)
    blob.write_bytes(blob.read_bytes().replace(b"kien", b"KIEN"))
    code, out, _ = cli("backup", "--verify", str(taken))
    assert code == 1 and "sai mã băm" in out and blob.name in out
    fresh = tmp_path / "fresh"
    code, _, err = in_home(fresh, "restore", str(taken))
    assert code == 1 and "bị hỏng" in err and "không khôi phục gì" in err
    assert not fresh.exists() or not any(fresh.iterdir())

    # a database copy that does not open fails the check as well
    other = tmp_path / "other"
    assert cli("backup", str(other))[0] == 0
    (other / "cchc.sqlite3").write_bytes(b"not a database")
    code, out, _ = cli("backup", "--verify", str(other), "--json")
    problems = {(p["path"], p["problem"]) for p in json.loads(out)["problems"]}
    assert code == 1 and ("cchc.sqlite3", "size") in problems

    code, _, err = cli("backup", "--verify", str(tmp_path / "nowhere"))
    assert code == 1 and err.startswith("Error:")
    code, _, err = cli("backup", str(doc / "inside-a-file"))  # the OS refuses: no traceback
    assert code == 1 and err.startswith("Error:") and str(doc) in err


def test_postgresql_is_refused_with_the_documented_procedure(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "CCHC_DATABASE_URL": "postgresql://localhost:5432/none"}
    for args in (("backup", str(tmp_path / "b")), ("restore", str(tmp_path))):
        proc = subprocess.run(
            [sys.executable, "-m", "cchc.cli", "--lang", "en", *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert proc.returncode == 1 and "pg_dump" in proc.stderr and "README" in proc.stderr
        assert "Traceback" not in proc.stderr
