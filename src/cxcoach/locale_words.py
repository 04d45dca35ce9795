"""Word tables keyed by locale, with English as the fallback.

The engine's rendered result and the monthly report each keep their own words
(`engine/render.py`, `report/tables.py`, `report/labels.py`); this module is the
one place that decides which locale's words a caller gets and what happens when
a locale or a word is missing, so every surface falls back the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

WordTable = Mapping[str, Mapping[str, str]]
"""Locale -> key -> word; must hold an "en" entry with every key."""


def words_for(table: WordTable, locale: str) -> Mapping[str, str]:
    """All the words of `locale`, or the English ones when the table has no such locale."""
    return table.get(locale, table["en"])


def word(table: WordTable, locale: str, key: str) -> str:
    """The word for `key` in `locale`; English when that locale lacks the word or leaves it empty."""
    return words_for(table, locale).get(key) or table["en"][key]


class Punctuation:
    """How a locale punctuates words around figures: Chinese full-width (得分：58/100（未通过，及格线 60）),
    English half-width with spaces (Score: 58/100 (failed, pass mark 60)).

    A plain slotted class, not a dataclass: this module is on `recommend`'s start-up path, which imports
    nothing it does not need (tests/test_import_hygiene.py)."""

    __slots__ = ("close", "colon", "comma", "listing", "open", "semicolon")

    def __init__(self, colon: str, comma: str, listing: str, semicolon: str, open: str, close: str) -> None:
        self.colon = colon
        self.comma = comma
        self.listing = listing  # between quoted items: 「退您」、「全免」
        self.semicolon = semicolon
        self.open = open
        self.close = close

    def labelled(self, label: str, value: str) -> str:
        return f"{label}{self.colon}{value}"

    def aside(self, text: str) -> str:
        """A parenthetical remark after a word ("" when there is none)."""
        return f"{self.open}{text}{self.close}" if text else ""


_FULL_WIDTH = Punctuation("：", "，", "、", "；", "（", "）")
_HALF_WIDTH = Punctuation(": ", ", ", ", ", "; ", " (", ")")


def punctuation(locale: str) -> Punctuation:
    """Full-width for Chinese, half-width otherwise."""
    return _FULL_WIDTH if locale.split("-")[0] == "zh" else _HALF_WIDTH
