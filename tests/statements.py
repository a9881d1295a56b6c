"""Counting the SQL statements a reading sends, for the tests that hold a view's statement
count constant whatever the number of rows, units or levels it covers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event


def count_statements(engine: Any, read: Callable[[], object]) -> int:
    """How many statements ``read()`` sends through ``engine``."""
    n = 0

    def count(*_: Any) -> None:
        nonlocal n
        n += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        read()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return n
