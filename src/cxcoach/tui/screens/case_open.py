"""A dialog that records a new case through the desk (as `cxcoach case open` does), or says why not.

The facts come from the same form the what-if view uses; the desk validates
them against the playbook. A refusal keeps the dialog open with the reasons;
success dismisses with the new case's row (`DeskDialog` runs the write).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from ..i18n import tr
from ..text import assemble, content
from ..widgets.case_form import CaseForm
from ..widgets.record_fields import RecordFields
from .desk_dialog import DeskDialog


class OpenCaseScreen(DeskDialog):
    """The facts of a new case on the left; its ticket id, who took it and a note on the right.

    | Key | Does |
    | :- | :- |
    | tab / shift+tab | next / previous field |
    | enter (in a text field on the right) | record the case |
    | escape | cancel: nothing is written |
    """

    DEFAULT_CSS = """
    OpenCaseScreen > #open-dialog { width: 90; height: 90%; padding: 0 1; }
    OpenCaseScreen #open-title { margin-bottom: 1; }
    OpenCaseScreen #open-body { height: 1fr; }
    OpenCaseScreen #open-side { width: 1fr; padding: 0 1; }
    OpenCaseScreen #open-side Label { margin-top: 1; color: $text-muted; }
    OpenCaseScreen #open-side Input { width: 1fr; }
    """

    def t(self, key: str) -> str:
        return tr(key, self.words.lang)

    def compose(self) -> ComposeResult:
        lang = self.words.lang
        form_words = {"received": self.t("console.received"), "unknown": self.t("console.unknown"),
                      "yes": self.t("desk.yes"), "no": self.t("desk.no"),
                      "out_of_range": self.t("desk.out_of_range"), "not_a_number": self.t("desk.not_a_number")}
        with Vertical(id="open-dialog", classes="desk-dialog"):
            yield Static(assemble(self.t("desk.new_case")), id="open-title", classes="dialog-title")
            with Horizontal(id="open-body"):
                yield CaseForm(self.words.playbook, lang, self.clock, words=form_words, happened=True,
                               id="case-form")
                with Vertical(id="open-side"):
                    yield Label(content(self.t("desk.external_id")))
                    yield Input(id="external-id", max_length=200, compact=True)
                    yield RecordFields(self.words, id="record-fields")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#external-id", Input).focus()

    @on(CaseForm.Changed)
    def _form_changed(self, event: CaseForm.Changed) -> None:
        event.stop()  # the facts are read when the case is recorded

    def show_problems(self, problems: Sequence[str]) -> None:
        self.query_one(RecordFields).show_problems(problems)

    @on(Input.Submitted, "#open-side Input")
    @on(Button.Pressed, "#record")
    def submit(self, event: object = None) -> None:
        if self.busy:
            return
        facts, received, errors = self.query_one(CaseForm).read()
        if errors:
            self.show_problems(list(errors))
            return
        fields = self.query_one(RecordFields)
        external_id = self.query_one("#external-id", Input).value.strip() or None
        by, note = fields.by, fields.note
        self.write(lambda: self.desk.open(facts=facts, received_at=received, external_id=external_id, by=by,
                                          note=note))

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)
