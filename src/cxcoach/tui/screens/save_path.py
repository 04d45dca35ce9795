"""Asks where to save a file, with a sensible default already filled in."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from ..i18n import tr
from ..keys import localize
from ..text import content


class SavePathScreen(ModalScreen[Path | None]):
    """A small dialog: edit the path, Enter to save there, Escape to cancel.

    | Key | Does |
    | :- | :- |
    | enter | save |
    | escape | cancel |
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    SavePathScreen { align: center middle; }
    SavePathScreen > Vertical {
        width: 70;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 1 2;
    }
    SavePathScreen Button { margin-top: 1; }
    """

    def __init__(self, default: Path) -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        lang = getattr(self.app, "lang", "en")
        with Vertical():
            yield Label(content(tr("save.title", lang), "bold"))
            yield Input(str(self.default), id="path")
            yield Button(tr("save.ok", lang), variant="primary", id="ok")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _confirm(self) -> None:
        raw = self.query_one("#path", Input).value.strip()
        if raw:
            self.dismiss(Path(raw).expanduser())

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_mount(self) -> None:
        localize(self, getattr(self.app, "lang", "en"))
        self.refresh_bindings()
