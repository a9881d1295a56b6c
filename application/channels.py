"""The delivery channels the settings ask for: email (SMTP, ``.eml`` files or the console)
and chat (Apprise)."""

from __future__ import annotations

import sys
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from application.settings import Settings
    from notifications.channels import Channel


def outbox_folder(settings: Settings) -> Path:
    """Where the file channel writes its ``.eml`` files."""
    return settings.home / "outbox"


def build_channels(settings: Settings) -> dict[str, Channel]:
    """The delivery channels: ``email`` (SMTP when ``CCHC_SMTP_URL`` is set, else ``.eml``
    files or the console) and ``apprise`` (officers' chat targets)."""
    from notifications.channels import ConsoleChannel, FileChannel
    from notifications.chat import AppriseChannel

    email: Channel
    if settings.smtp_url:
        from notifications.smtp import SmtpChannel, SmtpSettings

        email = SmtpChannel(SmtpSettings.from_url(settings.smtp_url), parseaddr(settings.smtp_from))
    elif settings.channel == "console":
        email = ConsoleChannel(sys.stdout)
    else:
        email = FileChannel(outbox_folder(settings))
    return {"email": email, "apprise": AppriseChannel()}
