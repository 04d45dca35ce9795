"""Retention: closed cases older than the playbook's retention go to a JSON Lines archive, which is
read back and compared with the database before anything is deleted; `restore` puts an archive back.

One line per case: `{"format": "cxcoach-case/1", "uid", "external_id",
"playbook", "received_at", "events": [...]}` with ISO-8601 instants.
Nothing is deleted unless every archived case reads back identical, and a
case that changed after it was read is not deleted (the whole purge is one
transaction that checks each case's version).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec

from ..engine.calendar import add_duration
from ..inputs import open_regular
from ..playbook.model import Duration, DurationUnit, Playbook
from ..store import StoreError
from ..store.cases import CaseRow, EventRow
from .service import Desk

FORMAT = "cxcoach-case/1"
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
    return max(durations, key=lambda d: add_duration(playbook.calendar, dt.datetime(2000, 1, 1, tzinfo=dt.UTC), d),
               default=DEFAULT_RETENTION)


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


def _parse_time(raw: object) -> dt.datetime:
    if not isinstance(raw, str):
        raise ValueError(f"{raw!r} is not a timestamp")
    value = dt.datetime.fromisoformat(raw)
    if value.tzinfo is None:
        raise ValueError(f"{raw!r} has no UTC offset")
    return value


def parse_case_line(data: object) -> tuple[str, str | None, dt.datetime, list[EventRow]]:
    """(uid, external_id, received_at, events) from one archive line; ValueError says what is wrong."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} line")
    uid, ext = data.get("uid"), data.get("external_id")
    if not isinstance(uid, str) or not uid or (ext is not None and not isinstance(ext, str)):
        raise ValueError("uid (text) is missing or external_id is not text")
    events = []
    for i, e in enumerate(data.get("events") or []):
        if not isinstance(e, dict) or e.get("kind") not in ("open", "update", "follow_up") or e.get("seq") != i + 1:
            raise ValueError(f"event {i + 1} is malformed")
        events.append(EventRow(i + 1, _parse_time(e.get("at")), e["kind"], e.get("by"), str(e.get("note") or ""),
                               e.get("stage"), dict(e.get("facts") or {}), e.get("data"),
                               _parse_time(e["recorded_at"]) if e.get("recorded_at") else None))
    if not events:
        raise ValueError("a case needs at least its opening event")
    return uid, ext, _parse_time(data.get("received_at")), events


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with io.TextIOWrapper(open_regular(path, "archive"), encoding="utf-8") as fh:  # a pipe cannot hang us
        for number, line in enumerate(fh, 1):
            if line.strip():
                yield number, line


def archive(desk: Desk, *, before: dt.datetime, output: Path, purge: bool,
            now: dt.datetime | None = None) -> ArchiveResult:
    """Write closed cases closed before `before` to `output`, verify, and (with purge) delete them."""
    now = now or desk.clock()
    limit = earliest_cutoff(desk.playbook, now)
    if purge and before > limit:
        keep = retention(desk.playbook)
        raise StoreError(f"cases are kept {keep.amount} {_UNITS.get(keep.unit, keep.unit.value)} "
                         "(the playbook's records retention); "
                         f"--before must be on or before {limit.date().isoformat()} to purge")
    if output.exists():
        raise StoreError(f"{output} exists; archives are never overwritten, name a new file")
    rows = desk.cases.query(closed_before=before, order="id")
    logs = desk.cases.events([r.id for r in rows])
    expected = {r.uid: case_json(r, logs[r.id]) for r in rows}
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with open(output, "x", encoding="utf-8") as fh:
            for item in expected.values():
                fh.write(json.dumps(item, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise StoreError(f"cannot write the archive {output}: {exc.strerror or exc}; nothing was deleted") from None
    found: dict[str, Any] = {}
    try:
        for _, line in _lines(output):
            item = json.loads(line)
            found[item["uid"]] = item
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"the archive {output} does not read back ({exc}); nothing was deleted") from None
    if found != expected:
        raise StoreError(f"the archive {output} does not match the database; nothing was deleted")
    deleted = desk.cases.delete({r.id: r.version for r in rows}) if purge and rows else 0
    return ArchiveResult(len(rows), True, deleted, before, str(output))


def restore(desk: Desk, path: Path) -> RestoreResult:
    """Put archived cases back; a case already there (same uid, same log) is left alone."""
    restored = unchanged = 0
    problems: list[str] = []
    try:
        lines = list(_lines(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    for number, line in lines:
        try:
            data = json.loads(line)
            uid, ext, received, events = parse_case_line(data)
        except ValueError as exc:
            problems.append(f"{path}:{number}: {exc}; line skipped")
            continue
        existing = desk.cases.by_uid([uid]).get(uid)
        if existing is not None:
            if case_json(existing, desk.cases.load(existing.id)[1])["events"] == data["events"]:
                unchanged += 1
            else:
                problems.append(f"{path}:{number}: case {ext or uid} exists with a different history; line skipped")
            continue
        try:
            desk.restore(uid=uid, external_id=ext, received_at=received, events=events)
            restored += 1
        except StoreError as exc:
            problems.append(f"{path}:{number}: {exc}; line skipped")
    return RestoreResult(restored, unchanged, problems)
