"""The message catalogues: complete in both languages, compiled, and looked up layer by layer."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import application.messages as app_messages
import cchc.messages as cli_messages
import domain.i18n as core
from cchc import messages_build
from domain.i18n import LANGS, Catalogue, MissingMessage

LAYERS: list[tuple[str, ModuleType]] = [
    ("core", core),
    ("app", app_messages),
    ("cli", cli_messages),
]
IDS = [name for name, _ in LAYERS]


@pytest.mark.parametrize(("name", "layer"), LAYERS, ids=IDS)
def test_every_key_is_in_both_languages(name: str, layer: Any) -> None:
    catalogue: Catalogue = layer.CATALOGUE
    assert catalogue.domain == name
    vi, en = catalogue.keys("vi"), catalogue.keys("en")
    assert len(vi) > 10
    assert vi == en == layer.keys()
    for key in sorted(layer.keys()):
        for lang in LANGS:
            assert catalogue.template(key, lang), (key, lang)


@pytest.mark.parametrize(("name", "layer"), LAYERS, ids=IDS)
def test_placeholders_are_the_same_in_both_languages(name: str, layer: Any) -> None:
    for key in sorted(layer.keys()):
        vi, en = (
            messages_build.placeholders(layer.CATALOGUE.template(key, lang)) for lang in LANGS
        )
        assert vi == en, key


def test_no_key_is_in_two_layers() -> None:
    """A key in two layers would hide the lower one's text."""
    assert not core.keys() & app_messages.keys()
    assert not core.keys() & cli_messages.keys()
    assert not app_messages.keys() & cli_messages.keys()


@pytest.mark.parametrize(
    ("t", "key", "params", "vi", "en"),
    [
        (core.t, "problem.count", {"n": 2}, "Tổng cộng 2 lỗi.", "2 problem(s) in all."),
        (core.t, "error.unit_not_found", {"code": "P1"}, "Không có đơn vị 'P1'.", "No unit 'P1'."),
        (core.t, "status.in_progress", {}, "đang thực hiện", "in progress"),
        (core.t, "label.vacant", {}, "(chưa có người giữ)", "(vacant)"),
        (
            app_messages.t,
            "settings.between",
            {"name": "CCHC_X", "value": "9", "low": 1, "high": 5},
            "CCHC_X: '9' phải từ 1 đến 5",
            "CCHC_X: '9' must be from 1 to 5",
        ),
        (cli_messages.t, "cli.file_valid", {"file": "a.yaml"}, "a.yaml: hợp lệ.", "a.yaml: valid."),
        (app_messages.t, "completeness.missing", {}, "Còn thiếu", "Missing"),
        (cli_messages.t, "cli.evidence_field.issuer", {}, "Cơ quan ban hành", "Issuer"),
    ],
)
def test_texts_keep_their_vietnamese_diacritics(
    t: Any, key: str, params: dict[str, Any], vi: str, en: str
) -> None:
    assert t(key, "vi", **params) == vi
    assert t(key, "en", **params) == en


def test_vietnamese_is_the_default_and_any_other_language_reads_english() -> None:
    assert core.t("status.open") == "chưa thực hiện"
    assert core.t("status.open", "fr") == "open"  # type: ignore[arg-type]


def test_escaped_braces_are_unescaped_without_params() -> None:
    assert (
        core.t("problem.once_needs_date", "en") == "'every: once' needs 'due: {date: YYYY-MM-DD}'"
    )


def test_the_cli_layer_falls_back_to_the_application_layer_and_the_core() -> None:
    cli_keys = cli_messages.keys()
    assert "problem.count" not in cli_keys
    assert cli_messages.t("problem.count", "vi", n=2) == "Tổng cộng 2 lỗi."
    assert app_messages.t("problem.count", "en", n=3) == "3 problem(s) in all."
    assert "settings.invalid" not in cli_keys
    assert cli_messages.t("settings.invalid", "en", name="A", value="b") == "A: 'b' is not valid"
    assert core.has("problem.count") and not core.has("cli.file_valid")


@pytest.mark.parametrize("t", [core.t, app_messages.t, cli_messages.t], ids=IDS)
def test_an_unknown_key_raises_when_strict(t: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCHC_STRICT_MESSAGES", "1")
    with pytest.raises(MissingMessage, match=r"no\.such\.key"):
        t("no.such.key", "vi")


@pytest.mark.parametrize("t", [core.t, app_messages.t, cli_messages.t], ids=IDS)
def test_an_unknown_key_prints_the_key_otherwise(t: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CCHC_STRICT_MESSAGES", raising=False)
    assert t("no.such.key", "en", n=1) == "no.such.key"


def test_the_committed_mo_files_are_current() -> None:
    assert messages_build.check() == []
    assert messages_build.main(["--check"]) == 0


def test_compiling_is_deterministic() -> None:
    for catalogue in messages_build.CATALOGUES:
        for lang in LANGS:
            first = messages_build.compiled(messages_build.read(catalogue, lang))
            again = messages_build.compiled(messages_build.read(catalogue, lang))
            assert first == again == catalogue.mo(lang).read_bytes()
            assert b"Generated-By" not in first


@pytest.fixture
def scratch(tmp_path: Path) -> Catalogue:
    """A copy of the application layer's catalogues to break."""
    shutil.copytree(app_messages.CATALOGUE.localedir, tmp_path / "locale")
    return Catalogue("app", tmp_path)


def test_the_check_names_a_stale_mo_and_a_key_in_one_language(scratch: Catalogue) -> None:
    assert messages_build.check((scratch,)) == []
    with scratch.po("en").open("a", encoding="utf-8") as fh:
        fh.write('\nmsgid "settings.new"\nmsgstr "new"\n')
    found = messages_build.check((scratch,))
    assert any(
        "'settings.new' is missing" in line and "vi/LC_MESSAGES/app.po" in line for line in found
    )
    assert any(
        line.startswith("out of date:") and line.endswith("en/LC_MESSAGES/app.mo (run `make docs`)")
        for line in found
    )
    assert not any("vi/LC_MESSAGES/app.mo" in line for line in found)

    with scratch.po("vi").open("a", encoding="utf-8") as fh:
        fh.write('\nmsgid "settings.new"\nmsgstr "mới"\n')
    assert messages_build.build((scratch,)) == [scratch.mo("vi"), scratch.mo("en")]
    assert messages_build.check((scratch,)) == []
    assert scratch.template("settings.new", "vi") == "mới"


def test_the_check_names_differing_placeholders(scratch: Catalogue) -> None:
    po = scratch.po("en")
    po.write_text(
        po.read_text(encoding="utf-8").replace(
            "{name}: '{value}' is not valid", "{value} is not valid"
        ),
        encoding="utf-8",
    )
    messages_build.build((scratch,))
    assert messages_build.check((scratch,)) == [
        f"{scratch.po('vi')}: 'settings.invalid' has placeholders ['name', 'value'] in vi but ['value'] in en"
    ]


def test_looking_up_a_message_does_not_import_babel() -> None:
    """Run time needs only the standard library's gettext, so ``cchc --help`` stays fast."""
    code = (
        "import sys, cchc.cli; from cchc.messages import t; t('problem.count', 'en', n=1);"
        "t('cli.file_valid', 'vi', file='x'); t('settings.invalid', 'vi', name='a', value='b');"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'babel'], 'babel imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(("name", "layer"), LAYERS, ids=IDS)
def test_vietnamese_messages_hint_in_vietnamese(name: str, layer: Any) -> None:
    catalogue: Catalogue = layer.CATALOGUE
    for key in sorted(catalogue.keys("vi")):
        text = catalogue.template(key, "vi") or ""
        assert "Hint" not in text, (key, text)
        english = catalogue.template(key, "en") or ""
        assert "Gợi ý" not in english, (key, english)
