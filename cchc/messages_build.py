"""Compile the message catalogues (``.po`` → ``.mo``) and check them.

``python -m cchc.messages_build`` compiles every layer's ``.po`` into the ``.mo`` beside it
(run by ``make docs``); ``--check`` compiles in memory and exits 1 naming each committed
``.mo`` that is out of date and each key that is in one language but not the other, has no
text, is marked fuzzy or has other placeholders than in the other language (run by
``make lint``). The compiled files are committed, so an installed package needs no build
step and the run-time lookup needs only the standard library's ``gettext``.

Compiling is deterministic: the same ``.po`` gives byte-identical ``.mo``, whatever the
Babel version (the ``Generated-By`` header is left out of the compiled file).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from string import Formatter

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileParser

from application.messages import CATALOGUE as APP
from cchc.messages import CATALOGUE as CLI
from domain.i18n import CATALOGUE as CORE
from domain.i18n import LANGS, Catalogue, Lang

ROOT = Path(__file__).resolve().parent.parent
# The web pages' catalogue (``web.messages.CATALOGUE``), named by its place: the command line
# and the web are sibling front ends and do not import each other.
WEB = Catalogue("web", ROOT / "web")
CATALOGUES: tuple[Catalogue, ...] = (CORE, APP, CLI, WEB)


class _Catalog(Catalog):
    """A Babel catalogue whose header does not name the Babel version that compiled it."""

    def _get_mime_headers(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in super()._get_mime_headers() if k != "Generated-By"]


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def read(catalogue: Catalogue, lang: Lang) -> Catalog:
    """The ``.po`` of ``catalogue`` in ``lang`` (an invalid file raises ``PoFileError``)."""
    catalog = _Catalog(locale=lang, domain=catalogue.domain)
    with catalogue.po(lang).open("rb") as fh:
        PoFileParser(catalog, ignore_obsolete=True, abort_invalid=True).parse(fh)
    return catalog


def compiled(catalog: Catalog) -> bytes:
    """The ``.mo`` bytes of ``catalog`` (fuzzy and empty entries are left out, as gettext does)."""
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def placeholders(text: str) -> set[str]:
    """The ``str.format`` field names in ``text`` (``{{``/``}}`` are literal braces)."""
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def texts(catalog: Catalog) -> dict[str, str]:
    """Key → text of every entry with a plain (not plural, not context) msgid."""
    return {
        m.id: m.string
        for m in catalog
        if m.id and isinstance(m.id, str) and isinstance(m.string, str)
    }


def problems(catalogue: Catalogue, catalogs: dict[Lang, Catalog]) -> list[str]:
    """What is wrong with one layer's ``.po`` files, one line each, naming the file."""
    out: list[str] = []
    by_lang = {lang: texts(catalogs[lang]) for lang in LANGS}
    for lang in LANGS:
        po = _rel(catalogue.po(lang))
        for other in LANGS:
            if other != lang:
                for key in sorted(by_lang[other].keys() - by_lang[lang].keys()):
                    out.append(f"{po}: '{key}' is missing (it is in {_rel(catalogue.po(other))})")
        for message in catalogs[lang]:
            if message.id and not message.string:
                out.append(f"{po}: '{message.id}' has no text")
            elif message.id and message.fuzzy:
                out.append(f"{po}: '{message.id}' is marked fuzzy (left out of the .mo)")
    vi, en = by_lang["vi"], by_lang["en"]
    for key in sorted(vi.keys() & en.keys()):
        if placeholders(vi[key]) != placeholders(en[key]):
            out.append(
                f"{_rel(catalogue.po('vi'))}: '{key}' has placeholders "
                f"{sorted(placeholders(vi[key]))} in vi but {sorted(placeholders(en[key]))} in en"
            )
    return out


def check(catalogues: tuple[Catalogue, ...] = CATALOGUES) -> list[str]:
    """Every problem with the catalogues and every stale or absent ``.mo``; empty when all is well."""
    out: list[str] = []
    for catalogue in catalogues:
        catalogs = {lang: read(catalogue, lang) for lang in LANGS}
        out += problems(catalogue, catalogs)
        for lang in LANGS:
            mo = catalogue.mo(lang)
            if not mo.exists() or mo.read_bytes() != compiled(catalogs[lang]):
                out.append(f"out of date: {_rel(mo)} (run `make docs`)")
    return out


def build(catalogues: tuple[Catalogue, ...] = CATALOGUES) -> list[Path]:
    """Write every ``.mo`` whose ``.po`` changed; the files written."""
    written: list[Path] = []
    for catalogue in catalogues:
        for lang in LANGS:
            data = compiled(read(catalogue, lang))
            mo = catalogue.mo(lang)
            if not mo.exists() or mo.read_bytes() != data:
                mo.write_bytes(data)
                written.append(mo)
    return written


def main(argv: list[str]) -> int:
    if "--check" not in argv:
        for path in build():
            print(f"wrote {_rel(path)}")
    found = check()
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
