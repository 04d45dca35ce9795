"""A running drill: the customer talks, the trainee replies, the mood moves, every turn is saved.

The screen dismisses with the drill's report when it ends, or with None when
the trainee leaves (see flow.py): it never opens the report itself. A reply is
scored and saved in a worker thread: a long reply can take seconds to score,
and the trainee keeps typing meanwhile.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.widgets import Footer, Header, Input, Static

from ...drill.session import DrillError, DrillReport, DrillSession, Mode, Silence, Turn
from ...store import RecordedDrill, StoreError
from ..text import assemble, content
from ..widgets.countdown import Countdown
from ..widgets.mood_meter import MoodMeter
from ..widgets.prose import Prose
from ..widgets.transcript import Transcript
from .base import CoachScreen


class DrillScreen(CoachScreen[DrillReport | None]):
    """One drill session (pushed on the practice mode's stack).

    Leaving with escape keeps the session unfinished, so it can be resumed
    later from the practice screen, exactly as after a crash. With the reply
    timer on, a drill that declares `patience` gives the trainee that long;
    when it runs out the customer says so and their mood moves (a drill
    without `patience` has no timer).

    | Key | Does |
    | :- | :- |
    | enter | send the reply |
    | `f2` | hint: the playbook's advice for this step (practice mode; costs points) |
    | escape | leave the drill (it stays resumable) |
    """

    AUTO_FOCUS = "#reply"
    DEFAULT_CSS = """
    DrillScreen #drill-scoring { display: none; dock: bottom; height: 1; padding: 0 1; color: $text-warning; }
    DrillScreen.-scoring #drill-scoring { display: block; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "hint", "Hint", tooltip="Show the playbook's hint for this step (costs points)"),
        Binding("escape", "leave", "Leave", tooltip="Leave; the drill can be resumed later"),
    ]

    scoring: reactive[bool] = reactive(False, init=False)
    """A reply is being scored in a worker: the session is not to be read or changed until it is back."""

    def __init__(self, run: RecordedDrill, *, timer: bool = False, resumed: bool = False) -> None:
        super().__init__()
        self.run = run
        self.timer = timer
        self.resumed = resumed
        self._rebuild_waiting = False  # a language change came while scoring: rebuild when the score is back

    @property
    def session(self) -> DrillSession:
        return self.run.session

    @property
    def timed(self) -> bool:
        return self.timer and self.session.drill.patience is not None

    def compose(self) -> ComposeResult:
        s = self.session
        lang = self.coach.lang  # titles follow the app; the conversation keeps the drill's language
        yield Header()
        with Horizontal(id="drill-top"):
            mode = self.t("practice.exam") if s.mode is Mode.EXAM else self.t("mode.practice")
            yield Prose(assemble((s.drill.title.get(lang), "bold"), "\n", s.drill.persona.label.get(lang),
                                 ("  ·  " + mode, "$text-muted")), id="drill-info")
            meter = MoodMeter(self.t("drill.hostility"), self.t("drill.perceived"), id="mood")
            meter.hostility, meter.perceived = s.state.hostility, s.state.perceived
            yield meter
            if self.timed:
                yield Countdown(self.t("drill.timer"), self.coach.clock, id="reply-timer",
                                warn_within=dt.timedelta(seconds=15), left_word="",
                                overdue_word=self.t("console.overdue"))
        yield Transcript(id="transcript")
        yield Input(placeholder=self.t("drill.reply"), id="reply", max_length=2000)
        yield Static(content(self.t("drill.scoring")), id="drill-scoring")
        yield Footer()

    def on_mount(self) -> None:
        self.replay_transcript()
        self.query_one("#reply", Input).focus()

    async def rebuild(self) -> None:
        if self.scoring:
            self._rebuild_waiting = True
            return
        draft = self.query_one("#reply", Input).value
        await self.recompose()
        self.replay_transcript(note=False)
        self.query_one("#reply", Input).value = draft
        self.query_one("#reply", Input).focus()
        self.localize_keys()

    def replay_transcript(self, note: bool = True) -> None:
        """Show the turns so far (after a resume or a language switch) and the customer's current line."""
        s = self.session
        transcript = self.query_one(Transcript)
        transcript.clear()
        if s.drill.brief:
            transcript.note(s.drill.brief.get(s.locale))
        if self.resumed and note:
            transcript.note(self.t("practice.resumed"))
        if self.timer and not self.timed:
            transcript.note(self.t("drill.untimed"))
        silences: dict[int, list[Silence]] = {}
        for silence in s.silences:
            silences.setdefault(silence.turn, []).append(silence)
        for turn in s.turns:
            for silence in silences.get(turn.number, [])[:-1]:
                transcript.say_customer(self.label("drill.customer"), silence.customer)
            transcript.say_customer(self.label("drill.customer"), turn.customer)
            transcript.say_trainee(self.label("drill.you"), turn.reply)
            if s.mode is Mode.PRACTICE:
                transcript.feedback([(f.text, f.points) for f in turn.feedback])
        if not s.finished:
            for silence in silences.get(s.turn_number, [])[:-1]:
                transcript.say_customer(self.label("drill.customer"), silence.customer)
            transcript.say_customer(self.label("drill.customer"), s.customer_text)
            self._restart_timer()

    def _restart_timer(self) -> None:
        patience = self.session.drill.patience
        if self.timed and patience is not None and self.query("#reply-timer"):
            self.query_one("#reply-timer", Countdown).due = self.coach.clock() + dt.timedelta(seconds=patience.seconds)

    @on(Input.Submitted, "#reply")
    def _reply(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text or self.session.finished:
            return
        if self.scoring:  # the draft stays in the box; Enter again once the score is back
            self.notify(self.t("drill.still_scoring"), severity="warning", markup=False)
            return
        event.input.value = ""
        self.query_one(Transcript).say_trainee(self.label("drill.you"), text)
        self.scoring = True
        self._score(text)

    @work(thread=True, group="drill-score")
    def _score(self, text: str) -> None:
        """Score and save one reply off the UI thread; the result comes back through `_scored`."""
        turn: Turn | None = None
        problem: tuple[str, str, SeverityLevel] | None = None
        try:
            turn = self.run.reply(text)
        except StoreError as exc:  # the turn happened in memory but could not be saved
            problem = (str(exc), self.t("drill.saved_error"), "error")
            turn = self.session.turns[-1] if self.session.turns else None
        except DrillError as exc:
            problem = (str(exc), "", "warning")
        self.app.call_from_thread(self._scored, turn, problem)

    def _scored(self, turn: Turn | None, problem: tuple[str, str, SeverityLevel] | None) -> None:
        self.scoring = False
        if not self.is_attached:  # the trainee left meanwhile; the turn is saved and the drill resumable
            return
        if problem is not None:
            message, title, severity = problem
            self.notify(message, title=title, severity=severity, markup=False)
            if turn is None:
                return
        if self._rebuild_waiting:
            self._rebuild_waiting = False
            self.call_after_refresh(self._catch_up)
            return
        if turn is not None and self.session.mode is Mode.PRACTICE:
            self.query_one(Transcript).feedback([(f.text, f.points) for f in turn.feedback])
        self._customer_speaks()

    async def _catch_up(self) -> None:
        """The language changed while scoring: show everything again, this turn included."""
        await self.rebuild()
        if self.session.finished:
            self.end()

    def watch_scoring(self, scoring: bool) -> None:
        self.set_class(scoring, "-scoring")

    def _customer_speaks(self) -> None:
        """After a reply or a silence: the mood, then the customer's words, then the report or the timer."""
        transcript = self.query_one(Transcript)
        meter = self.query_one(MoodMeter)
        meter.hostility, meter.perceived = self.session.state.hostility, self.session.state.perceived
        if self.session.customer_text:
            transcript.say_customer(self.label("drill.customer"), self.session.customer_text)
        if self.session.finished:
            self.end()
        else:
            self._restart_timer()

    @on(Countdown.Expired, "#reply-timer")
    def _time_up(self) -> None:
        """The customer has waited as long as the drill says: they react, and the clock starts again."""
        if self.scoring or self.session.finished:  # a reply is in: it is the answer, not a silence
            return
        try:
            self.run.wait()
        except StoreError as exc:
            self.notify(str(exc), title=self.t("drill.saved_error"), severity="error", markup=False)
        except DrillError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self.notify(self.t("drill.timeout"), severity="warning", markup=False)
        self._customer_speaks()

    def end(self) -> None:
        """The drill is over: store the result and hand the report back to whoever started the drill."""
        try:
            report = self.run.finish() or self.session.report()
        except StoreError as exc:
            self.notify(str(exc), title=self.t("drill.saved_error"), severity="error", markup=False)
            report = self.session.report()
        self.dismiss(report)

    def action_hint(self) -> None:
        s = self.session
        if s.mode is Mode.EXAM:
            self.notify(self.t("drill.hint_exam"), markup=False)
            return
        if s.finished or self.scoring:
            return
        try:
            text = self.run.hint()
        except (DrillError, StoreError) as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self.query_one(Transcript).note(self.label("drill.hint") + text if text else self.t("drill.no_hint"))

    def action_leave(self) -> None:
        self.dismiss(None)
