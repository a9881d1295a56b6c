"""Backups — "sao lưu": a consistent copy of an installation, checked, and restored whole.

``create_backup`` copies an embedded (SQLite) installation while it runs: the database
through SQLite's online backup API (a snapshot of one moment, never a copy of a file being
written), then the evidence store (every blob re-hashed as it is copied; blobs are written
before the records naming them, so every file the snapshot names is there), and the audit
key when there is one; a manifest (``manifest.json``) lists each file with its size and
SHA-256. The backup is written into a temporary folder beside ``DIR`` and renamed into place
last: ``DIR`` holds a whole backup or nothing, and an existing backup is never overwritten.

``check_backup`` re-reads a backup: the manifest, every file's size and hash, and that the
database copy opens and passes SQLite's integrity check. ``restore_backup`` checks the same,
then rebuilds a home in a temporary folder and renames it into place: only into an empty (or
absent) home, all or nothing.

A PostgreSQL installation is backed up with ``pg_dump`` plus a copy of the evidence store and
the audit key (the README's procedure): ``create_backup`` refuses it and says so.
Who may: the installation's operator only (``backup.create``, ``backup.restore``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from application.access import Identity, check_installation
from domain.errors import LocalizedError

if TYPE_CHECKING:
    from application.settings import Settings

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "cchc.sqlite3"
EVIDENCE = "evidence"
AUDIT_KEY = "audit.key"
CHUNK = 1024 * 1024


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupFile:
    """One file of a backup, as the manifest lists it (``path`` relative, with ``/``)."""

    path: str
    size: int
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


@dataclass(frozen=True)
class Manifest:
    """What a backup holds and where it came from."""

    created_at: dt.datetime
    version: str
    schema_revision: str | None
    database: str
    files: tuple[BackupFile, ...]
    format: int = FORMAT

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def evidence_files(self) -> int:
        return sum(1 for f in self.files if f.path.startswith(EVIDENCE + "/"))

    @property
    def has_audit_key(self) -> bool:
        return any(f.path == AUDIT_KEY for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "created_at": self.created_at.isoformat(),
            "cchc_version": self.version,
            "schema_revision": self.schema_revision,
            "database": self.database,
            "files": [f.as_dict() for f in self.files],
        }

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """The manifest of the backup in ``folder``; a LocalizedError when it is missing or
        not one this version can read."""
        path = folder / MANIFEST
        if not path.is_file():
            raise LocalizedError("error.backup_no_manifest", path=folder)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            files = tuple(
                BackupFile(str(f["path"]), int(f["size"]), str(f["sha256"])) for f in data["files"]
            )
            manifest = cls(
                created_at=dt.datetime.fromisoformat(data["created_at"]),
                version=str(data["cchc_version"]),
                schema_revision=data.get("schema_revision"),
                database=str(data["database"]),
                files=files,
                format=int(data["format"]),
            )
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise LocalizedError("error.backup_bad_manifest", path=path) from None
        if manifest.format != FORMAT:
            raise LocalizedError("error.backup_bad_manifest", path=path)
        for f in files:
            if not _safe_relative(f.path):
                raise LocalizedError("error.backup_bad_manifest", path=path)
        return manifest


@dataclass(frozen=True)
class BackupResult:
    """``cchc backup``: where, the manifest, and the stored files whose content no longer
    matched their hash (copied as they are; ``evidence verify`` names their records)."""

    path: Path
    manifest: Manifest
    damaged: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            **self.manifest.as_dict(),
            "damaged": list(self.damaged),
        }


@dataclass(frozen=True)
class BackupProblem:
    """One thing wrong with a backup: ``missing``, ``size``, ``hash``, ``database``."""

    path: str
    problem: str
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "problem": self.problem, "detail": self.detail}


@dataclass(frozen=True)
class BackupCheck:
    """``cchc backup --verify``: the manifest and everything wrong (nothing = intact)."""

    path: Path
    manifest: Manifest
    problems: tuple[BackupProblem, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "ok": self.ok,
            **self.manifest.as_dict(),
            "problems": [p.as_dict() for p in self.problems],
        }


@dataclass(frozen=True)
class RestoreResult:
    """``cchc restore``: the home rebuilt and the backup it came from."""

    home: Path
    manifest: Manifest

    def as_dict(self) -> dict[str, Any]:
        return {"home": str(self.home), **self.manifest.as_dict()}


# --- taking a backup -----------------------------------------------------------------------


@contextlib.contextmanager
def _os_errors(path: Path) -> Iterator[None]:
    """OS and SQLite errors (no space, no permission, a locked or unreadable database) as a
    message naming the file, never a traceback."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or path
        raise LocalizedError(
            "error.backup_io", path=where, detail=exc.strerror or str(exc)
        ) from None
    except sqlite3.Error as exc:
        raise LocalizedError("error.backup_io", path=path, detail=str(exc)) from None


def create_backup(
    identity: Identity,
    now: dt.datetime,
    *,
    settings: Settings,
    target: Path,
) -> BackupResult:
    """``cchc backup DIR``: a consistent copy of the running installation into ``target``
    (which must not exist, or be an empty folder), as the installation's operator."""
    check_installation(identity, "backup.create", now)
    if not settings.embedded:
        raise LocalizedError("error.backup_postgresql")
    with _os_errors(target):
        return _create(now, settings, target)


def _create(now: dt.datetime, settings: Settings, target: Path) -> BackupResult:
    _require_empty(target, "error.backup_target_not_empty")
    source_db = _sqlite_path(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        files = [_copy_database(source_db, work / DATABASE)]
        revision = _schema_revision(work / DATABASE)
        copied, damaged = _copy_evidence(settings.home / EVIDENCE, work / EVIDENCE)
        files.extend(copied)
        if settings.audit_key_path.is_file():
            files.append(_copy_file(settings.audit_key_path, work / AUDIT_KEY, AUDIT_KEY))
            os.chmod(work / AUDIT_KEY, 0o600)
        manifest = Manifest(
            created_at=now,
            version=_version(),
            schema_revision=revision,
            database="sqlite",
            files=tuple(files),
        )
        _write_manifest(work, manifest)
        _publish(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupResult(target, manifest, tuple(damaged))


def _copy_database(source: Path, dest: Path) -> BackupFile:
    """SQLite's online backup: a snapshot of one moment while writers carry on (WAL)."""
    if not source.is_file():
        raise LocalizedError("error.backup_no_database", path=source)
    src = sqlite3.connect(source, timeout=30)  # only read; WAL lets writers go on meanwhile
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            dst.commit()
        finally:
            dst.close()
    finally:
        src.close()
    return BackupFile(DATABASE, *_size_and_hash(dest))


def _schema_revision(database: Path) -> str | None:
    """The Alembic revision the snapshot's schema is at."""
    con = sqlite3.connect(database)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    finally:
        con.close()
    return str(row[0]) if row else None


def _copy_evidence(store: Path, dest: Path) -> tuple[list[BackupFile], list[str]]:
    """Every blob of the store (not the leftovers of interrupted uploads), re-hashed."""
    files: list[BackupFile] = []
    damaged: list[str] = []
    if not store.is_dir():
        return files, damaged
    for blob in sorted(store.glob("*/*/*")):
        name = blob.name
        if name.startswith(".") or not blob.is_file():
            continue
        relative = f"{EVIDENCE}/{blob.parent.parent.name}/{blob.parent.name}/{name}"
        copied = _copy_file(
            blob, dest / blob.parent.parent.name / blob.parent.name / name, relative
        )
        os.chmod(dest / blob.parent.parent.name / blob.parent.name / name, 0o444)
        if copied.sha256 != name:
            damaged.append(name)
        files.append(copied)
    return files, damaged


def _copy_file(source: Path, dest: Path, relative: str) -> BackupFile:
    """Copy ``source`` to ``dest``, hashing what was written."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    h, size = hashlib.sha256(), 0
    with source.open("rb") as f, dest.open("wb") as out:
        while block := f.read(CHUNK):
            out.write(block)
            h.update(block)
            size += len(block)
        out.flush()
        os.fsync(out.fileno())
    return BackupFile(relative, size, h.hexdigest())


def _write_manifest(folder: Path, manifest: Manifest) -> None:
    path = folder / MANIFEST
    with path.open("w", encoding="utf-8") as out:
        json.dump(manifest.as_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())


# --- checking a backup ---------------------------------------------------------------------


def check_backup(source: Path) -> BackupCheck:
    """``cchc backup --verify DIR``: every file of the manifest is there with its size and
    hash, and the database copy opens and passes an integrity check. Read-only."""
    with _os_errors(source):
        return _check(source)


def _check(source: Path) -> BackupCheck:
    if not source.is_dir():
        raise LocalizedError("error.backup_not_found", path=source)
    manifest = Manifest.read(source)
    problems: list[BackupProblem] = []
    for f in manifest.files:
        path = source / f.path
        if not path.is_file():
            problems.append(BackupProblem(f.path, "missing"))
            continue
        size, sha = _size_and_hash(path)
        if size != f.size:
            problems.append(BackupProblem(f.path, "size", f"{size} != {f.size}"))
        elif sha != f.sha256:
            problems.append(BackupProblem(f.path, "hash"))
    if not any(p.path == DATABASE for p in problems):
        if not any(f.path == DATABASE for f in manifest.files):
            problems.append(BackupProblem(DATABASE, "missing"))
        else:
            detail = _integrity(source / DATABASE)
            if detail:
                problems.append(BackupProblem(DATABASE, "database", detail))
    return BackupCheck(source, manifest, tuple(problems))


def _integrity(database: Path) -> str:
    """ "" when the database opens and passes ``PRAGMA integrity_check``; else what failed."""
    try:
        con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            rows = con.execute("PRAGMA integrity_check").fetchall()
            con.execute("SELECT count(*) FROM alembic_version").fetchone()
        finally:
            con.close()
    except sqlite3.Error as exc:
        return str(exc)
    found = "; ".join(str(r[0]) for r in rows)
    return "" if found == "ok" else found


# --- restoring -----------------------------------------------------------------------------


def restore_backup(
    identity: Identity, now: dt.datetime, *, settings: Settings, source: Path
) -> RestoreResult:
    """``cchc restore DIR``: the backup in ``source``, checked whole first, becomes this
    installation's home — which must be empty (or absent): nothing is ever overwritten."""
    check_installation(identity, "backup.restore", now)
    if not settings.embedded:
        raise LocalizedError("error.backup_postgresql")
    with _os_errors(source):
        return _restore(settings, source)


def _restore(settings: Settings, source: Path) -> RestoreResult:
    home = settings.home
    _require_empty(home, "error.restore_home_not_empty")
    database = _sqlite_path(settings)
    try:
        db_relative = database.resolve().relative_to(home.resolve())
    except ValueError:
        raise LocalizedError("error.restore_database_outside", path=database, home=home) from None
    check = _check(source)
    if not check.ok:
        raise LocalizedError(
            "error.restore_damaged",
            path=source,
            problems="; ".join(f"{p.path}: {p.problem}" for p in check.problems),
        )
    home.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{home.name}.restore-", dir=home.parent))
    try:
        for f in check.manifest.files:
            relative = str(db_relative) if f.path == DATABASE else f.path
            copied = _copy_file(source / f.path, work / relative, f.path)
            if (copied.size, copied.sha256) != (f.size, f.sha256):  # changed while copying
                raise LocalizedError(
                    "error.restore_damaged", path=source, problems=f"{f.path}: hash"
                )
            if f.path.startswith(EVIDENCE + "/"):
                os.chmod(work / relative, 0o444)
            elif f.path == AUDIT_KEY:
                os.chmod(work / relative, 0o600)
        _publish(work, home)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return RestoreResult(home, check.manifest)


# --- shared --------------------------------------------------------------------------------


def _require_empty(folder: Path, key: str) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise LocalizedError(key, path=folder)


def _publish(work: Path, final: Path) -> None:
    """Rename the finished folder into place (onto an absent or empty folder only)."""
    try:
        os.rename(work, final)  # POSIX: replaces an empty directory, refuses a full one
    except OSError:
        _require_empty(final, "error.backup_target_not_empty")
        raise
    parent = os.open(final.parent, os.O_RDONLY)
    try:
        with contextlib.suppress(OSError):
            os.fsync(parent)
    finally:
        os.close(parent)


def _sqlite_path(settings: Settings) -> Path:
    from sqlalchemy.engine import make_url

    name = make_url(settings.database_url).database or ""
    if not name or name == ":memory:":
        raise LocalizedError("error.backup_no_database", path=settings.database_url)
    return Path(name)


def _size_and_hash(path: Path) -> tuple[int, str]:
    h, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
            size += len(block)
    return size, h.hexdigest()


def _safe_relative(path: str) -> bool:
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and all(p not in ("", ".", "..") for p in parts)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cchc")
    except PackageNotFoundError:
        return "unknown"
