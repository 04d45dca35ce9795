"""Asks the trainee's name once; the store remembers it for next time."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from ..i18n import tr
from ..keys import localize
from ..text import content


class NameScreen(ModalScreen[str | None]):
    """A small dialog: type a name, Enter to confirm, Escape to cancel.

    | Key | Does |
    | :- | :- |
    | enter | confirm |
    | escape | cancel |
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    NameScreen { align: center middle; }
    NameScreen > Vertical {
        width: 50;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 1 2;
    }
    NameScreen Label { margin-bottom: 1; }
    NameScreen Button { margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        lang = getattr(self.app, "lang", "en")
        with Vertical():
            yield Label(content(tr("name.title", lang), "bold"))
            yield Label(content(tr("name.help", lang)))
            yield Input(id="name", max_length=80)
            yield Button(tr("name.ok", lang), variant="primary", id="ok")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _confirm(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        if name:
            self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_mount(self) -> None:
        localize(self, getattr(self.app, "lang", "en"))
        self.refresh_bindings()
