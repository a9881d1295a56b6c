"""Email over SMTP: plain, STARTTLS or TLS, optional login, one connection per delivery pass.

``CCHC_SMTP_URL`` forms: ``smtp://host:25`` (plain), ``smtp+starttls://user:pass@host:587``,
``smtps://user:pass@host:465`` (TLS). Credentials are percent-decoded.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from notifications.channels import DeliveryError, Outgoing, Reusable, to_email

SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to connect."""

    host: str
    port: int
    security: str  # plain | starttls | tls
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    verify: bool = True

    @classmethod
    def from_url(cls, url: str, *, timeout: float = 30.0, verify: bool = True) -> SmtpSettings:
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES or not parts.hostname:
            raise ValueError(
                f"CCHC_SMTP_URL {url!r}: use smtp://, smtp+starttls:// or smtps://HOST[:PORT]"
            )
        security, port = SCHEMES[parts.scheme]
        return cls(
            host=parts.hostname,
            port=parts.port or port,
            security=security,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            timeout=timeout,
            verify=verify,
        )


@dataclass
class SmtpChannel(Reusable):
    """Sends through one SMTP connection, opened on first use and reopened if it drops."""

    settings: SmtpSettings
    sender: tuple[str, str]
    name: str = "email"
    _client: smtplib.SMTP | None = field(default=None, repr=False)

    def _context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if not self.settings.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        client: smtplib.SMTP
        if s.security == "tls":
            client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            if s.security == "starttls":
                client.starttls(context=self._context())
            if s.username:
                client.login(s.username, s.password or "")
        except BaseException:
            client.close()  # a refused login or handshake must not leak the socket
            raise
        return client

    def send(self, message: Outgoing) -> None:
        mail = to_email(message, self.sender)
        recipients = [message.recipient, *message.cc]
        for attempt in (1, 2):
            try:
                if self._client is None:
                    self._client = self._connect()
                self._client.send_message(mail, from_addr=self.sender[1], to_addrs=recipients)
                return
            except smtplib.SMTPServerDisconnected as exc:
                self._client = None  # a dropped connection is retried once at once
                if attempt == 2:
                    raise DeliveryError(f"SMTP server disconnected: {exc}") from exc
            except (smtplib.SMTPException, OSError) as exc:
                self.close()
                raise DeliveryError(f"SMTP {type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._client.quit()  # the server may already be gone
            self._client = None
