"""Delivery channels behind one small interface, each with an in-memory twin for tests.

A channel delivers one message or raises ``DeliveryError`` (or ``OSError``); it never retries
by itself — the outbox does. Channels that hold a connection (SMTP) are context managers, so
one delivery pass reuses one connection.

Names in headers come from rosters, contact edits, plans and older rows: whatever they hold,
a name is written as a display name only (never parsed as addresses, so
``x <attacker@evil.example>, Bùi Thị Ngọc Ánh`` adds no recipient) and on one line (control
characters become spaces).
"""

from __future__ import annotations

import datetime as dt
import email.policy
import hashlib
import os
import re
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from types import TracebackType
from typing import Protocol, TextIO

SENDER = ("Hệ thống CCHC", "cchc@localhost")


class DeliveryError(Exception):
    """A channel could not deliver a message (the outbox will retry it)."""


@dataclass(frozen=True)
class Outgoing:
    """A rendered message ready for a channel; ``key`` is its idempotency key, ``date`` the
    time it is sent (its ``Date:``; the creation time when not given)."""

    key: str
    kind: str
    recipient: str
    recipient_name: str
    subject: str
    body: str
    cc: tuple[str, ...] = ()
    created_at: dt.datetime | None = None
    html: str = ""
    reply_to: str = ""
    channel: str = "email"
    date: dt.datetime | None = None


class Channel(Protocol):
    """Delivers one message or raises; never retries by itself (the outbox does)."""

    name: str

    def send(self, message: Outgoing) -> None: ...


class Reusable:
    """Mixin: a channel usable in a ``with`` block (one connection per delivery pass)."""

    def __enter__(self) -> Reusable:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release what the channel holds; nothing by default."""


def message_id(key: str, domain: str = "localhost") -> str:
    """A stable Message-ID per idempotency key, so a re-send shows as the same mail."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


# Headers are not folded (RFC 5322 allows 998 characters): CPython before the fix for
# gh-144156 drops the space between two encoded words when it folds a long Vietnamese subject.
POLICY = email.policy.default.clone(max_line_length=998)


# Bidirectional overrides and isolates would let a name display as something else.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def one_line(text: str) -> str:
    """``text`` fit for a header: control characters and line or paragraph breaks become
    spaces, bidirectional overrides go, and runs of spaces become one."""
    kept = (
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
        for ch in text
        if ch not in _BIDI
    )
    return " ".join("".join(kept).split())


def mailbox(name: str, addr: str) -> Address:
    """One address with ``name`` as its display name: the name is encoded as a display name
    whatever it contains (quotes, ``<…>``, commas), never parsed, and a ``=?`` in it is spaced
    out so that no client decodes it as an encoded word; ``addr`` must be exactly one address
    (``DeliveryError`` otherwise)."""
    display = one_line(name).replace("=?", "= ?")
    try:
        return Address(display_name=display, addr_spec=addr)
    except (HeaderParseError, ValueError, IndexError) as exc:
        raise DeliveryError(f"not one email address: {addr!r}") from exc


def to_email(message: Outgoing, sender: tuple[str, str] = SENDER) -> EmailMessage:
    """The message as an email: text and (when given) HTML alternatives, Vietnamese-safe headers."""
    mail = EmailMessage(policy=POLICY)
    mail["From"] = mailbox(*sender)
    mail["To"] = mailbox(message.recipient_name, message.recipient)
    if message.cc:
        mail["Cc"] = [mailbox("", addr) for addr in message.cc]
    if message.reply_to:
        mail["Reply-To"] = mailbox("", message.reply_to)
    mail["Subject"] = one_line(message.subject)
    mail["Message-ID"] = message_id(message.key, sender[1].rpartition("@")[2] or "localhost")
    dated = message.date or message.created_at
    if dated is not None:
        mail["Date"] = format_datetime(dated)
    mail.set_content(message.body)
    if message.html:
        mail.add_alternative(message.html, subtype="html")
    return mail


@dataclass
class MemoryChannel(Reusable):
    """Keeps what it is given; for tests and ``--dry-run``. ``fail`` makes it refuse."""

    name: str = "memory"
    sent: list[Outgoing] = field(default_factory=list)
    fail: bool = False

    def send(self, message: Outgoing) -> None:
        if self.fail:
            raise DeliveryError("memory channel set to fail")
        self.sent.append(message)


@dataclass
class ConsoleChannel(Reusable):
    """Prints each message (subject, recipients, body) to a text stream."""

    stream: TextIO
    name: str = "console"

    def send(self, message: Outgoing) -> None:
        cc = f" (cc: {', '.join(message.cc)})" if message.cc else ""
        self.stream.write(
            f"--- {message.kind} → {message.recipient}{cc}\n{message.subject}\n{message.body}\n"
        )


def _safe(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", key)[:150]


# A temporary file older than this was left by a crashed write (a write takes milliseconds; a
# younger one may be another worker's, whose outbox lease lasts ten minutes).
STALE_AFTER = dt.timedelta(minutes=10)
_PARTIAL = ".tmp-*.partial"  # being written: not ``*.eml``, so pickup tools never see it
_LEGACY = ".tmp-*.eml"  # what earlier versions left behind


@dataclass
class FileChannel(Reusable):
    """Writes one ``.eml`` file per message into a folder; never overwrites, never half-writes.

    A file is written under a temporary name that pickup tools watching ``*.eml`` ignore
    (``.tmp-….partial``, in the same folder so the rename is atomic) and linked to its name
    when complete. Each pass first removes what crashed writes left (``clean``)."""

    folder: Path
    name: str = "file"

    def __enter__(self) -> FileChannel:
        self.clean()
        return self

    def clean(self, stale_after: dt.timedelta = STALE_AFTER) -> list[Path]:
        """Remove the temporary files of crashed writes older than ``stale_after``; the
        files removed."""
        cutoff = time.time() - stale_after.total_seconds()
        removed = []
        for path in (*self.folder.glob(_PARTIAL), *self.folder.glob(_LEGACY)):
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed.append(path)
            except FileNotFoundError:
                continue  # another worker cleaned it first
        return removed

    def send(self, message: Outgoing) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{_safe(message.key)}.eml"
        if target.exists():
            return  # delivered before a crash kept the outbox from recording it
        data = bytes(to_email(message))
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".partial")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.link(tmp, target)  # fails rather than replace an existing file
        except FileExistsError:
            pass
        finally:
            Path(tmp).unlink(missing_ok=True)
