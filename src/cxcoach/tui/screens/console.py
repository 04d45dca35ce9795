"""The supervisor console: the desk. Every open case, most urgent first; the highlighted case in full.

The queue is read from the store's current-state rows (`Desk.queue`) and
ranked every second by `desk.risk` (no engine run per case). The highlighted
case's log is loaded once (and again when it changes) and evaluated by the
engine every second, so its countdowns, warnings, escalation and next steps
are exactly what `cxcoach case show` says. Store I/O runs in worker threads:
a slow shared PostgreSQL never freezes the screen. Every `POLL_SECONDS` a
cheap stamp of the open cases (count, highest id, sum of versions) tells
whether anyone — another supervisor, a ticket import — changed something;
only then is the queue read again.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Footer, Header, Static

from ...desk.risk import Triage
from ...engine.result import Result
from ...locale_words import punctuation
from ...store import StoreError
from ..labels import PlaybookWords
from ..text import assemble
from ..widgets.case_deadlines import CaseDeadlines
from ..widgets.case_queue import CaseQueue
from ..widgets.case_timeline import CaseTimeline
from ..widgets.recommendation_list import RecommendationList
from .base import CoachScreen

if TYPE_CHECKING:
    from ...desk import Desk
    from ...desk.state import CaseState
    from ...store.cases import CaseRow, EventRow

QUEUE_WORDS = ("case", "stage", "about", "received", "due", "left", "used", "escalate", "respond", "resolve",
               "time_left", "overdue_for", "paused", "warning")
TIMELINE_WORDS = ("opened", "note", "follow_up", "paused", "now", "closed", "empty")


class ConsoleScreen(CoachScreen[None]):
    """The desk: the queue of open cases above, the highlighted case's deadlines, timeline and next steps below.

    | Key | Does |
    | :- | :- |
    | up / down (queue) | highlight another case |
    | `m` | move the case to another stage |
    | `f` | set a fact |
    | `n` | add a note |
    | `u` | record the customer's follow-up |
    | `x` | close the case |
    | `a` | record a new case |
    | `o` | overdue only: on / off |
    | `i` | what if: try out a hypothetical case |
    | `r` | read the store again now |
    | `w` / `s` (next steps) | why each step / copy its script line |
    """

    AUTO_FOCUS = "#queue"
    DEFAULT_CSS = """
    ConsoleScreen #desk-status { height: auto; padding: 0 1; background: $boost; }
    ConsoleScreen #queue { height: 2fr; min-height: 4; }
    ConsoleScreen #desk-detail { height: 3fr; border-top: solid $primary; }
    ConsoleScreen #case-pane { width: 1fr; }
    ConsoleScreen #case-title { height: auto; padding: 0 1; }
    ConsoleScreen #case-deadlines { height: auto; }
    ConsoleScreen #case-deadlines Countdown { max-width: 100%; height: auto; }  /* wraps in a narrow pane */
    ConsoleScreen #case-escalation { height: auto; padding: 0 1; }
    ConsoleScreen #timeline-box { height: 1fr; }
    ConsoleScreen #recommendations { width: 1fr; }
    ConsoleScreen #console-empty { padding: 1 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "event('stage')", "Move", tooltip="Move the case to another stage"),
        Binding("f", "event('facts')", "Fact", tooltip="Set a fact of the case"),
        Binding("n", "event('note')", "Note", tooltip="Add a note to the timeline"),
        Binding("u", "event('follow_up')", "Follow-up", tooltip="Record the customer's view after resolution"),
        Binding("x", "event('close')", "Close", tooltip="Close the case (roles the playbook names)"),
        Binding("a", "open_case", "New case", tooltip="Record a new case"),
        # the status line shows this toggle with its key and state, so the footer leaves it out (room at 80 columns)
        Binding("o", "toggle_overdue", "Overdue only", show=False,
                tooltip="Show only overdue cases, or all open cases"),
        Binding("i", "what_if", "What if", tooltip="Describe a hypothetical case and see the next steps"),
        Binding("r", "reload", "Reload", show=False),
    ]
    TICK_SECONDS = 1.0
    POLL_SECONDS = 2.0

    overdue_only: reactive[bool] = reactive(False, init=False)

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[CaseRow] = []  # the open queue as last read
        self.stamp: tuple[int, int, int] | None = None
        self.checked_at: dt.datetime | None = None
        self.selected: int | None = None  # highlighted case id
        self.view: tuple[CaseRow, list[EventRow], CaseState] | None = None
        self.result: Result | None = None
        self.problem: str | None = None  # why the store cannot be read, if it cannot
        self._desk: Desk | None = None
        self._triage: Triage | None = None
        self._reads = 0  # queue reads started; a read's rows are shown only if no later read has started
        self._reading = False  # a queue read is under way: the timer's poll waits for the next turn
        self._case_reads = 0  # the same for the highlighted case's log

    # -- shared objects --
    @property
    def desk(self) -> Desk | None:
        app = self.coach
        if app.playbook is None or app.store is None:
            return None
        lang = self._locale()
        if (self._desk is None or self._desk.playbook is not app.playbook or self._desk.store is not app.store
                or self._desk.wording.locale != lang):
            from ...desk import Desk
            from ..widgets.event_form import form_wording

            self._desk = Desk(app.store, app.playbook, clock=app.clock, wording=form_wording(lang))
        return self._desk

    @property
    def triage(self) -> Triage:
        """The queue's ranking for the current playbook (it keeps what it worked out per case version)."""
        assert self.coach.playbook is not None
        if self._triage is None or self._triage.playbook is not self.coach.playbook:
            self._triage = Triage(self.coach.playbook)
        return self._triage

    @property
    def words(self) -> PlaybookWords:
        assert self.coach.playbook is not None
        return PlaybookWords(self.coach.playbook, self.coach.lang)

    def _texts(self, prefix: str, keys: tuple[str, ...]) -> dict[str, str]:
        return {key: self.t(f"{prefix}.{key}") for key in keys}

    # -- layout --
    def compose(self) -> ComposeResult:
        app = self.coach
        yield Header()
        if app.playbook is None or app.store is None:
            reason = self.t("home.no_playbook") if app.playbook is None else \
                self.label("desk.no_store") + (app.store_error or "")
            yield Static(assemble((reason, "bold $error"), "\n\n", self.t("desk.what_if_still")), id="console-empty")
            yield Footer()
            return
        words = self.words
        yield Static("", id="desk-status")
        yield CaseQueue(words, self.triage, self._texts("desk.col", QUEUE_WORDS), id="queue")
        with Horizontal(id="desk-detail"):
            with Vertical(id="case-pane"):
                yield Static("", id="case-title")
                yield CaseDeadlines(app.clock, app.lang, id="case-deadlines")
                yield Static("", id="case-escalation")
                with VerticalScroll(id="timeline-box"):
                    yield CaseTimeline(words, self._texts("desk.tl", TIMELINE_WORDS), id="timeline")
            roles = {r.id: r.label.get(app.lang) for r in app.playbook.roles.values()}
            yield RecommendationList({"none": self.t("desk.no_steps"), "overdue": self.t("desk.overdue_for"),
                                      "left": self.t("desk.left"), "why": self.t("console.why"),
                                      "colon": punctuation(app.lang).colon},
                                     roles=roles, id="recommendations", title=self.t("console.recommendations"),
                                     why_words=(self.t("desk.why_shown"), self.t("desk.why_hidden")))
        yield Footer(compact=True)  # eight desk keys: the compact footer keeps them all in 80 columns

    def on_mount(self) -> None:
        if self.desk is None:
            return
        self.show_rows()
        self.set_interval(self.TICK_SECONDS, self.tick)
        self.set_interval(self.POLL_SECONDS, self.poll)
        self.reload()

    async def rebuild(self) -> None:
        await super().rebuild()
        if self.desk is not None:
            self.show_rows()
            if self.view is not None:
                self.show_case()

    # -- reading the store (worker threads) --
    # Reads are never cancelled (a thread cannot be stopped; a cancelled read would still deliver its rows,
    # perhaps after a newer one): each read carries its number and only the latest one's rows are shown.
    def reload(self) -> None:
        """Read the queue now (and the highlighted case with it)."""
        self._start_read(force=True)

    def poll(self) -> None:
        """The timer's check: read the queue again only if the stamp says something changed."""
        if not self._reading:
            self._start_read(force=False)

    def _start_read(self, force: bool) -> None:
        self._reads += 1
        self._reading = True
        self._read(force, self._reads)

    @work(thread=True, group="desk-read")
    def _read(self, force: bool, number: int) -> None:
        desk = self.desk
        if desk is None:
            return
        try:
            stamp = desk.cases.stamp(open=True)
            if not force and stamp == self.stamp:
                self.app.call_from_thread(self._checked, None, number)
                return
            rows = desk.queue(open_only=True)
            self.triage.prepare(rows)  # the calendar work for ranking, off the UI thread
        except StoreError as exc:
            self.app.call_from_thread(self._checked, str(exc), number)
            return
        self.app.call_from_thread(self._loaded, rows, stamp, number)

    def _checked(self, problem: str | None, number: int) -> None:
        if number != self._reads:
            return  # a later read will say how the store is
        self._reading = False
        self.checked_at = self.coach.clock()
        if problem != self.problem and problem is not None:
            self.notify(problem, title=self.t("desk.no_store"), severity="error", markup=False)
        self.problem = problem
        self.update_status()

    def _loaded(self, rows: list[CaseRow], stamp: tuple[int, int, int], number: int) -> None:
        if number != self._reads:
            return  # a later read is under way and will show fresher rows
        self.rows, self.stamp = rows, stamp
        self._checked(None, number)
        self.show_rows()
        if self.view is not None:
            current = next((r for r in rows if r.id == self.view[0].id), None)
            if current is not None and current.version != self.view[0].version:
                self._read_case(current.id)

    def _read_case(self, case_id: int) -> None:
        self._case_reads += 1
        self._load_case(case_id, self._case_reads)

    @work(thread=True, group="desk-case")
    def _load_case(self, case_id: int, number: int) -> None:
        desk = self.desk
        if desk is None:
            return
        from ...desk.state import fold

        try:
            row, events = desk.cases.load(case_id)  # by number: an external id may look like a number
            view = (row, events, fold(desk.playbook, row.received_at, events))
        except StoreError as exc:
            self.app.call_from_thread(self._case_failed, str(exc))
            return
        self.app.call_from_thread(self._case_loaded, view, number)

    def _case_failed(self, problem: str) -> None:
        if problem != self.problem:
            self.notify(problem, title=self.t("desk.no_store"), severity="error", markup=False)
        self.problem = problem
        self.update_status()

    def _case_loaded(self, view: tuple[CaseRow, list[EventRow], CaseState], number: int) -> None:
        if number != self._case_reads or view[0].id != self.selected:
            return  # the supervisor has moved on meanwhile, or a later read will show a fresher log
        self.view = view
        self.show_case()

    # -- showing --
    def show_rows(self) -> None:
        queue = self.query_one(CaseQueue)
        queue.overdue_only = self.overdue_only
        queue.load(self.rows, self.coach.clock(), select=self.selected)
        current = queue.selected_id
        if current is not None and current == self.selected and (self.view is None or self.view[0].id != current):
            self._read_case(current)
        self.update_status()

    def tick(self) -> None:
        if not self.query(CaseQueue):
            return
        self.query_one(CaseQueue).tick(self.coach.clock())
        self.update_status()
        self.evaluate()

    def update_status(self) -> None:
        if not self.query("#desk-status"):
            return
        queue = self.query_one(CaseQueue)
        overdue = sum(1 for r in queue.risks.values() if r.overdue)
        paused = sum(1 for r in queue.risks.values() if r.paused)
        toggle = self.t("desk.on") if self.overdue_only else self.t("desk.off")
        parts: list[tuple[object, str] | object] = [
            (self.t("desk.open_count", n=len(self.rows)), "bold"), " · ",
            (self.t("desk.overdue_count", n=overdue), "bold $text-error" if overdue else ""), " · ",
            self.t("desk.paused_count", n=paused), " · ",
            (self.t("desk.toggle", name=self.t("desk.overdue_only"), state=toggle), "$text-accent"),
        ]
        words = self.words
        from ..widgets.time_input import zone_offset

        now = self.coach.clock()
        parts += [" · ", (f"{self.t('desk.zone')} {words.tz} ({zone_offset(words.tz, now)})", "$text-muted")]
        if self.checked_at is not None:
            checked = words.time(self.checked_at).split(" ")[1]
            parts += [" · ", (f"{self.t('desk.checked')} {checked}", "$text-muted")]
        if self.problem:
            parts += ["  ", (self.problem, "$text-error")]
        self.query_one("#desk-status", Static).update(assemble(*parts))

    @on(CaseQueue.CaseHighlighted)
    def _highlighted(self, event: CaseQueue.CaseHighlighted) -> None:
        self.selected = event.case_id
        if event.case_id is None:
            self.view, self.result = None, None
            self.show_case()
        elif self.view is None or self.view[0].id != event.case_id:
            self._read_case(event.case_id)

    @on(CaseQueue.CaseChosen)
    def _chosen(self) -> None:
        self.query_one(RecommendationList).focus()

    def show_case(self) -> None:
        """The highlighted case's title and timeline (on load), then its live figures."""
        if not self.query("#timeline"):
            return
        timeline = self.query_one(CaseTimeline)
        if self.view is None:
            timeline.clear_case()
            self.query_one("#case-title", Static).update("")
            self.evaluate()
            return
        _, events, state = self.view
        timeline.show(events, state)
        self.evaluate()

    def evaluate(self) -> None:
        """The engine's view of the highlighted case at the clock's now: countdowns, escalation, next steps."""
        if not self.query("#timeline"):
            return
        now = self.coach.clock()
        playbook = self.coach.playbook
        result: Result | None = None
        if self.view is not None and playbook is not None:
            row, _, state = self.view
            if state.is_open:
                from ...engine import CaseError

                try:
                    result = state.evaluate(playbook, max(now, row.received_at), case_id=row.ref,
                                            locale=self._locale())
                except CaseError:
                    result = None
        self.result = result
        self.query_one(CaseDeadlines).show(result, now)
        self.query_one(RecommendationList).show(result, now)
        self.query_one("#case-title", Static).update(self._title())
        self.query_one("#case-escalation", Static).update(self._escalation(result))

    def _title(self) -> Content:
        if self.view is None:
            return assemble((self.t("desk.tl.empty"), "italic $text-muted"))
        row, _, state = self.view
        w = self.words
        parts: list[tuple[object, str] | object] = [(f"{self.t('desk.case')} {row.ref}", "bold"),
                                                    (f" #{row.id}", "$text-muted"), " · ",
                                                    (w.stage(state.stage), "bold"), " · ",
                                                    f"{self.t('desk.received')} {w.time(row.received_at)}"]
        about = w.summary(state.facts)
        if about:
            parts += ["\n", (about, "$text-muted")]
        if state.follow_up is not None:
            parts += ["\n", self.label("desk.tl.follow_up") + w.satisfaction(state.follow_up.satisfaction)]
        return assemble(*parts)

    def _escalation(self, result: Result | None) -> Content:
        if self.view is None:
            return Content()
        state = self.view[2]
        if not state.is_open:
            return assemble((self.t("desk.closed_case"), "bold"))
        if result is None:
            return Content()
        parts: list[tuple[object, str] | object] = []
        if result.paused and state.paused_since is not None:
            parts.append((f"{self.t('desk.clock_paused')} {self.t('desk.since')} {self.words.time(state.paused_since)}",
                          "bold $text-primary"))
        if result.escalation is not None:
            level = result.escalation
            label = self.words.aside(level.label or "")
            if parts:
                parts.append("\n")
            parts.append((self.t("console.escalate", roles=f"{result.role(level.to)}{label}"), "bold $text-warning"))
        return assemble(*parts)

    def _locale(self) -> str:
        pb = self.coach.playbook
        lang = self.coach.lang
        return lang if pb is None or lang in pb.locales else pb.default_locale

    # -- actions --
    def action_event(self, kind: str) -> None:
        desk = self.desk
        if desk is None:
            return
        if self.view is None:
            self.notify(self.t("desk.pick_case"), severity="warning", markup=False)
            return
        from .case_event import CaseEventScreen

        row, _, state = self.view
        self.app.push_screen(CaseEventScreen(desk, row, state, kind, self.words, self.coach.clock), self._recorded)

    def _recorded(self, row: CaseRow | None) -> None:
        if row is None:
            return
        stage = self.words.stage(row.stage)
        self.notify(self.t("desk.recorded", case=row.ref, stage=stage), markup=False)
        if not row.is_open:
            self.view = None
        self.reload()
        if row.is_open and self.selected == row.id:
            self._read_case(row.id)

    def action_open_case(self) -> None:
        desk = self.desk
        if desk is None:
            return
        from .case_open import OpenCaseScreen

        self.app.push_screen(OpenCaseScreen(desk, self.words, self.coach.clock), self._opened)

    def _opened(self, row: CaseRow | None) -> None:
        if row is None:
            return
        self.notify(self.t("desk.opened", case=row.ref), markup=False)
        self.selected = row.id
        self.reload()

    def action_toggle_overdue(self) -> None:
        self.overdue_only = not self.overdue_only

    def watch_overdue_only(self) -> None:
        if self.query(CaseQueue):
            self.show_rows()

    def action_what_if(self) -> None:
        from .what_if import WhatIfScreen

        self.app.push_screen(WhatIfScreen())

    def action_reload(self) -> None:
        self.reload()
