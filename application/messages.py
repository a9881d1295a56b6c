"""The application layer's own words (Vietnamese, English): settings errors and use-case messages.

Core messages (problems, hints, errors, statuses, labels) live in ``domain.i18n``; this
layer's gettext domain ``app`` (``application/locale/<lang>/LC_MESSAGES/app.po``) holds only
what the application layer says. ``t`` looks here first, then in the core.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from domain.i18n import Catalogue, Lang, format_message
from domain.i18n import t as core_t

CATALOGUE = Catalogue("app", Path(__file__).resolve().parent)


def keys() -> frozenset[str]:
    """Every key of the application layer's catalogue (not the core's)."""
    return CATALOGUE.keys()


def t(key: str, lang: Lang = "vi", /, **params: Any) -> str:
    """The application's text for ``key`` in ``lang``; core keys are found in ``domain.i18n``."""
    template = CATALOGUE.template(key, lang)
    if template is None:
        return core_t(key, lang, **params)
    return format_message(template, params)
