"""With the web's public address set (``CCHC_BASE_URL``), messages about occurrences link to
the occurrence's page where they would print a command to type; without it, they keep the
command."""

from __future__ import annotations

import pytest

from domain.i18n import Lang
from notifications.render import render, sample_context, with_links

BASE = "https://cchc.phuhuu.gov.vn"
PAGE = BASE + "/nhiem-vu/II.3.5/2020-01"
ABOUT_OCCURRENCES = (
    "reminder",
    "escalation",
    "returned",
    "assignment",
    "submitted",
    "bundle",
    "nudge",
)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("kind", [*ABOUT_OCCURRENCES, "digest"])
def test_a_link_to_the_page_replaces_every_command(kind: str, lang: Lang) -> None:
    plain = render(kind, sample_context(kind, lang), lang)
    linked = render(kind, with_links(sample_context(kind, lang), BASE), lang)
    assert "cchc occurrence" in plain.text + plain.html  # today's text: a command
    for part in (linked.text, linked.html):
        assert "cchc occurrence" not in part, (kind, part)
        assert "/nhiem-vu/" in part
    assert 'href="' + BASE + "/nhiem-vu/" in linked.html
    assert linked.subject == plain.subject


@pytest.mark.parametrize("kind", ABOUT_OCCURRENCES)
def test_the_link_is_the_occurrence_of_the_message(kind: str) -> None:
    linked = render(kind, with_links(sample_context(kind, "vi"), BASE + "/"), "vi")
    assert PAGE in linked.text or BASE + "/nhiem-vu/II.1.2/2020-Q1" in linked.text


def test_without_a_base_url_nothing_changes() -> None:
    for kind in (*ABOUT_OCCURRENCES, "digest", "dead_letter"):
        context = sample_context(kind, "vi")
        assert render(kind, with_links(context, None), "vi") == render(kind, context, "vi")


def test_digest_items_each_link_to_their_page() -> None:
    linked = render("digest", with_links(sample_context("digest", "vi"), BASE), "vi")
    pages = {line.strip() for line in linked.text.splitlines() if "/nhiem-vu/" in line}
    assert len(pages) >= 2
