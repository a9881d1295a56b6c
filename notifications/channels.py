"""Delivery channels behind one small interface, each with an in-memory twin for tests."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Protocol, TextIO

SENDER = ("Hệ thống CCHC", "cchc@localhost")


@dataclass(frozen=True)
class Outgoing:
    """A rendered message ready for a channel; ``key`` is its idempotency key."""

    key: str
    kind: str
    recipient: str
    recipient_name: str
    subject: str
    body: str
    cc: tuple[str, ...] = ()
    created_at: dt.datetime | None = None


class Channel(Protocol):
    """Delivers one message or raises; never retries by itself (the outbox does)."""

    name: str

    def send(self, message: Outgoing) -> None: ...


def message_id(key: str, domain: str = "cchc.local") -> str:
    """A stable Message-ID per idempotency key, so a re-send shows as the same mail."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def to_email(message: Outgoing, sender: tuple[str, str] = SENDER) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = formataddr(sender)
    mail["To"] = formataddr((message.recipient_name, message.recipient))
    if message.cc:
        mail["Cc"] = ", ".join(message.cc)
    mail["Subject"] = message.subject
    mail["Message-ID"] = message_id(message.key)
    if message.created_at is not None:
        mail["Date"] = format_datetime(message.created_at)
    mail.set_content(message.body)
    return mail


@dataclass
class MemoryChannel:
    """Keeps what it is given; for tests and ``--dry-run``."""

    name: str = "memory"
    sent: list[Outgoing] = field(default_factory=list)

    def send(self, message: Outgoing) -> None:
        self.sent.append(message)


@dataclass
class ConsoleChannel:
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


@dataclass
class FileChannel:
    """Writes one ``.eml`` file per message into a folder; never overwrites, never half-writes."""

    folder: Path
    name: str = "file"

    def send(self, message: Outgoing) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{_safe(message.key)}.eml"
        if target.exists():
            return  # delivered before a crash kept the outbox from recording it
        data = bytes(to_email(message))
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".eml")
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
