"""The audit log's hash chain: each entry's hash covers its content and the previous hash,
so editing, deleting or reordering stored history is detectable."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    """SHA-256 of ``prev_hash`` and the entry's canonical JSON (UTC times, sorted keys)."""
    at = entry["at"]
    if isinstance(at, dt.datetime):
        at = (
            (at if at.tzinfo else at.replace(tzinfo=dt.UTC))
            .astimezone(dt.UTC)
            .isoformat(timespec="microseconds")
        )
    canonical = json.dumps(
        {
            "at": at,
            "actor": entry["actor"],
            "action": entry["action"],
            "entity": entry["entity"],
            "key": entry["key"],
            "unit_id": entry.get("unit_id"),
            "before": entry.get("before"),
            "after": entry.get("after"),
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Break:
    """Where the chain does not hold: the entry id and what is wrong."""

    id: int
    problem: str  # "content" (edited) | "link" (deleted, inserted or reordered before it)


def verify(entries: Iterable[Mapping[str, Any]]) -> list[Break]:
    """Check entries in id order; every break found, not just the first."""
    breaks: list[Break] = []
    prev = GENESIS
    for entry in entries:
        if entry["prev_hash"] != prev:
            breaks.append(Break(int(entry["id"]), "link"))
        if entry_hash(entry["prev_hash"], entry) != entry["hash"]:
            breaks.append(Break(int(entry["id"]), "content"))
        prev = entry["hash"]
    return breaks
