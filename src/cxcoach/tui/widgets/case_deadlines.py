"""A case's two deadlines, respond and resolve, as the engine sees them at one instant.

The desk's highlighted case and the what-if case show the same pair, so
they share this widget: the engine's `Result` decides what each countdown
says (time left, share used, warning crossed, met, paused), and the words
are the UI language's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical

from ...engine.result import DeadlineStatus, Result
from ..i18n import tr
from .countdown import Clock, Countdown

TARGETS = ("respond", "resolve")


def deadline(result: Result | None, target: str) -> DeadlineStatus | None:
    """The engine's status of the respond or resolve deadline, if one runs."""
    if result is None:
        return None
    return next((d for d in result.deadlines if d.target == target), None)


def countdown_words(lang: str) -> dict[str, str]:
    """What a case countdown says, in `lang`."""
    keys = {"left": "desk.left", "overdue": "desk.overdue_for", "paused": "desk.paused", "met": "desk.met",
            "used": "desk.used", "warning": "desk.warning"}
    return {word: tr(key, lang) for word, key in keys.items()}


class CaseDeadlines(Vertical):
    """`Respond by` and `Resolve by` countdowns (ids `#respond`, `#resolve`), one line each."""

    DEFAULT_CSS = """
    CaseDeadlines { height: auto; }
    """

    def __init__(self, clock: Clock, lang: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.lang = lang

    def compose(self) -> ComposeResult:
        words = countdown_words(self.lang)
        for target in TARGETS:
            yield Countdown(tr(f"console.{target}", self.lang), self.clock, id=target, words=words)

    def show(self, result: Result | None, now: dt.datetime) -> None:
        """Both deadlines as `result` has them at `now` (standing still while the case's clock is paused)."""
        paused = result is not None and result.paused
        for target in TARGETS:
            self.query_one(f"#{target}", Countdown).show_deadline(deadline(result, target), now, paused=paused)
