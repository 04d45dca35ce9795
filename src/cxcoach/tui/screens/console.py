"""The supervisor console: a case form, live ranked next steps and ticking deadlines."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Static

from ..text import assemble
from ..widgets.case_form import CaseForm
from ..widgets.countdown import Countdown
from ..widgets.recommendation_list import RecommendationList
from .base import CoachScreen


class ConsoleScreen(CoachScreen):
    """Recommendations update on every field change and every clock tick.

    | Key | Does |
    | :- | :- |
    | `w` (list) | show / hide why each step is recommended |
    | `s` (list) | copy the highlighted step's script line |
    | `ctrl+n` | clear the case and restart the clock |
    | escape | leave a field and focus the list (so single-letter keys work again) |
    """

    AUTO_FOCUS = "#recommendations"

    BINDINGS = [
        Binding("ctrl+n", "reset", "Clear case"),
        Binding("escape", "focus_list", "Steps", tooltip="Leave the field; focus the next steps"),
    ]
    TICK_SECONDS = 1.0

    def __init__(self) -> None:
        super().__init__()
        self.facts: dict[str, object] = {}
        self.received_text = ""
        self.received_at: dt.datetime | None = None
        self.opened_at: dt.datetime | None = None
        self.result = None
        self.errors: list[str] = []
        self._form_generation = 0

    def _words(self) -> dict[str, str]:
        return {"none": self.t("console.none"), "overdue": self.t("console.overdue"), "left": self.t("console.left"),
                "why": self.t("console.why"), "received": self.t("console.received"),
                "received_help": self.t("console.received.help"), "unknown": self.t("console.unknown")}

    def compose(self) -> ComposeResult:
        app = self.coach
        yield Header()
        if app.playbook is None:
            yield Static(assemble((self.t("home.no_playbook"), "bold $error")), id="console-empty")
            yield Footer()
            return
        words = self._words()
        with Horizontal(id="console"):
            yield CaseForm(app.playbook, app.lang, app.clock, words=words, values=self.facts,
                           received_text=self.received_text, id="case-form")
            with Vertical(id="console-right"):
                with Vertical(id="deadlines"):
                    yield Countdown(self.t("console.respond"), app.clock, id="respond",
                                    left_word=self.t("console.left"), overdue_word=self.t("console.overdue"))
                    yield Countdown(self.t("console.resolve"), app.clock, id="resolve",
                                    left_word=self.t("console.left"), overdue_word=self.t("console.overdue"),
                                    warn_within=dt.timedelta(hours=4))
                yield Static("", id="escalation")
                roles = {r.id: r.label.get(app.lang) for r in app.playbook.roles.values()}
                yield RecommendationList(words, roles=roles, id="recommendations")
                yield Static("", id="case-errors")
        yield Footer()

    def on_mount(self) -> None:
        if self.opened_at is None:
            self.opened_at = self.coach.clock()
        self.set_interval(self.TICK_SECONDS, self.evaluate)

    @on(CaseForm.Changed)
    def _case_changed(self, event: CaseForm.Changed) -> None:
        self.facts = dict(event.facts)
        self.received_at = event.received_at
        self.received_text = self.query_one("#received").value  # type: ignore[attr-defined]
        self.errors = list(event.errors)
        self.evaluate()

    def evaluate(self) -> None:
        """Recommend for the current case at the clock's now and refresh everything shown."""
        app = self.coach
        if app.playbook is None or not self.query("#recommendations"):
            return
        from ...engine import CaseError, recommend
        from ...engine.case import parse_case

        now = app.clock()
        received = self.received_at or self.opened_at or now
        if received > now:
            received = now
        try:
            case = parse_case(app.playbook, {"received_at": received, "facts": self.facts}, now=now)
            result = recommend(app.playbook, case, locale=self._locale())
            problems = list(self.errors)
        except CaseError as exc:
            result, problems = None, list(self.errors) + exc.messages
        self.result = result
        self.query_one(RecommendationList).show(result, now)
        for ident, due in (("#respond", result.respond_by if result else None),
                           ("#resolve", result.resolve_by if result else None)):
            countdown = self.query_one(ident, Countdown)
            countdown.due = due
            countdown.tick()  # same due, new time: redraw now rather than at the countdown's own tick
        self.query_one("#case-errors", Static).update(
            assemble(*[(f"{self.t('console.invalid')}: {p}\n", "$error") for p in problems]))
        self.query_one("#escalation", Static).update(self._escalation(result))

    def _locale(self) -> str:
        pb = self.coach.playbook
        lang = self.coach.lang
        return lang if pb is None or lang in pb.locales else pb.default_locale

    def _escalation(self, result) -> object:
        if result is None:
            return ""
        parts: list = []
        pb = self.coach.playbook
        if result.escalate_to:
            names = []
            for role in result.escalate_to:
                r = pb.roles.get(role) if pb else None
                names.append(r.label.get(self.coach.lang) if r else role)
            parts.append((f"{self.t('console.escalate')}: {', '.join(names)}", "bold $warning"))
        if result.overdue:
            parts.append((f"   {self.t('console.overdue')}: {len(result.overdue)}", "bold $error"))
        return assemble(*parts)

    @on(RecommendationList.ScriptCopied)
    def _copied(self, event: RecommendationList.ScriptCopied) -> None:
        if event.text is None:
            self.notify(self.t("console.no_script"), markup=False)
        else:
            self.notify(self.t("console.copied") + event.text, markup=False)

    def action_focus_list(self) -> None:
        if self.query("#recommendations"):
            self.query_one("#recommendations").focus()

    async def action_reset(self) -> None:
        self.facts, self.received_text, self.received_at = {}, "", None
        self.opened_at = self.coach.clock()
        await self.recompose()
