"""Writing the append-only audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from models import AuditEntry


def record(
    *,
    session: Session,
    actor: str,
    now: dt.datetime,
    action: str,
    entity: str,
    key: str,
    unit_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append one change. ``now`` must be aware (it is stored as UTC)."""
    if now.tzinfo is None:
        raise ValueError("audit time must be timezone-aware")
    session.add(
        AuditEntry(
            at=now,
            actor=actor,
            action=action,
            entity=entity,
            key=key,
            unit_id=unit_id,
            before=before,
            after=after,
        )
    )
