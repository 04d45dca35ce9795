"""A case form built from the playbook's declared facts.

Enum facts and booleans without a default become a `Select` (unknown stays
expressible), booleans with a default a `Switch`, numbers an `Input` with a
range-checked `Number` validator, datetimes a `TimeInput` read in the
playbook's time zone, text facts a plain `Input`. A switch says its state in
words beside it. Every valid change posts `CaseForm.Changed` with the facts
that are known, so the console can recommend on every keystroke; invalid
fields are marked, their label says why, and they are left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.validation import Function, Number
from textual.widgets import Input, Label, Select, Switch

from ...desk.times import TimeError
from ...locale_words import punctuation
from ...playbook.model import Fact, FactType, Playbook
from ..text import assemble, content
from .time_input import TimeInput, read_time, zone_offset


class CaseForm(VerticalScroll):
    """Fields for every declared fact plus the time the complaint was received.

    | Key | Does |
    | :- | :- |
    | tab / shift+tab | next / previous field |
    | enter (on a Select) | open the choices |
    | space / enter (on a Switch) | toggle |
    """

    DEFAULT_CSS = """
    CaseForm {
        width: 36;
        height: 1fr;
        border: round $secondary;
        padding: 0 1;
    }
    CaseForm > Label { margin-top: 1; color: $text-muted; }
    CaseForm > Label.-invalid { color: $error; }
    CaseForm > Select, CaseForm > Input { width: 1fr; }
    CaseForm > .switch-row { height: auto; }
    CaseForm .switch-row > Switch { width: auto; }
    CaseForm .switch-row > .switch-state { padding: 0 1; }
    """

    class Changed(Message):
        """The case changed: `facts` holds typed, valid values only; `errors` the invalid field labels."""

        def __init__(self, form: CaseForm, facts: dict[str, object], received_at: dt.datetime | None,
                     errors: tuple[str, ...]) -> None:
            super().__init__()
            self.form = form
            self.facts = facts
            self.received_at = received_at
            self.errors = errors

        @property
        def control(self) -> CaseForm:
            return self.form

    def __init__(self, playbook: Playbook, lang: str, clock: Callable[[], dt.datetime], *,
                 words: Mapping[str, str] | None = None, values: Mapping[str, object] | None = None,
                 received_text: str = "", happened: bool = False, **kwargs: Any) -> None:
        """`happened`: the received time is a real case's (the desk's), refused more than a day ahead of now;
        a what-if case may be received whenever the supervisor likes."""
        super().__init__(**kwargs)
        self.happened = happened
        self.playbook = playbook
        self.lang = lang
        self.clock = clock
        self.words = dict(words or {})
        self.initial = dict(values or {})
        self.received_text = received_text
        self.tz = playbook.calendar.timezone
        self._facts: dict[str, Fact] = {}  # widget id -> fact

    def compose(self) -> ComposeResult:
        yield Label(content(self._received_label()), id="label-received")
        yield TimeInput(self.received_text, tz=self.tz, clock=self.clock, past_only=True, happened=self.happened,
                        id="received", compact=True)
        for i, fact in enumerate(self.playbook.facts.values()):
            wid = f"fact-{i}"
            self._facts[wid] = fact
            label = fact.label.get(self.lang)
            yield Label(content(label), id=f"label-{wid}")
            initial = self.initial.get(fact.id, fact.default)
            if fact.type is FactType.ENUM:
                options = [(content(v.label.get(self.lang)), v.id) for v in fact.values]
                value = initial if initial in fact.value_ids else Select.NULL
                yield Select(options, prompt=self.words.get("unknown", "(unknown)"), value=value, id=wid,
                             compact=True)
            elif fact.type is FactType.BOOL and fact.default is None:
                # No default: "unknown" must stay expressible, or rules testing `false` fire on an empty form.
                yes, no = ("是", "否") if self.lang == "zh" else ("Yes", "No")
                yield Select([(yes, True), (no, False)], prompt=self.words.get("unknown", "(unknown)"),
                             value=Select.NULL if initial is None else bool(initial), id=wid, compact=True)
            elif fact.type is FactType.BOOL:
                with Horizontal(classes="switch-row"):
                    yield Switch(bool(initial), id=wid)
                    yield Label(self._yes_no(bool(initial)), id=f"state-{wid}", classes="switch-state")
            elif fact.type is FactType.NUMBER:
                hint = ""
                if fact.min is not None or fact.max is not None:
                    low = "" if fact.min is None else f"{fact.min:g}"
                    high = "" if fact.max is None else f"{fact.max:g}"
                    hint = f"{low}..{high}"
                yield Input("" if initial is None else str(initial), placeholder=hint, id=wid, type="number",
                            validators=[Number(minimum=fact.min, maximum=fact.max)], valid_empty=True, compact=True)
            elif fact.type is FactType.DATETIME:
                yield TimeInput("" if initial is None else str(initial), tz=self.tz, clock=self.clock, id=wid,
                                compact=True)
            else:
                yield Input("" if initial is None else str(initial), id=wid, compact=True,
                            validators=[Function(lambda v: len(v) <= 500, "at most 500 characters")])

    def _received_label(self) -> str:
        """`Received at (+08:00)`: times are typed in the playbook's zone, and the label says which."""
        return f"{self.words.get('received', 'Received at')} ({zone_offset(self.tz, self.clock())})"

    def _yes_no(self, value: bool) -> str:
        return self.words.get("yes" if value else "no", "Yes" if value else "No")

    def on_mount(self) -> None:
        self.call_after_refresh(self.post_change)

    def _mark(self, label_id: str, text: str, problem: str | None) -> None:
        """A field's label, with the reason appended when its value cannot be used."""
        label = self.query_one(f"#{label_id}", Label)
        label.set_class(problem is not None, "-invalid")
        label.update(content(text if problem is None else punctuation(self.lang).labelled(text, problem)))

    def read(self) -> tuple[dict[str, object], dt.datetime | None, tuple[str, ...]]:
        """The current typed facts, received time and the invalid fields (label: why)."""
        facts: dict[str, object] = {}
        errors: list[str] = []
        now = self.clock()
        received: dt.datetime | None = None
        box = self.query_one("#received", TimeInput)
        received_label = self._received_label()
        problem = box.problem
        if problem is None:
            received = box.when
        else:
            errors.append(punctuation(self.lang).labelled(received_label, problem))
        self._mark("label-received", received_label, problem)
        for wid, fact in self._facts.items():
            widget = self.query_one(f"#{wid}")
            bad: str | None = None
            if isinstance(widget, Select):
                if widget.value is not Select.NULL:
                    facts[fact.id] = widget.value
            elif isinstance(widget, Switch):
                facts[fact.id] = widget.value
                self.query_one(f"#state-{wid}", Label).update(self._yes_no(widget.value))
            elif isinstance(widget, TimeInput):
                try:
                    when = read_time(widget.value, self.tz, now)
                except TimeError as exc:
                    bad = str(exc)
                else:
                    if when is not None:
                        facts[fact.id] = when
            elif isinstance(widget, Input):
                raw = widget.value.strip()
                if raw:
                    try:
                        if fact.type is FactType.NUMBER:
                            number = float(raw)
                            if ((fact.min is not None and number < fact.min)
                                    or (fact.max is not None and number > fact.max)):
                                raise ValueError(raw)
                            facts[fact.id] = int(number) if number.is_integer() and "." not in raw else number
                        else:
                            facts[fact.id] = raw
                    except ValueError:
                        bad = self._range(fact, raw)
            label = fact.label.get(self.lang)
            if bad is not None:
                errors.append(punctuation(self.lang).labelled(label, bad))
            self._mark(f"label-{wid}", label, bad)
        return facts, received, tuple(errors)

    def _range(self, fact: Fact, raw: str) -> str:
        low = "" if fact.min is None else f"{fact.min:g}"
        high = "" if fact.max is None else f"{fact.max:g}"
        if low or high:
            return self.words.get("out_of_range", "{value!r} is not a number in {low}..{high}").format(
                value=raw, low=low, high=high)
        return self.words.get("not_a_number", "{value!r} is not a number").format(value=raw)

    def post_change(self) -> None:
        facts, received, errors = self.read()
        self.post_message(self.Changed(self, facts, received, errors))

    @on(Select.Changed)
    @on(Switch.Changed)
    @on(Input.Changed)
    def _changed(self, event: Message) -> None:
        event.stop()
        self.post_change()

    def set_value(self, fact_id: str, value: object) -> None:
        """Set one field programmatically (tests, the command palette)."""
        for wid, fact in self._facts.items():
            if fact.id != fact_id:
                continue
            widget = self.query_one(f"#{wid}")
            if isinstance(widget, Select):
                widget.value = Select.NULL if value is None else value
            elif isinstance(widget, Switch):
                widget.value = bool(value)
            elif isinstance(widget, Input):
                widget.value = "" if value is None else str(value)
            return
        raise KeyError(fact_id)

    def describe(self) -> str:
        """A one-line summary (for notifications)."""
        facts, _, _ = self.read()
        return assemble(", ".join(f"{k}={v}" for k, v in facts.items())).plain
