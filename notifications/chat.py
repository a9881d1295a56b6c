"""Chat channels through Apprise URLs (Telegram, Slack, Microsoft Teams, ntfy, JSON webhooks …).

A fresh Apprise object per message: Apprise rate-limits repeated sends through one notifier
object (about 5.5 s apart), which would make a delivery pass crawl.
"""

from __future__ import annotations

from dataclasses import dataclass

from notifications.channels import DeliveryError, Outgoing, Reusable


@dataclass
class AppriseChannel(Reusable):
    """Sends to the Apprise URL in ``message.recipient``."""

    name: str = "apprise"

    def send(self, message: Outgoing) -> None:
        import apprise

        notifier = apprise.Apprise()
        if not notifier.add(message.recipient):
            raise DeliveryError(f"not an Apprise URL: {message.recipient!r}")
        if not notifier.notify(title=message.subject, body=message.body):
            raise DeliveryError(f"Apprise could not deliver to {redact(message.recipient)}")


def redact(url: str) -> str:
    """An Apprise URL without its secrets, for logs and error messages."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://…" if rest else url
