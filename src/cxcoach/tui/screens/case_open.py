"""A dialog that records a new case through the desk (as `cxcoach case open` does), or says why not.

The facts come from the same form the what-if view uses; the desk validates
them against the playbook. The write runs in a worker thread, a refusal
keeps the dialog open with the reasons, and success dismisses with the new
case's row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from ...desk import Desk, EventRejected
from ...store import StoreError
from ...store.cases import CaseRow
from ..i18n import tr
from ..keys import localize
from ..labels import PlaybookWords
from ..text import assemble, content
from ..widgets.case_form import CaseForm


class OpenCaseScreen(ModalScreen[CaseRow | None]):
    """The facts of a new case on the left; its ticket id, who took it and a note on the right.

    | Key | Does |
    | :- | :- |
    | tab / shift+tab | next / previous field |
    | enter (in a text field on the right) | record the case |
    | escape | cancel: nothing is written |
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    OpenCaseScreen { align: center middle; }
    OpenCaseScreen > #open-dialog {
        width: 90;
        max-width: 100%;
        height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    OpenCaseScreen #open-title { text-style: bold; margin: 1 0; }
    OpenCaseScreen #open-body { height: 1fr; }
    OpenCaseScreen #open-side { width: 1fr; padding: 0 1; }
    OpenCaseScreen #open-side Label { margin-top: 1; color: $text-muted; }
    OpenCaseScreen #open-side Input, OpenCaseScreen #open-side Select { width: 1fr; }
    OpenCaseScreen #problems { color: $text-error; height: auto; margin-top: 1; }
    OpenCaseScreen #buttons { height: auto; margin-top: 1; }
    OpenCaseScreen #buttons Button { margin-right: 2; }
    """

    def __init__(self, desk: Desk, words: PlaybookWords, clock: Callable[[], dt.datetime]) -> None:
        super().__init__()
        self.desk = desk
        self.words = words
        self.clock = clock
        self.busy = False

    def t(self, key: str) -> str:
        return tr(key, self.words.lang)

    def compose(self) -> ComposeResult:
        lang = self.words.lang
        form_words = {"received": self.t("console.received"), "unknown": self.t("console.unknown"),
                      "yes": self.t("desk.yes"), "no": self.t("desk.no"),
                      "out_of_range": self.t("desk.out_of_range"), "not_a_number": self.t("desk.not_a_number")}
        with Vertical(id="open-dialog"):
            yield Static(assemble(self.t("desk.new_case")), id="open-title")
            with Horizontal(id="open-body"):
                yield CaseForm(self.words.playbook, lang, self.clock, words=form_words, id="case-form")
                with Vertical(id="open-side"):
                    yield Label(content(self.t("desk.external_id")))
                    yield Input(id="external-id", max_length=200, compact=True)
                    yield Label(content(self.t("desk.form.by")))
                    roles = [(content(r.label.get(lang)), r.id) for r in self.words.playbook.roles.values()]
                    yield Select(roles, id="by", prompt=self.t("desk.form.unknown"), compact=True)
                    yield Label(content(self.t("desk.form.note")))
                    yield Input(id="note", max_length=2000, compact=True)
                    yield Static("", id="problems")
                    with Horizontal(id="buttons"):
                        yield Button(self.t("desk.form.record"), variant="primary", id="record")
                        yield Button(self.t("desk.form.cancel"), id="cancel")

    def on_mount(self) -> None:
        localize(self, self.words.lang)
        self.refresh_bindings()
        self.query_one("#external-id", Input).focus()

    @on(CaseForm.Changed)
    def _form_changed(self, event: CaseForm.Changed) -> None:
        event.stop()  # the facts are read when the case is recorded

    def show_problems(self, problems: list[str]) -> None:
        box = self.query_one("#problems", Static)
        box.update(assemble((self.t("desk.form.rejected"), "bold"), *[f"\n• {p}" for p in problems]))

    @on(Input.Submitted, "#open-side Input")
    @on(Button.Pressed, "#record")
    def submit(self, event: object = None) -> None:
        if self.busy:
            return
        facts, received, errors = self.query_one(CaseForm).read()
        if errors:
            self.show_problems(list(errors))
            return
        by = self.query_one("#by", Select).value
        self.busy = True
        self._record(facts, received, self.query_one("#external-id", Input).value.strip() or None,
                     None if by is Select.NULL else str(by), self.query_one("#note", Input).value.strip())

    @work(thread=True, exclusive=True, group="record")
    def _record(self, facts: dict[str, object], received: dt.datetime | None, external_id: str | None,
                by: str | None, note: str) -> None:
        try:
            row = self.desk.open(facts=facts, received_at=received, external_id=external_id, by=by, note=note)
        except EventRejected as exc:
            self.app.call_from_thread(self._refused, exc.problems)
        except StoreError as exc:
            self.app.call_from_thread(self._refused, [str(exc)])
        else:
            self.app.call_from_thread(self.dismiss, row)

    def _refused(self, problems: list[str]) -> None:
        self.busy = False
        self.show_problems(problems)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
