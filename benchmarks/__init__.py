"""Benchmarks run by ``make bench``; results go to ``benchmarks/results.md``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

# The audit key of every benchmark database (each is thrown away afterwards): changes are
# recorded in the audit log like anywhere else, and recording needs the key.
AUDIT_KEY = b"cchc benchmarks: a throwaway key"
assert len(AUDIT_KEY) == 32


def bench_engine(url: str, **kwargs: Any) -> Engine:
    """An engine on the benchmark database ``url``, carrying ``AUDIT_KEY``."""
    from storage.db import make_engine

    return make_engine(url, audit_key=AUDIT_KEY, **kwargs)
