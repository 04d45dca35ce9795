"""One line of `recommend --stream` input: bytes -> a JSON value, under the rules YAML case files follow.

A line is decoded on its own, so one bad line never costs the others: its
bytes must be UTF-8 (E002), its text one JSON value (E001), no object may
repeat a key (E003, as YAML files reject duplicate keys) and nothing may nest
deeper than the YAML loader's limit (E014). Each failure is a `CaseError`
whose problem says where, for the line's error object.

The standard library's decoder is used because it hands each object's pairs
to a hook before making a dict, which is where a repeated key can still be
seen; a case line is a few hundred bytes, so its speed is not the question.
"""

from __future__ import annotations

import json
import re

from ..playbook.yamlsource import DEFAULT_LIMITS
from .case_problems import CaseError, CaseProblem, shown

MAX_DEPTH = DEFAULT_LIMITS.max_depth


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return obj


_DECODER = json.JSONDecoder(object_pairs_hook=_object)


def _fail(code: str, **params: str) -> CaseError:
    return CaseError([CaseProblem(code, "$", params)])


def _depth_over(value: object, limit: int) -> bool:
    """True if `value` nests deeper than `limit` containers (walks at most `limit` levels)."""
    if not isinstance(value, (dict, list)):
        return False
    if limit == 0:
        return True
    children = value.values() if isinstance(value, dict) else value
    return any(_depth_over(child, limit - 1) for child in children)


def decode_line(raw: bytes) -> object:
    """The JSON value on one input line (without its line break); CaseError says what is wrong."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        col = len(raw[: exc.start].decode("utf-8", "replace")) + 1
        raise _fail("E002", byte=f"{raw[exc.start]:02x}", col=str(col)) from None
    try:
        value = _DECODER.decode(text.removeprefix("\ufeff"))
    except _DuplicateKey as exc:
        raise _fail("E003", key=shown(exc.key)) from None
    except json.JSONDecodeError as exc:
        raise _fail("E001", detail=f"{exc.msg} at column {exc.colno}", reason=exc.msg, col=str(exc.colno)) from None
    except RecursionError:
        raise _fail("E014", limit=str(MAX_DEPTH)) from None
    except ValueError as exc:  # e.g. an integer longer than Python converts
        raise _fail("E001", detail=str(exc)[:200]) from None
    # Brackets in strings count too, so this only skips the walk for lines that cannot be too deep.
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth_over(value, MAX_DEPTH):
        raise _fail("E014", limit=str(MAX_DEPTH))
    return value




_BLANK = re.compile(r"[ \t\n\r]*")


def _skip(body: str, at: int) -> int:
    """Where the first character after the blanks at `at` is (`at` itself when there are none)."""
    found = _BLANK.match(body, at)
    return found.end() if found else at


class ArrayError(CaseError):
    """A JSON array document that cannot be read whole: its problem, and the line and column where it is."""

    def __init__(self, problem: CaseProblem, body: str, pos: int) -> None:
        super().__init__([problem])
        self.line = body.count("\n", 0, pos) + 1
        self.column = pos - body.rfind("\n", 0, pos)


def decode_array(text: str) -> list[tuple[int, object]]:
    """The items of a document that is one JSON array (an export saved as `.json`), each with the line it
    starts on, under the rules of `decode_line` (duplicate keys, depth). The whole array is read before
    anything is returned: one cut short or damaged anywhere is one ArrayError naming its line and column,
    never a first part taken alone."""
    body = text.removeprefix("\ufeff")
    items: list[tuple[int, object]] = []
    counted = 0  # lines are counted up to here, once each
    line = 1
    at = 0  # where the item being read starts: the place named for a problem inside it

    def fail(code: str, pos: int, **params: str) -> ArrayError:
        return ArrayError(CaseProblem(code, "$", params), body, pos)

    try:
        at = _skip(body, 0)
        if body[at:at + 1] != "[":
            raise json.JSONDecodeError("expected '[': the document is not an array of rows", body, at)
        at = _skip(body, at + 1)
        while body[at:at + 1] != "]":
            if at >= len(body):
                raise json.JSONDecodeError("the file ends before the array's closing ']' (cut short?)", body, at)
            if items:
                if body[at:at + 1] != ",":
                    raise json.JSONDecodeError("expected ',' or ']' after an item", body, at)
                at = _skip(body, at + 1)
            value, end = _DECODER.raw_decode(body, at)
            if _depth_over(value, MAX_DEPTH - 1):  # the array itself is one level
                raise fail("E014", at, limit=str(MAX_DEPTH))
            line += body.count("\n", counted, at)
            counted = at
            items.append((line, value))
            at = _skip(body, end)
        if _skip(body, at + 1) != len(body):
            raise json.JSONDecodeError("extra text after the array", body, _skip(body, at + 1))
    except _DuplicateKey as exc:
        raise fail("E003", at, key=shown(exc.key)) from None
    except json.JSONDecodeError as exc:
        detail = exc.msg.removesuffix(" at") + (" here" if exc.msg.endswith(" at") else "")  # "…starting at"
        column = exc.pos - body.rfind("\n", 0, exc.pos)
        raise fail("E001", exc.pos, detail=detail, reason=exc.msg, col=str(column)) from None
    except RecursionError:
        raise fail("E014", at, limit=str(MAX_DEPTH)) from None
    except ValueError as exc:  # e.g. an integer longer than Python converts
        raise fail("E001", at, detail=str(exc)[:200]) from None
    return items
