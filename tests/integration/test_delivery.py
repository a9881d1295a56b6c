"""Delivering the outbox to real servers on 127.0.0.1: SMTP (aiosmtpd) and an Apprise webhook.

The ward is the small plan of ``test_sweep`` with T.A9 led by the justice officer (one sweep
puts what it has for one person into one message; here each has one): three one-off tasks due
on Wednesday 10 June 2020; the first sweep (Wed 3 June, 07:30) queues three reminders — T.A3
to the CCHC officer, T.A9 to the justice officer, T.CHAIR to the chairman — each with the CCHC
officer as Reply-To.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import json
import threading
import warnings
import zoneinfo
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from email.utils import parseaddr
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from smtp_server import HOST, LocalSmtp, free_port, self_signed, server_context
from sqlmodel import Session, col, select

from application.channels import build_channels as channels_for
from application.delivery import deliver, outgoing
from application.jobs import JobEnv, deliver_job
from application.notices import notify_dead
from application.occurrences import materialise_plan as materialise
from application.settings import Settings
from application.sweep import sweep
from cchc.tables import read_table
from domain.plan import Due, Plan, Reminders, Schedule
from models import OutboxMessage
from notifications.channels import DeliveryError, FileChannel, Outgoing, message_id
from notifications.chat import AppriseChannel
from notifications.smtp import SmtpChannel, SmtpSettings
from plans import HERE
from responsibilities.roster import read_roster
from storage.officers import import_roster, set_contact
from storage.outbox import LEASE, backoff, claim, retry
from storage.plans import find_plan
from storage.units import get_unit

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date
HUNG = "hung.nv@phuhuu.gov.vn"  # chairman
NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer
TAM = "tam.vm@phuhuu.gov.vn"  # justice officer
SENDER = "Hệ thống CCHC <cchc@phuhuu.gov.vn>"  # CCHC_SMTP_FROM
SENDER_DOMAIN = "phuhuu.gov.vn"
MINUTE = dt.timedelta(minutes=1)


def local(y: int, m: int, d: int, h: int = 8, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


MATERIALISED_AT = local(2020, 6, 1, 6)
REMINDER_5 = local(2020, 6, 3, 7, 30)
T0 = REMINDER_5 + MINUTE  # the first delivery pass after the sweep


# --- the ward ---------------------------------------------------------------------------------


def small_plan(plan: Plan) -> Plan:
    base = next(t for t in plan.tasks if t.code == "II.3.1")
    schedule = Schedule("once", D(2020, 1, 1), D(2020, 12, 31), Due(date=D(2020, 6, 10)))
    tasks = tuple(
        dataclasses.replace(
            base, code=code, area=area, lead=lead, schedule=schedule, reminders=Reminders()
        )
        for code, area, lead in (
            ("T.A3", "3", "cchc_officer"),
            ("T.A9", "9", "justice"),
            ("T.CHAIR", "1", "chairman"),
        )
    )
    return dataclasses.replace(plan, tasks=tasks)


@pytest.fixture
def ward(session, load, bundled_plan) -> int:  # type: ignore[no-untyped-def]
    """The small plan with the demo roster (no acting row), materialised on 1 June; unit id."""
    load(small_plan(bundled_plan), now=MATERIALISED_AT)
    unit_id = get_unit("phu-huu", session=session).id
    assert unit_id is not None
    header, rows = read_table(HERE / "demo-roster.csv")
    plan = small_plan(bundled_plan)
    entries = read_roster(
        header,
        [(n, r) for n, r in rows if r.get("kind") != "acting"],
        file="demo-roster.csv",
        positions=[r.code for r in plan.roles],
        areas=[a.code for a in plan.areas],
    )
    import_roster(entries, session=session, unit_id=unit_id, actor="test", now=MATERIALISED_AT)
    materialise(
        find_plan(session=session, unit_id=unit_id),
        session=session,
        actor="test",
        now=MATERIALISED_AT,
    )
    session.commit()
    return unit_id


def swept(session: Session, now: dt.datetime = REMINDER_5) -> list[OutboxMessage]:
    """Run the sweep at ``now``, commit, and return the whole outbox."""
    sweep(session=session, now=now, actor="test")
    session.commit()
    return rows(session)


def rows(session: Session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


# --- servers ----------------------------------------------------------------------------------


@pytest.fixture
def smtp() -> Iterator[LocalSmtp]:
    server = LocalSmtp().start()
    try:
        yield server
    finally:
        server.stop()


def smtp_channel(url: str, *, verify: bool = True) -> SmtpChannel:
    return SmtpChannel(SmtpSettings.from_url(url, timeout=10, verify=verify), parseaddr(SENDER))


@dataclasses.dataclass
class Hook:
    """A local HTTP server standing in for a chat webhook; keeps every POST."""

    server: ThreadingHTTPServer
    posts: list[tuple[str, dict[str, Any]]]

    def url(self, path: str = "hook") -> str:
        return f"json://{HOST}:{self.server.server_address[1]}/{path}"


@pytest.fixture
def hook() -> Iterator[Hook]:
    posts: list[tuple[str, dict[str, Any]]] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length).decode("utf-8"))
            with lock:
                posts.append((self.path, body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((HOST, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield Hook(server, posts)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --- delivery to a real SMTP server ---------------------------------------------------------------


def test_a_swept_reminder_arrives_once_with_its_vietnamese_parts_intact(
    session, ward, smtp, db_url, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    queued = swept(session)
    assert len(queued) == 3
    settings = Settings(
        home=tmp_path / "home",
        database_url=db_url,
        lang="vi",
        user="test",
        smtp_url=smtp.url,
        smtp_from=SENDER,
    )
    assert isinstance(channels_for(settings)["email"], SmtpChannel)

    env = JobEnv.build(settings)
    report = deliver_job(env, T0).as_dict()
    assert (report["channel"], report["claimed"], report["sent"]) == ("smtp", 3, 3)
    assert deliver_job(env, T0 + MINUTE).as_dict()["claimed"] == 0
    env.close()

    received = {r.message_id: r for r in smtp.received}
    assert len(smtp.received) == len(received) == 3
    for row in rows(session):
        assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
        mid = message_id(row.key, SENDER_DOMAIN)
        assert mid.split("@")[0] == message_id(row.key).split("@")[0]
        envelope = received[mid]
        assert envelope.mail_from == "cchc@phuhuu.gov.vn"
        assert envelope.rcpt_tos == (row.recipient,)
        mail = envelope.parsed()
        assert str(mail["Message-ID"]) == mid
        assert str(mail["Subject"]) == row.subject
        assert row.subject.startswith("[CCHC] Nhắc việc T.")
        assert "hạn Thứ Tư, 10/06/2020" in row.subject
        assert mail["From"].addresses[0].addr_spec == parseaddr(SENDER)[1]
        assert mail["From"].addresses[0].display_name == "Hệ thống CCHC"
        assert mail["To"].addresses[0].addr_spec == row.recipient
        assert mail["To"].addresses[0].display_name == row.recipient_name
        assert mail["Reply-To"].addresses[0].addr_spec == NHUNG  # the CCHC officer
        text = mail.get_body(("plain",))
        html = mail.get_body(("html",))
        assert text is not None and html is not None
        # SMTP carries lines ended by CRLF: only the line ends may differ
        assert text.get_content().replace("\r\n", "\n") == row.body
        assert html.get_content().replace("\r\n", "\n") == row.html
        assert "Kính gửi đồng chí" in row.body and "Kính gửi" in row.html
    assert Counter(r.rcpt_tos[0] for r in smtp.received) == {NHUNG: 1, TAM: 1, HUNG: 1}


def test_settings_from_the_environment_send_through_the_smtp_server(smtp, tmp_path) -> None:
    env = {
        "CCHC_HOME": str(tmp_path / "home"),
        "CCHC_SMTP_URL": smtp.url,
        "CCHC_SMTP_FROM": SENDER,
        "CCHC_CHANNEL": "console",
        "CCHC_OUTBOX_MAX_ATTEMPTS": "3",
    }
    settings = Settings.from_env(env)
    assert (settings.smtp_url, settings.smtp_from, settings.channel, settings.max_attempts) == (
        smtp.url,
        SENDER,
        "console",
        3,
    )


# --- SMTP URL forms, login, STARTTLS and TLS ----------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.phuhuu.gov.vn", ("mail.phuhuu.gov.vn", 25, "plain", None, None)),
        ("smtp://127.0.0.1:2525", ("127.0.0.1", 2525, "plain", None, None)),
        (
            "smtp+starttls://user:p%40ss@mail.phuhuu.gov.vn:587",
            ("mail.phuhuu.gov.vn", 587, "starttls", "user", "p@ss"),
        ),
        (
            "smtp+starttls://nhung.pth%40phuhuu.gov.vn:a%2Fb%3Ac@smtp.example.vn",
            ("smtp.example.vn", 587, "starttls", "nhung.pth@phuhuu.gov.vn", "a/b:c"),
        ),
        ("smtps://u:x@mail.phuhuu.gov.vn", ("mail.phuhuu.gov.vn", 465, "tls", "u", "x")),
        ("smtps://mail.phuhuu.gov.vn:1465", ("mail.phuhuu.gov.vn", 1465, "tls", None, None)),
    ],
)
def test_smtp_url_forms(url: str, expected: tuple[object, ...]) -> None:
    s = SmtpSettings.from_url(url)
    assert (s.host, s.port, s.security, s.username, s.password) == expected
    assert s.verify is True


@pytest.mark.parametrize("url", ["http://mail.phuhuu.gov.vn", "smtp://", "mail.phuhuu.gov.vn:25"])
def test_a_bad_smtp_url_is_refused_with_the_forms_named(url: str) -> None:
    with pytest.raises(ValueError, match=r"smtp\+starttls://"):
        SmtpSettings.from_url(url)


def message(key: str = "k1") -> Outgoing:
    return Outgoing(
        key=key,
        kind="reminder",
        recipient=NHUNG,
        recipient_name="Phạm Thị Hồng Nhung",
        subject="[CCHC] Nhắc việc II.3.1 kỳ 2020: hạn Thứ Tư, 10/06/2020",
        body="Kính gửi đồng chí Phạm Thị Hồng Nhung,\n",
        html="<p>Kính gửi đồng chí Phạm Thị Hồng Nhung,</p>\n",
    )


USER, PASSWORD = "nhung.pth@phuhuu.gov.vn", "p@ss/w:rd"
CREDENTIALS = "nhung.pth%40phuhuu.gov.vn:p%40ss%2Fw%3Ard"


class Authenticator:
    """Accepts one user; remembers who logged in."""

    def __init__(self) -> None:
        self.logins: list[str] = []

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        if (login, password) == (USER, PASSWORD):
            self.logins.append(login)
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


def test_login_with_percent_encoded_credentials() -> None:
    auth = Authenticator()
    server = LocalSmtp(authenticator=auth, auth_require_tls=False).start()
    try:
        good = smtp_channel(f"smtp://{CREDENTIALS}@{HOST}:{server.port}")
        with good:
            good.send(message("a"))
            good.send(message("b"))  # one connection, one login per pass
        assert auth.logins == [USER]
        assert [r.message_id for r in server.received] == [
            message_id("a", SENDER_DOMAIN),
            message_id("b", SENDER_DOMAIN),
        ]
    finally:
        server.stop()


def failing_quietly(channel: SmtpChannel, key: str, match: str) -> list[str]:
    """Send through ``channel`` expecting a ``DeliveryError``; the connections left unclosed."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(DeliveryError, match=match):
            channel.send(message(key))
        channel.close()
        gc.collect()  # an abandoned socket warns when it is collected
    return [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]


def test_a_refused_login_is_a_delivery_error_and_leaves_no_connection_open() -> None:
    auth = Authenticator()
    server = LocalSmtp(authenticator=auth, auth_require_tls=False).start()
    try:
        bad = smtp_channel(f"smtp://{USER.replace('@', '%40')}:wrong@{HOST}:{server.port}")
        leaked = failing_quietly(bad, "c", "SMTPAuthenticationError")
        assert (auth.logins, server.received) == ([], [])
        assert leaked == []
    finally:
        server.stop()


def test_starttls_with_login_against_a_self_signed_server(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("cryptography", reason="a self-signed certificate needs cryptography")
    certfile, keyfile = self_signed(tmp_path)
    auth = Authenticator()
    server = LocalSmtp(
        tls_context=server_context(certfile, keyfile),
        require_starttls=True,
        authenticator=auth,
        auth_required=True,
    ).start()
    try:
        url = f"smtp+starttls://{CREDENTIALS}@{HOST}:{server.port}"
        # the certificate is not trusted: verification fails, nothing is sent
        with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
            smtp_channel(url).send(message("untrusted"))
        # plain SMTP to a server that requires STARTTLS is refused
        with pytest.raises(DeliveryError):
            smtp_channel(f"smtp://{HOST}:{server.port}").send(message("plain"))
        # trusted (SSL_CERT_FILE), verified against the IP in the certificate
        monkeypatch.setenv("SSL_CERT_FILE", str(certfile))
        with smtp_channel(url) as channel:
            channel.send(message("trusted"))
        with smtp_channel(url, verify=False) as channel:
            channel.send(message("unverified"))
        assert auth.logins == [USER, USER]
        assert [r.message_id for r in server.received] == [
            message_id("trusted", SENDER_DOMAIN),
            message_id("unverified", SENDER_DOMAIN),
        ]
    finally:
        server.stop()


def test_implicit_tls_against_a_self_signed_server(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("cryptography", reason="a self-signed certificate needs cryptography")
    certfile, keyfile = self_signed(tmp_path)
    auth = Authenticator()
    # aiosmtpd counts only STARTTLS as TLS when deciding to offer AUTH, not implicit TLS
    server = LocalSmtp(
        ssl_context=server_context(certfile, keyfile), authenticator=auth, auth_require_tls=False
    ).start()
    try:
        url = f"smtps://{CREDENTIALS}@{HOST}:{server.port}"
        with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
            smtp_channel(url).send(message("untrusted"))
        monkeypatch.setenv("SSL_CERT_FILE", str(certfile))
        with smtp_channel(url) as channel:
            channel.send(message("tls"))
        assert auth.logins == [USER]
        [got] = server.received
        mail = got.parsed()
        assert str(mail["Subject"]) == message().subject
        assert str(mail["Message-ID"]) == message_id("tls", SENDER_DOMAIN)
    finally:
        server.stop()


# --- the server is down, or refuses -----------------------------------------------------------------


def test_a_server_that_is_down_delays_every_message_and_loses_none(
    session, ward, smtp, engine
) -> None:  # type: ignore[no-untyped-def]
    assert len(swept(session)) == 3
    channels = {"email": smtp_channel(smtp.url)}

    smtp.stop()
    report = deliver(engine, channels, now=T0, on_dead=notify_dead)
    assert report.as_dict() == {"claimed": 3, "sent": 0, "retried": 3, "dead": 0, "dropped": 0}
    for row in rows(session):
        assert (row.status, row.attempts, row.claim_token) == ("pending", 1, None)
        assert row.next_attempt_at == T0 + backoff(1)
        assert row.last_error.startswith("SMTP ")
    assert deliver(engine, channels, now=T0 + backoff(1) / 2).claimed == 0

    # back up, but saying "try again later" to every message
    smtp.handler.data_reply = "451 4.3.0 try again later"
    smtp.start()
    t1 = T0 + backoff(1)
    assert deliver(engine, channels, now=t1).retried == 3
    for row in rows(session):
        assert (row.status, row.attempts) == ("pending", 2)
        assert row.next_attempt_at == t1 + backoff(2)
        assert "451" in row.last_error
    assert smtp.received == []

    smtp.handler.data_reply = None
    assert deliver(engine, channels, now=t1 + backoff(2) - MINUTE / 2).claimed == 0
    assert deliver(engine, channels, now=t1 + backoff(2)).sent == 3
    assert deliver(engine, channels, now=t1 + dt.timedelta(hours=1)).claimed == 0
    assert {(r.status, r.attempts, r.last_error) for r in rows(session)} == {("sent", 3, "")}
    assert sorted(smtp.message_ids().values()) == [1, 1, 1]
    assert set(smtp.message_ids()) == {message_id(r.key, SENDER_DOMAIN) for r in rows(session)}


def test_a_refused_message_dies_after_max_attempts_and_the_cchc_officer_is_told_once(
    session, ward, smtp, engine
) -> None:  # type: ignore[no-untyped-def]
    queued = swept(session)
    [chair] = [r for r in queued if r.recipient == HUNG]
    smtp.handler.refuse = {HUNG}
    channels = {"email": smtp_channel(smtp.url)}

    def run(now: dt.datetime) -> dict[str, int]:
        report = deliver(engine, channels, now=now, max_attempts=3, on_dead=notify_dead)
        assert report.dropped == 0
        return {k: v for k, v in report.as_dict().items() if k != "dropped"}

    t1, t2 = T0 + backoff(1), T0 + backoff(1) + backoff(2)
    assert run(T0) == {"claimed": 3, "sent": 2, "retried": 1, "dead": 0}
    assert run(t1) == {"claimed": 1, "sent": 0, "retried": 1, "dead": 0}
    assert run(t2) == {"claimed": 1, "sent": 0, "retried": 0, "dead": 1}

    session.expire_all()
    row = session.get(OutboxMessage, chair.id)
    assert (row.status, row.attempts) == ("dead", 3)
    assert "550" in row.last_error
    [dead] = [r for r in rows(session) if r.kind == "dead_letter"]
    assert (dead.recipient, dead.status, dead.unit_id) == (NHUNG, "pending", ward)
    assert dead.next_attempt_at == t2  # urgent: no quiet hours
    assert dead.key == f"dead:{chair.id}:{NHUNG}"
    assert f"#{chair.id}" in dead.subject and HUNG in dead.subject
    assert "550" in dead.body and f"cchc outbox retry {chair.id}" in dead.body

    # told once, even when told twice
    with Session(engine, expire_on_commit=False) as other:
        notify_dead(other, other.get(OutboxMessage, chair.id), t2 + MINUTE)
        other.commit()
    assert [r.kind for r in rows(session)].count("dead_letter") == 1

    assert run(t2 + MINUTE) == {"claimed": 1, "sent": 1, "retried": 0, "dead": 0}
    [letter] = [r for r in smtp.received if r.rcpt_tos == (NHUNG,) and "#" in r.parsed()["Subject"]]
    assert str(letter.parsed()["Subject"]) == dead.subject
    assert letter.message_id == message_id(dead.key, SENDER_DOMAIN)

    # the mailbox is fixed: the dead message is put back and goes out
    smtp.handler.refuse = set()
    assert len(retry(session=session, now=t2 + 2 * MINUTE, dead=True)) == 1
    session.commit()
    row = session.get(OutboxMessage, chair.id)
    assert (row.status, row.attempts) == ("pending", 0)
    assert run(t2 + 2 * MINUTE) == {"claimed": 1, "sent": 1, "retried": 0, "dead": 0}
    session.expire_all()
    assert session.get(OutboxMessage, chair.id).status == "sent"
    assert smtp.message_ids()[message_id(chair.key, SENDER_DOMAIN)] == 1
    assert len(smtp.received) == 4  # two reminders, the dead letter, the retried reminder


# --- a crash between sending and recording ------------------------------------------------------


def test_a_crash_after_sending_resends_with_the_same_message_id(
    session, ward, smtp, engine
) -> None:  # type: ignore[no-untyped-def]
    swept(session)
    claimed = claim(engine, now=T0, limit=100)
    assert len(claimed) == 3
    with smtp_channel(smtp.url) as channel:
        for row in claimed:
            channel.send(outgoing(row))
    # ... and the worker dies here: nothing recorded, the rows stay "sending"
    assert {(r.status, r.attempts) for r in rows(session)} == {("sending", 1)}

    channels = {"email": smtp_channel(smtp.url)}
    assert deliver(engine, channels, now=T0 + LEASE - dt.timedelta(seconds=1)).claimed == 0
    report = deliver(engine, channels, now=T0 + LEASE + dt.timedelta(seconds=1))
    assert (report.claimed, report.sent) == (3, 3)
    assert {(r.status, r.attempts) for r in rows(session)} == {("sent", 2)}

    assert len(smtp.received) == 6
    copies: dict[str, list[EmailMessage]] = {}
    for got in smtp.received:
        copies.setdefault(got.message_id, []).append(got.parsed())
    assert set(copies) == {message_id(r.key, SENDER_DOMAIN) for r in claimed}
    for first, second in copies.values():
        # the same mail twice (only the MIME boundary is drawn afresh): a client shows one
        for header in ("Message-ID", "Subject", "From", "To", "Reply-To", "Date"):
            assert str(first[header]) == str(second[header])
        for kind in ("plain", "html"):
            a, b = first.get_body((kind,)), second.get_body((kind,))
            assert a is not None and b is not None
            assert a.get_content() == b.get_content()


def test_a_crash_after_writing_files_leaves_one_eml_each(session, ward, engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    swept(session)
    folder = tmp_path / "outbox"
    claimed = claim(engine, now=T0, limit=100)
    channel = FileChannel(folder)
    for row in claimed:
        channel.send(outgoing(row))
    written = {f.name: f.read_bytes() for f in folder.iterdir()}

    report = deliver(engine, {"email": FileChannel(folder)}, now=T0 + LEASE + MINUTE)
    assert (report.claimed, report.sent) == (3, 3)
    assert {f.name: f.read_bytes() for f in folder.iterdir()} == written
    assert len(written) == 3 and all(name.endswith(".eml") for name in written)
    assert {(r.status, r.attempts) for r in rows(session)} == {("sent", 2)}


# --- two workers at once -----------------------------------------------------------------------


def test_two_workers_at_once_send_each_message_exactly_once(session, engine, smtp) -> None:  # type: ignore[no-untyped-def]
    now = local(2020, 6, 3, 9)
    session.add_all(
        OutboxMessage(
            key=f"bulk:{n}",
            kind="reminder",
            channel="email",
            recipient=f"can.bo{n}@phuhuu.gov.vn",
            recipient_name=f"Cán bộ số {n}",
            subject=f"[CCHC] Nhắc việc số {n}",
            body=f"Kính gửi đồng chí cán bộ số {n},\n",
            created_at=now,
            next_attempt_at=now,
        )
        for n in range(200)
    )
    session.commit()
    barrier = threading.Barrier(2, timeout=30)

    def worker() -> list[int]:
        sent = []
        channel = smtp_channel(smtp.url)
        barrier.wait()
        for _ in range(40):  # bounded: 200 rows in passes of 20
            report = deliver(engine, {"email": channel}, now=now, limit=20)
            if report.claimed == 0:
                break
            assert report.sent == report.claimed
            sent.append(report.sent)
        return sent

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(worker) for _ in range(2)]
        passes = [f.result(timeout=120) for f in futures]

    assert sum(map(sum, passes)) == 200
    ids = smtp.message_ids()
    assert len(ids) == 200 and set(ids.values()) == {1}
    assert set(ids) == {message_id(f"bulk:{n}", SENDER_DOMAIN) for n in range(200)}
    assert Counter(r.status for r in rows(session)) == {"sent": 200}
    assert {r.attempts for r in rows(session)} == {1}


# --- Apprise --------------------------------------------------------------------------------------

# Apprise 2.0.1 loads its e-mail plugin on first use, which imports the standard imghdr module
apprise_imports_imghdr = pytest.mark.filterwarnings(
    "ignore:'imghdr' is deprecated and slated for removal in Python 3.13:DeprecationWarning"
)


@apprise_imports_imghdr
def test_an_officer_with_a_chat_target_gets_the_reminder_by_email_and_chat(
    session, ward, smtp, hook, engine
) -> None:  # type: ignore[no-untyped-def]
    set_contact(
        HUNG,
        session=session,
        unit_id=ward,
        actor="test",
        now=MATERIALISED_AT,
        apprise_urls=[hook.url()],
        channels=["email", "apprise"],
    )
    session.commit()
    queued = swept(session)
    mine = sorted((r.channel, r.recipient) for r in queued if r.recipient_name == "Nguyễn Văn Hùng")
    assert mine == [("apprise", hook.url()), ("email", HUNG)]
    [chat] = [r for r in queued if r.channel == "apprise"]
    assert (chat.html, chat.cc) == ("", [])

    report = deliver(engine, {"email": smtp_channel(smtp.url), "apprise": AppriseChannel()}, now=T0)
    assert (report.claimed, report.sent) == (4, 4)
    assert len(smtp.received) == 3
    [(path, payload)] = hook.posts
    assert path == "/hook"
    assert payload["title"] == chat.subject
    assert payload["message"] == chat.body.rstrip("\n")  # Apprise trims the final newline
    assert "Nhắc việc T.CHAIR" in payload["title"] and "Thứ Tư, 10/06/2020" in payload["title"]
    assert "Kính gửi đồng chí Nguyễn Văn Hùng" in payload["message"]
    assert {r.status for r in rows(session)} == {"sent"}


@apprise_imports_imghdr
def test_an_unreachable_or_unconfigured_chat_target_stays_pending_with_an_error(
    session, ward, smtp, engine
) -> None:  # type: ignore[no-untyped-def]
    nowhere = f"json://{HOST}:{free_port()}/hook"
    set_contact(
        HUNG,
        session=session,
        unit_id=ward,
        actor="test",
        now=MATERIALISED_AT,
        apprise_urls=[nowhere],
        channels=["email", "apprise"],
    )
    session.commit()
    swept(session)

    # a worker with no chat channel configured keeps the chat message for later
    report = deliver(engine, {"email": smtp_channel(smtp.url)}, now=T0)
    assert (report.claimed, report.sent, report.retried) == (4, 3, 1)
    [chat] = [r for r in rows(session) if r.channel == "apprise"]
    assert (chat.status, chat.attempts) == ("pending", 1)
    assert chat.last_error == "no channel configured for 'apprise'"
    assert len(smtp.received) == 3

    # the chat server does not answer
    t1 = T0 + backoff(1)
    both = {"email": smtp_channel(smtp.url), "apprise": AppriseChannel()}
    report = deliver(engine, both, now=t1)
    assert (report.claimed, report.sent, report.retried) == (1, 0, 1)
    [chat] = [r for r in rows(session) if r.channel == "apprise"]
    assert (chat.status, chat.attempts) == ("pending", 2)
    assert chat.next_attempt_at == t1 + backoff(2)
    assert chat.last_error == "Apprise could not deliver to json://…"  # no address in the log
    assert len(smtp.received) == 3
