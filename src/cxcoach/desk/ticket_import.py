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
Events are taken in the mapping's order and must not go backwards: sorting
them by time would turn "solved before answered" into a case reopened.

The mapping is checked against the playbook before any row is read (fact
names, the values it translates to, stages and roles), and each mistake is
given with its `file:line:col`: one wrong stage name would otherwise be
reported once per row. A row is skipped when its external id is not one
plain line (`validate.check_external_id`), repeats one earlier in the same
file, or a cell is a list or an object (JSON Lines) or over MAX_CELL
characters.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec

from ..errors import CxcoachError
from ..inputs import InvalidText, decode_text, read_input
from ..playbook.model import Playbook
from ..problems import did_you_mean
from ..sanitize import brief, one_line
from ..store import CaseExists, StoreError
from ..store.cases import EventRow
from .service import Desk, Planned
from .state import CaseState, workflow
from .times import TimeError, check_happened, parse_time, show_time
from .validate import MAX_TEXT, BadExternalId, EventRejected, check_external_id, unstorable

MAX_FILE = 256 * 1024 * 1024
MAX_CELL = MAX_TEXT  # a description longer than this is an export gone wrong, not a complaint


class MappingError(CxcoachError):
    """A mapping file that cannot be used; the message lists every problem."""


class ImportResult(msgspec.Struct, frozen=True):
    imported: int = 0
    unchanged: int = 0  # already there, the row's content included
    problems: list[str] = msgspec.field(default_factory=list)
    differs: list[str] = msgspec.field(default_factory=list)  # already there, the row now says otherwise: kept


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


_TOP = {"id": True, "received_at": True, "by": False, "note": False, "facts": False, "events": False}
_EVENT = {"at": True, "stage": False, "by": False, "note": False}


class _Checker:
    """Walks the mapping document, collecting `file:line:col: message` for every mistake."""

    def __init__(self, doc: Any, name: str, playbook: Playbook | None) -> None:
        self.doc, self.name, self.playbook = doc, name, playbook
        self.problems: list[str] = []

    def add(self, path: tuple[str | int, ...], message: str, *, key: bool = False) -> None:
        line, col = self.doc.position(path, key=key)
        self.problems.append(f"{self.name}:{line}:{col}: {message}")

    def text(self, value: object, path: tuple[str | int, ...], what: str) -> bool:
        if isinstance(value, str) and value.strip():
            return True
        self.add(path, f"{what} is a column name (text), not {one_line(brief(value, 40))}")
        return False

    def keys(self, data: dict[str, Any], allowed: dict[str, bool], path: tuple[str | int, ...], what: str) -> None:
        for key in data:
            if key not in allowed:
                hint = did_you_mean(str(key), list(allowed))
                self.add((*path, key), f"unknown key {one_line(brief(key, 40))} in {what}"
                         + (f" ({hint})" if hint else "") + f"; keys: {', '.join(allowed)}", key=True)
        for key, required in allowed.items():
            if required and key not in data:
                self.add(path, f"{what} needs {key!r}")

    def check(self) -> None:
        data = self.doc.data
        if not isinstance(data, dict):
            self.add((), f"a mapping is a YAML mapping of id, received_at, facts and events, not {type(data).__name__}")
            return
        self.keys(data, _TOP, (), "the mapping")
        for key in ("id", "received_at"):
            if key in data:
                self.text(data[key], (key,), key)
        for key in ("by", "note"):
            if data.get(key) is not None:
                self.text(data[key], (key,), key)
        facts = data.get("facts") or {}
        if not isinstance(facts, dict):
            self.add(("facts",), "facts is a mapping of fact: {column: ..., values: {...}}")
            facts = {}
        for fact, spec in facts.items():
            self.fact(str(fact), spec)
        events = data.get("events") or []
        if not isinstance(events, list):
            self.add(("events",), "events is a list of {at: COLUMN, stage: STAGE, by: ROLE, note: COLUMN}")
            events = []
        for i, event in enumerate(events):
            self.event(i, event)

    def fact(self, fact: str, spec: object) -> None:
        path: tuple[str | int, ...] = ("facts", fact)
        known = self.playbook.facts.get(fact) if self.playbook is not None else None
        if self.playbook is not None and known is None:
            hint = did_you_mean(fact, list(self.playbook.facts))
            self.add(path, f"unknown fact {one_line(brief(fact, 40))}" + (f" ({hint})" if hint else ""), key=True)
        if not isinstance(spec, dict):
            self.add(path, "a fact is mapped as {column: COLUMN, values: {CELL: VALUE}}")
            return
        self.keys(spec, {"column": True, "values": False}, path, f"fact {fact!r}")
        if "column" in spec:
            self.text(spec["column"], (*path, "column"), "column")
        values = spec.get("values") or {}
        if not isinstance(values, dict):
            self.add((*path, "values"), "values maps a cell to a fact value: {P1: major}")
            return
        for cell, value in values.items():
            where = (*path, "values", cell)
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                self.add(where, f"a value is text or a number, not {one_line(brief(value, 40))}")
            elif known is not None and known.values and str(value) not in known.value_ids:
                hint = did_you_mean(str(value), list(known.value_ids))
                self.add(where, f"{one_line(brief(value, 40))} is not a value of fact {fact!r}"
                         + (f" ({hint})" if hint else "") + f"; values: {', '.join(known.value_ids)}")

    def event(self, i: int, event: object) -> None:
        path: tuple[str | int, ...] = ("events", i)
        if not isinstance(event, dict):
            self.add(path, "an event is {at: COLUMN, stage: STAGE, by: ROLE, note: COLUMN}")
            return
        self.keys(event, _EVENT, path, f"event {i + 1}")
        if "at" in event:
            self.text(event["at"], (*path, "at"), "at")
        if event.get("note") is not None:
            self.text(event["note"], (*path, "note"), "note")
        if self.playbook is None:
            return
        stage, by = event.get("stage"), event.get("by")
        wf = workflow(self.playbook)
        stage_fact = self.playbook.facts.get(wf.fact)
        stages = stage_fact.value_ids if stage_fact is not None else ()
        if stage is not None and str(stage) not in stages:
            hint = did_you_mean(str(stage), list(stages))
            self.add((*path, "stage"), f"unknown stage {one_line(brief(stage, 40))}" + (f" ({hint})" if hint else "")
                     + f"; stages: {', '.join(stages)}")
        if by is not None and str(by) not in self.playbook.roles:
            hint = did_you_mean(str(by), list(self.playbook.roles))
            self.add((*path, "by"), f"unknown role {one_line(brief(by, 40))}" + (f" ({hint})" if hint else ""))


def load_mapping(path: Path, playbook: Playbook | None = None) -> Mapping_:
    """The mapping, checked (against `playbook` when given); MappingError lists each mistake with its position."""
    from ..playbook.yamlsource import parse_yaml_bytes

    raw, name = read_input(path, "the mapping")  # a regular file, bounded (inputs.py)
    doc, problems = parse_yaml_bytes(raw, name)
    errors = [p for p in problems if p.severity == "error"]
    if doc is None or errors:
        raise MappingError("\n".join(p.format() for p in errors or problems) or f"{name}: cannot read the mapping")
    checker = _Checker(doc, name, playbook)
    checker.check()
    if checker.problems:
        raise MappingError("\n".join(checker.problems) + "\n(see docs/desk.md for the mapping format)")
    data = dict(doc.data)
    for spec in (data.get("facts") or {}).values():
        spec["values"] = {str(k): str(v) for k, v in (spec.get("values") or {}).items()}
    try:
        return msgspec.convert(data, Mapping_)
    except msgspec.ValidationError as exc:  # the checker should have said it first
        raise MappingError(f"{name}: {exc} (see docs/desk.md for the mapping format)") from None


class _Row(msgspec.Struct, frozen=True):
    number: int
    cells: Mapping[str, Any] | None = None
    problem: str | None = None


def read_export(path: Path, mapping: Mapping_) -> Iterator[_Row]:
    """The export's rows, to give `import_tickets`. The file is read, decoded and its header (or whole JSON
    array) checked now, so a file that cannot be imported at all fails before a database is opened for it
    (and a new one left behind empty); the rows themselves are parsed as they are taken."""
    return _rows(path, (mapping.ext_id, mapping.received_at))


def _rows(path: Path, required: Sequence[str] = ()) -> Iterator[_Row]:
    """Each record of a CSV or JSON Lines file with its line number; a record that cannot be read is a problem.
    A CSV header without a `required` column (the id, the received time) is refused before any row: every row
    would be skipped for it, usually because the file is separated by something other than commas. Whatever
    refuses the whole file is raised here, when called, not when the first row is taken."""
    raw, name = read_input(path, "the export", limit=MAX_FILE, how="split")  # a regular file: a pipe cannot hang us
    try:
        text = decode_text(raw, name)
    except InvalidText as exc:
        raise StoreError(str(exc)) from None
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return _json_rows(text, name)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    with _cell_limit():
        _check_header(reader, required, name)
    return _csv_rows(reader)


@contextlib.contextmanager
def _cell_limit() -> Iterator[None]:
    """A huge quoted cell is read whole (and refused as a cell), not split into rows."""
    limit = csv.field_size_limit()
    csv.field_size_limit(MAX_FILE)
    try:
        yield
    finally:
        csv.field_size_limit(limit)


def _csv_rows(reader: csv.DictReader[str]) -> Iterator[_Row]:
    with _cell_limit():
        start = 2
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield _Row(start, problem=f"not CSV ({exc})")
            else:
                if None in row:
                    yield _Row(start, problem="more cells than columns")
                elif None in row.values():  # csv fills the missing cells of a short row with None
                    have = sum(value is not None for value in row.values())
                    yield _Row(start, problem=f"{have} cells for {len(row)} columns: the row is cut short (an "
                                              "export interrupted, or a line break inside an unquoted cell)")
                else:
                    yield _Row(start, row)
            start = reader.line_num + 1


def _check_header(reader: csv.DictReader[str], required: Sequence[str], name: str) -> None:
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise StoreError(f"{name}:1: the header is not CSV ({exc})") from None
    missing = [c for c in required if c not in header]
    if not header or not missing:
        return
    shown = ", ".join(one_line(brief(c, 40)) for c in header[:12]) + (", …" if len(header) > 12 else "")
    line = ",".join(header)
    guess = next((f" (the file looks separated by {mark!r}: export it with commas)" for mark in (";", "\t", "|")
                  if mark in line), "")
    raise StoreError(f"{name}:1: the header has no column {', '.join(repr(c) for c in missing)}{guess}; it has: "
                     f"{shown}; name the columns in the mapping as the header does. Nothing was imported")


def _json_rows(text: str, name: str) -> Iterator[_Row]:
    """A JSON array of rows (a whole `.json` export: refused whole, here, if it is cut short or damaged, since its
    end is what says it is complete) or JSON Lines (each line on its own, as taken), under `recommend --stream`'s
    JSON rules (duplicate keys, depth)."""
    from ..engine.jsonline import ArrayError, decode_array

    if text.lstrip("\ufeff \t\r\n").startswith("["):
        try:
            items = decode_array(text)
        except ArrayError as exc:
            raise StoreError(f"{name}:{exc.line}:{exc.column}: {'; '.join(exc.messages)}; nothing was imported "
                             "(export the whole file again)") from None
        return (_Row(number, data) if isinstance(data, dict) else _Row(number, problem="not a JSON object")
                for number, data in items)
    return _json_lines(text)


def _json_lines(text: str) -> Iterator[_Row]:
    from ..engine.case import CaseError
    from ..engine.jsonline import decode_line

    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = decode_line(line.encode("utf-8", "surrogatepass"))
        except CaseError as exc:
            yield _Row(number, problem="; ".join(exc.messages))
            continue
        yield _Row(number, data) if isinstance(data, dict) else _Row(number, problem="not a JSON object")


class _BadRow(Exception):
    """This row cannot be imported; the message says why."""


def _cell(row: Mapping[str, Any], column: str) -> str | None:
    value = row.get(column)
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise _BadRow(f"column {one_line(brief(column, 40))} holds a {type(value).__name__}; a cell is text, a number "
                      "or true/false")
    text = str(value).strip()
    why = unstorable(text)
    if why is not None:
        raise _BadRow(f"column {one_line(brief(column, 40))} {why}")
    if len(text) > MAX_CELL:
        raise _BadRow(f"column {one_line(brief(column, 40))} is {len(text):,} characters long; at most {MAX_CELL:,}")
    return text or None


BATCH = 500  # rows written per transaction: one commit (one fsync) per batch instead of one per case
RESETTLE = 3  # times a refused batch is judged again against the stored cases before rows are written one by one


class _Pending(msgspec.Struct, frozen=True):
    """A row read and checked, waiting for its batch: the log it plans, or why the desk refused it."""

    number: int
    ext: str
    received: dt.datetime
    events: list[EventRow] | None  # None: refused (see `refused`)
    state: CaseState | None = None
    refused: list[str] = msgspec.field(default_factory=list)


def import_tickets(desk: Desk, path: Path, mapping: Mapping_, rows: Iterator[_Row] | None = None) -> ImportResult:
    """Import the file's rows in batches of BATCH cases per transaction; a bad row is reported and skipped.
    `rows`: the file as `read_export` read it (else it is read here).

    Rows are checked and planned (`Desk.plan`) one by one as before; then each batch looks up its external
    ids in one query, compares rows already imported with their stored logs, and writes the new cases in
    one commit (`Desk.create_many`). If that commit is refused (another process took an external id
    meanwhile), the batch's new cases are written one by one so only the row at fault is skipped.
    """
    imported = unchanged = 0
    problems: list[tuple[int, str]] = []
    differs: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    tz = desk.tz
    now = desk.clock()  # one "now" for the whole file: a row's verdict does not depend on when it was reached
    pending: list[_Pending] = []

    def settle(batch: list[_Pending]) -> list[_Pending]:
        """Count the rows whose case is already there (unchanged, or differing) and the refused ones; the rest
        are to be written. Asked again after a refused commit: a case another process imported meanwhile from
        the same export is then "already there", not a skipped row."""
        nonlocal unchanged
        existing = desk.cases.by_external_id([p.ext for p in batch])
        stored = desk.cases.events([existing[p.ext].id for p in batch if p.ext in existing and p.events])
        new: list[_Pending] = []
        for p in batch:
            where = f"{path}:{p.number}"
            row = existing.get(p.ext)
            if row is not None:  # keyed by external id: a re-import never changes a case
                if p.events is not None and _same_log(stored.get(row.id, []), p.events):
                    unchanged += 1
                else:  # the row as it reads now could not have been recorded, or says otherwise
                    differs.append((p.number, f"{where}: case {one_line(brief(p.ext, 40))} already imported, "
                                    "content differs — not changed"))
            elif p.events is None:
                problems.append((p.number, f"{where}: {'; '.join(p.refused)}; row skipped"))
            else:
                new.append(p)
        return new

    def write(batch: list[_Pending]) -> None:
        desk.create_many([Planned(p.ext, p.received, p.events or [], p.state) for p in batch])

    def flush() -> None:
        nonlocal imported
        new = settle(pending)
        pending.clear()
        for _ in range(RESETTLE):
            try:
                write(new)
                imported += len(new)
                return
            except CaseExists:  # another process recorded some of these meanwhile: judge them again
                new = settle(new)
            except StoreError:
                break
        for p in new:  # find the rows at fault; the others go in
            try:
                write([p])
                imported += 1
            except CaseExists:
                if settle([p]):  # still not there: what was refused is another case's id, not this row's
                    problems.append((p.number, f"{path}:{p.number}: case {one_line(brief(p.ext, 40))} could "
                                     "not be written (an id another case holds); row skipped"))
            except StoreError as exc:
                problems.append((p.number, f"{path}:{p.number}: {exc}; row skipped"))

    for row in rows if rows is not None else read_export(path, mapping):
        where = f"{path}:{row.number}"
        if row.cells is None:
            problems.append((row.number, f"{where}: {row.problem}; row skipped"))
            continue
        try:
            ext = _external_id(row.cells, mapping)
            if ext in seen:
                raise _BadRow(f"external id {one_line(brief(ext, 40))} again (first on line {seen[ext]})")
            seen[ext] = row.number
            received, later = _times(row.cells, mapping, tz, now)
            facts: dict[str, Any] = {}
            for fact, spec in mapping.facts.items():
                value = _cell(row.cells, spec.column)
                if value is not None:
                    facts[fact] = spec.values.get(value, value) if spec.values else value
            by = _cell(row.cells, mapping.by) if mapping.by else None
            note = (_cell(row.cells, mapping.note) or "") if mapping.note else ""
            try:
                events, state = desk.plan(received_at=received, facts=facts, by=by, note=note, later=later)
                pending.append(_Pending(row.number, ext, received, events, state))
            except EventRejected as exc:  # reported at the flush: "differs" if the case was imported before
                pending.append(_Pending(row.number, ext, received, None, refused=list(exc.problems)))
        except (_BadRow, BadExternalId, StoreError) as exc:
            problems.append((row.number, f"{where}: {exc}; row skipped"))
        if len(pending) >= BATCH:
            flush()
    if pending:
        flush()
    return ImportResult(imported, unchanged, [m for _, m in sorted(problems, key=lambda x: x[0])],
                        [m for _, m in sorted(differs, key=lambda x: x[0])])


def _same_log(stored: Sequence[EventRow], planned: Sequence[EventRow]) -> bool:
    """Whether the case was recorded from what the row says now: its first events are those the row makes
    (events added on the desk since come after them and do not count)."""

    def content(events: Sequence[EventRow]) -> list[Any]:
        return [(e.at, e.kind, e.by, e.note, e.stage, msgspec.to_builtins(e.facts)) for e in events]

    return len(stored) >= len(planned) and content(stored[:len(planned)]) == content(planned)


def _external_id(cells: Mapping[str, Any], mapping: Mapping_) -> str:
    value = cells.get(mapping.ext_id)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _BadRow(f"no {mapping.ext_id!r} (the external id)")
    if isinstance(value, str) and len(value) > MAX_CELL:
        raise _BadRow(f"the external id is {len(value):,} characters long")
    return check_external_id(value)


def _times(cells: Mapping[str, Any], mapping: Mapping_, tz: str, now: dt.datetime
           ) -> tuple[dt.datetime, list[tuple[dt.datetime, str | None, dict[str, Any], str | None, str]]]:
    """When the row was received and its later events, in the mapping's order, never going backwards
    and none more than a day ahead of `now` (`times.check_happened`, as for `case update --at`)."""

    def read(column: str) -> dt.datetime | None:
        text = _cell(cells, column)
        if text is None:
            return None
        try:
            return check_happened(parse_time(text, tz, now=now, past=True), tz, now=now)
        except TimeError as exc:
            raise _BadRow(f"{column}: {exc}") from None

    received = read(mapping.received_at)
    if received is None:
        raise _BadRow(f"no {mapping.received_at!r} (when it was received)")
    later: list[tuple[dt.datetime, str | None, dict[str, Any], str | None, str]] = []
    last, last_column = received, mapping.received_at
    for ev in mapping.events:
        at = read(ev.at)
        if at is None:
            continue
        if at < last:
            raise _BadRow(f"{ev.at} ({show_time(at, tz)}) is before {last_column} ({show_time(last, tz)}); "
                          "the mapping lists events in the order they happen and times never go backwards")
        note = (_cell(cells, ev.note) or "") if ev.note else ""
        later.append((at, ev.stage, {}, ev.by, note))
        last, last_column = at, ev.at
    return received, later
