"""The command line's own words (Vietnamese, English): titles, confirmations, headings.

Core messages (problems, hints, errors, statuses, labels) live in ``domain.i18n``, the
application layer's in ``application.messages``; this layer's gettext domain ``cli``
(``cchc/locale/<lang>/LC_MESSAGES/cli.po``) holds only what the CLI says. ``t`` looks here
first, then in the application layer's catalogue, then in the core.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from application.messages import t as app_t
from domain.i18n import Catalogue, Lang, format_message

CATALOGUE = Catalogue("cli", Path(__file__).resolve().parent)


def keys() -> frozenset[str]:
    """Every key of the command line's catalogue (not the lower layers')."""
    return CATALOGUE.keys()


def t(key: str, lang: Lang = "vi", /, **params: Any) -> str:
    """The CLI's text for ``key`` in ``lang``; other keys are found in the lower layers."""
    template = CATALOGUE.template(key, lang)
    if template is None:
        return app_t(key, lang, **params)
    return format_message(template, params)
