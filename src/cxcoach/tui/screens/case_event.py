"""A dialog that records one event on a case through the desk, or shows why the desk refused it.

A rejected event writes nothing: the reasons appear in the dialog, the fields
keep what was typed, and the supervisor can correct them and try again. On
success the dialog dismisses with the case's new row (`DeskDialog` runs the
write and acts on its answer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ...desk import Desk, scores_from
from ...desk.state import CaseState
from ...store.cases import CaseRow
from ..i18n import tr
from ..labels import PlaybookWords
from ..text import assemble
from ..widgets.event_form import EventForm, EventRequest
from .desk_dialog import DeskDialog


def record(desk: Desk, case_id: int, request: EventRequest) -> CaseRow:
    """Apply one request through the desk (EventRejected or StoreError when it may not be)."""
    if request.kind == "follow_up":
        return desk.follow_up(case_id, satisfaction=str(request.satisfaction), at=request.at, by=request.by,
                              note=request.note, scores=scores_from(request.scores, desk.wording))
    return desk.update(case_id, stage=request.stage, facts=request.facts, at=request.at, by=request.by,
                       note=request.note)


class CaseEventScreen(DeskDialog):
    """Record a stage move, a fact, a note, a follow-up or the closure of one case.

    | Key | Does |
    | :- | :- |
    | enter | record (in a text field) |
    | escape | cancel: nothing is written |
    """

    DEFAULT_CSS = """
    CaseEventScreen > #event-dialog { width: 72; height: auto; max-height: 90%; padding: 0 2; }
    """

    def __init__(self, desk: Desk, row: CaseRow, state: CaseState, kind: str, words: PlaybookWords,
                 clock: Callable[[], dt.datetime]) -> None:
        super().__init__(desk, words, clock)
        self.row = row
        self.state = state
        self.kind = kind

    def compose(self) -> ComposeResult:
        lang = self.words.lang
        title = f"{tr('desk.case', lang)} {self.row.ref} · {self.words.stage(self.state.stage)} · " \
                f"{tr(f'desk.event.{self.kind}', lang)}"
        with Vertical(id="event-dialog", classes="desk-dialog"):
            yield Static(assemble(title), id="event-title", classes="dialog-title")
            yield EventForm(self.kind, self.state, self.words, self.clock, id="event-form")

    @on(EventForm.Submitted)
    def _submitted(self, event: EventForm.Submitted) -> None:
        event.stop()
        request = event.request
        self.write(lambda: record(self.desk, self.row.id, request))

    def show_problems(self, problems: Sequence[str]) -> None:
        self.query_one(EventForm).show_problems(problems)

    @on(EventForm.Cancelled)
    def _cancelled(self) -> None:
        self.dismiss(None)
