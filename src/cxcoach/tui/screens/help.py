"""The help screen: keys and how each section works, in the current language."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown

from ..i18n import HELP
from ..keys import localize


class HelpScreen(ModalScreen[None]):
    """Keys and usage; closes with escape, q or F1.

    | Key | Does |
    | :- | :- |
    | escape / q / f1 | close |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1,question_mark", "dismiss", "Close", key_display="Esc"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 76;
        max-width: 100%;
        height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        lang = getattr(self.app, "lang", "en")
        with VerticalScroll():
            yield Markdown(HELP.get(lang, HELP["en"]))
        yield Footer()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)

    def on_mount(self) -> None:
        localize(self, getattr(self.app, "lang", "en"))
        self.refresh_bindings()
