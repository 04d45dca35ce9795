"""Practice: pick a drill (filter by difficulty, customer type, category), then run it."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Label, Select, Static, Switch

from ...playbook import drill_model as dm
from ...playbook.model import Playbook
from ...store import RecordedDrill, SessionRow, StoreError, Trainee
from ..text import assemble, cell, content
from ..widgets.prose import Prose
from . import flow
from .base import CoachScreen
from .resume import ResumeScreen

ANY = "__any__"


class PracticeScreen(CoachScreen[None]):
    """The drill list with the trainee's last score per drill.

    | Key | Does |
    | :- | :- |
    | enter | start the highlighted drill |
    | `r` | list the unfinished drills and resume one |
    | `x` | toggle exam mode (no feedback, no hints) |
    | `t` | toggle the per-reply timer |
    """

    AUTO_FOCUS = "#drills"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start", priority=False),
        Binding("r", "resume", "Resume", tooltip="Choose an unfinished drill to carry on with"),
        Binding("x", "toggle_exam", "Exam"),
        Binding("t", "toggle_timer", "Timer"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.difficulty = ANY
        self.customer = ANY
        self.category = ANY
        self.exam = False
        self.timer = False
        self.shown: list[str] = []
        self._filled_width = 0  # the drill column's width at the last fill

    def _drills(self) -> list[dm.Drill]:
        pb = self.coach.playbook
        return list(pb.drills.values()) if pb else []

    @staticmethod
    def _category(drill: dm.Drill) -> str | None:
        value = drill.case.get("category") if drill.case else None
        return None if value is None else str(value)

    def compose(self) -> ComposeResult:
        drills = self._drills()
        lang = self.coach.lang
        pb = self.coach.playbook
        difficulties = sorted({d.difficulty.value for d in drills}, key=["easy", "medium", "hard"].index)
        customers: dict[str, str] = {}
        for d in drills:
            customers.setdefault(d.persona.type, d.persona.label.get(lang))
        categories: dict[str, str] = {}
        fact = pb.facts.get("category") if pb else None
        for d in drills:
            c = self._category(d)
            if c is not None:
                label = next((v.label.get(lang) for v in fact.values if v.id == c), c) if fact else c
                categories.setdefault(c, label)
        yield Header()
        with Vertical(id="practice"):
            with Horizontal(id="practice-filters"):
                yield Select([(content(self.label("practice.filter.difficulty") + "*"), ANY)]
                             + [(content(self.t(f"difficulty.{d}")), d) for d in difficulties],
                             value=self.difficulty, allow_blank=False, id="filter-difficulty", compact=True)
                yield Select([(content(self.label("practice.filter.customer") + "*"), ANY)]
                             + [(content(v), k) for k, v in customers.items()], value=self.customer,
                             allow_blank=False, id="filter-customer", compact=True)
                if categories:
                    yield Select([(content(self.label("practice.filter.category") + "*"), ANY)]
                                 + [(content(v), k) for k, v in categories.items()], value=self.category,
                                 allow_blank=False, id="filter-category", compact=True)
            with Horizontal(id="practice-switches"):
                yield Switch(self.exam, id="exam")
                yield Label(content(self.t("practice.exam")))
                yield Switch(self.timer, id="timer")
                yield Label(content(self.t("practice.timer")))
            if pb is None:  # say why the list is empty, and where to fix it
                yield Static(assemble((self.t("home.no_playbook"), "bold $error"), "\n",
                                      self.t("practice.open_playbook")), id="practice-empty")
            elif not drills:
                yield Static(content(self.t("practice.no_drills"), "italic"), id="practice-empty")
            yield DataTable(id="drills", cursor_type="row", zebra_stripes=True)
            yield Prose(content(""), id="drill-brief")
        yield Footer()

    def on_mount(self) -> None:
        self.fill()

    async def rebuild(self) -> None:
        await super().rebuild()
        self.fill()

    def on_screen_resume(self) -> None:
        if self.is_mounted and self.query("#drills"):
            self.fill()

    def on_resize(self) -> None:
        """The drill column takes the spare width: fit it again, or the score column ends up off screen."""
        if self.query("#drills") and self._drill_width() != self._filled_width:
            self.fill()

    def _drill_width(self) -> int:
        return max(20, self.size.width - 44)

    def _last_scores(self) -> dict[str, int]:
        app = self.coach
        if app.store is None or app.trainee is None or app.playbook is None:
            return {}
        try:
            return app.store.last_scores(app.trainee, app.playbook.id)
        except StoreError:
            return {}

    def fill(self) -> None:
        table = self.query_one("#drills", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        self._filled_width = self._drill_width()
        table.add_column(self.t("practice.col.drill"), width=self._filled_width)
        table.add_column(self.t("practice.col.difficulty"), width=8)
        table.add_column(self.t("practice.col.customer"), width=20)
        table.add_column(self.t("practice.col.last"), width=5)
        lang = self.coach.lang
        last = self._last_scores()
        self.shown = []
        for d in self._drills():
            if self.difficulty != ANY and d.difficulty.value != self.difficulty:
                continue
            if self.customer != ANY and d.persona.type != self.customer:
                continue
            if self.category != ANY and self._category(d) != self.category:
                continue
            score = last.get(d.id)
            table.add_row(cell(d.title.get(lang)), cell(self.t(f"difficulty.{d.difficulty.value}")),
                          cell(d.persona.label.get(lang)), cell("—" if score is None else str(score)), key=d.id)
            self.shown.append(d.id)
        if self.shown:
            table.move_cursor(row=min(max(keep, 0), len(self.shown) - 1))
        self._brief()

    def _current(self) -> str | None:
        table = self.query_one("#drills", DataTable)
        if not self.shown or table.cursor_row < 0 or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def _brief(self) -> None:
        pb = self.coach.playbook
        ident = self._current()
        brief = self.query_one("#drill-brief", Static)
        if pb is None or ident is None:
            brief.update("")
            return
        d = pb.drills[ident]
        lang = self.coach.lang
        parts: list[object] = [(d.title.get(lang), "bold")]
        if d.brief:
            parts += ["\n", d.brief.get(lang)]
        if d.persona.motive:
            parts += ["\n", (d.persona.motive.get(lang), "italic $text-muted")]
        brief.update(assemble(*parts))

    @on(DataTable.RowHighlighted, "#drills")
    def _highlighted(self) -> None:
        self._brief()

    @on(DataTable.RowSelected, "#drills")
    def _selected(self) -> None:
        self.action_start()

    @on(Select.Changed)
    def _filter(self, event: Select.Changed) -> None:
        value = str(event.value)
        if event.select.id == "filter-difficulty":
            self.difficulty = value
        elif event.select.id == "filter-customer":
            self.customer = value
        elif event.select.id == "filter-category":
            self.category = value
        else:
            return
        self.fill()

    @on(Switch.Changed)
    def _switch(self, event: Switch.Changed) -> None:
        if event.switch.id == "exam":
            self.exam = event.value
        elif event.switch.id == "timer":
            self.timer = event.value

    def action_toggle_exam(self) -> None:
        self.query_one("#exam", Switch).toggle()

    def action_toggle_timer(self) -> None:
        self.query_one("#timer", Switch).toggle()

    def action_start(self, drill_id: str | None = None) -> None:
        ident = drill_id or self._current()
        app = self.coach
        if ident is None or app.playbook is None:
            return
        playbook = app.playbook

        def go(trainee: Trainee) -> None:
            if app.store is None:
                return
            try:
                run = RecordedDrill.start(app.store, trainee, playbook, ident, locale=self._locale(playbook),
                                          mode="exam" if self.exam else "practice", seed=app.seed)
            except StoreError as exc:
                self.notify(str(exc), title=self.t("error.db"), severity="error", markup=False)
                return
            flow.play(app, run, timer=self.timer)

        app.with_trainee(go)

    def _locale(self, playbook: Playbook) -> str:
        lang = self.coach.lang
        return lang if lang in playbook.locales else playbook.default_locale

    def action_resume(self) -> None:
        app = self.coach
        if app.playbook is None:
            return
        playbook = app.playbook

        def go(trainee: Trainee) -> None:
            if app.store is None:
                return
            try:
                waiting = app.store.unfinished(trainee, playbook.id)
            except StoreError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            if not waiting:
                self.notify(self.t("practice.nothing_to_resume"), markup=False)
                return

            def chosen(session_id: int | None) -> None:
                if session_id is not None:
                    flow.resume(app, session_id, timer=self.timer)

            self.app.push_screen(ResumeScreen(waiting, lang=app.lang, title_of=self._title_of, when=self._when),
                                 chosen)

        app.with_trainee(go)

    def _title_of(self, row: SessionRow) -> str:
        """A drill's title in the current language (the stored one if the playbook no longer has it)."""
        pb = self.coach.playbook
        drill = pb.drills.get(row.drill) if pb else None
        return drill.title.get(self.coach.lang) if drill else (row.drill_title or row.drill)

    def _when(self, row: SessionRow) -> str:
        return row.started_at.astimezone(self.coach.clock().tzinfo).strftime("%Y-%m-%d %H:%M")
