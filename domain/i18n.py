"""User-facing text in Vietnamese (default) and English, from gettext catalogues.

Every message a user reads is looked up by key, so both languages stay complete and a test
can check that. Each layer has its own gettext domain, with the key as ``msgid`` and the text
(``str.format`` placeholders such as ``{n}``) as ``msgstr``:

* ``domain/locale/<lang>/LC_MESSAGES/core.po`` — this module: ``problem.*``/``hint.*`` for
  input defects, ``error.*`` for refusals, ``status.*``/``label.*`` for shared words …
* ``application/locale/<lang>/LC_MESSAGES/app.po`` — ``application.messages``;
* ``cchc/locale/<lang>/LC_MESSAGES/cli.po`` — ``cchc.messages``.

The ``.po`` files are the source; the compiled ``.mo`` files next to them are committed and
are what runs (``python -m cchc.messages_build`` compiles them, ``--check`` checks them). Only
the standard library's ``gettext`` is used here, so loading stays cheap.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")


class MissingMessage(KeyError):
    """A message key that no catalogue holds (raised only when ``CCHC_STRICT_MESSAGES=1``)."""


class _Absent(gettext.NullTranslations):
    """The end of a catalogue's fallback chain: an unknown key raises instead of coming back."""

    def gettext(self, message: str) -> str:
        raise KeyError(message)


@cache
def _translations(localedir: Path, domain: str, lang: Lang) -> gettext.GNUTranslations:
    found = gettext.translation(domain, localedir=localedir, languages=[lang])
    found.add_fallback(_Absent())
    return found


@lru_cache(maxsize=8192)
def _template(localedir: Path, domain: str, lang: Lang, key: str) -> str | None:
    """A key looked up once: a page asks for the same few hundred words on every request, and
    a key absent from one layer's catalogue (found in a lower one) costs an exception each time."""
    try:
        return _translations(localedir, domain, lang).gettext(key)
    except KeyError:
        return None


class Catalogue:
    """One layer's gettext domain, ``<package_dir>/locale/<lang>/LC_MESSAGES/<domain>.mo``."""

    def __init__(self, domain: str, package_dir: Path) -> None:
        self.domain = domain
        self.localedir = package_dir / "locale"

    def po(self, lang: Lang) -> Path:
        return self.localedir / lang / "LC_MESSAGES" / f"{self.domain}.po"

    def mo(self, lang: Lang) -> Path:
        return self.po(lang).with_suffix(".mo")

    def template(self, key: str, lang: str) -> str | None:
        """The unformatted text of ``key`` (English for any ``lang`` but ``vi``), or None."""
        which: Lang = "vi" if lang == "vi" else "en"
        return _template(self.localedir, self.domain, which, key)

    def keys(self, lang: Lang | None = None) -> frozenset[str]:
        """The message keys (msgids) compiled for ``lang``, or for either language."""
        out: set[str] = set()
        for one in (lang,) if lang else LANGS:
            # GNUTranslations keeps the parsed messages in ``_catalog`` (the header under "").
            catalog: dict[str, str] = _translations(self.localedir, self.domain, one)._catalog  # type: ignore[attr-defined]
            out.update(k for k in catalog if k)
        return frozenset(out)


CATALOGUE = Catalogue("core", Path(__file__).resolve().parent)


def format_message(template: str, params: Mapping[str, Any]) -> str:
    """``template`` filled with ``params``; without params only ``{{``/``}}`` are unescaped."""
    return template.format(**params) if params else template.replace("{{", "{").replace("}}", "}")


def missing(key: str) -> str:
    """What an unknown key prints: the key itself, or an error when messages are strict.

    The test suite sets ``CCHC_STRICT_MESSAGES=1`` (inherited by the processes it starts),
    so a key missing from every catalogue fails a test instead of reaching a user.
    """
    import os

    if os.environ.get("CCHC_STRICT_MESSAGES") == "1":
        raise MissingMessage(key)
    return key


def has(key: str) -> bool:
    """Whether the core catalogue holds ``key``."""
    return CATALOGUE.template(key, "vi") is not None


def keys() -> frozenset[str]:
    """Every key of the core catalogue."""
    return CATALOGUE.keys()


def t(key: str, lang: Lang = "vi", /, **params: Any) -> str:
    """The core text for ``key`` in ``lang``, formatted with ``params``."""
    template = CATALOGUE.template(key, lang)
    if template is None:
        return missing(key)
    return format_message(template, params)


def normalize_lang(value: str | None) -> Lang:
    """``vi`` unless the user asked for English (``en``, ``en_US.UTF-8`` …)."""
    return "en" if value and value.lower().startswith("en") else "vi"
