"""docs/formats.md documents every dossier column and every word the bundled mapping knows."""

from __future__ import annotations

from pathlib import Path

import yaml

from domain.dossier_columns import read_vocabulary
from domain.dossiers import COLUMNS
from plans import DOSSIER_COLUMNS

DOC = Path(__file__).parents[2] / "docs" / "formats.md"


def test_every_column_header_and_label_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    data = yaml.safe_load(DOSSIER_COLUMNS.read_text(encoding="utf-8"))
    for code in COLUMNS:
        assert f"| `{code}` |" in doc, code
        for header in data["columns"][code]:
            assert header in doc, header
    for column, codes in data["values"].items():
        for code, labels in codes.items():
            for label in labels:
                assert label in doc, (column, code, label)


def test_the_bundled_mapping_is_valid_and_names_every_column() -> None:
    words = read_vocabulary(DOSSIER_COLUMNS.read_text(encoding="utf-8"), "dossier-columns.yaml")
    assert set(words.headers.values()) == set(COLUMNS)
    assert words.column(" Ngày Hẹn  Trả ") == "ngay_hen_tra"
    assert words.code("trang_thai", "đã trả kết quả") == "da_tra"
