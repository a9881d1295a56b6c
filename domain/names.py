"""Names as officers type them: without caring for case or diacritics ("dấu").

``fold("Bùi Thị Ngọc Ánh") == "bui thi ngoc anh"``: what a search compares, so an officer
found as "bui thi ngoc anh" or "BÙI THỊ NGỌC ÁNH" is the same person. Display always keeps
the name as written.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

T = TypeVar("T")


def fold(text: str) -> str:
    """Lower case, without diacritics (đ → d), single spaces."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def find_by_name(query: str, items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """The items whose name is ``query``: written exactly as given (spacing aside), else the
    same name ignoring case and diacritics, else every name that contains the query's words
    in order (``"Ngọc Ánh"``). Several results mean the query is ambiguous; none, unknown."""
    pool: Sequence[T] = list(items)
    wanted = " ".join(unicodedata.normalize("NFC", query).split())
    exact = [i for i in pool if " ".join(unicodedata.normalize("NFC", name(i)).split()) == wanted]
    if exact:
        return exact
    folded = fold(query)
    if not folded:
        return []
    same = [i for i in pool if fold(name(i)) == folded]
    if same:
        return same
    return [i for i in pool if f" {folded} " in f" {fold(name(i))} "]


COMMON = frozenset({"thi", "van"})  # Thị, Văn: in half the names, they tell nobody apart


def near_names(query: str, items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """The candidates to suggest when a name was not found: the items sharing the most words
    with ``query`` (ignoring case, diacritics and the common middle names Thị and Văn); none
    when no word is shared."""
    words = set(fold(query).split()) - COMMON
    scored = [(len(words & set(fold(name(i)).split())), i) for i in items]
    best = max((score for score, _ in scored), default=0)
    return [i for score, i in scored if best and score == best]
