"""Import cases from a ticket system's CSV or JSON Lines export, through a mapping file.

The mapping (YAML, read with the project's safe loader) names the columns::

    id: ticket_no                 # the external id (required): re-importing a file changes nothing
    received_at: created          # when it was received (required)
    by: taken_by_role             # optional: a column holding a playbook role
    note: subject                 # optional: the opening note
    facts:                        # fact -> column, optionally translating values
      severity: {column: priority, values: {P1: major, P2: general, P3: general}}
      channel: {column: source}
    events:                       # optional later events, each from a time column
      - {at: answered_at, stage: acknowledged}
      - {at: solved_at, stage: resolved}
      - {at: closed_at, stage: closed, by: service_director}

Each row becomes one case with all its events, validated like any other
(stage order, closure rights, times); a bad row is reported with its line
number and skipped, the rest are imported. Empty cells mean "not given".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import msgspec

from ..errors import CxcoachError
from ..inputs import read_input
from ..store import StoreError
from .service import Desk
from .times import TimeError, parse_time
from .validate import EventRejected

MAX_FILE = 256 * 1024 * 1024


class MappingError(CxcoachError):
    """A mapping file that cannot be used; the message lists every problem."""


class ImportResult(msgspec.Struct, frozen=True):
    imported: int = 0
    unchanged: int = 0
    problems: list[str] = msgspec.field(default_factory=list)


class FactColumn(msgspec.Struct, frozen=True):
    column: str
    values: dict[str, str] = msgspec.field(default_factory=dict)


class EventColumn(msgspec.Struct, frozen=True):
    at: str
    stage: str | None = None
    by: str | None = None
    note: str | None = None


class Mapping_(msgspec.Struct, frozen=True, forbid_unknown_fields=True, rename={"ext_id": "id"}):
    ext_id: str
    received_at: str
    by: str | None = None
    note: str | None = None
    facts: dict[str, FactColumn] = msgspec.field(default_factory=dict)
    events: list[EventColumn] = msgspec.field(default_factory=list)


def load_mapping(path: Path) -> Mapping_:
    from ..playbook.yamlsource import parse_yaml_bytes

    raw, _ = read_input(path, "the mapping")  # a regular file, bounded (inputs.py)
    doc, problems = parse_yaml_bytes(raw, str(path))
    errors = [p for p in problems if p.severity == "error"]
    if doc is None or errors:
        raise MappingError("\n".join(p.format() for p in errors or problems) or f"{path}: cannot read the mapping")
    try:
        return msgspec.convert(doc.data, Mapping_)
    except msgspec.ValidationError as exc:
        raise MappingError(f"{path}: {exc} (see docs/desk.md for the mapping format)") from None


def _rows(path: Path) -> Iterator[tuple[int, Mapping[str, Any] | None, str | None]]:
    """(line number, row or None, why not) for each record of a CSV or JSON Lines file."""
    raw, _ = read_input(path, "the export", limit=MAX_FILE, how="split it")  # a regular file: a pipe cannot hang us
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StoreError(f"cannot read {path}: {exc}") from None
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError as exc:
                yield number, None, f"not JSON ({exc})"
                continue
            yield (number, data, None) if isinstance(data, dict) else (number, None, "not a JSON object")
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    start = 2
    try:
        for row in reader:
            if None in row:
                yield start, None, "more cells than columns"
            else:
                yield start, row, None
            start = reader.line_num + 1
    except csv.Error as exc:
        yield start, None, f"not CSV ({exc})"


def _cell(row: Mapping[str, Any], column: str) -> str | None:
    value = row.get(column)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def import_tickets(desk: Desk, path: Path, mapping: Mapping_) -> ImportResult:
    imported = unchanged = 0
    problems: list[str] = []
    tz = desk.tz
    for number, row, why in _rows(path):
        where = f"{path}:{number}"
        if row is None:
            problems.append(f"{where}: {why}; row skipped")
            continue
        ext = _cell(row, mapping.ext_id)
        if ext is None:
            problems.append(f"{where}: no {mapping.ext_id!r} (the external id); row skipped")
            continue
        if desk.cases.by_external_id([ext]):
            unchanged += 1
            continue
        try:
            received_raw = _cell(row, mapping.received_at)
            if received_raw is None:
                raise EventRejected([f"no {mapping.received_at!r} (when it was received)"])
            received = parse_time(received_raw, tz, what=mapping.received_at)
            facts: dict[str, Any] = {}
            for fact, spec in mapping.facts.items():
                value = _cell(row, spec.column)
                if value is not None:
                    facts[fact] = spec.values.get(value, value) if spec.values else value
            later: list[tuple[dt.datetime, str | None, dict[str, Any], str | None, str]] = []
            for ev in mapping.events:
                at_raw = _cell(row, ev.at)
                if at_raw is None:
                    continue
                note = (_cell(row, ev.note) or "") if ev.note else ""
                later.append((parse_time(at_raw, tz, what=ev.at), ev.stage, {}, ev.by, note))
            later.sort(key=lambda item: item[0])
            by = _cell(row, mapping.by) if mapping.by else None
            note = (_cell(row, mapping.note) or "") if mapping.note else ""
            desk.record(external_id=ext, received_at=received, facts=facts, by=by, note=note, later=later)
            imported += 1
        except EventRejected as exc:
            problems.append(f"{where}: {'; '.join(exc.problems)}; row skipped")
        except (TimeError, StoreError) as exc:
            problems.append(f"{where}: {exc}; row skipped")
    return ImportResult(imported, unchanged, problems)
