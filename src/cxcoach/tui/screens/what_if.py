"""What if: describe a hypothetical case and watch the next steps and deadlines change as it changes.

Nothing is recorded. The case's clock behaves as a recorded case's would:
when a change moves the case into the playbook's `clock.pause_when` (e.g.
"waiting on the customer") a pause starts at that moment and ends when a
later change moves it out, and those intervals go to the engine with the
case, so the deadlines stand still while paused, exactly as `recommend`
and the desk compute them.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Footer, Header, Static

from ...engine.result import Result
from ...locale_words import punctuation
from ..text import assemble
from ..widgets.case_deadlines import CaseDeadlines
from ..widgets.case_form import CaseForm
from ..widgets.recommendation_list import RecommendationList
from ..widgets.time_input import TimeInput
from .base import CoachScreen


class WhatIfScreen(CoachScreen[None]):
    """Recommendations update on every field change and every clock tick.

    | Key | Does |
    | :- | :- |
    | `w` (list) | show / hide why each step is recommended |
    | `s` (list) | copy the highlighted step's script line |
    | `ctrl+n` | clear the case and restart the clock |
    | escape | leave a field and focus the list (so single-letter keys work again); on the list, back |
    | `ctrl+b` | back to the desk |
    """

    AUTO_FOCUS = "#recommendations"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "reset", "Clear case"),
        Binding("escape", "focus_list", "Steps", tooltip="Leave the field; focus the next steps"),
        Binding("ctrl+b", "back", "Desk", tooltip="Back to the queue of recorded cases"),
    ]
    TICK_SECONDS = 1.0

    def __init__(self) -> None:
        super().__init__()
        self.facts: dict[str, object] = {}
        self.received_text = ""
        self.received_at: dt.datetime | None = None
        self.opened_at: dt.datetime | None = None
        self.pauses: list[tuple[dt.datetime, dt.datetime]] = []  # closed pauses of this hypothetical case
        self.paused_since: dt.datetime | None = None
        self._facts_changed = True
        self.result: Result | None = None
        self.errors: list[str] = []

    def _words(self) -> dict[str, str]:
        return {"none": self.t("console.none"), "overdue": self.t("desk.overdue_for"), "left": self.t("desk.left"),
                "why": self.t("console.why"), "colon": punctuation(self.coach.lang).colon,
                "received": self.t("console.received"),
                "unknown": self.t("console.unknown"),
                "yes": self.t("desk.yes"), "no": self.t("desk.no"), "out_of_range": self.t("desk.out_of_range"),
                "not_a_number": self.t("desk.not_a_number")}

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
                yield Static(assemble((self.t("whatif.title"), "bold")), id="whatif-title")
                yield CaseDeadlines(app.clock, app.lang, id="deadlines")
                yield Static("", id="escalation")
                roles = {r.id: r.label.get(app.lang) for r in app.playbook.roles.values()}
                yield RecommendationList(words, roles=roles, id="recommendations",
                                         title=self.t("console.recommendations"), why_words=self.why_words())
                yield Static("", id="case-errors")
        yield Footer(compact=True)  # the screen's keys fit beside the app's in 80 columns

    def why_words(self) -> tuple[str, str]:
        return self.t("desk.why_shown"), self.t("desk.why_hidden")

    def on_mount(self) -> None:
        if self.opened_at is None:
            self.opened_at = self.coach.clock()
        self.set_interval(self.TICK_SECONDS, self.evaluate)

    @on(CaseForm.Changed)
    def _case_changed(self, event: CaseForm.Changed) -> None:
        self.facts = dict(event.facts)
        self.received_at = event.received_at
        self.received_text = self.query_one("#received", TimeInput).value
        self.errors = list(event.errors)
        self._facts_changed = True
        self.evaluate()

    def _recommend(self, received: dt.datetime, now: dt.datetime, *, with_open_pause: bool) -> Result:
        from ...engine import recommend
        from ...engine.case import parse_case

        app = self.coach
        assert app.playbook is not None
        pauses: list[dict[str, dt.datetime]] = [{"from": s, "to": e} for s, e in self.pauses]
        if with_open_pause and self.paused_since is not None:
            pauses.append({"from": self.paused_since})
        case = parse_case(app.playbook, {"received_at": received, "facts": self.facts, "pauses": pauses}, now=now)
        return recommend(app.playbook, case, locale=self._locale())

    def _follow_pause(self, received: dt.datetime, now: dt.datetime) -> None:
        """After a change: start a pause if the case now matches `clock.pause_when`, end it if it no longer does."""
        paused_by_facts = self._recommend(received, now, with_open_pause=False).paused
        if paused_by_facts and self.paused_since is None:
            self.paused_since = now
        elif not paused_by_facts and self.paused_since is not None:
            if now > self.paused_since:
                self.pauses.append((self.paused_since, now))
            self.paused_since = None

    def evaluate(self) -> None:
        """Recommend for the current case at the clock's now and refresh everything shown."""
        app = self.coach
        if app.playbook is None or not self.query("#recommendations"):
            return
        from ...engine import CaseError

        now = app.clock()
        received = self.received_at or self.opened_at or now
        if received > now:
            received = now
        result: Result | None
        try:
            if self._facts_changed:
                self._facts_changed = False
                self._follow_pause(received, now)
            result = self._recommend(received, now, with_open_pause=True)
            problems = list(self.errors)
        except CaseError as exc:
            result, problems = None, list(self.errors) + exc.messages
        self.result = result
        try:  # a tick may land while a language switch recomposes the screen: the next one shows it
            steps, deadlines = self.query_one(RecommendationList), self.query_one(CaseDeadlines)
            errors, escalation = self.query_one("#case-errors", Static), self.query_one("#escalation", Static)
        except NoMatches:
            return
        steps.show(result, now)
        deadlines.show(result, now)
        errors.update(assemble(*[(self.label("console.invalid") + p + "\n", "$error") for p in problems]))
        escalation.update(self._escalation(result))

    def _locale(self) -> str:
        pb = self.coach.playbook
        lang = self.coach.lang
        return lang if pb is None or lang in pb.locales else pb.default_locale

    def _escalation(self, result: Result | None) -> Content:
        if result is None:
            return Content()
        parts: list[tuple[object, str] | object] = []
        if result.paused:
            parts.append((f"{self.t('desk.clock_paused')}   ", "bold $primary"))
        if result.escalate_to:
            roles = self.t("list.join").join(result.role(r) for r in result.escalate_to)
            parts.append((self.t("console.escalate", roles=roles), "bold $warning"))
        if result.overdue:
            steps = {r.id: r.title for r in result.recommendations}
            late = [self.t(f"console.{t}") if t in ("respond", "resolve") else steps.get(t, t) for t in result.overdue]
            parts += ["\n"] if parts else []
            parts.append((self.t("console.overdue_list", items=self.t("list.join").join(late)), "bold $error"))
        return assemble(*parts)

    def action_focus_list(self) -> None:
        steps = self.query("#recommendations")
        if steps and self.focused is not steps.first():
            steps.first().focus()
        else:  # already on the list (or no playbook): escape goes back, as on every other screen
            self.dismiss()

    def action_back(self) -> None:
        self.dismiss()

    async def action_reset(self) -> None:
        self.facts, self.received_text, self.received_at = {}, "", None
        self.pauses, self.paused_since, self._facts_changed = [], None, True
        self.opened_at = self.coach.clock()
        await self.recompose()
