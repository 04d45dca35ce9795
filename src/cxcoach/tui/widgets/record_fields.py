"""The end of every desk form: who records it, a note, why the desk refused it, and Record / Cancel.

A new case (`OpenCaseScreen`) and an event on a recorded case (`EventForm`)
end the same way, so both compose this block: the same ids (`#by`, `#note`,
`#problems`, `#record`, `#cancel`), the same wording and the same way of
showing a refusal. The buttons' `Button.Pressed` and the note's
`Input.Submitted` bubble up to the form that holds the block; it decides
what recording means. Every press counts: the buttons have no press
highlight, during which Textual would drop a second press.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from ..i18n import tr
from ..labels import PlaybookWords
from ..text import assemble, content


class RecordFields(Vertical):
    """Role, note, the desk's reasons for a refusal, and the Record and Cancel buttons.

    | Key | Does |
    | :- | :- |
    | enter (in the note) | record: `Input.Submitted` bubbles to the form |
    | enter (on a button) | record / cancel: `Button.Pressed` bubbles to the form |
    """

    DEFAULT_CSS = """
    RecordFields { height: auto; }
    RecordFields Label { margin-top: 1; color: $text-muted; }
    RecordFields Select, RecordFields Input { width: 1fr; }
    RecordFields #problems { color: $text-error; height: auto; margin-top: 1; }
    RecordFields #buttons { height: auto; margin-top: 1; }
    RecordFields #buttons Button { margin-right: 2; }
    """

    def __init__(self, words: PlaybookWords, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.words = words

    def t(self, key: str) -> str:
        return tr(f"desk.form.{key}", self.words.lang)

    def compose(self) -> ComposeResult:
        yield Label(content(self.t("by")))
        roles = [(content(r.label.get(self.words.lang)), r.id) for r in self.words.playbook.roles.values()]
        yield Select(roles, id="by", prompt=self.t("unknown"), compact=True)
        yield Label(content(self.t("note")))
        yield Input(id="note", compact=True, max_length=2000)
        yield Static("", id="problems")
        with Horizontal(id="buttons"):
            for button in (Button(self.t("record"), variant="primary", id="record"),
                           Button(self.t("cancel"), id="cancel")):
                # Textual ignores a press while the last one's 0.2 s highlight lasts: Record pressed again
                # right after a refusal was lost. The dialog's busy flag is what stops a double write.
                button.active_effect_duration = 0
                yield button

    @property
    def by(self) -> str | None:
        """The chosen role's id, or None when none was chosen."""
        value = self.query_one("#by", Select).value
        return None if value is Select.NULL else str(value)

    @property
    def note(self) -> str:
        return self.query_one("#note", Input).value.strip()

    def show_problems(self, problems: Sequence[str]) -> None:
        """Say why nothing was recorded; an empty list clears the reasons."""
        box = self.query_one("#problems", Static)
        if not problems:
            box.update("")
            return
        box.update(assemble((self.t("rejected"), "bold"), *[f"\n• {p}" for p in problems]))
        box.scroll_visible()
