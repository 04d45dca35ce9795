"""Retention: closed cases older than the playbook's retention go to a JSON Lines archive, which is
read back and compared with the database before anything is deleted; `restore` puts an archive back.

One line per case: `{"format": "cxcoach-case/1", "uid", "external_id",
"playbook", "received_at", "events": [...], "sha256"}` with ISO-8601
instants, ASCII only (a lone surrogate in a note cannot make the file
unwritable); the last line, `{"format": "cxcoach-archive-end/1", "cases":
N}`, tells a whole archive from one cut short at a line end. `sha256` is
the digest of the line's other fields (sorted keys, compact): an edited line
no longer matches it.

Nothing is deleted unless every archived case reads back identical, and a
case that changed after it was read is not deleted (the whole purge is one
transaction that checks each case's version). A write or verification that
fails removes the file it was writing: a half archive never lies around
looking like a whole one, and the next attempt is not refused as "exists".

An archive is a file anyone could have edited, so `restore` checks each line
as an input (types, times in order and in range, known facts, stages, roles
and satisfaction states) and skips, with its line number, a line that fails;
it does not re-check the workflow's transitions, which may have changed
since the case was closed. Lines are read with a bound each.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec

from ..engine.calendar import add_duration
from ..engine.case import FIRST_YEAR, LAST_YEAR
from ..errors import CxcoachError
from ..inputs import InputError, open_regular
from ..playbook.model import Duration, DurationUnit, Playbook
from ..sanitize import brief, one_line
from ..store import StoreError
from ..store.cases import CaseRow, EventRow
from .service import Desk, Planned
from .state import workflow
from .times import TimeError, check_happened
from .validate import BadExternalId, check_external_id, check_role, check_satisfaction, typed_facts, unstorable

FORMAT = "cxcoach-case/1"
END_FORMAT = "cxcoach-archive-end/1"
KINDS = ("open", "update", "follow_up")
MAX_LINE = 64 * 1024 * 1024  # one case's line; a longer one is reported, not read into memory
BATCH = 500  # cases restored per transaction: one commit (one fsync) per batch
_UID = re.compile(r"^[0-9A-Za-z_-]{1,32}$")
DEFAULT_RETENTION = Duration(730, DurationUnit.DAYS)
_UNITS = {DurationUnit.DAYS: "days", DurationUnit.HOURS: "hours", DurationUnit.MINUTES: "minutes",
          DurationUnit.BUSINESS_DAYS: "working days", DurationUnit.BUSINESS_HOURS: "working hours"}


class ArchiveResult(msgspec.Struct, frozen=True):
    written: int
    verified: bool
    deleted: int
    cutoff: dt.datetime
    path: str


class RestoreResult(msgspec.Struct, frozen=True):
    restored: int = 0
    unchanged: int = 0
    problems: list[str] = msgspec.field(default_factory=list)


def retention(playbook: Playbook) -> Duration:
    """The longest retention any record asks for (the complaint files: 730 days), else 730 days."""
    durations = [r.retention for r in playbook.records.values() if r.retention is not None]
    start = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    return max(durations, key=lambda d: add_duration(playbook.calendar, start, d), default=DEFAULT_RETENTION)


def earliest_cutoff(playbook: Playbook, now: dt.datetime) -> dt.datetime:
    """Cases closed before this instant have been kept as long as the playbook asks."""
    keep = retention(playbook)
    return now - dt.timedelta(days=keep.amount) if keep.unit is DurationUnit.DAYS else now - (
        add_duration(playbook.calendar, now, keep) - now)


def _event_json(e: EventRow) -> dict[str, Any]:
    return {"seq": e.seq, "at": e.at.isoformat(), "kind": e.kind, "by": e.by, "note": e.note, "stage": e.stage,
            "facts": e.facts, "data": e.data, "recorded_at": e.recorded_at.isoformat() if e.recorded_at else None}


def case_json(row: CaseRow, events: list[EventRow]) -> dict[str, Any]:
    return {"format": FORMAT, "uid": row.uid, "external_id": row.external_id, "playbook": row.playbook,
            "received_at": row.received_at.isoformat(), "events": [_event_json(e) for e in events]}


def digest(item: dict[str, Any]) -> str:
    """The sha256 of a case line's fields other than `sha256` (sorted keys, compact, ASCII)."""
    body = {k: v for k, v in item.items() if k != "sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode("ascii")).hexdigest()


def _dumps(item: dict[str, Any]) -> str:
    """One archive line (ASCII JSON: a lone surrogate in a note is written as its escape, never an error)."""
    return json.dumps(item)


def _time(raw: object, what: str) -> dt.datetime:
    if not isinstance(raw, str):
        raise ValueError(f"{what}: {one_line(brief(raw, 40))} is not a timestamp")
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{what}: {one_line(brief(raw, 40))} is not an ISO-8601 timestamp") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what}: {one_line(brief(raw, 40))} has no UTC offset")
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"{what}: {one_line(raw[:40])} is outside the years {FIRST_YEAR}-{LAST_YEAR}")
    return value


class ArchivedCase(msgspec.Struct, frozen=True):
    uid: str
    external_id: str | None
    received_at: dt.datetime
    events: list[EventRow]


def parse_case_line(data: object, playbook: Playbook, *, now: dt.datetime | None = None) -> ArchivedCase:
    """One archive line, checked as an input; ValueError lists everything wrong with it.

    With `now`, a time more than a day ahead of it (an event's or when it was recorded) is refused
    (`times.check_happened`): an archive holds what happened, so such a line was written by a clock gone
    wrong or edited by hand.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} line")
    if "sha256" in data and data["sha256"] != digest(data):
        raise ValueError("the line was changed after it was written (its sha256 does not match)")
    uid, ext = data.get("uid"), data.get("external_id")
    if not isinstance(uid, str) or not _UID.match(uid):
        raise ValueError("uid is not 1 to 32 letters, digits, '-' or '_'")
    if ext is not None:
        try:
            ext = check_external_id(ext)
        except BadExternalId as exc:
            raise ValueError(str(exc)) from None
    if data.get("playbook") != playbook.id:
        raise ValueError(f"a case of playbook {one_line(brief(data.get('playbook'), 40))}; this desk runs "
                         f"{playbook.id!r} (choose it with --playbook)")
    received = _time(data.get("received_at"), "received_at")
    raw_events = data.get("events")
    if not isinstance(raw_events, list) or not raw_events:
        raise ValueError("events is not a list holding at least the opening event")
    stages = playbook.facts[workflow(playbook).fact].value_ids if workflow(playbook).fact in playbook.facts else ()
    problems: list[str] = []
    events: list[EventRow] = []
    last = received
    for i, e in enumerate(raw_events, 1):
        if not isinstance(e, dict):
            raise ValueError(f"event {i} is not a mapping")
        kind, note, by, stage, facts, extra = (e.get("kind"), e.get("note", ""), e.get("by"), e.get("stage"),
                                               e.get("facts", {}), e.get("data"))
        if e.get("seq") != i or kind not in KINDS or (kind == "open") != (i == 1):
            raise ValueError(f"event {i}: seq must be {i} and kind one of {', '.join(KINDS)} (only the first opens)")
        at = _time(e.get("at"), f"event {i}")
        if now is not None:
            try:
                check_happened(at, playbook.calendar.timezone, now=now)
            except TimeError as exc:
                problems.append(f"event {i}: {exc}")
        if at < last:
            problems.append(f"event {i} ({at.isoformat()}) is before the one before it; times never go backwards")
        last = max(last, at)
        if note is None:
            note = ""
        if not isinstance(note, str) or (by is not None and not isinstance(by, str)):
            raise ValueError(f"event {i}: note and by are text")
        if (why := unstorable(note)) is not None:
            raise ValueError(f"event {i}: the note {why}")
        check_role(playbook, by, problems)
        if stage is not None and stage not in stages:
            problems.append(f"event {i}: unknown stage {one_line(brief(stage, 40))}")
        if not isinstance(facts, dict):
            raise ValueError(f"event {i}: facts is not a mapping")
        typed = typed_facts(playbook, facts, received, problems) if facts else {}
        if kind == "follow_up":
            if not isinstance(extra, dict) or not isinstance(extra.get("scores") or {}, dict):
                raise ValueError(f"event {i}: a follow-up holds its satisfaction and scores")
            check_satisfaction(playbook, extra.get("satisfaction"), extra.get("scores") or {}, problems)
        elif extra is not None:
            raise ValueError(f"event {i}: only a follow-up carries data")
        recorded = _time(e["recorded_at"], f"event {i} recorded_at") if e.get("recorded_at") is not None else None
        if recorded is not None and now is not None:
            try:
                check_happened(recorded, playbook.calendar.timezone, now=now)
            except TimeError as exc:
                problems.append(f"event {i} recorded_at: {exc}")
        events.append(EventRow(i, at, kind, by, note, stage, typed, extra, recorded))
    if problems:
        raise ValueError("; ".join(problems))
    return ArchivedCase(uid, ext, received, events)


class _Line(msgspec.Struct, frozen=True):
    number: int
    data: object = None
    problem: str | None = None


def _lines(path: Path) -> Iterator[_Line]:
    """Each non-blank line parsed as JSON, read with a bound and decoded on its own (a bad line is a problem):
    the same reader and JSON rules as `recommend --stream` (depth, duplicate keys, UTF-8 with a column)."""
    from ..engine.case import CaseError
    from ..engine.jsonline import decode_line
    from ..engine.stream import batches

    with open_regular(path, "archive") as fh:  # a regular file: a pipe cannot hang us
        for number, raw, _ in (line for batch in batches(fh, MAX_LINE) for line in batch):
            if raw is None:
                yield _Line(number, problem=f"longer than {MAX_LINE:,} bytes")
            elif raw.strip():
                try:
                    yield _Line(number, decode_line(raw))
                except CaseError as exc:
                    yield _Line(number, problem="; ".join(exc.messages))


def _read_back(path: Path) -> dict[str, dict[str, Any]]:
    """The cases of an archive just written, by uid (without their digests); ValueError if any line is off."""
    found: dict[str, dict[str, Any]] = {}
    end: int | None = None
    for line in _lines(path):
        if line.problem is not None:
            raise ValueError(f"line {line.number}: {line.problem}")
        item = line.data
        if isinstance(item, dict) and item.get("format") == END_FORMAT:
            end = item.get("cases")
            continue
        if not isinstance(item, dict) or item.get("sha256") != digest(item) or "uid" not in item:
            raise ValueError(f"line {line.number} does not read back as written")
        found[item["uid"]] = {k: v for k, v in item.items() if k != "sha256"}
    if end != len(found):
        raise ValueError("its end line is missing or counts other cases")
    return found


def _fail(output: Path, why: str) -> StoreError:
    """Remove the archive being written (it is ours: created exclusively) and say nothing was deleted."""
    with contextlib.suppress(OSError):
        output.unlink()
    return StoreError(f"{why}; the archive {output} was not kept and nothing was deleted")


def archive(desk: Desk, *, before: dt.datetime, output: Path, purge: bool,
            now: dt.datetime | None = None) -> ArchiveResult:
    """Write closed cases closed before `before` to `output`, verify, and (with purge) delete them."""
    now = now or desk.clock()
    limit = earliest_cutoff(desk.playbook, now)
    if purge and before > limit:
        keep = retention(desk.playbook)
        raise StoreError(f"cases are kept {keep.amount} {_UNITS.get(keep.unit, keep.unit.value)} (the playbook's "
                         f"records retention); --before must be on or before {limit.date().isoformat()} to purge")
    if os.path.lexists(output):
        raise StoreError(f"{output} exists; archives are never overwritten, name a new file")
    rows = desk.cases.query(closed_before=before, order="id")
    logs = desk.cases.events([r.id for r in rows])
    expected = {r.uid: case_json(r, logs[r.id]) for r in rows}
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        fh = open(output, "x", encoding="ascii")  # noqa: SIM115 - closed below; a failed write removes it
    except OSError as exc:
        raise StoreError(f"cannot write the archive {output}: {exc.strerror or exc}; nothing was deleted") from None
    try:
        with fh:
            for item in expected.values():
                fh.write(_dumps({**item, "sha256": digest(item)}) + "\n")
            fh.write(_dumps({"format": END_FORMAT, "cases": len(expected)}) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        _sync_folder(output.parent)
    except OSError as exc:
        raise _fail(output, f"cannot write the archive {output}: {exc.strerror or exc}") from None
    try:
        found = _read_back(output)
    except (OSError, InputError, ValueError) as exc:
        raise _fail(output, f"the archive {output} does not read back ({exc})") from None
    if found != expected:
        raise _fail(output, f"the archive {output} does not match the database")
    deleted = desk.cases.delete({r.id: r.version for r in rows}) if purge and rows else 0
    return ArchiveResult(len(rows), True, deleted, before, str(output))


def _sync_folder(folder: Path) -> None:
    """Make the new file's name durable before anything is deleted (where the platform allows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_archive(path: Path) -> list[_Line]:
    """The archive's lines, to give `restore`: read and recognised as an archive first, so a file that is none
    fails before a database is opened for it (and a new one left behind empty)."""
    try:
        lines = list(_lines(path))  # InputError (a pipe, a folder, unreadable) keeps its own exit code
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    readable = [x for x in lines if x.problem is None]
    if path.suffix.lower() in (".csv", ".tsv") or (readable and not any(
            isinstance(x.data, dict) and x.data.get("format") in (FORMAT, END_FORMAT) for x in readable)):
        raise StoreError(f"{path} is not a cxcoach archive (no line is a {FORMAT} case); to import a ticket "
                         "system's export, give --mapping MAP.yaml (see docs/desk.md)")
    return lines


def restore(desk: Desk, path: Path, lines: list[_Line] | None = None) -> RestoreResult:
    """Put archived cases back; a case already there (same uid, same log) is left alone. `lines`: the file as
    `read_archive` read it (else it is read here)."""
    restored = unchanged = cases = 0
    problems: list[tuple[int, str]] = []  # (line, message): batches report late, the result is in line order
    end: _Line | None = None
    signed = False
    now = desk.clock()
    if lines is None:
        lines = read_archive(path)
    pending: list[tuple[int, ArchivedCase]] = []  # (line, case): checked, waiting for their batch
    names: set[str] = set()  # the pending cases' uids and external ids

    def flush() -> None:
        """Leave the cases already there alone, write the others in one commit (`Desk.create_many`); if that
        commit is refused, one by one, so only the line at fault is skipped."""
        nonlocal restored, unchanged
        existing = desk.cases.by_uid([c.uid for _, c in pending])
        stored = desk.cases.events([row.id for row in existing.values()])
        new: list[tuple[int, ArchivedCase]] = []
        for number, case in pending:
            row = existing.get(case.uid)
            if row is None:
                new.append((number, case))
            elif case_json(row, stored[row.id])["events"] == case_json(row, case.events)["events"]:
                unchanged += 1
            else:
                problems.append((number, f"{path}:{number}: case {case.external_id or case.uid} exists with a "
                                 "different history; line skipped"))
        planned = [Planned(c.external_id, c.received_at, c.events, uid=c.uid) for _, c in new]
        try:
            desk.create_many(planned)
            restored += len(new)
        except (CxcoachError, ValueError, TypeError, KeyError):  # the store, or a log the engine refuses
            for (number, _), one in zip(new, planned, strict=True):
                try:
                    desk.create_many([one])
                    restored += 1
                except (CxcoachError, ValueError, TypeError, KeyError) as exc:
                    problems.append((number, f"{path}:{number}: {one_line(str(exc))}; line skipped"))
        pending.clear()
        names.clear()

    for line in lines:
        where = f"{path}:{line.number}"
        data = line.data
        if isinstance(data, dict) and data.get("format") == END_FORMAT:
            end = line
            continue
        cases += 1
        if line.problem is not None:
            problems.append((line.number, f"{where}: {line.problem}; line skipped"))
            continue
        signed = signed or (isinstance(data, dict) and "sha256" in data)
        try:
            case = parse_case_line(data, desk.playbook, now=now)
        except ValueError as exc:
            problems.append((line.number, f"{where}: {exc}; line skipped"))
            continue
        if case.uid in names or case.external_id in names:
            flush()  # the same case twice: the second is judged against the first, written
        pending.append((line.number, case))
        names.update(x for x in (case.uid, case.external_id) if x is not None)
        if len(pending) >= BATCH:
            flush()
    if pending:
        flush()
    messages = [m for _, m in sorted(problems, key=lambda p: p[0])]
    if end is None and (signed or not lines):
        messages.append(f"{path}: the archive has no end line: it was cut short after {cases} case line(s); "
                        "those that read correctly were restored")
    elif end is not None and isinstance(end.data, dict) and end.data.get("cases") != cases:
        messages.append(f"{path}:{end.number}: the end line counts {one_line(brief(end.data.get('cases'), 20))} "
                        f"case(s) but the archive holds {cases}: lines are missing or were added")
    return RestoreResult(restored, unchanged, messages)
