"""`recommend --stream`: one JSON case per input line, one JSON answer per output line, in order.

Every non-blank line is answered, by a result or by an error object
(`CaseFailure`) carrying the line number, and a bad line never stops the
stream. Lines are read as bytes with a bound, so neither a line without an
end nor invalid UTF-8 (whatever the locale) can stop it; answers are written
as UTF-8 bytes and flushed as soon as they are ready, for a caller that
waits for each. A stream is many independent cases, so it is answered by one
worker process per CPU (forked, sharing the loaded playbook), lines kept in
order.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import select
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO

import msgspec

from ..playbook.model import Playbook
from .case import parse_case, usable_id
from .case_problems import CaseError, CaseProblem, shown
from .compiled import compile_playbook
from .jsonline import decode_line
from .recommend import recommend
from .render import encode_line
from .result import DEFAULT_FIELDS, CaseFailure, ErrorDetail
from .workers import WorkerLost, Workers

MAX_LINE_BYTES = 1024 * 1024
_CHUNK = 64 * 1024  # bytes per read; a pipe holds this much
_PART = 32  # fewest lines a worker is handed at once: fewer cost more to send than to answer

Line = tuple[int, bytes | None, int]  # line number, its bytes (None: over the limit), its size


@dataclass(frozen=True, slots=True)
class StreamOptions:
    """What applies to every line: --now, --set, --lang, --explain, --fields."""

    locale: str
    now: dt.datetime | None = None
    overrides: Mapping[str, str] | None = None
    explain: bool = False
    fields: tuple[str, ...] = DEFAULT_FIELDS
    max_line_bytes: int = MAX_LINE_BYTES


@dataclass(slots=True)
class StreamCounts:
    answered: int = 0
    failed: int = 0


def batches(source: BinaryIO, limit: int) -> Iterator[list[Line]]:
    """The lines of `source` as they arrive: per read, every line it completed.

    Each read takes what is there (up to `_CHUNK` bytes) without waiting for
    more, so a caller that writes one line and waits gets its answer, and a
    file is read in large batches. A line over `limit` is read on to its end
    and dropped (its bytes None), so memory stays bounded whatever the input.
    """
    read = getattr(source, "read1", source.read)
    number, tail, skipped = 0, b"", 0  # skipped: bytes of an over-long line read so far
    while chunk := read(_CHUNK):
        batch: list[Line] = []
        start = 0
        while (end := chunk.find(b"\n", start)) >= 0:
            number += 1
            if skipped:
                batch.append((number, None, skipped + end - start + 1))
                skipped = 0
            else:
                raw = tail + chunk[start:end] if tail else chunk[start:end]
                batch.append((number, None if len(raw) > limit else raw.rstrip(b"\r"), len(raw) + 1))
            tail, start = b"", end + 1
        if skipped:
            skipped += len(chunk) - start
        else:
            tail += chunk[start:]
            if len(tail) > limit:
                skipped, tail = len(tail), b""
        yield batch
    if skipped or tail:
        yield [(number + 1, None if skipped else tail.rstrip(b"\r"), skipped or len(tail))]


def answer(playbook: Playbook, raw: bytes, number: int, options: StreamOptions) -> tuple[bytes, bool]:
    """One output line for one input line, and whether it is a result (True) or an error object."""
    data: object = None
    try:
        data = decode_line(raw)
        case = parse_case(playbook, data, now=options.now, overrides=options.overrides)
        result = recommend(playbook, case, explain=options.explain, locale=options.locale,
                           texts="texts" in options.fields)
    except Exception as exc:  # a bad line, or a bug on one line, must not cost the others their answers
        return encode_line(failure(as_case_error(exc), options.locale, number, data)), False
    return encode_line(msgspec.structs.replace(result, line=number).select(options.fields)), True


def as_case_error(exc: Exception) -> CaseError:
    """What an exception from evaluating one case says: its problems, C040 (the calendar) or X001 (a bug)."""
    if isinstance(exc, CaseError):
        return exc
    if isinstance(exc, ValueError):  # the calendar cannot place a deadline
        return CaseError([CaseProblem("C040", "$", {"detail": str(exc)[:200]})])
    return CaseError([CaseProblem("X001", "$", {"detail": f"{type(exc).__name__}: {shown(str(exc))}"})])


def failure(exc: CaseError, locale: str, line: int | None = None, data: object = None) -> CaseFailure:
    """The error object for a case: every problem (code, path, message in `locale`) and the case id if usable."""
    errors = tuple(ErrorDetail(code=p.code, path=p.path, message=p.message(locale)) for p in exc.problems)
    case_id = data.get("id") if isinstance(data, dict) else None
    if not usable_id(case_id):
        case_id = None
    return CaseFailure(line=line, case_id=case_id, error="; ".join(e.message for e in errors), errors=errors,
                       omitted=exc.omitted)


def answer_lines(playbook: Playbook, batch: list[Line], options: StreamOptions) -> tuple[bytes, int, int]:
    """The output for some input lines: their answers in order, how many lines were answered and how many failed."""
    out: list[bytes] = []
    failed = 0
    for number, raw, size in batch:
        if raw is None:
            problem = CaseProblem("E010", "$", {"size": f"{size:,}", "limit": f"{options.max_line_bytes:,}"})
            line, ok = encode_line(failure(CaseError([problem]), options.locale, number)), False
        elif not raw.strip():
            continue
        else:
            line, ok = answer(playbook, raw, number, options)
        out.append(line)
        failed += not ok
    return b"".join(out), len(out), failed


def run_stream(playbook: Playbook, source: BinaryIO, sink: BinaryIO, options: StreamOptions,
               workers: int = 1) -> StreamCounts:
    """Answer every non-blank line of `source` on `sink`, in order; blank lines are skipped but counted.

    With `workers` > 1, once a read brings many lines at a time, the lines
    are answered by that many processes (forked, so they share the loaded
    playbook), a batch at a time, and written in input order. A few lines at
    a time (a caller that writes a case and waits, a hook with one case) are
    answered here, without the cost of starting workers. Whenever no more
    input is waiting, every answer is written before the next read, so a
    caller that waits for its answer gets it.
    """
    counts = StreamCounts()

    def write(done: tuple[bytes, int, int]) -> None:
        data, answered, failed = done
        counts.answered += answered
        counts.failed += failed
        if data:
            sink.write(data)
            sink.flush()

    lines = batches(source, options.max_line_bytes)
    for batch in lines:
        if workers > 1 and len(batch) >= 2 * _PART:
            _answer_in_workers(playbook, itertools.chain([batch], lines), source, write, options, workers, counts)
            break
        write(answer_lines(playbook, batch, options))
    return counts


def _answer_in_workers(playbook: Playbook, lines: Iterator[list[Line]], source: BinaryIO,
                       write: Callable[[tuple[bytes, int, int]], None], options: StreamOptions, workers: int,
                       counts: StreamCounts) -> None:
    """`run_stream` from the first batch that is worth the workers: batches out to them, answers back in order."""
    compile_playbook(playbook).localized(options.locale)  # before the fork, so every worker inherits it
    pool: Workers[list[Line], tuple[bytes, int, int]] = Workers(partial(answer_lines, playbook, options=options),
                                                                 workers)
    try:
        for batch in lines:
            size = max(_PART, -(-len(batch) // workers))
            for i in range(0, len(batch), size):
                pool.submit(batch[i:i + size])
            waiting = _input_waiting(source)
            while pool and (not waiting or pool.ready() or len(pool) > 2 * workers):
                write(pool.result())
        while pool:
            write(pool.result())
    except WorkerLost as exc:
        raise WorkerLost(f"{exc} after {counts.answered} answers; the lines after them were not answered "
                         "(--workers 1 answers in this process)") from None
    finally:
        pool.close()


def default_workers() -> int:
    """The processes a stream uses by default: one per CPU this process may run on (one where it cannot fork)."""
    if not hasattr(os, "fork"):
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _input_waiting(source: BinaryIO) -> bool:
    """Whether the next read would return at once (input there, or its end); True for what is not a file."""
    try:
        fd = source.fileno()
    except (AttributeError, OSError, ValueError):
        return True
    return bool(select.select([fd], [], [], 0)[0])
