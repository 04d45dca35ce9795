"""`recommend --stream`: one JSON case per input line, one JSON answer per output line, in order.

Every non-blank line is answered, by a result or by an error object
(`CaseFailure`) carrying the line number, and a bad line never stops the
stream. Lines are read as bytes with a bound, so neither a line without an
end nor invalid UTF-8 (whatever the locale) can stop it; answers are written
as UTF-8 bytes and flushed one by one, for a caller that waits for each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import BinaryIO

import msgspec

from ..playbook.model import Playbook
from .case import parse_case, usable_id
from .case_problems import CaseError, CaseProblem, shown
from .jsonline import decode_line
from .recommend import recommend
from .render import encode_line
from .result import DEFAULT_FIELDS, CaseFailure, ErrorDetail

MAX_LINE_BYTES = 1024 * 1024
_SKIP_CHUNK = 64 * 1024


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


def lines(source: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, bytes without the line break or None when over `limit`, size) for each line.

    A line over the limit is read on to its end in chunks and dropped, so
    memory stays bounded whatever the input.
    """
    number = 0
    while True:
        raw = source.readline(limit + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            size = len(raw)
            while raw and not raw.endswith(b"\n"):
                raw = source.readline(_SKIP_CHUNK)
                size += len(raw)
            yield number, None, size
        else:
            yield number, raw.rstrip(b"\r\n"), len(raw)


def answer(playbook: Playbook, raw: bytes, number: int, options: StreamOptions) -> tuple[bytes, bool]:
    """One output line for one input line, and whether it is a result (True) or an error object."""
    data: object = None
    try:
        data = decode_line(raw)
        case = parse_case(playbook, data, now=options.now, overrides=options.overrides)
        result = recommend(playbook, case, explain=options.explain, locale=options.locale,
                           texts="texts" in options.fields)
    except CaseError as exc:
        return encode_line(failure(exc, options.locale, number, data)), False
    except ValueError as exc:  # the calendar cannot place a deadline
        problem = CaseProblem("C040", "$", {"detail": str(exc)[:200]})
        return encode_line(failure(CaseError([problem]), options.locale, number, data)), False
    except Exception as exc:  # a bug on one line must not cost the others their answers
        problem = CaseProblem("X001", "$", {"detail": f"{type(exc).__name__}: {shown(str(exc))}"})
        return encode_line(failure(CaseError([problem]), options.locale, number, data)), False
    return encode_line(msgspec.structs.replace(result, line=number).select(options.fields)), True


def failure(exc: CaseError, locale: str, line: int | None = None, data: object = None) -> CaseFailure:
    """The error object for a case: every problem (code, path, message in `locale`) and the case id if usable."""
    errors = tuple(ErrorDetail(code=p.code, path=p.path, message=p.message(locale)) for p in exc.problems)
    case_id = data.get("id") if isinstance(data, dict) else None
    if not usable_id(case_id):
        case_id = None
    return CaseFailure(line=line, case_id=case_id, error="; ".join(e.message for e in errors), errors=errors,
                       omitted=exc.omitted)


def run_stream(playbook: Playbook, source: BinaryIO, sink: BinaryIO, options: StreamOptions) -> StreamCounts:
    """Answer every non-blank line of `source` on `sink`; blank lines are skipped but counted."""
    counts = StreamCounts()
    for number, raw, size in lines(source, options.max_line_bytes):
        if raw is None:
            problem = CaseProblem("E010", "$", {"size": f"{size:,}", "limit": f"{options.max_line_bytes:,}"})
            out, ok = encode_line(failure(CaseError([problem]), options.locale, number)), False
        elif not raw.strip():
            continue
        else:
            out, ok = answer(playbook, raw, number, options)
        counts.answered += 1
        counts.failed += not ok
        sink.write(out)
        sink.flush()
    return counts
