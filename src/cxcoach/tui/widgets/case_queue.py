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
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from ...desk.risk import Risk, Triage
from ...engine.calendar import zone
from ...store.cases import CaseRow
from ..labels import PlaybookWords
from ..text import cell, remaining, safe

# What decides the order comes first, so a narrow terminal still shows it; the rest scrolls sideways.
COLUMNS = ("case", "left", "used", "escalate", "stage", "due", "received", "about")
# Columns that change with every tick get a fixed width: measuring a shrinking cell re-measures the column.
FIXED_WIDTHS = {"left": 26, "used": 12}  # "paused · overdue 5d 23:52" fits
REBUILD_AFTER = 64  # more rows leaving the queue at once than this: clear and refill
FILL_CHUNK = 200  # rows added to the table per refresh while a long queue fills

TEXTS = {"case": "Case", "stage": "Stage", "about": "About", "received": "Received", "due": "Next deadline",
         "left": "Time left", "used": "Used", "escalate": "Escalate to", "respond": "respond", "resolve": "resolve",
         "time_left": "{} left", "overdue_for": "overdue {}", "paused": "paused", "warning": "warning"}


def _fill(template: str, value: str) -> str:
    return template.format(value) if "{}" in template else f"{value} {template}"


class CaseQueue(DataTable[Text]):
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

    COMPONENT_CLASSES: ClassVar[set[str]] = {"case-queue--overdue", "case-queue--warning", "case-queue--paused"}

    DEFAULT_CSS = """
    CaseQueue { height: 1fr; }
    CaseQueue > .case-queue--overdue { color: $text-error; text-style: bold; }
    CaseQueue > .case-queue--warning { color: $text-warning; }
    CaseQueue > .case-queue--paused { color: $text-primary; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "choose", "Details", show=False)]

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

    def __init__(self, words: PlaybookWords, triage: Triage, texts: Mapping[str, str] | None = None,
                 **kwargs: Any) -> None:
        """Times are shown in the playbook's zone without the offset (the screen says it once), except a
        time at another offset than now's (across a daylight-saving change), which shows its own."""
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.words = words
        self.texts = {**TEXTS, **(texts or {})}
        self.triage = triage
        self._zone = zone(words.tz)
        self.overdue_only = False  # show only the overdue cases
        self.cases: dict[int, CaseRow] = {}
        self.risks: dict[int, Risk] = {}
        self.order: list[int] = []
        self._shown: dict[int, tuple[Text, ...]] = {}  # the cells the table holds, per case
        self._versions: dict[int, int] = {}  # the case version those cells were made from
        self._labels: dict[str, str] = {}
        self._unfilled: list[int] = []  # cases still to add to the table, most urgent first
        self._now: dt.datetime | None = None
        self._highlighted: int | None = None
        self._pending: dt.datetime | None = None  # rows loaded before the columns exist: rank them at mount

    def on_mount(self) -> None:
        for key in COLUMNS:
            self.add_column(cell(self.texts[key]), key=key, width=FIXED_WIDTHS.get(key))
        if self._pending is not None:
            self._rank(self._pending, changed=True)
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
        self._rank(now, changed=True)

    def tick(self, now: dt.datetime) -> None:
        """Re-rank at `now`: reorder if the order changed, and refresh the rows on screen."""
        if self.columns:
            self._rank(now, changed=False)

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
    def _rank(self, now: dt.datetime, *, changed: bool) -> None:
        ranked = self.triage.rank(self.cases.values(), now)
        self.risks = {row.id: risk for row, risk in ranked}
        if self.overdue_only:
            ranked = [(row, risk) for row, risk in ranked if risk.overdue]
        self._now = now
        if changed:
            self._sync(ranked, now)
        order = [row.id for row, _ in ranked if row.id in self._shown]
        if order != self.order:
            self._reorder(order)
        self._refresh_visible(now)
        wanted = self._highlighted
        if wanted is not None and self.selected_id != wanted and wanted in self.order:
            self.move_cursor(row=self.order.index(wanted))  # e.g. the first fill after a rebuild
        self._announce()

    def _sync(self, ranked: list[tuple[CaseRow, Risk]], now: dt.datetime) -> None:
        """Make the table hold these rows (in any order): add, drop, and rewrite the cells that changed."""
        wanted = {row.id for row, _ in ranked}
        gone = [case_id for case_id in self._shown if case_id not in wanted]
        if len(gone) > REBUILD_AFTER:  # dropping rows one by one costs a pass over the table each
            self.clear()
            self._shown, self.order, self._versions = {}, [], {}
        else:
            for case_id in gone:
                self.remove_row(str(case_id))
                del self._shown[case_id]
                self._versions.pop(case_id, None)
                self.order.remove(case_id)
        new = []
        for row, risk in ranked:
            if row.id not in self._shown:
                new.append(row.id)
            elif self._versions.get(row.id) != row.version:
                self._update(row.id, self._cells(row, risk, now))
                self._versions[row.id] = row.version
            # else unchanged since shown: its time cells follow on the next tick
        self._unfilled = new
        self._add_rows(FILL_CHUNK, now)

    def _add_rows(self, count: int, now: dt.datetime) -> None:
        """Add the next `count` unfilled cases; the rest follow a refresh later, so a queue of thousands
        appears most urgent first and never holds the screen still while it fills."""
        batch, self._unfilled = self._unfilled[:count], self._unfilled[count:]
        for case_id in batch:
            row, risk = self.cases.get(case_id), self.risks.get(case_id)
            if row is None or risk is None or case_id in self._shown:
                continue
            cells = self._cells(row, risk, now)
            self.add_row(*cells, key=str(case_id))
            self._shown[case_id] = cells
            self._versions[case_id] = row.version
            self.order.append(case_id)
        if self._unfilled:
            self.call_after_refresh(self._fill_more)

    def _fill_more(self) -> None:
        if self._unfilled and self._now is not None:
            self._add_rows(FILL_CHUNK, self._now)
            self._rank(self._now, changed=False)

    def _update(self, case_id: int, cells: tuple[Text, ...]) -> None:
        """Rewrite the cells that differ; `_shown` keeps the very objects the table holds."""
        old = self._shown[case_id]
        kept = []
        for key, before, after in zip(COLUMNS, old, cells, strict=True):
            if before == after:
                kept.append(before)
            else:
                self.update_cell(str(case_id), key, after, update_width=key not in FIXED_WIDTHS)
                kept.append(after)
        self._shown[case_id] = tuple(kept)

    def _reorder(self, order: list[int]) -> None:
        """Sort the table into `order` (no row is rebuilt), keeping the highlighted case highlighted."""
        position = {case_id: i for i, case_id in enumerate(order)}
        case_of = {id(cells[0]): case_id for case_id, cells in self._shown.items()}
        self.sort("case", key=lambda cell: position[case_of[id(cell)]])
        self.order = order
        if self._highlighted in position:
            self.move_cursor(row=position[self._highlighted], scroll=False)

    def _refresh_visible(self, now: dt.datetime) -> None:
        first = max(0, int(self.scroll_y))
        for case_id in self.order[first:first + max(1, self.size.height)]:
            self._update(case_id, self._cells(self.cases[case_id], self.risks[case_id], now))

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
        label = self._label
        values = (safe(row.ref), left, used, label(w.role(risk.level.to)) if risk.level else "",
                  label(w.stage(row.stage)), due, self._short(row.received_at, now),
                  label(w.summary(row.facts, limit=2)))
        return tuple(Text(v, style=style, end="") for v in values)

    def _label(self, text: str) -> str:
        """Playbook text made safe once (the same few labels repeat on every row)."""
        found = self._labels.get(text)
        if found is None:
            found = self._labels[text] = safe(text)
        return found

    def _short(self, when: dt.datetime, now: dt.datetime) -> str:
        """`16:00` today, else `03-06 16:00`, in the playbook's zone; the offset too when it is not the
        zone's offset now (daylight saving). Written out by hand: strftime is the slow part of a reload."""
        local, today = when.astimezone(self._zone), now.astimezone(self._zone)
        short = f"{local.hour:02d}:{local.minute:02d}"
        if local.date() != today.date():
            short = f"{local.month:02d}-{local.day:02d} {short}"
        offset = local.utcoffset() or dt.timedelta()
        if offset == today.utcoffset():
            return short
        sign, minutes = ("-", -offset) if offset < dt.timedelta() else ("+", offset)
        hours, rest = divmod(int(minutes.total_seconds()) // 60, 60)
        return f"{short} {sign}{hours:02d}:{rest:02d}"

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
