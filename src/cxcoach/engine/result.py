"""What `recommend` returns: frozen, locale-resolved, JSON-ready.

Texts are already resolved to one locale (the CLI's `--lang`), so renderers
and the TUI never need the playbook again. `to_json()` gives the stable
machine shape documented in the CLI help and used by `--stream`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from .calendar_days import CalendarNote


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _jsonable(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


class Reason(msgspec.Struct, frozen=True):
    """Why something was recommended: the rule that fired and the facts that made it fire."""

    rule: str
    facts: tuple[tuple[str, object], ...]
    overdue: tuple[str, ...] = ()
    text: str | None = None
    priority: int = 50

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"rule": self.rule, "facts": {k: _jsonable(v) for k, v in self.facts}}
        if self.overdue:
            out["overdue"] = list(self.overdue)
        out["text"] = self.text
        return out


class ScriptLine(msgspec.Struct, frozen=True):
    script: str
    id: str
    text: str

    def to_json(self) -> dict[str, object]:
        return {"script": self.script, "id": self.id, "text": self.text}


class AvoidItem(msgspec.Struct, frozen=True):
    id: str
    title: str
    why: str
    instead: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "title": self.title, "why": self.why, "instead": self.instead}


class StrategyItem(msgspec.Struct, frozen=True):
    id: str
    title: str
    advice: tuple[str, ...]
    because: tuple[str, ...]  # rule ids
    interpretation: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "advice": list(self.advice),
            "because": list(self.because),
            "interpretation": self.interpretation,
        }


class Recommendation(msgspec.Struct, frozen=True):
    """One ranked next step."""

    id: str
    procedure: str
    title: str
    owner: str | None
    due: dt.datetime | None
    overdue: bool
    script: tuple[ScriptLine, ...]
    avoid: tuple[AvoidItem, ...]
    escalate_to: tuple[str, ...]
    strategies: tuple[str, ...]
    records: tuple[str, ...]
    because: tuple[Reason, ...]
    description: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "procedure": self.procedure,
            "title": self.title,
            "description": self.description,
            "owner": self.owner,
            "due": iso(self.due),
            "overdue": self.overdue,
            "script": [s.to_json() for s in self.script],
            "avoid": [a.to_json() for a in self.avoid],
            "escalate_to": list(self.escalate_to),
            "strategies": list(self.strategies),
            "records": list(self.records),
            "because": [b.to_json() for b in self.because],
        }


class DeadlineStatus(msgspec.Struct, frozen=True):
    """One running deadline: respond, resolve or a step's due time, and how far along it is."""

    target: str  # "respond", "resolve" or a step id
    due: dt.datetime
    duration: str  # as written, e.g. "4bh"
    source: str  # rule id, "playbook" or "step"
    fraction: float  # share of the deadline's active time used up (1.0 = due now)
    overdue: bool
    warning: float | None = None  # highest warning threshold crossed
    level: str | None = None  # highest escalation level reached
    to: str | None = None  # role of that level
    met: bool = False  # done according to the playbook's clock.met_when

    def to_json(self) -> dict[str, object]:
        return {
            "target": self.target,
            "due": iso(self.due),
            "duration": self.duration,
            "source": self.source,
            "fraction": round(self.fraction, 4),
            "overdue": self.overdue,
            "warning": self.warning,
            "level": self.level,
            "to": self.to,
            "met": self.met,
        }


class Escalation(msgspec.Struct, frozen=True):
    """The highest escalation level reached over all deadlines."""

    level: str
    to: str
    target: str  # which deadline triggered it
    at: float
    label: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"level": self.level, "to": self.to, "target": self.target, "at": self.at, "label": self.label}


class NearMiss(msgspec.Struct, frozen=True):
    """A rule that did not fire although all but one of its conditions held."""

    rule: str
    condition: str  # the failed or unknown condition, rendered
    state: str  # "failed" or "unknown"
    missing: tuple[str, ...]  # facts missing from the case (state unknown)
    actual: tuple[tuple[str, object], ...]  # case values the failed condition looked at
    held: tuple[str, ...]  # the conditions that did hold

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "condition": self.condition,
            "state": self.state,
            "missing": list(self.missing),
            "actual": {k: _jsonable(v) for k, v in self.actual},
            "held": list(self.held),
        }


class Result(msgspec.Struct, frozen=True):
    """Everything `recommend` found for one case; see the CLI help for the JSON shape."""

    playbook: str
    locale: str
    case_id: str | None
    received_at: dt.datetime
    now: dt.datetime
    elapsed_minutes: float
    paused_minutes: float
    paused: bool
    recommendations: tuple[Recommendation, ...]
    strategies: tuple[StrategyItem, ...]
    avoid: tuple[AvoidItem, ...]
    scripts: tuple[ScriptLine, ...]  # rule scripts not tied to a recommended step
    respond_by: dt.datetime | None
    resolve_by: dt.datetime | None
    deadlines: tuple[DeadlineStatus, ...]
    escalation: Escalation | None
    escalate_to: tuple[str, ...]
    overdue: tuple[str, ...]  # recommended step ids past their due time
    fired: tuple[Reason, ...]
    near_misses: tuple[NearMiss, ...] | None = None  # None unless explain=True
    notes: tuple[str, ...] = ()
    roles: tuple[tuple[str, str], ...] = ()  # (role id, label) for every role named above
    # Business-time deadlines that rest on estimated or missing holiday data (engine/calendar_days.py).
    calendar_notes: tuple[CalendarNote, ...] = ()

    def role(self, role_id: str) -> str:
        """A role's label in the result's locale (the id if the playbook has no such role)."""
        return dict(self.roles).get(role_id, role_id)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "case": self.case_id,
            "playbook": self.playbook,
            "locale": self.locale,
            "received_at": iso(self.received_at),
            "now": iso(self.now),
            "elapsed_minutes": round(self.elapsed_minutes, 2),
            "paused": self.paused,
            "paused_minutes": round(self.paused_minutes, 2),
            "recommendations": [r.to_json() for r in self.recommendations],
            "strategies": [s.to_json() for s in self.strategies],
            "avoid": [a.to_json() for a in self.avoid],
            "scripts": [s.to_json() for s in self.scripts],
            "deadlines": {
                "respond_by": iso(self.respond_by),
                "resolve_by": iso(self.resolve_by),
                "all": [d.to_json() for d in self.deadlines],
            },
            "escalation": None if self.escalation is None else self.escalation.to_json(),
            "escalate_to": list(self.escalate_to),
            "overdue": list(self.overdue),
            "fired": [r.to_json() for r in self.fired],
            "notes": list(self.notes),
            "roles": dict(self.roles),
            "calendar_notes": [n.to_json() for n in self.calendar_notes],
        }
        if self.near_misses is not None:
            out["near_misses"] = [n.to_json() for n in self.near_misses]
        return out
