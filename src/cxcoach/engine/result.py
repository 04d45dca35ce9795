"""What `recommend` returns: typed, locale-resolved, and the JSON contract itself.

The structs below are encoded by msgspec as they are, so their fields, in
declaration order, are the JSON that `cxcoach recommend --format json` and
`--stream` write (`schemas/result.schema.json`, docs/integration.md). A
change to a field's name, type or meaning is a breaking change of that
contract: bump the major part of `SCHEMA_VERSION` and say so in
docs/integration.md. A new field bumps the minor part.

Texts are already resolved to one locale (the CLI's `--lang`), so renderers
and the TUI never need the playbook again. Decisions carry ids and titles;
the prose (script lines, what to avoid and why, advice, descriptions, rules'
reasons) is resolved once per result into `Result.texts` and referenced by id
from the recommendations, strategies and `fired`. Times are in the playbook's
time zone, to the second.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from .calendar_days import CalendarNote

SCHEMA_VERSION = "1.0"

FactValue = str | bool | int | float | dt.datetime


class Contract(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False,
               tag_field="schema_version", tag=SCHEMA_VERSION):
    """A top-level object of the JSON contract: encoded with `schema_version` first.

    msgspec writes a struct's tag before its fields, so the version is the first
    thing a reader sees. Fields left at their default (None) are omitted. A
    result never refers back to itself, so the cyclic collector need not track
    these structs (gc=False): a stream makes tens of thousands of them.
    """


class Item(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False):
    """An object inside a result: a field at its default (null, false, empty) is left out of the JSON.

    The schema gives every such default; most recommendations have no due time,
    no roles to escalate to and no records, and writing them all out doubled
    the size of a result.
    """


class Reason(Item, frozen=True):
    """Why a rule fired: the facts (with the case's values) and overdue deadlines that made it fire."""

    rule: str
    priority: int
    facts: dict[str, FactValue] = msgspec.field(default_factory=dict)
    overdue: tuple[str, ...] = ()


class ScriptLine(Item, frozen=True):
    id: str
    text: str


class ScriptEntry(Item, frozen=True):
    """A script (what to say), with its lines in the result's locale."""

    title: str
    lines: tuple[ScriptLine, ...]


class AvoidEntry(Item, frozen=True):
    """Something never to say or do, and what to do instead."""

    title: str
    why: str
    instead: str | None = None


class StrategyItem(Item, frozen=True):
    """A way to treat this customer, and the rules that called for it; its advice is in Texts.strategies."""

    id: str
    title: str
    because: tuple[str, ...] = ()  # rule ids
    interpretation: bool = False


class Texts(Item, frozen=True):
    """The prose of a result, each piece once, keyed by the id the rest of the result uses.

    Decisions (which steps, by when, who, why) carry ids and titles; what to
    say, what to avoid and why, and the advice live here. They are most of a
    result's size and the same for every case that names them, so the CLI
    writes them only when asked (`--fields +texts`).
    """

    steps: dict[str, str] = msgspec.field(default_factory=dict)  # step id -> description
    scripts: dict[str, ScriptEntry] = msgspec.field(default_factory=dict)
    avoid: dict[str, AvoidEntry] = msgspec.field(default_factory=dict)
    strategies: dict[str, tuple[str, ...]] = msgspec.field(default_factory=dict)  # strategy id -> advice
    rules: dict[str, str] = msgspec.field(default_factory=dict)  # fired rule id -> the playbook's reason for it


class Recommendation(Item, frozen=True):
    """One ranked next step; `scripts`, `avoid` and `because` are ids into the result."""

    id: str
    procedure: str
    title: str
    owner: str | None = None
    due: dt.datetime | None = None
    overdue: bool = False
    scripts: tuple[str, ...] = ()  # keys of Result.scripts
    avoid: tuple[str, ...] = ()  # keys of Result.avoid
    escalate_to: tuple[str, ...] = ()
    strategies: tuple[str, ...] = ()
    records: tuple[str, ...] = ()
    because: tuple[str, ...] = ()  # rule ids, see Result.fired


class DeadlineStatus(Item, frozen=True):
    """One running deadline: respond, resolve or a step's due time, and how far along it is."""

    target: str  # "respond", "resolve" or a step id
    due: dt.datetime
    duration: str  # as written, e.g. "4bh"
    source: str  # rule id, "playbook" or "step"
    fraction: float  # share of the deadline's active time used up (1.0 = due now), 4 decimals
    overdue: bool = False
    warning: float | None = None  # highest warning threshold crossed
    level: str | None = None  # highest escalation level reached
    to: str | None = None  # role of that level
    met: bool = False  # done according to the playbook's clock.met_when


class Escalation(Item, frozen=True):
    """The highest escalation level reached over all deadlines."""

    level: str
    to: str
    target: str  # which deadline triggered it
    at: float
    label: str | None = None


class NearMiss(Item, frozen=True):
    """A rule that did not fire although all but one of its conditions held."""

    rule: str
    condition: str  # the failed or unknown condition, rendered
    state: str  # "failed" or "unknown"
    missing: tuple[str, ...] = ()  # facts missing from the case (state unknown)
    actual: dict[str, FactValue] = msgspec.field(default_factory=dict)  # values the failed condition looked at
    held: tuple[str, ...] = ()  # the conditions that did hold


class Result(Contract, frozen=True, kw_only=True):
    """Everything `recommend` found for one case; docs/integration.md describes each field."""

    line: int | None = None  # the input line, when the case came from --stream
    case_id: str | int | None = msgspec.field(name="case")
    playbook: str
    playbook_version: str
    locale: str
    received_at: dt.datetime
    now: dt.datetime
    elapsed_minutes: float
    paused: bool
    paused_minutes: float
    overdue: tuple[str, ...]  # every deadline target past due: respond, resolve, step ids
    escalation: Escalation | None
    escalate_to: tuple[str, ...]
    respond_by: dt.datetime | None
    resolve_by: dt.datetime | None
    deadlines: tuple[DeadlineStatus, ...]
    recommendations: tuple[Recommendation, ...]
    also_say: tuple[str, ...]  # rule scripts not tied to a recommended step (keys of texts.scripts)
    also_avoid: tuple[str, ...]  # what to avoid in the whole case, from rules and strategies (keys of texts.avoid)
    strategies: tuple[StrategyItem, ...]
    fired: tuple[Reason, ...]
    roles: dict[str, str]  # role id -> label, for every role named above
    notes: tuple[str, ...]
    calendar_notes: tuple[CalendarNote, ...]  # deadlines that rest on estimated or missing holiday data
    near_misses: tuple[NearMiss, ...] | None = None  # only with explain=True
    texts: Texts | None = None  # None when recommend() was asked for decisions only

    def role(self, role_id: str) -> str:
        """A role's label in the result's locale (the id if the playbook has no such role)."""
        return self.roles.get(role_id, role_id)

    def reason(self, rule_id: str) -> Reason | None:
        """The reason a fired rule gives (None for a rule that did not fire)."""
        return next((r for r in self.fired if r.rule == rule_id), None)

    def lines(self, script_ids: tuple[str, ...]) -> list[ScriptLine]:
        """The lines of these scripts, in order: what to say at a step."""
        scripts = self.texts.scripts if self.texts is not None else {}
        return [line for sid in script_ids if sid in scripts for line in scripts[sid].lines]

    def avoid_entries(self, avoid_ids: tuple[str, ...]) -> list[AvoidEntry]:
        """The entries behind these avoid ids, in order."""
        avoid = self.texts.avoid if self.texts is not None else {}
        return [avoid[a] for a in avoid_ids if a in avoid]

    def select(self, fields: tuple[str, ...]) -> Result | dict[str, object]:
        """The chosen top-level fields (`schema_version`, `line` and `case` always), or the result when that is all.

        What the result leaves out is None, which the encoder does not write, so
        the default selection of a result built without texts is the result itself.
        """
        if fields == ALL_FIELDS or (fields == DEFAULT_FIELDS and self.texts is None):
            return self
        out: dict[str, object] = {"schema_version": SCHEMA_VERSION}
        if self.line is not None:
            out["line"] = self.line
        out["case"] = self.case_id
        for name in fields:
            value = getattr(self, RESULT_FIELDS[name])
            if value is not None or name not in OMITTED_WHEN_NULL:
                out[name] = value
        return out

    def to_json(self, fields: tuple[str, ...] | None = None) -> dict[str, object]:
        """The JSON contract as a JSON reader sees it: what `--format json` writes (`fields`: as --fields)."""
        out = msgspec.json.decode(msgspec.json.encode(self.select(DEFAULT_FIELDS if fields is None else fields)))
        assert isinstance(out, dict)
        return out


class ErrorDetail(Item, frozen=True):
    """One problem with a case: a stable code, the JSON path of the offending value, and a message."""

    code: str
    path: str
    message: str


class CaseFailure(Contract, frozen=True, kw_only=True):
    """What `recommend` answers for a case it cannot evaluate (schemas/error.schema.json)."""

    line: int | None = None  # the input line, with --stream
    case_id: str | int | None = msgspec.field(default=None, name="case")  # the case's id, when it has a usable one
    error: str  # every message below, joined: one line for a log
    errors: tuple[ErrorDetail, ...]
    omitted: int = 0  # problems found beyond the ones listed


# Top-level fields of a result by JSON name (-> attribute), in output order; schema_version, line and case
# are always written. `texts` is written when asked for (see Texts).
# JSON name -> attribute, in field order; from the struct's own attributes, which (unlike msgspec.structs.fields)
# need no evaluation of the annotations: this runs on every `cxcoach recommend` start.
RESULT_FIELDS = {encoded: name for encoded, name in zip(Result.__struct_encode_fields__, Result.__struct_fields__,
                                                        strict=True) if encoded not in ("line", "case")}
OMITTED_WHEN_NULL = ("near_misses", "texts")
ALL_FIELDS = tuple(RESULT_FIELDS)
DEFAULT_FIELDS = tuple(name for name in RESULT_FIELDS if name != "texts")


class FieldsError(ValueError):
    """A `--fields` list naming no field or an unknown one (`name`, with the closest known one)."""

    def __init__(self, message: str, name: str | None = None, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.name, self.suggestion = name, suggestion


def parse_fields(spec: str) -> tuple[str, ...]:
    """`--fields`: `all`, names (exactly these), or +names (added to the default); ValueError says what is unknown."""
    from ..problems import closest, did_you_mean

    items = [item.strip() for item in spec.split(",") if item.strip()]
    if items == ["all"]:
        return ALL_FIELDS
    chosen = list(DEFAULT_FIELDS) if items and all(item.startswith("+") for item in items) else []
    for item in items:
        name = item.removeprefix("+")
        if name not in RESULT_FIELDS:
            hint = did_you_mean(name, RESULT_FIELDS)
            raise FieldsError(f"unknown field {name!r}" + (f" ({hint})" if hint else "")
                              + f"; fields: all, {', '.join(RESULT_FIELDS)}", name, closest(name, RESULT_FIELDS))
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise FieldsError("name at least one field, e.g. --fields recommendations,deadlines")
    return tuple(name for name in RESULT_FIELDS if name in chosen)
