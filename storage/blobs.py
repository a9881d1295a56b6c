"""The evidence blob store: files named by the SHA-256 of their content.

``DiskBlobStore`` keeps ``root/ab/cd/abcdef…``; a blob is written once, atomically (a
temporary file in the blob's own directory, flushed to disk, then linked to its final
name only if that name is free), so the same content is stored once however often it is
uploaded. A stored blob is never overwritten — unless its content no longer matches its
name (a damaged disk, a hand edit): uploading the original again then replaces it,
atomically, and says so (``Saved.repaired``). A process killed while writing leaves its
``.tmp-*`` file behind: ``leftovers`` lists them and ``discard`` removes one.
``MemoryBlobStore`` is its in-memory twin for tests and dry runs. ``sniff_file`` tells a
file's type by its content.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import io
import os
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath
from typing import BinaryIO, Protocol

from domain.errors import LocalizedError, NotFoundError
from domain.evidence import HEAD_BYTES, ole_kind, ole_stream_names, sniff, zip_kind

CHUNK = 1024 * 1024  # a multiple of 128, as OLE scanning needs

Source = Path | bytes
TEMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class Saved:
    """What storing a file did: its hash and size, and whether a stored blob of that name
    held other (damaged) content and was replaced by this one."""

    sha256: str
    size: int
    repaired: bool = False


@dataclass(frozen=True)
class Leftover:
    """A temporary file an interrupted upload left in the store ("tệp tạm còn sót")."""

    path: PurePath
    size: int
    modified: dt.datetime  # aware, UTC

    def age(self, now: dt.datetime) -> dt.timedelta:
        return max(now - self.modified, dt.timedelta(0))


class BlobStore(Protocol):
    """Where evidence files live, by content hash."""

    def put(self, source: Source) -> tuple[str, int]:
        """Store a file (a path or its bytes); (sha256, size). Storing it again is a no-op."""
        ...

    def save(self, source: Source) -> Saved:
        """``put``, saying whether a damaged blob of the same name was replaced."""
        ...

    def leftovers(self) -> list[Leftover]:
        """Temporary files of uploads that never finished (or are under way)."""
        ...

    def discard(self, leftover: Leftover) -> bool:
        """Remove one leftover; False when it was already gone."""
        ...

    def open(self, sha256: str) -> BinaryIO:
        """The stored content, for reading; NotFoundError when absent."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def path(self, sha256: str) -> PurePath:
        """Where the blob is (or would be) kept."""
        ...


def _chunks(source: Source) -> Iterator[bytes]:
    if isinstance(source, bytes):
        for i in range(0, len(source), CHUNK):
            yield source[i : i + CHUNK]
        return
    with source.open("rb") as f:
        while block := f.read(CHUNK):
            yield block


def digest(source: Source) -> tuple[str, int]:
    """(sha256 hex, size) of a path's or bytes' content."""
    h, size = hashlib.sha256(), 0
    for block in _chunks(source):
        h.update(block)
        size += len(block)
    return h.hexdigest(), size


def _relative(sha256: str) -> PurePosixPath:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return PurePosixPath(sha256[:2], sha256[2:4], sha256)


class DiskBlobStore:
    """Blobs as read-only files under ``root`` (``$CCHC_HOME/evidence``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / _relative(sha256)

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        target = self.path(sha256)
        if not target.is_file():
            raise NotFoundError("error.file_not_found", path=target)
        return target.open("rb")

    def put(self, source: Source) -> tuple[str, int]:
        saved = self.save(source)
        return saved.sha256, saved.size

    def save(self, source: Source) -> Saved:
        sha, size = digest(source)
        final = self.path(sha)
        damaged = False
        if final.is_file():
            if rehash(self, sha) == (sha, size):
                return Saved(sha, size)  # same content already stored: never rewritten
            damaged = True  # the stored copy is not what its name says: replace it
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=final.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                written = self._write(source, out)
                out.flush()
                os.fsync(out.fileno())
            if written != (sha, size):  # the source changed between hashing and copying
                name = source.name if isinstance(source, Path) else "(data)"
                raise LocalizedError("error.evidence_file_changed", name=name)
            os.chmod(tmp, 0o444)
            if damaged:
                os.replace(tmp, final)  # atomic: readers see the old file or the new one
            else:
                self._publish(tmp, final)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        _fsync_dir(final.parent)
        return Saved(sha, size, repaired=damaged)

    def leftovers(self) -> list[Leftover]:
        if not self.root.is_dir():
            return []
        found = []
        for path in sorted(self.root.glob(f"*/*/{TEMP_PREFIX}*")):
            try:
                info = path.lstat()
            except FileNotFoundError:
                continue  # finished (or removed) meanwhile
            modified = dt.datetime.fromtimestamp(info.st_mtime, dt.UTC)
            found.append(Leftover(path, info.st_size, modified))
        return found

    def discard(self, leftover: Leftover) -> bool:
        path = Path(leftover.path)
        if path.parent.parent.parent != self.root or not path.name.startswith(TEMP_PREFIX):
            raise ValueError(f"not a leftover of this store: {path}")
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        return True

    def _write(self, source: Source, out: BinaryIO) -> tuple[str, int]:
        """Copy ``source`` into the open temporary file; (sha256, size) of what was written."""
        h, size = hashlib.sha256(), 0
        for block in _chunks(source):
            out.write(block)
            h.update(block)
            size += len(block)
        return h.hexdigest(), size

    @staticmethod
    def _publish(tmp: Path, final: Path) -> None:
        """Give the finished temporary file its final name, unless that name is taken."""
        try:
            os.link(tmp, final)
        except FileExistsError:
            return  # stored meanwhile by someone else: same name, same content
        except OSError as exc:  # a file system without hard links
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EOPNOTSUPP):
                raise
            if not final.exists():
                os.rename(tmp, final)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class MemoryBlobStore:
    """The in-memory twin: ``blobs`` maps hashes to content (tests may tamper with it)."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.partial: list[Leftover] = []  # tests add interrupted uploads here

    def path(self, sha256: str) -> PurePath:
        return PurePosixPath("memory:") / _relative(sha256)

    def exists(self, sha256: str) -> bool:
        return sha256 in self.blobs

    def open(self, sha256: str) -> BinaryIO:
        if sha256 not in self.blobs:
            raise NotFoundError("error.file_not_found", path=self.path(sha256))
        return io.BytesIO(self.blobs[sha256])

    def put(self, source: Source) -> tuple[str, int]:
        saved = self.save(source)
        return saved.sha256, saved.size

    def save(self, source: Source) -> Saved:
        data = source if isinstance(source, bytes) else source.read_bytes()
        sha, size = digest(data)
        damaged = sha in self.blobs and self.blobs[sha] != data
        self.blobs[sha] = data
        return Saved(sha, size, repaired=damaged)

    def leftovers(self) -> list[Leftover]:
        return list(self.partial)

    def discard(self, leftover: Leftover) -> bool:
        if leftover not in self.partial:
            return False
        self.partial.remove(leftover)
        return True


def rehash(store: BlobStore, sha256: str) -> tuple[str, int] | None:
    """(sha256, size) of what the store holds now under ``sha256``; None when it is gone."""
    if not store.exists(sha256):
        return None
    h, size = hashlib.sha256(), 0
    with store.open(sha256) as f:
        while block := f.read(CHUNK):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


# --- what a file is -------------------------------------------------------------------


def sniff_file(path: Path) -> str | None:
    """The type of the file at ``path`` by its content, looking inside ZIP and OLE
    containers as far as needed (``domain.evidence.sniff`` sees only the head)."""
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
    return _refine(sniff(head), path)


def sniff_data(data: bytes) -> str | None:
    """``sniff_file`` for content already in memory."""
    return _refine(sniff(data[:HEAD_BYTES]), data)


def _refine(kind: str | None, source: Source) -> str | None:
    """Look at the whole container when the head could not tell (the name is never used)."""
    if kind == "zip":
        return _zip_kind(source)
    if kind == "ole":
        return _ole_kind(source)
    return kind


def zip_parts(source: Source) -> list[tuple[int, int]]:
    """(stored size, inflated size) of each part of a ZIP file, as its central directory
    states them (nothing is inflated); empty when it is no readable ZIP file."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as z:
            return [(i.compress_size, i.file_size) for i in z.infolist()]
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError):
        return []


def _zip_kind(source: Source) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as z:
            names = set(z.namelist())

            def small(entry: str) -> bytes | None:
                if entry not in names or z.getinfo(entry).file_size > 1024 * 1024:
                    return None
                return z.read(entry)

            return zip_kind(small("[Content_Types].xml"), small("mimetype"))
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
        return "zip"


def _ole_kind(source: Source) -> str:
    found: set[str] = set()
    for block in _chunks(source):
        found |= ole_stream_names(block)
        if ole_kind(found) != "ole":
            break
    return ole_kind(found)
