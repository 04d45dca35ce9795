"""What the console's dialogs share: one write through the desk, off the UI thread, and its answer.

A new case and an event on a case are both one call on `Desk` that either
returns the case's new row or says why not (`EventRejected`, `StoreError`,
any `CxcoachError`).
The call runs in a worker thread (a shared PostgreSQL may take a moment) and
returns its answer; the dialog acts on it when the worker has finished: it
dismisses with the row, or shows the reasons and keeps what was typed. The
dialog never dismisses from inside the worker, so closing it cannot cancel
a write that is still being answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.worker import Worker, WorkerState

from ...desk import Desk, EventRejected
from ...errors import CxcoachError
from ...store.cases import CaseRow
from ..keys import localize
from ..labels import PlaybookWords

WRITE = "desk-write"


class DeskDialog(ModalScreen[CaseRow | None]):
    """A dialog that records one thing through the desk; subclasses compose the fields and show refusals.

    | Key | Does |
    | :- | :- |
    | escape | cancel: nothing is written |
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    DeskDialog { align: center middle; }
    DeskDialog > .desk-dialog {
        max-width: 100%;
        border: thick $accent;
        background: $surface;
    }
    DeskDialog .dialog-title { text-style: bold; margin: 1 0 0 0; }
    """

    def __init__(self, desk: Desk, words: PlaybookWords, clock: Callable[[], dt.datetime]) -> None:
        super().__init__()
        self.desk = desk
        self.words = words
        self.clock = clock
        self.busy = False  # a write is under way: another Record press waits until the desk has answered

    def on_mount(self) -> None:
        localize(self, self.words.lang)
        self.refresh_bindings()

    def write(self, attempt: Callable[[], CaseRow]) -> None:
        """Run `attempt` (one desk call) in a worker thread, unless one is already running."""
        if not self.busy:
            self.busy = True
            self._write(attempt)

    @work(thread=True, group=WRITE)
    def _write(self, attempt: Callable[[], CaseRow]) -> CaseRow | list[str]:
        try:
            return attempt()
        except EventRejected as exc:
            return list(exc.problems)
        except CxcoachError as exc:  # the store, or anything else the desk refuses with a reason
            return [str(exc)]

    @on(Worker.StateChanged)
    def _answered(self, event: Worker.StateChanged) -> None:
        if event.worker.group != WRITE or not event.worker.is_finished:
            return
        event.stop()
        self.busy = False
        if event.state is not WorkerState.SUCCESS:
            return  # cancelled with the dialog; an error in the desk itself ends the app with its traceback
        answer = event.worker.result
        if isinstance(answer, CaseRow):
            self.dismiss(answer)
        else:
            self.show_problems(answer or [])

    def show_problems(self, problems: Sequence[str]) -> None:
        """Say why the desk refused (nothing was written); the subclass knows where its reasons go."""
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)
