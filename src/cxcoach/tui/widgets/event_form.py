"""The fields for one event on a recorded case: a stage move, a fact, a note, a follow-up or the closure.

The form only reads what was typed (a time it cannot read is refused here,
with the reason); whether the event is allowed is the desk's decision
(`Desk.update` / `Desk.follow_up` validate it against the playbook), and the
screen that records it shows the desk's reasons with `show_problems`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from ...desk.state import CaseState
from ...desk.validate import Wording, close_roles
from ...playbook.model import FactType
from ..i18n import tr
from ..labels import PlaybookWords
from ..text import content
from .record_fields import RecordFields
from .time_input import TimeInput, zone_offset

KINDS = ("stage", "facts", "note", "follow_up", "close")

def form_wording(lang: str) -> Wording:
    """How the desk's refusals name this form's fields (its labels, not the CLI's options) and stages (labels)."""
    fields = {key: f"“{tr(f'desk.form.{label}', lang)}”" if lang == "zh" else repr(tr(f"desk.form.{label}", lang))
              for key, label in (("by", "by"), ("stage", "stage"), ("set", "fact"), ("score", "scores"),
                                            ("note", "note"))}
    return Wording(lang, fields)


@dataclass(frozen=True, slots=True)
class EventRequest:
    """What the supervisor asked to record; the desk decides whether it may be."""

    kind: str  # one of KINDS
    at: dt.datetime | None = None  # None: now
    by: str | None = None
    note: str = ""
    stage: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    satisfaction: str | None = None
    scores: tuple[str, ...] = ()  # "dimension=a:b" items, read by desk.scores_from


class EventForm(VerticalScroll):
    """Fields for one kind of event; Enter in a text field or the Record button submits.

    | Key | Does |
    | :- | :- |
    | tab / shift+tab | next / previous field |
    | enter | record (in a text field), open the choices (on a select) |
    """

    DEFAULT_CSS = """
    EventForm { height: auto; max-height: 100%; }
    EventForm Label { margin-top: 1; color: $text-muted; }
    EventForm Select, EventForm Input { width: 1fr; }
    EventForm #when-problem { color: $text-error; height: auto; display: none; }
    EventForm #when-problem.-shown { display: block; }
    EventForm #may-close { color: $text-muted; }
    EventForm #value-box { height: auto; }
    """

    class Submitted(Message):
        """The supervisor asked to record `request`."""

        def __init__(self, form: EventForm, request: EventRequest) -> None:
            super().__init__()
            self.form = form
            self.request = request

        @property
        def control(self) -> EventForm:
            return self.form

    class Cancelled(Message):
        """The supervisor gave up on this event."""

    def __init__(self, kind: str, state: CaseState, words: PlaybookWords, clock: Callable[[], dt.datetime],
                 **kwargs: Any) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown event kind {kind!r}; one of {', '.join(KINDS)}")
        super().__init__(**kwargs)
        self.kind = kind
        self.state = state
        self.words = words
        self.clock = clock
        self.playbook = words.playbook

    def t(self, key: str) -> str:
        return tr(f"desk.form.{key}", self.words.lang)

    # -- what may be chosen --
    def stage_options(self) -> list[tuple[str, str]]:
        """Stages this case may move to next (all stages when the playbook lists no transitions)."""
        wf = self.playbook.workflow
        fact = self.playbook.facts.get(self.words.stage_fact)
        values = [v.id for v in fact.values] if fact is not None else []
        if self.kind == "close":
            allowed = [s for s in values if wf is not None and s in wf.final]
        elif wf is not None and wf.transitions and self.state.stage is not None:
            allowed = [s for s in wf.transitions.get(self.state.stage, ()) if s not in wf.final]
        else:
            allowed = [s for s in values if s != self.state.stage and (wf is None or s not in wf.final)]
        return [(self.words.stage(s), s) for s in allowed]

    def fact_options(self) -> list[tuple[str, str]]:
        return [(f.label.get(self.words.lang), f.id) for f in self.playbook.facts.values()
                if f.id != self.words.stage_fact]

    # -- layout --
    def compose(self) -> ComposeResult:
        if self.kind in ("stage", "close"):
            yield Label(content(self.t(self.kind)))
            options = self.stage_options()
            yield Select([(content(label), value) for label, value in options], id="stage", prompt=self.t("unknown"),
                         value=options[0][1] if len(options) == 1 else Select.NULL, compact=True)
            if self.kind == "close":
                roles = close_roles(self.playbook, self.state.facts)
                if roles is not None:
                    names = ", ".join(self.words.role(r) for r in roles) or self.t("nobody")
                    yield Static(content(self.t("may_close").format(roles=names)), id="may-close")
        elif self.kind == "facts":
            yield Label(content(self.t("fact")))
            yield Select([(content(label), value) for label, value in self.fact_options()], id="fact",
                         prompt=self.t("unknown"), compact=True)
            yield Label(content(self.t("value")))
            yield Vertical(id="value-box")
        elif self.kind == "follow_up":
            yield Label(content(self.t("satisfaction")))
            states = [(content(s.label.get(self.words.lang)), s.id)
                      for s in self.playbook.measurement.satisfaction_states]
            yield Select(states, id="satisfaction", prompt=self.t("unknown"), compact=True)
            dims = ", ".join(d.id for d in self.playbook.measurement.dimensions)
            yield Label(content(self.t("scores")))
            yield Input(id="scores", placeholder=dims, compact=True, max_length=500)
        now = self.clock()
        yield Label(content(f"{self.t('when')} · {self.words.tz} ({zone_offset(self.words.tz, now)})"))
        yield TimeInput(tz=self.words.tz, clock=self.clock, happened=True, id="when", compact=True)
        yield Static("", id="when-problem")
        yield RecordFields(self.words, id="record-fields")

    def on_mount(self) -> None:
        first = self.query("Select, Input").first()
        first.focus()

    @on(Select.Changed, "#fact")
    async def _fact_chosen(self, event: Select.Changed) -> None:
        """The value field fits the fact: a choice for enums and yes/no, a time field for times, else text."""
        event.stop()
        box = self.query_one("#value-box", Vertical)
        await box.remove_children()
        fact = self.playbook.facts.get(str(event.value)) if event.value is not Select.NULL else None
        if fact is None:
            return
        widget: Select[str] | Select[bool] | Input
        if fact.type is FactType.ENUM:
            widget = Select([(content(v.label.get(self.words.lang)), v.id) for v in fact.values],
                            id="value", prompt=self.t("unknown"), compact=True)
        elif fact.type is FactType.BOOL:
            widget = Select([(self.t("yes"), True), (self.t("no"), False)], id="value",
                            prompt=self.t("unknown"), compact=True)
        elif fact.type is FactType.DATETIME:
            widget = TimeInput(tz=self.words.tz, clock=self.clock, id="value", compact=True)
        else:
            hint = ""
            if fact.type is FactType.NUMBER and (fact.min is not None or fact.max is not None):
                hint = f"{'' if fact.min is None else f'{fact.min:g}'}..{'' if fact.max is None else f'{fact.max:g}'}"
            widget = Input(id="value", placeholder=hint, compact=True, max_length=2000)
        await box.mount(widget)

    @on(Input.Changed, "#when")
    def _when_changed(self, event: Input.Changed) -> None:
        event.stop()
        box = self.query_one("#when", TimeInput)
        problem = self.query_one("#when-problem", Static)
        problem.update(content(box.problem or ""))
        problem.set_class(bool(box.problem), "-shown")

    # -- reading and submitting --
    def _select(self, selector: str) -> Any:
        found = self.query(selector)
        if not found:
            return None
        value = found.first(Select).value
        return None if value is Select.NULL else value

    def read(self) -> EventRequest | None:
        """The event as typed, or None (with the reason shown) when something typed cannot be read."""
        when_box = self.query_one("#when", TimeInput)
        problem = when_box.problem
        problems: list[str] = [problem] if problem else []
        stage = facts = None
        value: Any = None
        if self.kind in ("stage", "close"):
            stage = self._select("#stage")
            if stage is None:
                problems.append(f"{self.t(self.kind)}: {self.t('pick')}")
        elif self.kind == "facts":
            fact = self._select("#fact")
            widgets = self.query("#value")
            if widgets:
                widget = widgets.first()
                if isinstance(widget, TimeInput):
                    if widget.problem:
                        problems.append(widget.problem)
                    value = widget.when
                elif isinstance(widget, Select):
                    value = None if widget.value is Select.NULL else widget.value
                elif isinstance(widget, Input):
                    value = widget.value.strip() or None
            if fact is None or value is None:
                problems.append(f"{self.t('fact')}: {self.t('pick')}")
            else:
                facts = {str(fact): value}
        satisfaction = None
        scores: tuple[str, ...] = ()
        if self.kind == "follow_up":
            satisfaction = self._select("#satisfaction")
            if satisfaction is None:
                problems.append(f"{self.t('satisfaction')}: {self.t('pick')}")
            raw = self.query_one("#scores", Input).value
            scores = tuple(item for item in raw.replace(",", " ").replace("，", " ").split() if item)
        if problems:
            self.show_problems(problems)
            return None
        fields = self.query_one(RecordFields)
        return EventRequest(self.kind, when_box.when, fields.by, fields.note, stage, facts or {}, satisfaction, scores)

    def show_problems(self, problems: Sequence[str]) -> None:
        """Say why the event was not recorded (nothing was written)."""
        self.query_one(RecordFields).show_problems(problems)

    @on(Input.Submitted)
    @on(Button.Pressed, "#record")
    def submit(self, event: Message | None = None) -> None:
        if event is not None:
            event.stop()
        request = self.read()
        if request is not None:
            self.post_message(self.Submitted(self, request))

    @on(Button.Pressed, "#cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Cancelled())
