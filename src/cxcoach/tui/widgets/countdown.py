"""A deadline that ticks: time left, then time overdue, coloured as it nears."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from ..text import assemble, remaining

Clock = Callable[[], dt.datetime]


class Countdown(Static):
    """Shows `label  12:05 left` until `due`, then `label  overdue 03:10`.

    The clock is injected (an aware-datetime callable) so tests and snapshots
    freeze time; the widget re-reads it every `interval` seconds. Classes
    `-warning` (less than `warn_within` left) and `-overdue` drive the colour
    from CSS.
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
    Countdown.-idle { color: $text-muted; }
    """

    due: reactive[dt.datetime | None] = reactive(None)

    class Expired(Message):
        """Posted once when the deadline passes (again after `due` changes)."""

        def __init__(self, countdown: Countdown) -> None:
            super().__init__()
            self.countdown = countdown

        @property
        def control(self) -> Countdown:
            return self.countdown

    def __init__(self, label: str, clock: Clock, *, due: dt.datetime | None = None,
                 warn_within: dt.timedelta = dt.timedelta(minutes=10), left_word: str = "left",
                 overdue_word: str = "overdue", interval: float = 1.0, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.label = label
        self.clock = clock
        self.warn_within = warn_within
        self.left_word = left_word
        self.overdue_word = overdue_word
        self.interval = interval
        self._expired = False
        self.set_reactive(Countdown.due, due)

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(self.interval, self.tick)

    def watch_due(self) -> None:
        self._expired = False
        self.tick()

    @property
    def left(self) -> dt.timedelta | None:
        return None if self.due is None else self.due - self.clock()

    @property
    def overdue(self) -> bool:
        left = self.left
        return left is not None and left.total_seconds() < 0

    def tick(self) -> None:
        left = self.left
        self.set_class(left is None, "-idle")
        self.set_class(left is not None and left.total_seconds() < 0, "-overdue")
        self.set_class(left is not None and 0 <= left.total_seconds() < self.warn_within.total_seconds(), "-warning")
        if left is None:
            self.update(assemble((self.label, "bold"), "  —"))
        elif left.total_seconds() < 0:
            self.update(assemble((self.label, "bold"), f"  {self.overdue_word} {remaining(left)}"))
            if not self._expired:
                self._expired = True
                self.post_message(self.Expired(self))
        else:
            self.update(assemble((self.label, "bold"), f"  {remaining(left)} {self.left_word}"))
