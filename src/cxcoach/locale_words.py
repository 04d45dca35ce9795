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
