"""The supervisor's queue: every open case in one table, most urgent first, time left ticking.

Rows come from the store's current-state rows only (`CaseRow`), ranked by
`desk.risk.Triage` every tick: overdue first, then the share of the nearest
deadline used. No engine runs per row, so thousands of open cases re-rank
in milliseconds. The table is rebuilt only when the order changes; otherwise
only the cells of the rows on screen that changed are rewritten. States are
written in words ("overdue 1:02:00", "paused · 12:05 left", "warning"), and
coloured through the component classes below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from ...desk.risk import Risk, Triage
from ...store.cases import CaseRow
from ..labels import PlaybookWords
from ..text import cell, remaining
from .time_input import zone_offset

# What decides the order comes first, so a narrow terminal still shows it; the rest scrolls sideways.
COLUMNS = ("case", "left", "used", "escalate", "stage", "due", "received", "about")

TEXTS = {"case": "Case", "stage": "Stage", "about": "About", "received": "Received", "due": "Next deadline",
         "left": "Time left", "used": "Used", "escalate": "Escalate to", "respond": "respond", "resolve": "resolve",
         "time_left": "{} left", "overdue_for": "overdue {}", "paused": "paused", "warning": "warning"}


def _fill(template: str, value: str) -> str:
    return template.format(value) if "{}" in template else f"{value} {template}"


class CaseQueue(DataTable):
    """One row per open case, most urgent first; the highlighted row is the case the screen shows.

    | Key | Does |
    | :- | :- |
    | up / down | previous / next case |
    | page up / page down, home / end | scroll the queue |
    | enter | show the highlighted case's details (posts `CaseQueue.CaseChosen`) |

    | Component class | Styles |
    | :- | :- |
    | `case-queue--overdue` | a case past its nearest deadline |
    | `case-queue--warning` | a case past a warning share (e.g. 75 %) |
    | `case-queue--paused` | a case whose clock is paused |
    """

    COMPONENT_CLASSES = {"case-queue--overdue", "case-queue--warning", "case-queue--paused"}

    DEFAULT_CSS = """
    CaseQueue { height: 1fr; }
    CaseQueue > .case-queue--overdue { color: $text-error; text-style: bold; }
    CaseQueue > .case-queue--warning { color: $text-warning; }
    CaseQueue > .case-queue--paused { color: $text-primary; }
    """

    BINDINGS = [Binding("enter", "choose", "Details", show=False)]

    class CaseHighlighted(Message):
        """Another case is highlighted (`case_id` None: the queue is empty)."""

        def __init__(self, queue: CaseQueue, case_id: int | None) -> None:
            super().__init__()
            self.queue = queue
            self.case_id = case_id

        @property
        def control(self) -> CaseQueue:
            return self.queue

    class CaseChosen(Message):
        """Enter was pressed on a case."""

        def __init__(self, queue: CaseQueue, case_id: int) -> None:
            super().__init__()
            self.queue = queue
            self.case_id = case_id

        @property
        def control(self) -> CaseQueue:
            return self.queue

    def __init__(self, words: PlaybookWords, triage: Triage, texts: Mapping[str, str] | None = None, *,
                 offset: str = "", **kwargs) -> None:
        """`offset` is the playbook zone's UTC offset now (`+08:00`): the screen says it once, and a time
        at another offset (across a daylight-saving change) shows its own."""
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.words = words
        self.zone_offset = offset
        self.texts = {**TEXTS, **(texts or {})}
        self.triage = triage
        self.overdue_only = False  # show only the overdue cases
        self.cases: dict[int, CaseRow] = {}
        self.risks: dict[int, Risk] = {}
        self.order: list[int] = []
        self._shown: dict[int, tuple[Text, ...]] = {}
        self._highlighted: int | None = None
        self._pending: dt.datetime | None = None  # rows loaded before the columns exist: rank them at mount

    def on_mount(self) -> None:
        for key in COLUMNS:
            self.add_column(cell(self.texts[key]), key=key)
        if self._pending is not None:
            self._rank(self._pending, rebuild=True)
            self._pending = None

    # -- what the screen calls --
    def load(self, rows: Iterable[CaseRow], now: dt.datetime, *, select: int | None = None) -> None:
        """Show these cases (the open queue as just read from the store), ranked at `now`.

        The highlighted case stays highlighted (or `select` is) if it is still in the queue.
        """
        self.cases = {row.id: row for row in rows}
        if select is not None:
            self._highlighted = select
        if not self.columns:
            self._pending = now
            return
        self._rank(now, rebuild=True)

    def tick(self, now: dt.datetime) -> None:
        """Re-rank at `now`: reorder if the order changed, else refresh the rows on screen."""
        if self.columns:
            self._rank(now, rebuild=False)

    @property
    def selected_id(self) -> int | None:
        if not self.order or not self.is_valid_row_index(self.cursor_row):
            return None
        return self.order[self.cursor_row]

    def select(self, case_id: int) -> bool:
        """Highlight a case if it is in the queue."""
        if case_id not in self.order:
            return False
        self.move_cursor(row=self.order.index(case_id))
        return True

    # -- inside --
    def _rank(self, now: dt.datetime, *, rebuild: bool) -> None:
        ranked = self.triage.rank(self.cases.values(), now)
        self.risks = {row.id: risk for row, risk in ranked}
        if self.overdue_only:
            ranked = [(row, risk) for row, risk in ranked if risk.overdue]
        order = [row.id for row, _ in ranked]
        if rebuild or order != self.order:
            self._rebuild(ranked, now)
        else:
            self._refresh_visible(now)

    def _rebuild(self, ranked: list[tuple[CaseRow, Risk]], now: dt.datetime) -> None:
        keep = self._highlighted
        y = self.scroll_y
        self.clear()
        self.order = [row.id for row, _ in ranked]
        self._shown = {row.id: self._cells(row, risk, now) for row, risk in ranked}
        for case_id in self.order:
            self.add_row(*self._shown[case_id], key=str(case_id))
        if keep is not None and keep in self.order:
            self.move_cursor(row=self.order.index(keep), scroll=False)
            self.scroll_to(y=y, animate=False, immediate=True)
            self.move_cursor(row=self.order.index(keep))  # and into view, if the rows above it changed
        self._announce()

    def _refresh_visible(self, now: dt.datetime) -> None:
        first = max(0, int(self.scroll_y))
        for case_id in self.order[first:first + max(1, self.size.height)]:
            new = self._cells(self.cases[case_id], self.risks[case_id], now)
            old = self._shown.get(case_id)
            for key, before, after in zip(COLUMNS, old or (None,) * len(COLUMNS), new):
                if before != after:
                    self.update_cell(str(case_id), key, after)
            self._shown[case_id] = new

    def _style(self, risk: Risk) -> Style:
        if risk.overdue:
            return self.get_component_rich_style("case-queue--overdue")
        if risk.warning is not None:
            return self.get_component_rich_style("case-queue--warning")
        if risk.paused:
            return self.get_component_rich_style("case-queue--paused")
        return Style()

    def _cells(self, row: CaseRow, risk: Risk, now: dt.datetime) -> tuple[Text, ...]:
        w, t = self.words, self.texts
        style = self._style(risk)
        left = ""
        if risk.left is not None:
            left = (_fill(t["overdue_for"], remaining(risk.left)) if risk.left.total_seconds() < 0
                    else _fill(t["time_left"], remaining(risk.left)))
        if risk.paused:
            left = f"{t['paused']} · {left}" if left else t["paused"]
        used = ""
        if risk.due is not None:
            used = f"{risk.share:.0%}" + (f" {t['warning']}" if risk.warning is not None and not risk.overdue else "")
        due = "" if risk.due is None else f"{t[risk.target or 'resolve']} {self._short(risk.due, now)}"
        values = (row.ref, left, used, "" if risk.level is None else w.role(risk.level.to), w.stage(row.stage), due,
                  self._short(row.received_at, now), w.summary(row.facts, limit=2))
        return tuple(cell(v) if not style else Text(cell(v).plain, style=style) for v in values)

    def _short(self, when: dt.datetime, now: dt.datetime) -> str:
        """`16:00` today, else `03-06 16:00`, in the playbook's zone; the offset too when it is not the
        zone's offset now (daylight saving)."""
        text = self.words.time(when)  # 2026-03-06 16:00 +08:00 (or 16:00:30 with seconds)
        today = self.words.time(now)[:10]
        day_time, offset = text[5:].rsplit(" ", 1)
        short = day_time[6:11] if text[:10] == today else day_time[:11]
        return short if offset == self.zone_offset else f"{short} {offset}"

    def _announce(self) -> None:
        current = self.selected_id
        if current != self._highlighted:
            self._highlighted = current
            self.post_message(self.CaseHighlighted(self, current))

    @on(DataTable.RowHighlighted)
    def _highlight(self) -> None:
        self._announce()

    def action_choose(self) -> None:
        if self.selected_id is not None:
            self.post_message(self.CaseChosen(self, self.selected_id))
