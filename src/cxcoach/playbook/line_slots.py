"""Slots in customer lines: `{name}`, `{offer}`, ... filled from what the customer remembers.

One home for the slot syntax, used by the builder (unknown slots are load
errors), the session (filling) and lint (a line that needs something the path
to it may not hold). `{{` and `}}` stand for literal braces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

SLOTS: dict[str, str] = {
    "name": "the trainee's name",
    "offer": "the latest remedy the trainee offered",
    "overpromise": "the latest remedy promised beyond the trainee's authority",
    "refused": "the latest remedy the trainee refused",
    "quote": "what the trainee said that chose this line",
}

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


class SlotSyntaxError(ValueError):
    """A brace that opens or closes no slot."""


def slots_in(text: str) -> tuple[str, ...]:
    """The slot names a text uses, in order (unknown names included); raises SlotSyntaxError on a stray brace."""
    found = []
    for token in _TOKEN.finditer(text):
        if token.group(0) in ("{{", "}}"):
            continue
        if token.group(1) is None:
            raise SlotSyntaxError(f"stray {token.group(0)!r} at character {token.start() + 1}")
        found.append(token.group(1).strip())
    return tuple(found)


def fill(text: str, values: Mapping[str, str]) -> str | None:
    """The text with its slots filled, or None when a slot has no value (the line cannot be said now)."""
    missing = False

    def one(token: re.Match[str]) -> str:
        nonlocal missing
        whole = token.group(0)
        if whole in ("{{", "}}"):
            return whole[0]
        value = values.get((token.group(1) or "").strip())
        if not value:
            missing = True
            return ""
        return value

    out = _TOKEN.sub(one, text)
    return None if missing else out
