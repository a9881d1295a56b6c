"""With ``CCHC_BASE_URL`` set, the emails the command line's work sends link to the page of
the occurrence they are about instead of printing a command to type."""

from __future__ import annotations

import os
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from plans import HERE, PLAN_2020

pytestmark = pytest.mark.simulation

NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer: leads II.3.1 (quarterly from Q2)
MAI = "mai.tt@phuhuu.gov.vn"  # vice-chairman for area 3: approves II.3.1
BASE = "https://cchc.phuhuu.gov.vn"


def bodies() -> list[tuple[str, str, str]]:
    """(recipient, plain text, HTML) of every email written to the outbox folder."""
    out = []
    for path in sorted(Path(os.environ["CCHC_HOME"], "outbox").glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
        out.append((message["To"].addresses[0].addr_spec, text, html))
    return out


def submit_and_deliver(cli) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    assert cli("schedule", "--now", "2020-01-01T06:00")[0] == 0
    code, _, err = cli(
        "occurrence", "submit", "II.3.1", "2020-Q2", "--as", NHUNG, "--now", "2020-06-29T09:00",
        "--reason", "Báo cáo đang trình ký",
    )  # fmt: skip
    assert code == 0, err
    assert cli("outbox", "deliver", "--now", "2020-06-29T10:00")[0] == 0
    return [b for b in bodies() if b[0] == MAI]


def test_the_approvers_email_links_to_the_occurrence_page(
    cli, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CCHC_BASE_URL", BASE + "/")
    [(_, text, html)] = submit_and_deliver(cli)
    assert f"{BASE}/nhiem-vu/II.3.1/2020-Q2" in text
    assert f'href="{BASE}/nhiem-vu/II.3.1/2020-Q2"' in html
    assert "cchc occurrence" not in text and "cchc occurrence" not in html


def test_without_a_base_url_the_email_keeps_the_commands(cli) -> None:  # type: ignore[no-untyped-def]
    [(_, text, _)] = submit_and_deliver(cli)
    assert "cchc occurrence accept II.3.1 2020-Q2" in text and "/nhiem-vu/" not in text
