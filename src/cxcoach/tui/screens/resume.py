"""Pick which unfinished drill to carry on with: every one is listed, newest first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from ...store import SessionRow
from ..i18n import tr
from ..keys import localize
from ..text import cell, content


class ResumeScreen(ModalScreen[int | None]):
    """The trainee's unfinished drills; dismisses with the chosen session id, or None.

    | Key | Does |
    | :- | :- |
    | enter | resume the highlighted drill |
    | escape | cancel |
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    ResumeScreen { align: center middle; }
    ResumeScreen > Vertical {
        width: 90%;
        max-width: 100;
        height: auto;
        max-height: 80%;
        border: thick $accent;
        background: $surface;
        padding: 1 2;
    }
    ResumeScreen DataTable { height: auto; max-height: 16; }
    """

    def __init__(self, sessions: Sequence[SessionRow], *, lang: str, title_of: Callable[[SessionRow], str],
                 when: Callable[[SessionRow], str]) -> None:
        super().__init__()
        self.sessions = list(sessions)
        self.lang = lang
        self.title_of = title_of
        self.when = when

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(content(tr("resume.title", self.lang), "bold"))
            yield DataTable(id="resume-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(tr("history.col.when", self.lang), tr("history.col.drill", self.lang),
                          tr("history.col.mode", self.lang), tr("resume.col.replies", self.lang))
        for row in self.sessions:
            mode = tr(f"history.mode.{row.mode}", self.lang)
            table.add_row(cell(self.when(row)), cell(self.title_of(row)), cell(mode), cell(str(row.turns)),
                          key=str(row.id))
        table.focus()
        localize(self, self.lang)
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#resume-table")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self.dismiss(int(event.row_key.value or 0) or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
