"""The audit log's hash chain: each entry's hash covers its content and the previous hash,
so editing, deleting or reordering stored history is detectable.

Entries are keyed (``scheme = "hmac"``): their hash is an HMAC-SHA256 with the installation's
audit key, a secret kept outside the database, so whoever can write the database but does not
hold the key cannot recompute the chain after an edit. Entries written before the key existed
keep their plain SHA-256 (``scheme = "sha256"``) and are accepted only at the start of the log,
as many as the database recorded when it was upgraded. Cutting the end of the log leaves a valid
chain: an anchor (``count`` and head hash, written down elsewhere) detects that.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
LEGACY = "sha256"
KEYED = "hmac"
ANCHOR_PREFIX = "cchc-anchor"
_KEY_ID_LABEL = b"cchc audit key id"


def _utc(at: Any) -> Any:
    if isinstance(at, dt.datetime):
        return (
            (at if at.tzinfo else at.replace(tzinfo=dt.UTC))
            .astimezone(dt.UTC)
            .isoformat(timespec="microseconds")
        )
    return at


def _canonical(entry: Mapping[str, Any], *, keyed: bool) -> str:
    content = {
        "at": _utc(entry["at"]),
        "actor": entry["actor"],
        "action": entry["action"],
        "entity": entry["entity"],
        "key": entry["key"],
        "unit_id": entry.get("unit_id"),
        "before": entry.get("before"),
        "after": entry.get("after"),
    }
    if keyed:
        content |= {"simulated_at": _utc(entry.get("simulated_at")), "scheme": KEYED}
    return json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    """The legacy, unkeyed hash: SHA-256 of ``prev_hash`` and the entry's canonical JSON."""
    return hashlib.sha256((prev_hash + _canonical(entry, keyed=False)).encode("utf-8")).hexdigest()


def keyed_hash(key: bytes, prev_hash: str, entry: Mapping[str, Any]) -> str:
    """HMAC-SHA256 with ``key`` of ``prev_hash`` and the entry's canonical JSON (real and
    simulated times in UTC, sorted keys)."""
    message = (prev_hash + _canonical(entry, keyed=True)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A fingerprint of the audit key, safe to store: which key the database was chained with."""
    return hmac.new(key, _KEY_ID_LABEL, hashlib.sha256).hexdigest()


def legacy_seal(key: bytes, legacy_entries: int) -> str:
    """Seals how many unkeyed entries the log may start with, so that number cannot be raised
    without the key."""
    return hmac.new(key, f"legacy:{legacy_entries}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Break:
    """Where the chain does not hold: the entry id and what is wrong."""

    id: int
    # "content" (edited) | "link" (deleted, inserted or reordered before it)
    # | "unkeyed" (an entry without the key's hash where only keyed entries may be)
    problem: str


def verify(
    entries: Iterable[Mapping[str, Any]], *, key: bytes | None = None, legacy_entries: int = 0
) -> list[Break]:
    """Check entries in id order; every break found, not just the first. The first
    ``legacy_entries`` may be unkeyed; every later one must carry ``key``'s HMAC."""
    breaks: list[Break] = []
    prev = GENESIS
    for position, entry in enumerate(entries, start=1):
        entry_id = int(entry["id"])
        if entry["prev_hash"] != prev:
            breaks.append(Break(entry_id, "link"))
        if entry.get("scheme") == KEYED:
            expected = keyed_hash(key, entry["prev_hash"], entry) if key is not None else None
        elif position <= legacy_entries:
            expected = entry_hash(entry["prev_hash"], entry)
        else:
            breaks.append(Break(entry_id, "unkeyed"))
            expected = entry["hash"]
        if expected is None or not hmac.compare_digest(expected, entry["hash"]):
            breaks.append(Break(entry_id, "content"))
        prev = entry["hash"]
    return breaks


# --- anchors: the head of the log, written down somewhere else ----------------------------------


@dataclass(frozen=True)
class Anchor:
    """The log's head at one moment: how many entries it had and the last one's hash."""

    entries: int
    hash: str

    @property
    def token(self) -> str:
        """One line to copy elsewhere: ``cchc-anchor:COUNT:HASH``."""
        return f"{ANCHOR_PREFIX}:{self.entries}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Anchor | None:
        """An anchor from its token (``cchc-anchor:COUNT:HASH``), or None if it is not one."""
        parts = text.strip().split(":")
        if len(parts) != 3 or parts[0] != ANCHOR_PREFIX:
            return None
        count, digest = parts[1], parts[2].lower()
        if not count.isascii() or not count.isdigit() or len(count) > 18:
            return None
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            return None
        return cls(int(count), digest)


def anchor_problem(anchor: Anchor, hashes: list[str]) -> str | None:
    """Whether the log (its entries' hashes in order) still extends ``anchor``: None when it
    does, ``"shorter"`` when entries were cut, ``"differs"`` when the history was rewritten."""
    if anchor.entries == 0:
        return None if anchor.hash == GENESIS else "differs"
    if len(hashes) < anchor.entries:
        return "shorter"
    if not hmac.compare_digest(hashes[anchor.entries - 1], anchor.hash):
        return "differs"
    return None
