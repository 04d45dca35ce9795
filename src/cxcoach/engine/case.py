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
from collections.abc import Mapping

import msgspec

from ..conditions.operators import is_number
from ..inputs import MAX_INT
from ..playbook.model import DERIVED_FACTS, Fact, FactType, Playbook
from ..problems import closest
from .case_problems import CaseError, CaseValueError, Problems, key_path, listing, shown, type_name
from .compiled import CaseFacts, compile_playbook

__all__ = ["CASE_KEYS", "Case", "CaseError", "Pause", "parse_case", "parse_timestamp", "usable_id"]

CASE_KEYS = ("id", "received_at", "now", "facts", "pauses")
_CLOCK_KEYS = ("id", "received_at", "now")  # what --set may give besides facts
MAX_ID_LENGTH = 256
MAX_SAFE_INTEGER = 2**53 - 1  # what every JSON reader holds exactly

# What the engine computes with (validation refuses the rest): deadlines run years past
# received_at, and Python's dates end in 9999.
FIRST_YEAR, LAST_YEAR = 1900, 2999
_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


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
    id: str | int | None = None  # as given: an integer id stays an integer
    notes: tuple[str, ...] = ()  # note codes (N001); a result words them in its locale


def parse_timestamp(raw: object, what: str) -> dt.datetime:
    """An aware datetime from ISO-8601 text (or a YAML timestamp); ValueError (CaseValueError) says why not."""
    if isinstance(raw, dt.datetime):
        value = raw
    elif isinstance(raw, str):
        try:
            value = dt.datetime.fromisoformat(raw.strip())
        except ValueError:
            raise CaseValueError("C010", field=what, value=shown(raw)) from None
    else:
        raise CaseValueError("C012", field=what, type=type_name(raw))
    if value.tzinfo is None or value.utcoffset() is None:
        raise CaseValueError("C011", field=what, value=str(raw)[:60],
                             example=f"{value.isoformat()}+08:00")
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise CaseValueError("C014", field=what, detail=f"{value.isoformat()} is outside the years "
                             f"{FIRST_YEAR}-{LAST_YEAR} that deadlines are computed for; check the year")
    return value


def _coerce(fact: Fact, raw: object, declared: CaseFacts) -> object:
    """The fact's typed value, or CaseValueError with the allowed values."""
    if fact.type is FactType.ENUM:
        if isinstance(raw, str) and raw in declared.enum_values[fact.id]:
            return raw
        allowed = fact.value_ids
        hint = closest(raw, allowed) if isinstance(raw, str) else None
        raise CaseValueError("C023", hint, fact=shown(fact.id), value=shown(raw), allowed=listing(allowed))
    if fact.type is FactType.BOOL:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise CaseValueError("C024", fact=shown(fact.id), value=shown(raw))
    if fact.type is FactType.NUMBER:
        value: object = raw
        if isinstance(raw, str):
            try:
                value = float(raw) if any(c in raw for c in ".eE") else int(raw)
            except ValueError:
                raise CaseValueError("C025", fact=shown(fact.id), value=shown(raw)) from None
        if isinstance(value, int) and abs(value) > MAX_INT:  # math.isfinite would overflow
            raise CaseValueError("C025", fact=shown(fact.id), value=f"a number beyond ±{MAX_INT:,}")
        if not is_number(value):
            raise CaseValueError("C025", fact=shown(fact.id), value=shown(raw))
        if fact.min is not None and value < fact.min:
            raise CaseValueError("C026", fact=shown(fact.id), value=shown(value), limit=f"{fact.min:g}")
        if fact.max is not None and value > fact.max:
            raise CaseValueError("C027", fact=shown(fact.id), value=shown(value), limit=f"{fact.max:g}")
        return value
    if fact.type is FactType.DATETIME:
        return parse_timestamp(raw, f"fact {shown(fact.id)}")
    if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        return str(raw)
    raise CaseValueError("C028", fact=shown(fact.id), type=type_name(raw))


def _facts(playbook: Playbook, raw: object, errors: Problems) -> dict[str, object]:
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        errors.add("C020", "$.facts", type=type_name(raw))
        raw = {}
    declared = compile_playbook(playbook).facts
    out: dict[str, object] = {}
    for key, value in raw.items():
        name = str(key)
        fact = declared.by_id.get(name)
        if fact is None:
            path = key_path("$.facts", name)
            if name in DERIVED_FACTS:
                errors.add("C022", path, fact=shown(name))
            elif errors.full:
                errors.add("C021", path)  # counted only: no suggestion to compute
            else:
                known = listing(sorted(playbook.facts)) or "(none declared)"
                errors.add("C021", path, closest(name, playbook.facts), fact=shown(name), known=known)
            continue
        if value is None:
            continue  # stated as unknown
        try:
            out[name] = _coerce(fact, value, declared)
        except ValueError as exc:
            errors.add_error(exc, key_path("$.facts", name))
    for fact in declared.defaults:
        if fact.id not in out and fact.id not in raw:
            out[fact.id] = fact.default
    return out


def _pauses(raw: object, received: dt.datetime, now: dt.datetime, errors: Problems) -> tuple[Pause, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        errors.add("C030", "$.pauses")
        return ()
    out: list[Pause] = []
    for i, item in enumerate(raw):
        where = f"pauses[{i}]"
        if not isinstance(item, Mapping) or "from" not in item:
            errors.add("C031", f"$.{where}", field=where)
            continue
        extra = sorted(set(map(str, item)) - {"from", "to"})
        if extra:
            errors.add("C032", f"$.{where}", field=where, keys=listing(shown(k) for k in extra))
        try:
            start = parse_timestamp(item["from"], f"{where}.from")
        except ValueError as exc:
            errors.add_error(exc, f"$.{where}.from")
            continue
        try:
            end = parse_timestamp(item["to"], f"{where}.to") if item.get("to") is not None else None
        except ValueError as exc:
            errors.add_error(exc, f"$.{where}.to")
            continue
        if end is not None and end < start:
            errors.add("C033", f"$.{where}.to", field=where, end=end.isoformat(), start=start.isoformat())
            continue
        if end is None and i != len(raw) - 1:
            errors.add("C034", f"$.{where}", field=where)
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

    `overrides` are `--set` style values: `received_at`, `now` and `id` replace
    the case's own, anything else is a fact applied on top of `raw["facts"]`
    (strings are converted by fact type). Raises CaseError listing every
    problem (see case_problems.py for the codes).
    """
    errors = Problems()
    notes: list[str] = []
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        errors.add("C001", "$", allowed=", ".join(CASE_KEYS), type=type_name(raw))
        errors.raise_if_any()
    assert isinstance(raw, Mapping)
    if overrides:
        clock = {key: overrides[key] for key in _CLOCK_KEYS if key in overrides}
        raw = {**raw, **clock} if clock else raw
        overrides = {key: value for key, value in overrides.items() if key not in _CLOCK_KEYS}
    for key in raw:
        if key not in CASE_KEYS:
            name = str(key)
            if errors.full:
                errors.add("C002", key_path("$", name))
            elif name in playbook.facts:
                errors.add("C003", key_path("$", name), key=shown(name), name=name, allowed=", ".join(CASE_KEYS))
            else:
                errors.add("C002", key_path("$", name), closest(name, CASE_KEYS), key=shown(name),
                           allowed=", ".join(CASE_KEYS))

    clock_now: dt.datetime | None = None
    if now is not None:
        clock_now = now if now.tzinfo else None
        if clock_now is None:
            errors.add("C011", "$.now", field="now", value=now.isoformat(), example=f"{now.isoformat()}+08:00")
    elif raw.get("now") is not None:
        try:
            clock_now = parse_timestamp(raw["now"], "now")
        except ValueError as exc:
            errors.add_error(exc, "$.now")
    else:
        clock_now = dt.datetime.now(dt.UTC)

    received: dt.datetime | None = None
    if raw.get("received_at") is not None:
        try:
            received = parse_timestamp(raw["received_at"], "received_at")
        except ValueError as exc:
            errors.add_error(exc, "$.received_at")
    elif clock_now is not None:
        received = clock_now
        notes.append("N001")  # deadlines counted from now (case_problems.note_text)

    facts_raw = raw.get("facts")
    if overrides and (facts_raw is None or isinstance(facts_raw, Mapping)):
        facts_raw = {**(facts_raw or {}), **overrides}
    facts = _facts(playbook, facts_raw, errors)

    pauses: tuple[Pause, ...] = ()
    if received is not None and clock_now is not None:
        if clock_now < received:
            errors.add("C013", "$.now", now=clock_now.isoformat(), received=received.isoformat())
        pauses = _pauses(raw.get("pauses"), received, clock_now, errors)

    case_id = _case_id(raw.get("id"), errors)
    errors.raise_if_any()
    assert received is not None and clock_now is not None
    return Case(
        facts=facts,
        received_at=received,
        now=clock_now,
        pauses=pauses,
        id=case_id,
        notes=tuple(notes),
    )


def usable_id(raw: object) -> bool:
    """A case id every JSON reader can hold and echo: a string of at most 256 characters or a safe integer."""
    if isinstance(raw, str):
        return len(raw) <= MAX_ID_LENGTH
    return isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) <= MAX_SAFE_INTEGER


def _case_id(raw: object, errors: Problems) -> str | int | None:
    """The case id as given (an integer stays one), or None with the problem recorded."""
    if raw is None or usable_id(raw):
        return raw  # type: ignore[return-value]  # usable_id: str or int
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        errors.add("C004", "$.id", type=type_name(raw))
    elif isinstance(raw, str):
        errors.add("C005", "$.id", length=str(len(raw)), limit=str(MAX_ID_LENGTH))
    else:
        errors.add("C006", "$.id", value=f"an integer of {raw.bit_length()} bits")
    return None
