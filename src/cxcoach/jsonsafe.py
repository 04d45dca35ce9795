"""JSON for programs, safe to print: UTF-8, with every character a terminal or line reader could misread escaped.

msgspec writes the JSON (fast, and with `indent` through its own formatter
rather than the standard library's pure-Python indenting encoder). What it
leaves raw and `sanitize.UNSAFE` names (DEL, C1 controls, bidi marks and
overrides) is then written as a `\\uXXXX` escape, as are U+2028/U+2029,
which many line readers (and JavaScript before 2019) take as line breaks.
The document means the same; only how those characters are spelled changes.
Kept apart from the engine so any command can write JSON without importing it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import msgspec

_ENCODER = msgspec.json.Encoder()
# The UTF-8 of DEL, the C1 controls, U+061C, U+200E/U+200F, U+2028-U+202E and U+2066-U+2069.
_JSON_UNSAFE = rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]"
# Each of those starts with one of these bytes; a document without them (most are) needs no scan.
_LEAD_BYTES = (b"\x7f", b"\xc2", b"\xd8", b"\xe2")


def _escape(match: re.Match[bytes]) -> bytes:
    return b"\\u%04x" % ord(match.group().decode())


def to_json_bytes(value: object, enc_hook: Callable[[Any], Any] | None = None) -> bytes:
    """Compact JSON, always valid UTF-8, with control, C1 and bidi characters escaped.

    `enc_hook` turns a value msgspec cannot encode into one it can (as
    json.dumps's `default`). A lone surrogate (legal in a JSON string, not in
    UTF-8) makes the fast encoder refuse; that rare value is written with
    every non-ASCII character escaped instead, so it round-trips and the
    output stays UTF-8.
    """
    try:
        data = _ENCODER.encode(value) if enc_hook is None else msgspec.json.encode(value, enc_hook=enc_hook)
    except UnicodeEncodeError:
        import json

        builtins = msgspec.to_builtins(value, enc_hook=enc_hook)
        return json.dumps(builtins, ensure_ascii=True, separators=(",", ":")).encode()
    if any(lead in data for lead in _LEAD_BYTES):
        return re.sub(_JSON_UNSAFE, _escape, data)  # compiled on first need (re caches it)
    return data


def to_json_text(value: object, indent: int | None = 2, enc_hook: Callable[[Any], Any] | None = None) -> str:
    """One JSON document as text: indented by `indent` spaces, or on one line (`, ` and `: `) with None."""
    data = to_json_bytes(value, enc_hook)
    try:
        return msgspec.json.format(data, indent=indent or 0).decode()
    except msgspec.DecodeError:  # msgspec does not read back the escape of a lone surrogate
        import json

        return json.dumps(json.loads(data), ensure_ascii=True, indent=indent)
