"""The validated playbook: frozen msgspec Structs shared by the engine, drills, CLI and TUI.

Everything here is plain data, typed so that checkers see every constructor.
Objects keep the position (`Pos`) of the YAML node they came from so that
later checks (lint, engine explanations) can point at the line a trainer wrote.
"""

# No `from __future__ import annotations` here: msgspec reads these classes' annotations to
# decode cache entries, and evaluating them from strings on the first read cost more than
# the rest of that read. Names used before they are defined are quoted.

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Self

import msgspec

# The condition language and the base values are part of the model: re-exported as `model.X`.
from ..conditions.model import DERIVED_FACTS as DERIVED_FACTS
from ..conditions.model import OP_SYNONYMS as OP_SYNONYMS
from ..conditions.model import All as All
from ..conditions.model import Any as Any
from ..conditions.model import Condition as Condition
from ..conditions.model import FactTest as FactTest
from ..conditions.model import FactType as FactType
from ..conditions.model import Not as Not
from ..conditions.model import Op as Op
from ..conditions.model import Overdue as Overdue
from ..conditions.model import Scalar as Scalar
from .base import NOWHERE as NOWHERE
from .base import Model as Model
from .base import Pos as Pos
from .base import Text as Text
from .holiday_data import HolidaySource as HolidaySource
from .holiday_data import SourceYear as SourceYear
from .holiday_data import YearStatus as YearStatus

if TYPE_CHECKING:  # named in quotes below: a recommendation never loads the drill model
    from .drill_model import Detector, Drill, Rubric


class FactValue(Model):
    id: str
    label: Text


class Fact(Model):
    id: str
    type: FactType
    label: Text
    pos: Pos
    values: tuple[FactValue, ...] = ()
    description: Text | None = None
    min: float | None = None
    max: float | None = None
    default: object = None

    @property
    def value_ids(self) -> tuple[str, ...]:
        return tuple(v.id for v in self.values)


class SourceDoc(Model):
    id: str
    title: Text
    file: str | None = None


class Role(Model):
    id: str
    label: Text
    description: Text | None = None


class DurationUnit(StrEnum):
    MINUTES = "m"
    HOURS = "h"
    DAYS = "d"
    BUSINESS_HOURS = "bh"
    BUSINESS_DAYS = "bd"
    END_OF_BUSINESS_DAY = "end_of_business_day"


class Duration(Model):
    """A deadline offset: wall-clock (m/h/d) or business-calendar (bh/bd, end of day)."""

    amount: int
    unit: DurationUnit

    @classmethod
    def parse(cls, raw: str) -> Self:
        if raw == DurationUnit.END_OF_BUSINESS_DAY:
            return cls(0, DurationUnit.END_OF_BUSINESS_DAY)
        for unit in (DurationUnit.BUSINESS_HOURS, DurationUnit.BUSINESS_DAYS,
                     DurationUnit.MINUTES, DurationUnit.HOURS, DurationUnit.DAYS):
            if raw.endswith(unit.value) and raw[: -len(unit.value)].isdigit():
                return cls(int(raw[: -len(unit.value)]), unit)
        raise ValueError(f"not a duration: {raw!r} (use 30m, 3h, 3d, 4bh, 2bd or end_of_business_day)")

    def __str__(self) -> str:
        if self.unit is DurationUnit.END_OF_BUSINESS_DAY:
            return self.unit.value
        return f"{self.amount}{self.unit.value}"


class Calendar(Model):
    """Working time used for business-hour deadlines.

    A day is a working day when the playbook says so (`workdays`), else not
    when the playbook lists it as a holiday (`holidays`), else as the source
    says (its make-up workdays, then its days off), else by `weekdays`: the
    playbook's own days override the source.
    """

    timezone: str
    start: dt.time
    end: dt.time
    weekdays: frozenset[int]  # Monday = 0
    holidays: frozenset[dt.date] = frozenset()  # the playbook's own days off
    workdays: frozenset[dt.date] = frozenset()  # the playbook's own working days
    names: dict[dt.date, Text] = msgspec.field(default_factory=dict)  # names of the playbook's own days
    source: HolidaySource | None = None

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if self.source is not None:
            year = self.source.year(day.year)
            if day in year.workdays:
                return True
            if day in year.days_off:
                return False
        return day.weekday() in self.weekdays


MIDNIGHT = dt.time(0)  # as the end of working hours it means 24:00


def calendar_problems(cal: Calendar) -> list[tuple[str, str]]:
    """What makes a calendar unusable, as (YAML key, sentence) pairs; empty when fine.

    One check serves the loader (which positions each problem at its key) and
    the engine (which refuses to compute business time on a broken calendar).
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    problems: list[tuple[str, str]] = []
    try:
        ZoneInfo(cal.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(("timezone", f"unknown time zone {cal.timezone!r}; use an IANA name such as Asia/Shanghai"))
    if cal.start == cal.end:
        problems.append(("working_hours", f"working hours start and end at the same time ({cal.start:%H:%M})"))
    elif cal.end != MIDNIGHT and cal.end < cal.start:
        problems.append(("working_hours", f"working hours end ({cal.end:%H:%M}) before they start "
                                          f"({cal.start:%H:%M}); overnight shifts are not supported"))
    bad_days = sorted(d for d in cal.weekdays if not 0 <= d <= 6)
    if bad_days:
        problems.append(("weekdays", f"weekdays must be 0 (Monday) to 6 (Sunday), got {bad_days}"))
    if not cal.weekdays and not cal.workdays:
        problems.append(("weekdays", "no working weekday: business-time deadlines could never be met"))
    both = sorted(cal.holidays & cal.workdays)
    if both:
        problems.append(("workdays", "dates are both holidays and make-up workdays: " + ", ".join(map(str, both))))
    return problems


DEFAULT_CALENDAR = Calendar("UTC", dt.time(9), dt.time(17), frozenset(range(5)))


# --- content ----------------------------------------------------------------

class Line(Model):
    """One sentence a person may say; the id lets it be cited and translated."""

    id: str
    text: Text
    pos: Pos = NOWHERE


class Record(Model):
    id: str
    title: Text
    fields: tuple[Text, ...] = ()
    retention: Duration | None = None
    source: tuple[str, ...] = ()
    fill: tuple[str | None, ...] = ()  # per field: where a case supplies its value (desk forms), or None


class Step(Model):
    id: str
    procedure: str
    index: int  # position within its procedure, 0-based
    title: Text
    pos: Pos
    description: Text | None = None
    owner: str | None = None
    due: Duration | None = None
    records: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    escalate_to: tuple[str, ...] = ()
    source: tuple[str, ...] = ()


class Procedure(Model):
    id: str
    title: Text
    steps: tuple[Step, ...]
    pos: Pos
    description: Text | None = None
    source: tuple[str, ...] = ()


class Script(Model):
    id: str
    title: Text
    lines: tuple[Line, ...]
    pos: Pos
    step: str | None = None
    avoid: tuple[str, ...] = ()
    source: tuple[str, ...] = ()


class Avoid(Model):
    id: str
    title: Text
    why: Text
    pos: Pos
    phrases: dict[str, tuple[str, ...]] = msgspec.field(default_factory=dict)
    instead: Text | None = None
    source: tuple[str, ...] = ()


class Strategy(Model):
    id: str
    title: Text
    advice: tuple[Line, ...]
    pos: Pos
    applies_to: Text | None = None
    avoid: tuple[str, ...] = ()
    interpretation: bool = False
    source: tuple[str, ...] = ()


class DeadlineSet(Model):
    respond: Duration | None = None
    resolve: Duration | None = None


NO_DEADLINES = DeadlineSet()


class Action(Model):
    """What a rule recommends. Lists collect across rules; deadlines take the earliest."""

    steps: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()
    strategies: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    escalate_to: tuple[str, ...] = ()
    deadlines: DeadlineSet = NO_DEADLINES


class Rule(Model):
    id: str
    when: Condition
    then: Action
    pos: Pos
    priority: int = 50
    order: int = 0  # declaration order, the final tie-breaker in ranking
    title: Text | None = None
    because: Text | None = None
    source: tuple[str, ...] = ()


class EscalationLevel(Model):
    id: str
    at: float  # fraction of the deadline elapsed
    to: str  # role id
    label: Text | None = None


class EscalationPolicy(Model):
    warnings: tuple[float, ...] = ()
    levels: tuple[EscalationLevel, ...] = ()


class Clock(Model):
    """When deadline clocks stand still (`pause_when`) or stop because a deadline is met."""

    pause_when: Condition | None = None
    respond_met_when: Condition | None = None
    resolve_met_when: Condition | None = None


class Labelled(Model):
    """An id with a label and description: dimensions, loyalty types."""

    id: str
    label: Text
    description: Text | None = None


class SatisfactionState(Model):
    id: str
    label: Text
    min_ratio: float
    description: Text | None = None


class Statistic(Model):
    id: str
    text: Text
    source: tuple[str, ...] = ()


class Measurement(Model):
    formula: Text | None = None
    satisfaction_states: tuple[SatisfactionState, ...] = ()  # best first
    dimensions: tuple[Labelled, ...] = ()
    loyalty: tuple[Labelled, ...] = ()
    statistics: tuple[Statistic, ...] = ()
    source: tuple[str, ...] = ()

    def state_for(self, ratio: float) -> SatisfactionState | None:
        """The first (best) state whose threshold the ratio reaches."""
        for state in self.satisfaction_states:
            if ratio >= state.min_ratio:
                return state
        return self.satisfaction_states[-1] if self.satisfaction_states else None


class CloseRight(Model):
    """Who may move a case into a final stage: the first entry whose `when` holds decides."""

    roles: tuple[str, ...]
    when: Condition | None = None


class Workflow(Model):
    """How a recorded case moves through its stages (the complaint desk validates events with it).

    `transitions` maps a stage to the stages it may move to next; `final`
    stages close the case, and only a role named by the first matching entry
    of `close` may move a case there.
    """

    fact: str = "stage"
    transitions: Mapping[str, tuple[str, ...]] = msgspec.field(default_factory=dict)
    final: tuple[str, ...] = ()
    close: tuple[CloseRight, ...] = ()


class Playbook(Model):
    """A whole validated playbook, with lookup tables by id (read-only by convention: the model is shared)."""

    id: str
    title: Text
    version: str
    locales: tuple[str, ...]
    path: str
    description: Text | None = None
    source: tuple[str, ...] = ()
    sources: Mapping[str, SourceDoc] = msgspec.field(default_factory=dict)
    roles: Mapping[str, Role] = msgspec.field(default_factory=dict)
    facts: Mapping[str, Fact] = msgspec.field(default_factory=dict)
    calendar: Calendar = DEFAULT_CALENDAR
    clock: Clock = Clock()
    deadlines: DeadlineSet = NO_DEADLINES
    escalation: EscalationPolicy = EscalationPolicy()
    records: Mapping[str, Record] = msgspec.field(default_factory=dict)
    procedures: Mapping[str, Procedure] = msgspec.field(default_factory=dict)
    steps: Mapping[str, Step] = msgspec.field(default_factory=dict)
    scripts: Mapping[str, Script] = msgspec.field(default_factory=dict)
    avoid: Mapping[str, Avoid] = msgspec.field(default_factory=dict)
    strategies: Mapping[str, Strategy] = msgspec.field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    measurement: Measurement = Measurement()
    detectors: Mapping[str, "Detector"] = msgspec.field(default_factory=dict)
    rubrics: Mapping[str, "Rubric"] = msgspec.field(default_factory=dict)
    drills: Mapping[str, "Drill"] = msgspec.field(default_factory=dict)
    workflow: Workflow | None = None

    @property
    def default_locale(self) -> str:
        return self.locales[0]
