"""Officers' names as people type them: case and diacritics aside, a unique part will do."""

from __future__ import annotations

import pytest

from domain.names import find_by_name, fold, near_names

NAMES = [
    "Nguyễn Văn Hùng",
    "Trần Thị Mai",
    "Phạm Thị Hồng Nhung",
    "Bùi Thị Ngọc Ánh",
    "Đỗ Thanh Sơn",
    "Đặng Thị Thu Hà",
]


def found(query: str, names: list[str] = NAMES) -> list[str]:
    return find_by_name(query, names, str)


def test_fold_drops_case_and_diacritics_including_d_with_stroke() -> None:
    assert fold("Bùi Thị Ngọc Ánh") == "bui thi ngoc anh"
    assert fold("  ĐỖ   Thanh  Sơn ") == "do thanh son"
    assert fold("Đặng Thị Thu Hà") == fold("dang thi thu ha")


@pytest.mark.parametrize(
    "query",
    ["Bùi Thị Ngọc Ánh", "bùi thị ngọc ánh", "BUI THI NGOC ANH", "bui  thi ngoc anh", "Ngọc Ánh"],
)
def test_a_name_is_found_however_it_is_typed(query: str) -> None:
    assert found(query) == ["Bùi Thị Ngọc Ánh"]


def test_a_decomposed_unicode_name_is_the_same_name() -> None:
    import unicodedata

    assert found(unicodedata.normalize("NFD", "Trần Thị Mai")) == ["Trần Thị Mai"]


def test_words_match_whole_and_in_order() -> None:
    assert found("Thị") == [
        "Trần Thị Mai",
        "Phạm Thị Hồng Nhung",
        "Bùi Thị Ngọc Ánh",
        "Đặng Thị Thu Hà",
    ]
    assert found("Ánh Ngọc") == []
    assert found("Ngọ") == []  # part of a word is not a match
    assert found("") == []


def test_an_exact_spelling_wins_over_the_same_name_without_diacritics() -> None:
    names = ["Lê Văn Tâm", "Lê Văn Tám"]
    assert found("Lê Văn Tám", names) == ["Lê Văn Tám"]
    assert found("le van tam", names) == names  # ambiguous: both are "le van tam"


def test_near_names_share_the_most_telling_words() -> None:
    assert near_names("Nguyễn Thị Nở", NAMES, str) == ["Nguyễn Văn Hùng"]
    assert near_names("Thị Văn", NAMES, str) == []  # Thị and Văn tell nobody apart
    assert near_names("Hồng Hà", NAMES, str) == ["Phạm Thị Hồng Nhung", "Đặng Thị Thu Hà"]
    assert near_names("Xyz", NAMES, str) == []
