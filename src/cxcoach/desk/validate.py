"""Is this event allowed? Checked against the playbook and the case's log before anything is written.

Rules: times never go backwards (an event is not before the previous one,
nor before the case was received); the author is a role the playbook
declares; facts are known and well typed (the engine's own checks); a
stage change follows the playbook's `workflow.transitions`; moving into a
final stage needs a role that `workflow.close` names for this case (the
service director for a major complaint in the default playbook); a closed
case takes no further changes except a follow-up; a follow-up needs a
settled case, one of the playbook's satisfaction states, and scores only
for its service-quality dimensions. Every problem is collected, so one
rejection lists them all.

Refusals are read on the command line and in the console alike, so they
name stages by the playbook's labels in the reader's language and the
inputs they ask for as the caller names them (`Wording`): an option such
as `--by ROLE` is the CLI's word, a field label the console's.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..conditions.compile import compile_condition
from ..engine.case import CaseError, parse_case
from ..engine.compiled import no_overdue
from ..errors import CxcoachError, ExitCode
from ..playbook.model import Playbook
from ..problems import did_you_mean
from ..sanitize import brief, one_line
from .state import CaseState, _typed, stage_of, workflow
from .times import show_time

NEUTRAL_INPUTS: Mapping[str, str] = {"by": "the role of who does it", "stage": "the stage", "set": "the fact",
                                      "score": "the score", "note": "the note"}


@dataclass(frozen=True)
class Wording:
    """How refusals name what the reader sees: stages by label in `locale` (the playbook's default when None),
    with their ids too where the reader types ids (`ids`), and inputs by `inputs` ("by", "stage", "set",
    "score", "note" -> e.g. "--by ROLE"; a neutral phrase for any not given)."""

    locale: str | None = None
    inputs: Mapping[str, str] = field(default_factory=dict)
    ids: bool = False

    def input(self, key: str) -> str:
        return self.inputs.get(key) or NEUTRAL_INPUTS[key]

    def stage(self, playbook: Playbook, stage: str | None) -> str:
        """A stage as the reader knows it, quoted: 'Resolved' (or “已解决”), with `(resolved)` when `ids`."""
        label = stage or "-"
        fact = playbook.facts.get(workflow(playbook).fact)
        value = next((v for v in fact.values if v.id == stage), None) if fact is not None else None
        if value is not None:
            label = value.label.get(self.locale or playbook.default_locale)
        quoted = f"“{one_line(label)}”" if (self.locale or playbook.default_locale) == "zh" else repr(one_line(label))
        return f"{quoted} ({stage})" if self.ids and stage is not None and label != stage else quoted


NEUTRAL = Wording()  # stages by label in the playbook's default language, inputs in plain words


class EventRejected(CxcoachError):
    """An event that breaks the playbook's rules; nothing was written. `problems` lists why."""

    exit_code = ExitCode.REFUSED

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("event rejected, nothing was written: " + "; ".join(self.problems))


MAX_EXTERNAL_ID = 200  # the column's width


class BadExternalId(CxcoachError):
    """An external id that cannot name a case: the message says which rule it breaks."""

    exit_code = ExitCode.INVALID


def check_external_id(value: object) -> str:
    """The ticket system's id as stored (surrounding spaces dropped), or BadExternalId.

    People read, type and paste these ids, so an id is one line of plain text:
    no control, format (zero-width, bidi) or unusual space characters, nothing
    that NFKC folds to other characters (a full-width `Ｔ-1` beside `T-1` would
    be two cases that look alike), at most 200 characters, and not starting
    with `#`, which names a case by number (`#17`).
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise BadExternalId(f"an external id is text or a whole number, not {type(value).__name__}")
    text = str(value).strip(" ")
    shown = one_line(brief(text, 40))
    if not text:
        raise BadExternalId("an empty external id; leave --id out to number the case, or give the ticket's id")
    if len(text) > MAX_EXTERNAL_ID:
        raise BadExternalId(f"external id {shown} is {len(text)} characters long; at most {MAX_EXTERNAL_ID}")
    odd = next((c for c in text if unicodedata.category(c)[0] == "C"
                or (c != " " and unicodedata.category(c)[0] == "Z")), None)
    if odd is not None:
        name = unicodedata.name(odd, "a control character")
        raise BadExternalId(f"external id {shown} holds U+{ord(odd):04X} ({name}); an id is one line of visible "
                            "characters")
    if unicodedata.normalize("NFKC", text) != text:
        raise BadExternalId(f"external id {shown} holds look-alike characters; write it as "
                            f"{one_line(brief(unicodedata.normalize('NFKC', text), 40))}")
    if text.startswith("#"):
        raise BadExternalId(f"external id {shown} starts with '#', which names a case by its number; drop the '#'")
    return text


def unstorable(text: str) -> str | None:
    """Why `text` cannot be kept alike on both backends (None when it can).

    A lone surrogate (bytes that were not UTF-8, e.g. in argv) cannot be encoded
    at all, and PostgreSQL's text cannot hold NUL; SQLite would take both, so
    the desk refuses them everywhere rather than on one backend only.
    """
    if "\x00" in text:
        return "holds a NUL character"
    bad = next((c for c in text if "\ud800" <= c <= "\udfff"), None)
    if bad is not None:
        return f"holds U+{ord(bad):04X}, bytes that were not UTF-8; give the text as UTF-8"
    return None


MAX_TEXT = 64 * 1024  # characters of one note or text fact: more is a paste or an export gone wrong, not a complaint


def check_lengths(note: str, facts: Mapping[str, Any], wording: Wording, problems: list[str]) -> None:
    """A new event's note is storable text and it and the text facts are at most MAX_TEXT characters. Only
    new events are held to the length: an archive restores what was recorded, however long."""
    if (why := unstorable(note)) is not None:
        problems.append(f"{wording.input('note')} {why}")
    texts = [(wording.input("note"), note),
             *((f"fact {one_line(brief(k, 40))}", v) for k, v in facts.items() if isinstance(v, str))]
    problems.extend(f"{what} is {len(text):,} characters long; at most {MAX_TEXT:,} (keep long documents elsewhere "
                    "and note where)" for what, text in texts if len(text) > MAX_TEXT)


def typed_facts(playbook: Playbook, facts: Mapping[str, Any], received_at: dt.datetime,
                problems: list[str]) -> dict[str, Any]:
    """Facts converted by type (JSON-safe: datetimes as ISO text); problems are appended, not raised."""
    bad = [(k, why) for k, v in facts.items() if isinstance(v, str) and (why := unstorable(v)) is not None]
    if bad:
        problems.extend(f"fact {one_line(brief(k, 40))} {why}" for k, why in bad)
        return {}
    try:
        case = parse_case(playbook, {"received_at": received_at, "facts": dict(facts)}, now=received_at)
    except CaseError as exc:
        problems.extend(exc.messages)
        return {}
    return {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in case.facts.items() if k in facts}


def check_role(playbook: Playbook, role: str | None, problems: list[str]) -> None:
    if role is not None and role not in playbook.roles:
        hint = did_you_mean(role, playbook.roles)
        problems.append(f"unknown role {role!r}" + (f" ({hint})" if hint else "")
                        + f"; roles: {', '.join(playbook.roles)}")


def close_roles(playbook: Playbook, facts: Mapping[str, Any]) -> tuple[str, ...] | None:
    """The roles that may close a case with these facts; None when the playbook sets no rule."""
    rights = workflow(playbook).close
    if not rights:
        return None
    typed = _typed(playbook, facts)
    for right in rights:
        if right.when is None or compile_condition(right.when)(typed, no_overdue) is True:
            return right.roles
    return ()


def check_time(state: CaseState | None, received_at: dt.datetime, at: dt.datetime, tz: str,
               problems: list[str]) -> None:
    if at < received_at:
        problems.append(f"the event's time {show_time(at, tz)} is before the case was received "
                        f"({show_time(received_at, tz)}); times never go backwards")
    elif state is not None and at < state.last_at:
        problems.append(f"the event's time {show_time(at, tz)} is before the case's last event "
                        f"({show_time(state.last_at, tz)}); times never go backwards")


def check_stage(playbook: Playbook, before: str | None, after: str | None, facts: Mapping[str, Any],
                by: str | None, problems: list[str], *, opening: bool = False, wording: Wording = NEUTRAL) -> None:
    """A stage move (or the first stage, when opening) that the workflow allows, by someone allowed."""
    wf = workflow(playbook)
    if after is None:
        return
    name = functools.partial(wording.stage, playbook)
    if not opening and after != before and wf.transitions and before is not None:
        allowed = wf.transitions.get(before, ())
        if after not in allowed:
            options = ", ".join(map(name, allowed)) if allowed else "none (it is a final stage)"
            problems.append(f"stage {name(before)} cannot move to {name(after)}; "
                            f"from {name(before)} the playbook allows: {options}")
            return
    if after in wf.final and (opening or after != before):
        roles = close_roles(playbook, facts)
        if roles is None:
            return
        if by is None:
            problems.append(f"closing a case ({name(after)}) needs {wording.input('by')}; allowed here: "
                            f"{', '.join(roles) or 'nobody'}")
        elif by not in roles:
            problems.append(f"role {by!r} may not close this case; the playbook allows: {', '.join(roles) or 'nobody'}")


def check_update(playbook: Playbook, state: CaseState, *, at: dt.datetime, by: str | None, stage: str | None,
                 facts: Mapping[str, Any], tz: str, wording: Wording = NEUTRAL, note: str = "") -> dict[str, Any]:
    """Validate an update; returns the typed facts it sets (stage included) or raises EventRejected."""
    problems: list[str] = []
    check_lengths(note, facts, wording, problems)
    check_time(state, state.received_at, at, tz, problems)
    check_role(playbook, by, problems)
    wf = workflow(playbook)
    given = dict(facts)
    if stage is not None:
        if wf.fact in given and given[wf.fact] != stage:
            problems.append(f"{wording.input('stage')} {wording.stage(playbook, stage)} and {wording.input('set')} "
                            f"{wf.fact}={one_line(brief(given[wf.fact], 40))} disagree")
        given[wf.fact] = stage
    if not state.is_open:
        problems.append(f"the case is closed (stage {wording.stage(playbook, state.stage)}); a closed case takes "
                        "no further changes (a follow-up is still allowed)")
    typed = typed_facts(playbook, given, state.received_at, problems)
    merged = {**state.facts, **typed}
    stage_fact = playbook.facts.get(wf.fact)
    wanted = given.get(wf.fact)
    if wf.fact not in typed and stage_fact is not None and wanted in stage_fact.value_ids:
        merged[wf.fact] = wanted  # another fact was bad: still say what is wrong with the move
    if wf.fact in given and wf.fact in merged and state.is_open:
        check_stage(playbook, state.stage, stage_of(playbook, merged), merged, by, problems, wording=wording)
    if problems:
        raise EventRejected(problems)
    return typed


def check_open(playbook: Playbook, *, received_at: dt.datetime, at: dt.datetime, by: str | None,
               facts: Mapping[str, Any], tz: str, wording: Wording = NEUTRAL, note: str = "") -> dict[str, Any]:
    problems: list[str] = []
    check_lengths(note, facts, wording, problems)
    check_time(None, received_at, at, tz, problems)
    check_role(playbook, by, problems)
    typed = typed_facts(playbook, facts, received_at, problems)
    if not problems:
        check_stage(playbook, None, stage_of(playbook, typed), typed, by, problems, opening=True, wording=wording)
    if problems:
        raise EventRejected(problems)
    return typed


def check_satisfaction(playbook: Playbook, satisfaction: object, scores: Mapping[str, Any],
                       problems: list[str]) -> None:
    """One of the playbook's satisfaction states, and scores (a, b) only for its service-quality dimensions."""
    states = [s.id for s in playbook.measurement.satisfaction_states]
    if not isinstance(satisfaction, str) or satisfaction not in states:
        hint = did_you_mean(satisfaction, states) if isinstance(satisfaction, str) else None
        problems.append(f"unknown satisfaction {one_line(brief(satisfaction, 40))}" + (f" ({hint})" if hint else "")
                        + f"; one of: {', '.join(states)}")
    dims = [d.id for d in playbook.measurement.dimensions]
    for dim, pair in scores.items():
        if dim not in dims:
            hint = did_you_mean(dim, dims)
            problems.append(f"unknown service-quality dimension {one_line(brief(dim, 40))}"
                            + (f" ({hint})" if hint else "") + f"; one of: {', '.join(dims)}")
        numbers = [v for v in pair if isinstance(v, (int, float)) and not isinstance(v, bool)] \
            if isinstance(pair, (tuple, list)) and len(pair) == 2 else []
        if len(numbers) != 2:
            problems.append(f"{one_line(brief(dim, 40))}: a score is [expected, perceived], two numbers")
            continue
        a, b = numbers
        if not (math.isfinite(a) and math.isfinite(b)) or a <= 0 or b < 0:
            problems.append(f"{dim}: expected (a) must be above 0 and perceived (b) at least 0, got {a:g}:{b:g}")


def check_follow_up(playbook: Playbook, state: CaseState, *, at: dt.datetime, by: str | None, satisfaction: str,
                    scores: Mapping[str, tuple[float, float]], tz: str, wording: Wording = NEUTRAL,
                    note: str = "") -> None:
    problems: list[str] = []
    check_lengths(note, {}, wording, problems)
    check_time(state, state.received_at, at, tz, problems)
    check_role(playbook, by, problems)
    check_satisfaction(playbook, satisfaction, scores, problems)
    if not state.settled:
        problems.append(f"a follow-up comes after the case is resolved; it is at stage "
                        f"{wording.stage(playbook, state.stage)}")
    if problems:
        raise EventRejected(problems)
