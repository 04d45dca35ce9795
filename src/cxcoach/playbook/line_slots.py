"""Slots in customer lines: `{name}`, `{offer}`, ... filled from what the customer remembers.

One home for the slot syntax, used by the builder (unknown slots are load
errors), the session (filling) and lint (a line that needs something the path
to it may not hold). `{{` and `}}` stand for literal braces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

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


# --- placeholders in suggested lines ---------------------------------------
#
# The scripts are written for real calls, where the agent says their own name
# and the time they commit to: `{姓名}`, `{时间}`, `{summary}`. A report that
# suggests such a line fills what the drill knows and shows the rest as a
# readable hint (`〈具体时间〉`, `‹a time›`), never as braces.

@dataclass(frozen=True, slots=True)
class Suggested:
    """What a placeholder in a suggested line stands for: the value that fills it (`name`, `offer`,
    `summary`; None when only the trainee can choose it, like a time) and the hint shown otherwise."""

    fills: str | None
    zh: str
    en: str

    @property
    def hint(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


_NAME = Suggested("name", "你的名字", "your name")
_OFFER = Suggested("offer", "解决方案", "the remedy")
_SUMMARY = Suggested("summary", "问题概述", "the problem in a few words")
_ISSUE = Suggested("summary", "顾客反映的问题", "the problem")
_TIME = Suggested(None, "具体时间", "a time")

SUGGESTED: dict[str, Suggested] = {
    "name": _NAME, "姓名": _NAME,
    "option": _OFFER, "remedy": _OFFER, "offer": _OFFER, "方案": _OFFER,
    "summary": _SUMMARY, "问题概述": _SUMMARY,
    "issue": _ISSUE, "问题": _ISSUE,
    "time": _TIME, "时间": _TIME,
}


def wants(text: str, fills: str) -> bool:
    """Does a suggested line hold a placeholder that `fills` (a `Suggested.fills` key such as "offer") would fill?

    A report asks before choosing a line: "Then we'll go with {option}" says nothing true
    when no remedy was offered, so it gives way to a line that needs none. A stray brace
    makes no placeholder.
    """
    try:
        names = slots_in(text)
    except SlotSyntaxError:
        return False
    return any((known := SUGGESTED.get(name)) is not None and known.fills == fills for name in names)


def suggested_hint(name: str, locale: str) -> str:
    """`〈具体时间〉` / `‹a time›`: a placeholder as a reader sees it when nothing fills it."""
    known = SUGGESTED.get(name)
    words = known.hint.get(locale, known.hint["en"]) if known is not None else name
    return f"〈{words}〉" if locale == "zh" else f"‹{words}›"


def fill_suggested(text: str, values: Mapping[str, str], locale: str) -> tuple[str, tuple[str, ...]]:
    """A suggested line with its placeholders filled from `values` (keyed by `Suggested.fills`), the rest as
    hints; and the placeholders left as hints, in order. A stray brace stays as written."""
    left: list[str] = []

    def one(token: re.Match[str]) -> str:
        whole = token.group(0)
        if whole in ("{{", "}}") or token.group(1) is None:
            return whole[0]
        name = token.group(1).strip()
        known = SUGGESTED.get(name)
        value = values.get(known.fills) if known is not None and known.fills else None
        if value:
            return _in_sentence(value, text[:token.start()], locale)
        left.append(name)
        return suggested_hint(name, locale)

    return _TOKEN.sub(one, text), tuple(left)


def _in_sentence(value: str, before: str, locale: str) -> str:
    """"An electricity bill ..." reads "an electricity bill ..." inside an English sentence."""
    head = before.rstrip()
    first = value.split(" ", 1)[0]
    if locale != "zh" and head and head[-1] not in ".!?" and first in ("A", "An", "The"):
        return value[0].lower() + value[1:]
    return value
