"""A deadline that ticks: time left, then time overdue; frozen while the case's clock is paused.

Two uses. A plain timer (the drill's reply timer) sets `due` and the widget
counts down against the injected clock. A case deadline takes the engine's
view with `show_deadline(status, now, paused=...)`: the engine decides
whether the deadline is met, how much of it is used and which warning it
crossed, and whether the case's clock stands still. A paused deadline does
not tick (the engine moves it later by as much as the pause lasts), a met
one says so, and the words say it, not only the colour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from ...engine.result import DeadlineStatus
from ..text import assemble, remaining

Clock = Callable[[], dt.datetime]

# A word with "{}" is a template for the time ("剩余 {}"); a bare word goes after ("left") or before ("overdue").
WORDS = {"left": "{} left", "overdue": "overdue {}", "paused": "paused", "met": "met", "used": "{} used",
         "warning": "past the {} warning"}


def say(word: str, value: str, *, before: bool) -> str:
    """`word` around a time: its template ("剩余 {}"), or the bare word before or after it."""
    if "{}" in word:
        return word.format(value)
    return f"{word} {value}" if before else f"{value} {word}"


class Countdown(Static):
    """Shows `label  12:05 left` until `due`, then `label  overdue 03:10`.

    With the engine's view (`show_deadline`) it adds the share used and the
    warning crossed (`12:05 left · 80% used · past the 75% warning`), shows
    `paused · 12:05 left` without ticking while the case's clock stands
    still, and `met` once the deadline is done.

    The clock is injected (an aware-datetime callable) so tests and snapshots
    freeze time; the widget re-reads it every `interval` seconds.

    | Class | When |
    | :- | :- |
    | `-warning` | less than `warn_within` left, or the engine reports a warning crossed |
    | `-overdue` | past due |
    | `-paused` | the case's clock is paused |
    | `-met` | the deadline is met |
    | `-idle` | no deadline |
    """

    DEFAULT_CSS = """
    Countdown {
        width: auto;
        height: 1;
        padding: 0 1;
        background: $boost;
    }
    Countdown.-warning { background: $warning 40%; }
    Countdown.-overdue { background: $error 60%; text-style: bold; }
    Countdown.-paused { background: $primary 30%; }
    Countdown.-met { color: $success; }
    Countdown.-idle { color: $text-muted; }
    """

    due: reactive[dt.datetime | None] = reactive(None)
    paused: reactive[bool] = reactive(False)
    met: reactive[bool] = reactive(False)

    class Expired(Message):
        """Posted once when the deadline passes (again after `due` changes); never while paused or met."""

        def __init__(self, countdown: Countdown) -> None:
            super().__init__()
            self.countdown = countdown

        @property
        def control(self) -> Countdown:
            return self.countdown

    def __init__(self, label: str, clock: Clock, *, due: dt.datetime | None = None,
                 warn_within: dt.timedelta = dt.timedelta(minutes=10), left_word: str = "left",
                 overdue_word: str = "overdue", words: Mapping[str, str] | None = None, interval: float = 1.0,
                 **kwargs: Any) -> None:
        super().__init__("", markup=False, **kwargs)
        self.label = label
        self.clock = clock
        self.warn_within = warn_within
        self.words = {**WORDS, "left": left_word, "overdue": overdue_word, **(words or {})}
        self.interval = interval
        self.share: float | None = None  # engine's share of the deadline used, at its last view
        self.warning: float | None = None  # engine's highest warning crossed
        self._frozen_left: dt.timedelta | None = None  # time left when the clock stopped
        self._expired = False
        self.set_reactive(Countdown.due, due)

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(self.interval, self.tick)

    def watch_due(self, old: dt.datetime | None, new: dt.datetime | None) -> None:
        if old != new:
            self._expired = False
        self.tick()

    def show_deadline(self, status: DeadlineStatus | None, now: dt.datetime, *, paused: bool = False) -> None:
        """Take the engine's view of one deadline at `now` (None: no such deadline runs)."""
        self.share = None if status is None else status.fraction
        self.warning = None if status is None else status.warning
        self.set_reactive(Countdown.met, status is not None and status.met)
        self.set_reactive(Countdown.paused, paused and status is not None and not status.met)
        self._frozen_left = status.due - now if status is not None and self.paused else None
        if status is None or status.due != self.due:
            self._expired = False
        self.set_reactive(Countdown.due, None if status is None else status.due)
        self.tick()

    @property
    def left(self) -> dt.timedelta | None:
        if self.due is None or self.met:
            return None
        if self.paused and self._frozen_left is not None and self._frozen_left.total_seconds() >= 0:
            return self._frozen_left
        return self.due - self.clock()

    @property
    def overdue(self) -> bool:
        left = self.left
        return left is not None and left.total_seconds() < 0

    def tick(self) -> None:
        w = self.words
        left = self.left
        overdue = left is not None and left.total_seconds() < 0
        near = left is not None and 0 <= left.total_seconds() < self.warn_within.total_seconds()
        self.set_class(self.due is None, "-idle")
        self.set_class(self.met, "-met")
        self.set_class(self.paused and not overdue, "-paused")
        self.set_class(overdue, "-overdue")
        self.set_class(not overdue and not self.met and (near or self.warning is not None), "-warning")
        parts: list[tuple[object, str] | object] = [(self.label, "bold"), "  "]
        if self.due is None:
            parts.append("—")
        elif self.met:
            parts.append(w["met"])
        else:
            if self.paused:
                parts.append(f"{w['paused']} · ")
            if overdue and left is not None:
                parts.append(say(w["overdue"], remaining(left), before=True))
            elif left is not None:
                parts.append(say(w["left"], remaining(left), before=False))
            if self.share is not None:
                parts.append(" · " + say(w["used"], f"{self.share:.0%}", before=False))
            if self.warning is not None and not overdue:
                parts.append(" · " + say(w["warning"], f"{self.warning:.0%}", before=True))
        self.update(assemble(*parts))
        if overdue and not self._expired and not self.paused:
            self._expired = True
            self.post_message(self.Expired(self))
