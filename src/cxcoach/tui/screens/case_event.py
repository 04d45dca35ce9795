"""A dialog that records one event on a case through the desk, or shows why the desk refused it.

The write runs in a worker thread (a shared PostgreSQL may take a moment);
the dialog stays open until the desk has answered. A rejected event writes
nothing: the reasons appear in the dialog, the fields keep what was typed,
and the supervisor can correct them and try again. On success the dialog
dismisses with the case's new row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ...desk import Desk, EventRejected, scores_from
from ...desk.state import CaseState
from ...store import StoreError
from ...store.cases import CaseRow
from ..i18n import tr
from ..keys import localize
from ..labels import PlaybookWords
from ..text import assemble
from ..widgets.event_form import EventForm, EventRequest

FORM_WORDS = ("stage", "close", "fact", "value", "satisfaction", "scores", "when", "by", "note", "record", "cancel",
              "unknown", "yes", "no", "may_close", "nobody", "rejected", "pick")


def form_texts(lang: str) -> dict[str, str]:
    return {key: tr(f"desk.form.{key}", lang) for key in FORM_WORDS}


def record(desk: Desk, case_id: int, request: EventRequest) -> CaseRow:
    """Apply one request through the desk (EventRejected or StoreError when it may not be)."""
    if request.kind == "follow_up":
        return desk.follow_up(case_id, satisfaction=str(request.satisfaction), scores=scores_from(request.scores),
                              at=request.at, by=request.by, note=request.note)
    return desk.update(case_id, stage=request.stage, facts=request.facts, at=request.at, by=request.by,
                       note=request.note)


class CaseEventScreen(ModalScreen[CaseRow | None]):
    """Record a stage move, a fact, a note, a follow-up or the closure of one case.

    | Key | Does |
    | :- | :- |
    | enter | record (in a text field) |
    | escape | cancel: nothing is written |
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    CaseEventScreen { align: center middle; }
    CaseEventScreen > #event-dialog {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 2;
    }
    CaseEventScreen #event-title { text-style: bold; margin-top: 1; }
    """

    def __init__(self, desk: Desk, row: CaseRow, state: CaseState, kind: str, words: PlaybookWords,
                 clock: Callable[[], dt.datetime]) -> None:
        super().__init__()
        self.desk = desk
        self.row = row
        self.state = state
        self.kind = kind
        self.words = words
        self.clock = clock
        self.busy = False

    def compose(self) -> ComposeResult:
        lang = self.words.lang
        title = f"{tr('desk.case', lang)} {self.row.ref} · {self.words.stage(self.state.stage)} · " \
                f"{tr(f'desk.event.{self.kind}', lang)}"
        with Vertical(id="event-dialog"):
            yield Static(assemble(title), id="event-title")
            yield EventForm(self.kind, self.state, self.words, self.clock, texts=form_texts(lang), id="event-form")

    def on_mount(self) -> None:
        localize(self, self.words.lang)
        self.refresh_bindings()

    @on(EventForm.Submitted)
    def _submitted(self, event: EventForm.Submitted) -> None:
        event.stop()
        if not self.busy:
            self.busy = True
            self._record(event.request)

    @work(thread=True, exclusive=True, group="record")
    def _record(self, request: EventRequest) -> None:
        try:
            row = record(self.desk, self.row.id, request)
        except EventRejected as exc:
            self.app.call_from_thread(self._refused, exc.problems)
        except StoreError as exc:
            self.app.call_from_thread(self._refused, [str(exc)])
        else:
            self.app.call_from_thread(self.dismiss, row)

    def _refused(self, problems: list[str]) -> None:
        self.busy = False
        self.query_one(EventForm).show_problems(problems)

    @on(EventForm.Cancelled)
    def action_cancel(self) -> None:
        self.dismiss(None)
