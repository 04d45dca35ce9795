"""A described case, checked against the playbook's declared facts.

A case file (see `schemas/case.schema.json`) is a mapping::

    id: T-1042                      # optional, echoed back (useful with --stream)
    received_at: 2026-03-06T16:00:00+08:00
    now: 2026-03-06T16:40:00+08:00  # optional; default: the current time
    facts:                          # the case vocabulary lives under `facts`
      channel: phone
      severity: major
    pauses:                         # optional: times the clock stood still
      - {from: 2026-03-06T16:10:00+08:00, to: 2026-03-06T16:20:00+08:00}
      - {from: 2026-03-06T16:30:00+08:00}   # open: still paused now

Facts sit under `facts` (not at the top level) so a fact can never collide
with the clock keys. Every problem is collected before raising so a
supervisor fixes a case in one go; values that arrive as strings (from
`--set fact=value`) are converted by the fact's type.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

import msgspec

from ..playbook.model import DERIVED_FACTS, Fact, FactType, Playbook
from ..problems import did_you_mean
from ..errors import CxcoachError
from ..inputs import MAX_INT

CASE_KEYS = ("id", "received_at", "now", "facts", "pauses")
# What the engine computes with (validation refuses the rest): deadlines run years past
# received_at, and Python's dates end in 9999.
FIRST_YEAR, LAST_YEAR = 1900, 2999
_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


class CaseError(CxcoachError, ValueError):
    """A case that cannot be evaluated; `messages` lists every problem found."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(self.messages) if self.messages else "invalid case")


class Pause(msgspec.Struct, frozen=True):
    """A stretch of time the deadline clock stood still; `end` None means still paused."""

    start: dt.datetime
    end: dt.datetime | None = None


class Case(msgspec.Struct, frozen=True):
    """A validated case: typed facts (defaults applied) and an aware clock."""

    facts: Mapping[str, object]
    received_at: dt.datetime
    now: dt.datetime
    pauses: tuple[Pause, ...] = ()
    id: str | None = None
    notes: tuple[str, ...] = ()


def parse_timestamp(raw: object, what: str) -> dt.datetime:
    """An aware datetime from ISO-8601 text (or a YAML timestamp); ValueError says why not."""
    if isinstance(raw, dt.datetime):
        value = raw
    elif isinstance(raw, str):
        try:
            value = dt.datetime.fromisoformat(raw.strip())
        except ValueError:
            raise ValueError(
                f"{what}: {raw!r} is not an ISO-8601 timestamp; write e.g. 2026-03-06T16:00:00+08:00"
            ) from None
    else:
        raise ValueError(f"{what}: expected an ISO-8601 timestamp string, got {type(raw).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{what}: {raw!s} has no UTC offset; add one, e.g. {value.isoformat()}+08:00"
        )
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"{what}: {value.isoformat()} is outside the years {FIRST_YEAR}-{LAST_YEAR} "
                         "that deadlines are computed for; check the year")
    return value


def _coerce(fact: Fact, raw: object) -> object:
    """The fact's typed value, or ValueError with the allowed values."""
    where = f"fact {fact.id!r}"
    if fact.type is FactType.ENUM:
        allowed = fact.value_ids
        if isinstance(raw, str) and raw in allowed:
            return raw
        hint = did_you_mean(str(raw), allowed) if isinstance(raw, str) else None
        msg = f"{where}: unknown value {raw!r}; allowed: {', '.join(allowed)}"
        raise ValueError(f"{msg} ({hint})" if hint else msg)
    if fact.type is FactType.BOOL:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise ValueError(f"{where}: expected true or false, got {raw!r}")
    if fact.type is FactType.NUMBER:
        value: object = raw
        if isinstance(raw, str):
            try:
                value = float(raw) if any(c in raw for c in ".eE") else int(raw)
            except ValueError:
                raise ValueError(f"{where}: expected a number, got {raw!r}") from None
        if isinstance(value, int) and abs(value) > MAX_INT:  # math.isfinite would overflow
            raise ValueError(f"{where}: expected a number between -{MAX_INT:,} and {MAX_INT:,}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{where}: expected a number, got {raw!r}")
        if fact.min is not None and value < fact.min:
            raise ValueError(f"{where}: {value} is below the minimum {fact.min:g}")
        if fact.max is not None and value > fact.max:
            raise ValueError(f"{where}: {value} is above the maximum {fact.max:g}")
        return value
    if fact.type is FactType.DATETIME:
        return parse_timestamp(raw, where)
    if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        return str(raw)
    raise ValueError(f"{where}: expected text, got {type(raw).__name__}")


def _facts(playbook: Playbook, raw: object, errors: list[str]) -> dict[str, object]:
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        errors.append(f"facts: expected a mapping of fact to value, got {type(raw).__name__}")
        raw = {}
    out: dict[str, object] = {}
    for key, value in raw.items():
        name = str(key)
        if name in DERIVED_FACTS:
            errors.append(f"fact {name!r} is computed from received_at, now and pauses; do not set it")
            continue
        fact = playbook.facts.get(name)
        if fact is None:
            hint = did_you_mean(name, playbook.facts)
            known = ", ".join(sorted(playbook.facts)) or "(none declared)"
            errors.append(f"unknown fact {name!r}" + (f" ({hint})" if hint else "") + f"; known facts: {known}")
            continue
        if value is None:
            continue  # stated as unknown
        try:
            out[name] = _coerce(fact, value)
        except ValueError as exc:
            errors.append(str(exc))
    for fact in playbook.facts.values():
        if fact.id not in out and fact.default is not None and fact.id not in raw:
            out[fact.id] = fact.default
    return out


def _pauses(raw: object, received: dt.datetime, now: dt.datetime, errors: list[str]) -> tuple[Pause, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        errors.append("pauses: expected a list of {from, to} intervals")
        return ()
    out: list[Pause] = []
    for i, item in enumerate(raw):
        where = f"pauses[{i}]"
        if not isinstance(item, Mapping) or "from" not in item:
            errors.append(f"{where}: expected a mapping with `from` and optional `to`")
            continue
        extra = sorted(set(map(str, item)) - {"from", "to"})
        if extra:
            errors.append(f"{where}: unknown key(s) {', '.join(extra)}; use from and to")
        try:
            start = parse_timestamp(item["from"], f"{where}.from")
            end = parse_timestamp(item["to"], f"{where}.to") if item.get("to") is not None else None
        except ValueError as exc:
            errors.append(str(exc))
            continue
        if end is not None and end < start:
            errors.append(f"{where}: `to` ({end.isoformat()}) is before `from` ({start.isoformat()})")
            continue
        if end is None and i != len(raw) - 1:
            errors.append(f"{where}: only the last pause may be open (no `to`)")
            continue
        out.append(Pause(start, end))
    return tuple(out)


def parse_case(
    playbook: Playbook,
    raw: object,
    *,
    now: dt.datetime | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Case:
    """Validate a case mapping; `now` (if given) wins over the case's own `now`.

    `overrides` are `--set` style facts applied on top of `raw["facts"]`;
    string values are converted by fact type. Raises CaseError listing every
    problem.
    """
    errors: list[str] = []
    notes: list[str] = []
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise CaseError([f"a case must be a mapping with {', '.join(CASE_KEYS)}; got {type(raw).__name__}"])
    for key in raw:
        if key not in CASE_KEYS:
            name = str(key)
            hint = did_you_mean(name, CASE_KEYS)
            if name in playbook.facts:
                hint = f"facts go under `facts:`, e.g. facts: {{{name}: ...}}"
            errors.append(f"unknown case key {name!r}" + (f" ({hint})" if hint else "") + f"; allowed: {', '.join(CASE_KEYS)}")

    clock_now: dt.datetime | None = None
    if now is not None:
        clock_now = now if now.tzinfo else None
        if clock_now is None:
            errors.append("now: a timestamp needs a UTC offset")
    elif raw.get("now") is not None:
        try:
            clock_now = parse_timestamp(raw["now"], "now")
        except ValueError as exc:
            errors.append(str(exc))
    else:
        clock_now = dt.datetime.now(dt.timezone.utc)

    received: dt.datetime | None = None
    if raw.get("received_at") is not None:
        try:
            received = parse_timestamp(raw["received_at"], "received_at")
        except ValueError as exc:
            errors.append(str(exc))
    elif clock_now is not None:
        received = clock_now
        notes.append("no received_at given: deadlines are counted from now")

    facts_raw = raw.get("facts")
    if overrides and (facts_raw is None or isinstance(facts_raw, Mapping)):
        facts_raw = {**(facts_raw or {}), **overrides}
    facts = _facts(playbook, facts_raw, errors)

    pauses: tuple[Pause, ...] = ()
    if received is not None and clock_now is not None:
        if clock_now < received:
            errors.append(f"now ({clock_now.isoformat()}) is before received_at ({received.isoformat()})")
        pauses = _pauses(raw.get("pauses"), received, clock_now, errors)

    case_id = raw.get("id")
    if case_id is not None and not isinstance(case_id, (str, int)):
        errors.append("id: expected a string")
    if errors:
        raise CaseError(errors)
    assert received is not None and clock_now is not None
    return Case(
        facts=facts,
        received_at=received,
        now=clock_now,
        pauses=pauses,
        id=None if case_id is None else str(case_id),
        notes=tuple(notes),
    )
