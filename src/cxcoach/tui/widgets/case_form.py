"""A case form built from the playbook's declared facts.

Enum facts and booleans without a default become a `Select` (unknown stays
expressible), booleans with a default a `Switch`, numbers an `Input` with a
range-checked `Number` validator, datetimes an `Input` accepting ISO-8601 or
`HH:MM`, text facts a plain `Input`. Every valid change posts
`CaseForm.Changed` with the facts that are known, so the console can
recommend on every keystroke; invalid fields are marked and left out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.validation import Function, Number, ValidationResult, Validator
from textual.widgets import Input, Label, Select, Switch

from ...playbook.model import Fact, FactType, Playbook
from ..text import assemble, content

_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_when(text: str, now: dt.datetime) -> dt.datetime:
    """`HH:MM` (today, or yesterday if that would be in the future) or an ISO-8601 time with offset.

    A time without an offset is read in `now`'s timezone: a supervisor types
    the wall-clock time printed on the ticket.
    """
    raw = text.strip()
    m = _HHMM.match(raw)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2))
        if hour > 23 or minute > 59:
            raise ValueError(f"{raw!r} is not a time of day")
        when = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        return when - dt.timedelta(days=1) if when > now else when
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{raw!r}: write HH:MM or 2026-03-06T16:00+08:00") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=now.tzinfo)
    return value


class WhenValidator(Validator):
    """Accepts what `parse_when` accepts (and empty, meaning "unknown")."""

    def __init__(self, clock: Callable[[], dt.datetime]) -> None:
        super().__init__()
        self.clock = clock

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.success()
        try:
            parse_when(value, self.clock())
        except ValueError as exc:
            return self.failure(str(exc))
        return self.success()


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
    CaseForm > Switch { width: auto; }
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
                 received_text: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.playbook = playbook
        self.lang = lang
        self.clock = clock
        self.words = dict(words or {})
        self.initial = dict(values or {})
        self.received_text = received_text
        self._facts: dict[str, Fact] = {}  # widget id -> fact

    def compose(self) -> ComposeResult:
        yield Label(content(self.words.get("received", "Received at")), id="label-received")
        yield Input(self.received_text, placeholder=self.words.get("received_help", "HH:MM"), id="received",
                    validators=[WhenValidator(self.clock)], valid_empty=True, compact=True)
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
                yield Switch(bool(initial), id=wid)
            elif fact.type is FactType.NUMBER:
                hint = ""
                if fact.min is not None or fact.max is not None:
                    hint = f"{'' if fact.min is None else f'{fact.min:g}'}..{'' if fact.max is None else f'{fact.max:g}'}"
                yield Input("" if initial is None else str(initial), placeholder=hint, id=wid, type="number",
                            validators=[Number(minimum=fact.min, maximum=fact.max)], valid_empty=True, compact=True)
            elif fact.type is FactType.DATETIME:
                yield Input("" if initial is None else str(initial), placeholder="HH:MM / ISO", id=wid,
                            validators=[WhenValidator(self.clock)], valid_empty=True, compact=True)
            else:
                yield Input("" if initial is None else str(initial), id=wid, compact=True,
                            validators=[Function(lambda v: len(v) <= 500, "at most 500 characters")])

    def on_mount(self) -> None:
        self.call_after_refresh(self.post_change)

    def read(self) -> tuple[dict[str, object], dt.datetime | None, tuple[str, ...]]:
        """The current typed facts, received time and invalid field labels."""
        facts: dict[str, object] = {}
        errors: list[str] = []
        now = self.clock()
        received: dt.datetime | None = None
        box = self.query_one("#received", Input)
        if box.value.strip():
            try:
                received = parse_when(box.value, now)
            except ValueError:
                errors.append(self.words.get("received", "Received at"))
        for wid, fact in self._facts.items():
            widget = self.query_one(f"#{wid}")
            label = self.query_one(f"#label-{wid}", Label)
            bad = False
            if isinstance(widget, Select):
                if widget.value is not Select.NULL:
                    facts[fact.id] = widget.value
            elif isinstance(widget, Switch):
                facts[fact.id] = widget.value
            elif isinstance(widget, Input):
                raw = widget.value.strip()
                if raw:
                    try:
                        if fact.type is FactType.NUMBER:
                            number = float(raw)
                            if (fact.min is not None and number < fact.min) or (fact.max is not None and number > fact.max):
                                raise ValueError(raw)
                            facts[fact.id] = int(number) if number.is_integer() and "." not in raw else number
                        elif fact.type is FactType.DATETIME:
                            facts[fact.id] = parse_when(raw, now)
                        else:
                            facts[fact.id] = raw
                    except ValueError:
                        bad = True
                        errors.append(fact.label.get(self.lang))
            label.set_class(bad, "-invalid")
        return facts, received, tuple(errors)

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
