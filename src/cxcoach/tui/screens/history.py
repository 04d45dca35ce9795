"""History: a trainee's past drill sessions, scores over time, and CSV export."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Label, Select, Sparkline, Static

from ...locale_words import punctuation
from ...store import SessionRow, StoreError
from ..text import assemble, cell, content
from ..widgets.criterion_trends import CriterionTrends
from . import flow
from .base import CoachScreen

ALL = "__all__"


class HistoryScreen(CoachScreen[None]):
    """Sessions per trainee (filter by trainee and drill), a score sparkline and per-criterion trends.

    | Key | Does |
    | :- | :- |
    | enter | resume the highlighted session, if it is unfinished |
    | `e` | export the listed sessions as CSV into the current folder |
    | `r` | reload from the database (another instance may have written) |
    """

    AUTO_FOCUS = "#history-table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Export CSV", tooltip="Write the listed sessions to a CSV file"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.trainee_name: str | None = None
        self.drill_filter: str = ALL
        self.rows: list[SessionRow] = []

    def _load(self) -> list[SessionRow]:
        app = self.coach
        if app.store is None:
            return []
        try:
            trainees = {t.name: t for t in app.store.trainees()}
            name = self.trainee_name or (app.trainee.name if app.trainee else None)
            trainee = trainees.get(name or "")
            if trainee is None:
                return []
            self.trainee_name = trainee.name
            rows = app.store.sessions(trainee, drill=None if self.drill_filter == ALL else self.drill_filter)
            bad = app.store.bad_rows
            if bad:
                p = punctuation(self.coach.lang)
                self.notify(p.labelled(self.t("history.bad_rows") + p.aside(str(len(bad))), "") + p.semicolon.join(
                    f"#{b.id} {b.reason}" for b in bad[:3]), severity="warning", markup=False)
            return rows
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return []

    def compose(self) -> ComposeResult:
        app = self.coach
        self.rows = self._load()
        trainees: list[str] = []
        if app.store is not None:
            try:
                trainees = [t.name for t in app.store.trainees()]
            except StoreError:
                trainees = []
        drills: dict[str, str] = {}
        if app.playbook is not None:
            drills = {d.id: d.title.get(app.lang) for d in app.playbook.drills.values()}
        for r in self.rows:
            drills.setdefault(r.drill, self._drill_title(r))
        yield Header()
        with Vertical(id="history"):
            with Horizontal(id="history-filters"):
                yield Label(content(self.t("history.trainee")))
                yield Select([(content(n), n) for n in trainees], value=self.trainee_name or Select.NULL,
                             prompt="—", id="history-trainee", compact=True)
                yield Label(content(self.t("history.drill")))
                shown = self.drill_filter if self.drill_filter in drills or self.drill_filter == ALL else ALL
                yield Select([(content(self.t("history.all")), ALL)] + [(content(t), i) for i, t in drills.items()],
                             value=shown,
                             allow_blank=False, id="history-drill", compact=True)
            if app.store is None:
                yield Static(assemble((self.label("home.no_db"), "bold $error"), app.store_error or ""))
            finished = [r for r in self.rows if r.finished and r.score is not None]
            if not self.rows:
                yield Static(content(self.t("history.empty"), "italic"), id="history-empty")
            if finished:
                yield Label(content(self.t("history.overall"), "bold"))
                yield Sparkline([float(r.score or 0) for r in finished], id="history-spark")
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            if finished:
                yield Label(content(self.t("history.per_criterion"), "bold"))
                yield CriterionTrends(finished, id="history-trends", title=self._criterion_title,
                                      status=lambda status: self.t(f"status.{status}"))
        yield Footer()

    def on_mount(self) -> None:
        self._fill_table()

    def _fill_table(self) -> None:
        table = self.query_one("#history-table", DataTable)
        table.clear(columns=True)
        table.add_columns(self.t("history.col.when"), self.t("history.col.drill"), self.t("history.col.mode"),
                          self.t("history.col.score"), self.t("history.col.result"))
        tz = self.coach.clock().tzinfo
        for r in reversed(self.rows):  # newest first in the table
            if r.finished:
                result = cell(self.t("report.passed") if r.passed else self.t("report.failed"),
                              "green" if r.passed else "red")
            else:
                result = cell(self.t("history.abandoned") if r.abandoned else self.t("history.unfinished"), "yellow")
            table.add_row(cell(r.started_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")), cell(self._drill_title(r)),
                          cell(self.t(f"history.mode.{r.mode}")), cell("" if r.score is None else str(r.score)), result,
                          key=str(r.id))

    def _drill_title(self, row: SessionRow) -> str:
        """In the current language, from the playbook; the stored title when the drill is gone."""
        pb = self.coach.playbook
        drill = pb.drills.get(row.drill) if pb else None
        return drill.title.get(self.coach.lang) if drill else (row.drill_title or row.drill)

    def _criterion_title(self, ident: str, stored: str) -> str:
        pb = self.coach.playbook
        for rubric in (pb.rubrics.values() if pb else ()):
            found = rubric.criterion(ident)
            if found is not None:
                return found.title.get(self.coach.lang)
        return stored

    @on(DataTable.RowSelected, "#history-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        """Enter on an unfinished session carries on with it (the drill must still be in the playbook)."""
        row = next((r for r in self.rows if str(r.id) == event.row_key.value), None)
        if row is None or not row.resumable:
            return
        self.coach.with_trainee(lambda trainee: flow.resume(self.coach, row.id))

    async def on_screen_resume(self) -> None:
        # Textual may resume a screen more than once as it is first shown; rebuild only on new data
        # (a drill finished since, or another app instance wrote to the same database).
        if self.is_mounted and self._load() != self.rows:
            await self.rebuild()

    async def rebuild(self) -> None:
        await super().rebuild()
        self._fill_table()

    @on(Select.Changed, "#history-trainee")
    async def _trainee(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else str(event.value)
        if value != self.trainee_name and value is not None:
            self.trainee_name = value
            await self.rebuild()

    @on(Select.Changed, "#history-drill")
    async def _drill(self, event: Select.Changed) -> None:
        value = ALL if event.value is Select.NULL else str(event.value)
        if value != self.drill_filter:
            self.drill_filter = value
            await self.rebuild()

    async def action_reload(self) -> None:
        await self.rebuild()

    def action_export(self) -> None:
        """Ask where to save (default: a dated file in the current folder), then write the CSV there."""
        app = self.coach
        if app.store is None or not self.rows:
            self.notify(self.t("history.empty"), markup=False)
            return
        stamp = app.clock().strftime("%Y%m%d-%H%M%S")
        rows = list(self.rows)

        def save(target: Path | None) -> None:
            if target is None or app.store is None:
                return
            try:
                app.store.export_csv_file(rows, target)
            except StoreError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.notify(f"{self.t('history.exported')} {target}", markup=False)
            self.exported = target

        from .save_path import SavePathScreen

        app.push_screen(SavePathScreen(Path.cwd() / f"cxcoach-history-{stamp}.csv"), save)
