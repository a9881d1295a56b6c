"""The audit log's keyed hash chain and anchors, as pure functions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from domain.audit_chain import (
    GENESIS,
    KEYED,
    LEGACY,
    Anchor,
    anchor_problem,
    entry_hash,
    keyed_hash,
    verify,
)

KEY = bytes(range(32))
AT = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def chain(n: int, key: bytes = KEY, *, legacy: int = 0) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    prev = GENESIS
    for i in range(1, n + 1):
        entry: dict[str, Any] = {
            "id": i,
            "at": AT + dt.timedelta(minutes=i),
            "simulated_at": None,
            "actor": "operator:root",
            "action": "create",
            "entity": "task",
            "key": f"II.1.{i}",
            "unit_id": 1,
            "before": None,
            "after": {"title": f"Việc {i}"},
        }
        if i <= legacy:
            entry |= {"scheme": LEGACY, "prev_hash": prev, "hash": entry_hash(prev, entry)}
        else:
            entry |= {"scheme": KEYED, "prev_hash": prev, "hash": keyed_hash(key, prev, entry)}
        rows.append(entry)
        prev = entry["hash"]
    return rows


def problems(rows: list[dict[str, Any]], **kw: Any) -> list[tuple[int, str]]:
    return [(b.id, b.problem) for b in verify(rows, key=KEY, **kw)]


def test_an_intact_keyed_chain_verifies() -> None:
    assert problems(chain(5)) == []


def test_an_edit_recomputed_without_the_key_is_found() -> None:
    rows = chain(5)
    rows[2]["actor"] = "mallory"
    # the forger recomputes every hash from there on, with the unkeyed SHA-256 …
    for i in range(2, 5):
        rows[i]["prev_hash"] = rows[i - 1]["hash"]
        rows[i]["hash"] = entry_hash(rows[i]["prev_hash"], rows[i])
    assert problems(rows) == [(3, "content"), (4, "content"), (5, "content")]
    # … or marks the entries legacy: only the entries the database had before its key may be
    for row in rows[2:]:
        row["scheme"] = LEGACY
    assert problems(rows) == [(3, "unkeyed"), (4, "unkeyed"), (5, "unkeyed")]


def test_an_edit_recomputed_with_another_key_is_found() -> None:
    rows = chain(3)
    forged = chain(3, key=b"x" * 32)
    assert problems(forged) == [(1, "content"), (2, "content"), (3, "content")]
    assert problems(rows) == []


def test_the_simulated_time_is_part_of_the_hash() -> None:
    rows = chain(3)
    rows[1]["simulated_at"] = dt.datetime(2020, 2, 5, 2, 0, tzinfo=dt.UTC)
    assert problems(rows) == [(2, "content")]


def test_legacy_entries_verify_at_the_start_only() -> None:
    rows = chain(4, legacy=2)
    assert problems(rows, legacy_entries=2) == []
    assert problems(rows, legacy_entries=1) == [(2, "unkeyed")]


def test_a_deleted_middle_row_breaks_the_link() -> None:
    rows = chain(5)
    del rows[2]
    assert problems(rows) == [(4, "link")]


def test_anchors_catch_a_cut_end_that_the_chain_alone_does_not() -> None:
    rows = chain(10)
    anchor = Anchor(10, rows[-1]["hash"])
    assert Anchor.parse(anchor.token) == anchor
    hashes = [r["hash"] for r in rows]
    assert anchor_problem(anchor, hashes) is None
    assert anchor_problem(anchor, [*hashes, "f" * 64]) is None  # the log grew: still extends it
    assert problems(rows[:7]) == []  # cut: still a valid chain …
    assert anchor_problem(anchor, hashes[:7]) == "shorter"  # … but shorter than the anchor
    assert anchor_problem(anchor, []) == "shorter"
    assert anchor_problem(Anchor(3, "a" * 64), hashes) == "differs"
    assert anchor_problem(Anchor(0, GENESIS), []) is None


def test_anchor_tokens_are_checked() -> None:
    good = f"cchc-anchor:12:{'ab' * 32}"
    assert Anchor.parse(good) == Anchor(12, "ab" * 32)
    assert Anchor.parse(f"  {good.upper().replace('CCHC-ANCHOR', 'cchc-anchor')}\n") == Anchor(
        12, "ab" * 32
    )
    for bad in (
        "",
        "cchc-anchor:12",
        f"cchc-anchor:-1:{'ab' * 32}",
        f"x:12:{'ab' * 32}",
        f"cchc-anchor:12:{'zz' * 32}",
        f"cchc-anchor:١٢:{'ab' * 32}",
        f"cchc-anchor:{'9' * 40}:{'ab' * 32}",
    ):
        assert Anchor.parse(bad) is None, bad
