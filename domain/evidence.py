"""Evidence documents — "tài liệu kiểm chứng": what a file is, what it may be called, what
is still missing. Pure functions: the bytes are handed in, nothing is read or written here.

A file's type is decided by its content (magic bytes and, for ZIP and OLE containers,
what is inside), never by its name: a ``.exe`` renamed ``.pdf`` is refused, a PDF named
``.jpg`` is a PDF.
"""

from __future__ import annotations

import re
import struct
import unicodedata
import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from domain.errors import LocalizedError, Problem
from domain.i18n import Lang, t
from domain.plan import EvidenceRequirement

ALLOWED: tuple[str, ...] = ("pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "jpg", "png")
"""Types an evidence document may have (the allow-list)."""

MEDIA_TYPES: Mapping[str, str] = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "jpg": "image/jpeg",
    "png": "image/png",
    "zip": "application/zip",
}

HEAD_BYTES = 8192
"""How much of a file's beginning ``sniff`` wants to see."""

PDF, JPEG, PNG = b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"
ZIP, OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER = {b"MZ": "exe", b"\x7fELF": "elf", b"#!": "script"}

# [Content_Types].xml main parts → type (OOXML); ODF ``mimetype`` entry → type
_OOXML = (
    ("wordprocessingml.document.main+xml", "docx"),
    ("spreadsheetml.sheet.main+xml", "xlsx"),
    ("ms-word.document.macroenabled", "docm"),
    ("ms-excel.sheet.macroenabled", "xlsm"),
    ("presentationml.presentation.main+xml", "pptx"),
)
_ODF = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
_OLE_STREAMS = (("WordDocument", "doc"), ("Workbook", "xls"), ("Book", "xls"))


def sniff(head: bytes, name: str = "") -> str | None:
    """The type of a file from its first bytes (``HEAD_BYTES`` of them), or None if unknown.

    ZIP and OLE containers are told apart from what the head shows: the first ZIP entry
    (ODF's ``mimetype``, OOXML's ``[Content_Types].xml``) or OLE directory entries. When
    the head is not enough the answer is ``"zip"`` or ``"ole"``; storage's ``sniff_file``
    then looks at the whole file. ``name`` is only used to choose between ``doc`` and
    ``xls`` for an OLE file whose directory lies beyond the head — both are OLE documents
    by content; a name never makes other content acceptable.
    """
    if head.startswith(PDF):
        return "pdf"
    if head.startswith(JPEG):
        return "jpg"
    if head.startswith(PNG):
        return "png"
    if head.startswith(ZIP):
        return _first_zip_entry(head) or "zip"
    if head.startswith(OLE):
        kind = ole_kind(ole_stream_names(head))
        if kind != "ole":
            return kind
        ext = extension(name)
        return ext if ext in ("doc", "xls") else "ole"
    for magic, kind in _OTHER.items():
        if head.startswith(magic):
            return kind
    return None


def _first_zip_entry(head: bytes) -> str | None:
    """The type told by the first local entry of a ZIP file, when the head holds it."""
    if len(head) < 30:
        return None
    method, _, _, _, csize, _, name_len, extra_len = struct.unpack("<HHHIIIHH", head[8:30])
    start = 30 + name_len + extra_len
    entry = head[30 : 30 + name_len].decode("utf-8", "replace")
    data = head[start : start + csize] if csize else head[start:]
    if method == 8:
        try:
            data = zlib.decompressobj(-15).decompress(data, 65536)
        except zlib.error:
            return None
    elif method != 0:
        return None
    if entry == "mimetype":
        kind = zip_kind(None, data)
        return kind if kind != "zip" else None
    if entry == "[Content_Types].xml":
        kind = zip_kind(data, None)
        return kind if kind != "zip" else None
    return None


def zip_kind(content_types: bytes | None, mimetype: bytes | None) -> str:
    """The type of a ZIP container from its ``[Content_Types].xml`` (OOXML) or ``mimetype``
    (ODF) entry; ``"zip"`` for any other archive."""
    if mimetype is not None:
        kind = _ODF.get(mimetype.decode("ascii", "replace").strip())
        if kind:
            return kind
    if content_types is not None:
        text = content_types.decode("utf-8", "replace").lower()
        for marker, kind in _OOXML:
            if marker in text:
                return kind
    return "zip"


def ole_stream_names(block: bytes) -> set[str]:
    """Names of the OLE directory entries (streams) found in ``block``.

    Directory entries are 128 bytes long and start at file offsets that are multiples of
    128, so ``block`` must begin at such an offset (the file's start, or a chunk of a size
    that is a multiple of 128). An entry counts when its name, its name length and its
    type (stream) agree, which ordinary content practically never does.
    """
    found: set[str] = set()
    wanted = {n.encode("utf-16-le"): n for n, _ in _OLE_STREAMS}
    for offset in range(0, len(block) - 127, 128):
        entry = block[offset : offset + 128]
        (name_len,) = struct.unpack("<H", entry[64:66])
        if entry[66] != 2 or name_len < 4 or name_len > 64:
            continue
        name = wanted.get(entry[: name_len - 2])
        if name and entry[name_len - 2 : name_len] == b"\x00\x00":
            found.add(name)
    return found


def ole_kind(streams: Iterable[str]) -> str:
    """``doc`` or ``xls`` from an OLE file's stream names; ``"ole"`` when neither."""
    names = set(streams)
    for stream, kind in _OLE_STREAMS:
        if stream in names:
            return kind
    return "ole"


def extension(name: str) -> str:
    """The lower-case extension of ``name`` without the dot ("" when none)."""
    base = re.split(r"[\\/]", name)[-1]
    return base.rsplit(".", 1)[1].lower() if "." in base.strip(".") else ""


# --- names ----------------------------------------------------------------------------

MAX_NAME = 120
"""Longest kept file name, in characters (the extension is kept whole)."""
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10))} | {
    f"LPT{i}" for i in range(10)
}
_FORBIDDEN = set('<>:"|?*')


def safe_name(name: str, default: str = "tai-lieu") -> str:
    """A file name safe to show, store and export: no directories or ``..``, no control or
    Windows-forbidden characters, no reserved Windows name (``CON.pdf`` → ``_CON.pdf``), no
    leading dots; Vietnamese letters and spaces are kept (NFC); at most ``MAX_NAME``
    characters, shortening the stem and keeping the extension."""
    text = unicodedata.normalize("NFC", name)
    text = text.replace("\\", "/").split("/")[-1]
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if not unicodedata.category(ch).startswith("C") or ch.isspace()
    )
    text = "".join("_" if ch in _FORBIDDEN else ch for ch in text)
    text = re.sub(r" {2,}", " ", text).strip(" .")
    text = text.lstrip(".- ")
    if not text or text in (".", ".."):
        text = default
    stem, dot, ext = text.rpartition(".")
    if not dot or not stem:
        stem, ext = text, ""
    if stem.split(".")[0].strip().upper() in _RESERVED:
        stem = "_" + stem
    ext = ext[:16]
    room = MAX_NAME - (len(ext) + 1 if ext else 0)
    stem = stem[:room].rstrip(" .") or default
    return f"{stem}.{ext}" if ext else stem


# --- what is missing ------------------------------------------------------------------


def required_names(requirements: Sequence[EvidenceRequirement]) -> list[str]:
    """Names of the documents an occurrence must have, in plan order."""
    return [r.name for r in requirements if r.required]


def missing(requirements: Sequence[EvidenceRequirement], provided: Iterable[str]) -> list[str]:
    """Required documents without an upload among ``provided`` (names of non-rejected ones)."""
    have = set(provided)
    return [n for n in required_names(requirements) if n not in have]


def find_requirement(requirements: Sequence[EvidenceRequirement], given: str) -> str | None:
    """The requirement ``given`` names: its exact name, its 1-based number, or a text that
    is part of exactly one name (case-insensitive). None when nothing (or several) match."""
    names = [r.name for r in requirements]
    if given in names:
        return given
    if given.isdigit() and 1 <= int(given) <= len(names):
        return names[int(given) - 1]
    needle = unicodedata.normalize("NFC", given).casefold().strip()
    hits = [n for n in names if needle and needle in n.casefold()]
    return hits[0] if len(hits) == 1 else None


def human_size(size: int) -> str:
    """``12.3 MB``, ``512 KB``, ``40 B``."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


class EvidenceRefused(LocalizedError):
    """Tài liệu kiểm chứng bị từ chối."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("error.evidence_refused", n=len(self.problems))

    def render(self, lang: Lang = "vi") -> str:
        lines = [t("error.evidence_refused", lang, n=len(self.problems))]
        lines += [f"  {p.render(lang)}" for p in self.problems]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render("en")


def too_large(name: str, size: int, limit: int) -> Problem:
    return Problem(
        "evidence_too_large",
        params={"name": name, "size": human_size(size), "limit": human_size(limit)},
    )


ZIP_DOCUMENTS = ("docx", "xlsx", "odt", "ods")
"""Allowed types that are ZIP archives: their parts are inflated by whoever opens them."""
MAX_INFLATED = 256 * 1024 * 1024
"""The most a document's parts may inflate to, all together."""
MAX_RATIO = 200
"""How many times its stored size a part of over 1 MB may inflate to (text compresses about
ten times; a "zip bomb" of zeros a thousand times)."""


def inflates_too_much(parts: Iterable[tuple[int, int]]) -> bool:
    """Whether a ZIP document's parts — (stored size, inflated size) as its directory states
    them — would inflate past :data:`MAX_INFLATED`, or one part past :data:`MAX_RATIO`."""
    total = 0
    for stored, inflated in parts:
        total += inflated
        if inflated > 1024 * 1024 and inflated > MAX_RATIO * max(stored, 1):
            return True
    return total > MAX_INFLATED


def bomb_refused(name: str) -> Problem:
    return Problem(
        "evidence_zip_bomb",
        params={"name": name, "limit": human_size(MAX_INFLATED), "ratio": MAX_RATIO},
    )


def type_refused(name: str, detected: str | None) -> Problem:
    params: dict[str, Any] = {
        "name": name,
        "detected": detected or "?",
        "allowed": ", ".join(ALLOWED),
    }
    return Problem("evidence_type_refused", params=params)
