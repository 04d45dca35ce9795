"""Asks the trainee's name once; the store remembers it for next time."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input

from ..i18n import tr
from ..keys import localize
from ..text import content
from ..widgets.prose import Prose


class NameScreen(ModalScreen[str | None]):
    """A small dialog: type a name, Enter to confirm, Escape to cancel.

    | Key | Does |
    | :- | :- |
    | enter | confirm |
    | escape | cancel |
    """

    AUTO_FOCUS = "#name"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    # Sized to its words, never wider than the terminal nor taller than it (it scrolls instead of clipping).
    DEFAULT_CSS = """
    NameScreen { align: center middle; }
    NameScreen > VerticalScroll {
        width: 60;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $accent;
        background: $surface;
        padding: 0 2;
    }
    NameScreen Prose { width: 100%; margin-top: 1; }
    NameScreen Input { margin-top: 1; }
    NameScreen Button { margin: 1 0; }
    """

    def compose(self) -> ComposeResult:
        lang = getattr(self.app, "lang", "en")
        with VerticalScroll():
            yield Prose(content(tr("name.title", lang), "bold"), id="name-title")
            yield Prose(content(tr("name.help", lang)), id="name-help")
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
