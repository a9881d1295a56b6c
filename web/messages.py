"""The web pages' own words (Vietnamese, English): titles, labels, buttons, page errors.

This layer's gettext domain ``web`` (``web/locale/<lang>/LC_MESSAGES/web.po``) holds only what
the pages say; ``t`` looks here first, then in the application layer's catalogue and the core
(statuses, actions and errors are worded once, there).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from application.messages import t as app_t
from domain.i18n import Catalogue, Lang, format_message

CATALOGUE = Catalogue("web", Path(__file__).resolve().parent)


def keys() -> frozenset[str]:
    """Every key of the web catalogue (not the lower layers')."""
    return CATALOGUE.keys()


def t(key: str, lang: Lang = "vi", /, **params: Any) -> str:
    """The web's text for ``key`` in ``lang``; other keys are found in the lower layers."""
    template = CATALOGUE.template(key, lang)
    if template is None:
        return app_t(key, lang, **params)
    return format_message(template, params)
