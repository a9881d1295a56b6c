"""Outbox delivery over SMTP against a plain ``smtplib`` loop, both to a local aiosmtpd server.

- Baseline: one ``smtplib.SMTP`` connection; each of the N messages built with the standard
  library's ``EmailMessage`` (text + HTML, Vietnamese headers, its own Message-ID) and sent with
  ``send_message`` — what a plain script sending these messages does.
- cchc: N ``OutboxMessage`` rows of the same size in a fresh SQLite database (bulk insert, not
  timed), then ``deliver(..., limit=1000)`` passes through ``SmtpChannel`` until nothing is left.

Runs are interleaved — baseline, outbox, baseline (… per extra round) — and the best time of
each side is kept, so drift on the machine hits both. After every run the server must have
received exactly N distinct Message-IDs.
"""

from __future__ import annotations

import datetime as dt
import re
import smtplib
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import Engine, insert, select
from sqlalchemy.sql import func

from models import OutboxMessage
from notifications.channels import SENDER, message_id
from notifications.smtp import SmtpChannel, SmtpSettings

NOW = dt.datetime(2020, 6, 15, 8, 0, tzinfo=dt.UTC)
RECIPIENT = ("Nguyễn Văn An", "an.nguyen@phuong-1.gov.vn")
SUBJECT = "Nhắc việc: Báo cáo kết quả thực hiện cải cách hành chính quý II/2020 — đến hạn"
_PARAGRAPH = (
    "Kính gửi đồng chí, theo Kế hoạch cải cách hành chính năm 2020 của Ủy ban nhân dân phường, "
    "nhiệm vụ II.2.1 «Rà soát, đánh giá thủ tục hành chính» đến hạn báo cáo vào ngày 12/06/2020. "
)
BODY = (_PARAGRAPH * 4).strip() + "\n\nTrân trọng,\nHệ thống CCHC\n"  # ~1 KB of UTF-8
HTML = "<html><body>" + "".join(f"<p>{_PARAGRAPH}</p>" for _ in range(4)) + "</body></html>"
_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


class CountingHandler:
    """Accepts every message; counts envelopes and records Message-IDs."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.envelopes = 0
        self.ids: list[bytes] = []

    def reset(self) -> None:
        with self.lock:
            self.envelopes, self.ids = 0, []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        found = _MESSAGE_ID.search(envelope.content)
        with self.lock:
            self.envelopes += 1
            if found:
                self.ids.append(found.group(1))
        return "250 OK"

    def check(self, messages: int, what: str) -> None:
        with self.lock:
            distinct = len(set(self.ids))
            assert self.envelopes == messages == distinct == len(self.ids), (
                f"{what}: server got {self.envelopes} envelopes, {len(self.ids)} Message-IDs "
                f"({distinct} distinct), expected {messages}"
            )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _fresh_sqlite(folder: Path) -> Engine:
    from benchmarks import bench_engine
    from storage.migrate import upgrade

    engine = bench_engine(f"sqlite:///{folder / 'bench.sqlite3'}")
    upgrade(engine)
    return engine


def _row(i: int, prefix: str) -> dict[str, Any]:
    return {
        "key": f"{prefix}-{i}",
        "kind": "reminder",
        "channel": "email",
        "recipient": RECIPIENT[1],
        "recipient_name": RECIPIENT[0],
        "cc": [],
        "subject": SUBJECT,
        "body": BODY,
        "html": HTML,
        "reply_to": "",
        "status": "pending",
        "attempts": 0,
        "created_at": NOW,
        "next_attempt_at": NOW - dt.timedelta(minutes=1),
        "last_error": "",
    }


def run_baseline(port: int, messages: int, handler: CountingHandler) -> float:
    """One connection; each message built with the standard library and sent with ``send_message``.

    This is what a plain script sending these N messages does: every message is its own email
    (its own Message-ID), text and HTML parts, Vietnamese headers.
    """
    from email.message import EmailMessage
    from email.utils import formataddr

    domain = SENDER[1].rpartition("@")[2]
    ids = [message_id(f"base-{i}", domain) for i in range(messages)]
    handler.reset()
    start = time.perf_counter()
    client = smtplib.SMTP("127.0.0.1", port, timeout=30)
    for mid in ids:
        mail = EmailMessage()
        mail["From"] = formataddr(SENDER)
        mail["To"] = formataddr(RECIPIENT)
        mail["Subject"] = SUBJECT
        mail["Message-ID"] = mid
        mail.set_content(BODY)
        mail.add_alternative(HTML, subtype="html")
        client.send_message(mail, from_addr=SENDER[1], to_addrs=[RECIPIENT[1]])
    client.quit()
    seconds = time.perf_counter() - start
    handler.check(messages, "baseline")
    return seconds


def run_outbox(port: int, messages: int, handler: CountingHandler, *, profile: Any = None) -> float:
    """Fresh SQLite outbox of N rows (not timed), then ``deliver`` passes until none is left."""
    from application.delivery import deliver

    with tempfile.TemporaryDirectory() as tmp:
        engine = _fresh_sqlite(Path(tmp))
        try:
            with engine.begin() as connection:
                chunk = 5_000
                for first in range(0, messages, chunk):
                    rows = [_row(i, "outbox") for i in range(first, min(first + chunk, messages))]
                    connection.execute(insert(OutboxMessage), rows)
            settings = SmtpSettings(host="127.0.0.1", port=port, security="plain")
            handler.reset()
            if profile is not None:
                profile.enable()
            start = time.perf_counter()
            sent = 0
            while True:
                report = deliver(
                    engine, {"email": SmtpChannel(settings, SENDER)}, now=NOW, limit=1000
                )
                assert report.retried == report.dead == 0, report
                sent += report.sent
                if report.claimed == 0:
                    break
            seconds = time.perf_counter() - start
            if profile is not None:
                profile.disable()
            assert sent == messages, (sent, messages)
            with engine.connect() as connection:
                left = connection.execute(
                    select(func.count())
                    .select_from(OutboxMessage.__table__)  # type: ignore[attr-defined]
                    .where(OutboxMessage.status != "sent")  # type: ignore[arg-type]
                ).scalar_one()
            assert left == 0, f"{left} outbox rows not sent"
            handler.check(messages, "outbox")
        finally:
            engine.dispose()
    return seconds


def bench_outbox_smtp(messages: int = 10_000, rounds: int = 1) -> dict[str, float]:
    """Baseline, outbox, baseline (then outbox, baseline per extra round); best of each side."""
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        baselines = [run_baseline(controller.port, messages, handler)]
        outboxes: list[float] = []
        for _ in range(rounds):
            outboxes.append(run_outbox(controller.port, messages, handler))
            baselines.append(run_baseline(controller.port, messages, handler))
    finally:
        controller.stop()
    baseline, outbox = min(baselines), min(outboxes)
    return {
        "messages": messages,
        "baseline_seconds": baseline,
        "baseline_per_second": messages / baseline,
        "outbox_seconds": outbox,
        "outbox_per_second": messages / outbox,
        "ratio": (messages / outbox) / (messages / baseline),
    }


def profile_outbox(messages: int = 10_000, top: int = 30) -> None:
    """cProfile of the timed outbox part only (server thread not included)."""
    import cProfile
    import pstats

    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        profiler = cProfile.Profile()
        run_outbox(controller.port, messages, handler, profile=profiler)
    finally:
        controller.stop()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


if __name__ == "__main__":
    import sys

    if "--profile" in sys.argv:
        profile_outbox()
    else:
        print(bench_outbox_smtp())
