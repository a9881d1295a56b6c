"""The audit key — "khoá nhật ký": the secret that keys the audit log's hash chain.

It lives in a file beside the database, never in it (``Settings.audit_key_path``,
``$CCHC_HOME/audit.key``): 32 random bytes written as hex, readable by its owner only. It is
created by ``cchc init`` and on first use of an embedded database, atomically and never over an
existing file. A database whose log is already keyed never gets a new key silently: without
its key, changes cannot be recorded and ``cchc audit verify`` says the key is missing (restore
it from the backup). The key reaches storage on the engine (``storage.db.with_audit_key``).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from domain.errors import LocalizedError

if TYPE_CHECKING:
    from sqlalchemy import Engine

KEY_BYTES = 32


def read_key(path: Path) -> bytes | None:
    """The key in ``path``, or None when there is no such file."""
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        raise LocalizedError("error.audit_key_unreadable", path=str(path)) from None
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        key = b""
    if len(key) < KEY_BYTES:
        raise LocalizedError("error.audit_key_unreadable", path=str(path))
    return key


def create_key(path: Path) -> bytes:
    """A new random key written to ``path`` (mode 0600, all at once). An existing file is
    never overwritten: if one appears meanwhile, its key is the one returned."""
    key = secrets.token_bytes(KEY_BYTES)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".audit-key-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key.hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # atomic, and fails rather than replace an existing key
        except FileExistsError:
            existing = read_key(path)
            assert existing is not None
            return existing
    finally:
        os.unlink(tmp)
    return key


def attach_key(path: Path, engine: Engine, *, create: bool) -> Engine:
    """``engine`` carrying the installation's audit key (schema already current). With
    ``create``, a missing key is created and bound to the database at once — unless the
    database's log is already keyed (then the key must be restored, not replaced)."""
    from storage.db import transaction, with_audit_key
    from storage.installation import bind_audit_key, bound_key_id

    key = read_key(path)
    if key is None and create:
        with transaction(engine) as session:
            keyed = bound_key_id(session=session) is not None
        if not keyed:
            key = create_key(path)
            with transaction(with_audit_key(engine, key)) as session:
                bind_audit_key(key, session=session)
    return with_audit_key(engine, key)
