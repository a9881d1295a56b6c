"""One bad message must not stop the mail, and a crash must not send twice or leave litter.

Rows are put straight into the outbox (as the sweep would), one of them bad — a name with a
line break (an XLSX roster cell typed with Alt+Enter, an older row), a name that looks like an
address list, a row that cannot be prepared — and delivered to a real SMTP server on 127.0.0.1,
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zoneinfo
from collections import Counter
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import default as mail_client
from email.utils import parseaddr
from pathlib import Path

import pytest
from smtp_server import LocalSmtp
from sqlmodel import Session, col, select

from application.delivery import deliver
from application.notices import notify_dead
from models import OutboxMessage
from notifications.channels import FileChannel, Outgoing, Reusable, message_id
from notifications.smtp import SmtpChannel, SmtpSettings
from storage.outbox import LEASE, backoff, retry

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2020, 6, 3, 9, 0, tzinfo=TZ)
SENDER = "Hệ thống CCHC <cchc@phuhuu.gov.vn>"
DOMAIN = "phuhuu.gov.vn"
SECOND = dt.timedelta(seconds=1)


def address(n: int) -> str:
    return f"can.bo{n}@phuhuu.gov.vn"


def queue(session: Session, count: int, names: dict[int, str] | None = None, **bad: object) -> None:
    """``count`` reminders, the n-th to ``names[n]`` when given (else "Cán bộ số n")."""
    names = names or {}
    session.add_all(
        OutboxMessage(
            key=f"row:{n}",
            kind="reminder",
            channel="email",
            recipient=address(n),
            recipient_name=names.get(n, f"Cán bộ số {n}"),
            subject=f"[CCHC] Nhắc việc số {n}",
            body=f"Kính gửi đồng chí cán bộ số {n},\n",
            created_at=NOW,
            next_attempt_at=NOW,
        )
        for n in range(count)
    )
    session.commit()


def rows(session: Session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


@pytest.fixture
def smtp() -> Iterator[LocalSmtp]:
    server = LocalSmtp().start()
    try:
        yield server
    finally:
        server.stop()


def smtp_channel(url: str) -> SmtpChannel:
    return SmtpChannel(SmtpSettings.from_url(url, timeout=10), parseaddr(SENDER))


# --- a name with a line break -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Phạm\nVăn C", "Phạm\r\nBcc: ke.gian@evil.example", "Lê\x07Thị\tD\x1b[0m"]
)
def test_a_name_with_a_line_break_goes_on_one_line_and_the_pass_goes_on(
    session, engine, smtp, name
) -> None:  # type: ignore[no-untyped-def]
    queue(session, 5, names={2: name})
    report = deliver(engine, {"email": smtp_channel(smtp.url)}, now=NOW)
    assert (report.claimed, report.sent, report.retried, report.dead) == (5, 5, 0, 0)
    assert {(r.status, r.attempts) for r in rows(session)} == {("sent", 1)}
    assert deliver(engine, {"email": smtp_channel(smtp.url)}, now=NOW + LEASE * 2).claimed == 0

    assert Counter(r.rcpt_tos for r in smtp.received) == {(address(n),): 1 for n in range(5)}
    [got] = [r for r in smtp.received if r.rcpt_tos == (address(2),)]
    mail = BytesParser(policy=mail_client).parsebytes(got.content)
    [to] = mail["To"].addresses
    assert to.addr_spec == address(2)
    assert to.display_name == " ".join(name.replace("\x07", " ").replace("\x1b", " ").split())
    assert mail["Bcc"] is None


# --- a name that looks like an address list ---------------------------------------------------------

TRICKS = [
    "x <attacker@evil.example>, Bùi Thị Ngọc Ánh",
    "x <attacker@evil.example>, Bui Thi Ngoc Anh",
    'Trần "Văn" E <attacker@evil.example>',
    "=?utf-8?q?attacker=40evil.example?= <attacker@evil.example>",
]


@pytest.mark.parametrize("name", TRICKS)
def test_a_name_is_always_a_display_name_never_an_address(session, engine, smtp, name) -> None:  # type: ignore[no-untyped-def]
    queue(session, 1, names={0: name})
    assert deliver(engine, {"email": smtp_channel(smtp.url)}, now=NOW).sent == 1

    [got] = smtp.received
    assert got.rcpt_tos == (address(0),)
    mail = BytesParser(policy=mail_client).parsebytes(got.content)
    [to] = mail["To"].addresses  # exactly one address, as a mail client reads it
    assert (to.display_name, to.addr_spec) == (name.replace("=?", "= ?"), address(0))
    [sender] = mail["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Hệ thống CCHC", "cchc@phuhuu.gov.vn")


@pytest.mark.parametrize("cc", ["nhung.pth@phuhuu.gov.vn, attacker@evil.example", ""])
def test_a_copy_address_that_is_not_one_address_fails_its_message_only(
    session, engine, smtp, cc
) -> None:  # type: ignore[no-untyped-def]
    queue(session, 3)
    bad = rows(session)[1]
    bad.cc = [cc]
    session.add(bad)
    session.commit()
    report = deliver(engine, {"email": smtp_channel(smtp.url)}, now=NOW)
    assert (report.claimed, report.sent, report.retried) == (3, 2, 1)
    row = rows(session)[1]
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error == f"not one email address: {cc!r}"
    assert sorted(r.rcpt_tos for r in smtp.received) == [(address(0),), (address(2),)]


# --- a message that cannot be prepared ---------------------------------------------------------------


def test_a_message_that_cannot_be_prepared_fails_alone_then_dies(session, engine, smtp) -> None:  # type: ignore[no-untyped-def]
    queue(session, 4)
    broken = rows(session)[1]
    broken.facts = {"to": broken.recipient, "items": [{"kind": "reminder"}]}  # no occurrence
    session.add(broken)
    session.commit()
    channels = {"email": smtp_channel(smtp.url)}

    def run(now: dt.datetime) -> tuple[int, int, int, int]:
        report = deliver(engine, channels, now=now, max_attempts=3, on_dead=notify_dead)
        return report.claimed, report.sent, report.retried, report.dead

    t1 = NOW + backoff(1)
    t2 = t1 + backoff(2)
    assert run(NOW) == (4, 3, 1, 0)
    row = rows(session)[1]
    assert (row.status, row.attempts, row.claim_token) == ("pending", 1, None)
    assert row.next_attempt_at == t1
    assert row.last_error == "KeyError: 'occurrence'"
    assert run(t1 - SECOND) == (0, 0, 0, 0)
    assert run(t1) == (1, 0, 1, 0)
    assert run(t2) == (1, 0, 0, 1)
    assert [(r.status, r.attempts) for r in rows(session)] == [
        ("sent", 1),
        ("dead", 3),
        ("sent", 1),
        ("sent", 1),
    ]
    assert run(t2 + LEASE * 2) == (0, 0, 0, 0)
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == [address(0), address(2), address(3)]

    # repaired, it is put back by hand (`cchc outbox retry`) and goes
    row = rows(session)[1]
    row.facts = {}
    session.add(row)
    assert len(retry(session=session, now=t2, ids=[row.id])) == 1
    session.commit()
    assert run(t2) == (1, 1, 0, 0)
    assert smtp.message_ids()[message_id("row:1", DOMAIN)] == 1


def test_a_dead_letter_that_cannot_be_written_does_not_stop_the_pass(session, engine, smtp) -> None:  # type: ignore[no-untyped-def]
    queue(session, 3)
    smtp.handler.refuse = {address(0)}

    def unreachable_officer(session: Session, row: OutboxMessage, now: dt.datetime) -> None:
        letter = OutboxMessage(
            key=f"dead:{row.id}",
            kind="dead_letter",
            recipient="nhung.pth@phuhuu.gov.vn",
            subject=f"[CCHC] Không gửi được thư #{row.id}",
            body="…",
            created_at=now,
            next_attempt_at=now,
        )
        session.add(letter)
        session.flush()  # written, then it fails: nothing of it may stay
        raise LookupError("the unit has no CCHC officer")

    channels = {"email": smtp_channel(smtp.url)}
    report = deliver(engine, channels, now=NOW, max_attempts=1, on_dead=unreachable_officer)
    assert (report.claimed, report.sent, report.dead) == (3, 2, 1)
    dead, *sent = rows(session)
    assert (dead.status, dead.attempts, dead.claim_token) == ("dead", 1, None)
    assert "550" in dead.last_error
    assert dead.last_error.endswith("(not reported: LookupError: the unit has no CCHC officer)")
    assert [r.status for r in sent] == ["sent", "sent"]
    assert deliver(engine, channels, now=NOW + LEASE * 2).claimed == 0  # no letter half-written


# --- a crash during a pass ---------------------------------------------------------------------------


class Interrupted(KeyboardInterrupt):
    """The worker is stopped (Ctrl+C, a container stop) right after a message went out."""


class StopsAfter(Reusable):
    """The real SMTP channel, with the worker stopped just after its ``n``-th send."""

    def __init__(self, channel: SmtpChannel, n: int) -> None:
        self.channel, self.n, self.name = channel, n, channel.name

    def close(self) -> None:
        self.channel.close()

    def send(self, message: Outgoing) -> None:
        self.channel.send(message)
        self.n -= 1
        if self.n == 0:
            raise Interrupted


def test_a_crash_during_a_pass_resends_at_most_the_message_in_flight(session, engine, smtp) -> None:  # type: ignore[no-untyped-def]
    queue(session, 10)
    with pytest.raises(Interrupted):
        deliver(engine, {"email": StopsAfter(smtp_channel(smtp.url), 4)}, now=NOW)
    assert len(smtp.received) == 4
    assert Counter(r.status for r in rows(session)) == {"sent": 3, "sending": 7}

    channels = {"email": smtp_channel(smtp.url)}
    assert deliver(engine, channels, now=NOW + LEASE - SECOND).claimed == 0
    report = deliver(engine, channels, now=NOW + LEASE + SECOND)
    assert (report.claimed, report.sent) == (7, 7)
    assert {r.status for r in rows(session)} == {"sent"}
    ids = smtp.message_ids()
    assert len(smtp.received) == 11  # ten messages, the one in flight twice
    assert Counter(ids.values()) == {1: 9, 2: 1}
    assert ids[message_id("row:3", DOMAIN)] == 2  # the same mail: a client shows one


# --- the file channel after a crash ------------------------------------------------------------------

KILLED_WHILE_WRITING = """
import os, sys
from pathlib import Path
from notifications.channels import FileChannel, Outgoing

os.fsync = lambda fd: os._exit(9)  # the process dies between writing and renaming
FileChannel(Path(sys.argv[1])).send(
    Outgoing(key="row:0", kind="reminder", recipient="a@phuhuu.gov.vn", recipient_name="A",
             subject="[CCHC] Nhắc việc", body="Kính gửi đồng chí A,\\n")
)
"""


def test_a_write_killed_midway_leaves_no_eml_and_the_next_pass_cleans_up(
    session, engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "outbox"
    folder.mkdir()
    here = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(here)}
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_WHILE_WRITING, str(folder)], env=env, check=False
    )
    assert killed.returncode == 9
    assert list(folder.glob("*.eml")) == []  # what a pickup tool looks for
    left = [p for p in folder.rglob("*") if p.is_file()]
    assert len(left) == 1 and left[0].stat().st_size > 0

    # a leftover of an older version, and one being written by another worker right now
    legacy = folder / ".tmp-k2j3h4.eml"
    legacy.write_bytes(b"")
    for stale in (left[0], legacy):
        old = stale.stat().st_mtime - 3600
        os.utime(stale, (old, old))
    busy = folder / ".tmp-busy.partial"
    busy.write_bytes(b"From: ")

    queue(session, 2)
    assert deliver(engine, {"email": FileChannel(folder)}, now=NOW).sent == 2
    assert sorted(p.name for p in folder.iterdir()) == [
        ".tmp-busy.partial",
        "row_0.eml",
        "row_1.eml",
    ]
    assert not legacy.exists() and not left[0].exists()

    # nothing to send: the pass still cleans what crashed writes left
    os.utime(busy, (busy.stat().st_mtime - 3600,) * 2)
    assert deliver(engine, {"email": FileChannel(folder)}, now=NOW + LEASE).claimed == 0
    assert sorted(p.name for p in folder.iterdir()) == ["row_0.eml", "row_1.eml"]
