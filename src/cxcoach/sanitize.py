"""Make untrusted text (playbook content, user replies, file names) safe to print.

Terminal escape sequences in a playbook or a reply must be shown or dropped,
never obeyed: C0 and C1 control characters (except newline and tab), DEL, the
Unicode bidi controls that can reorder what a reader sees (Trojan Source),
and lone surrogates, which no terminal encoding can carry. `printable` shows
them as visible escapes such as `\\x1b` (messages, the app, every line the
CLI prints); `strip_controls` drops them (compact one-line renderings);
`escape_json` turns them into `\\uXXXX` inside a JSON document, which stays
valid and means the same.
"""

from __future__ import annotations

import re

# Compiled on first use (re caches it): a class this wide takes re long enough to compile that
# every start-up would pay for it, and most text never needs it (see `_safe`).
_UNSAFE = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"


def __getattr__(name: str) -> re.Pattern[str]:
    """`UNSAFE`, the compiled class, for the tests and tools that search text for what is escaped here."""
    if name == "UNSAFE":
        return re.compile(_UNSAFE)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _safe(text: str) -> bool:
    """True when `text` holds nothing to escape: every unsafe character is one `str.isprintable` refuses
    (a control, a format character or a surrogate; tests/test_sanitize.py checks each), so text
    that passes it, newlines and tabs aside, needs no regular expression at all."""
    return text.replace("\n", "").replace("\t", "").isprintable()


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    return text if _safe(text) else re.sub(_UNSAFE, _visible, text)


def one_line(text: str) -> str:
    """`printable`, and line breaks and tabs shown too: a file name can hold a newline that forges a line."""
    return printable(text).replace("\n", "\\x0a").replace("\t", "\\x09")


def strip_controls(text: str) -> str:
    return text if _safe(text) else re.sub(_UNSAFE, "", text)


def markdown_text(text: str) -> str:
    """Text from cases and playbooks made inert in Markdown, e.g. a table cell: one line, controls dropped, and
    every character that makes markup, a link, an entity or raw HTML backslash-escaped (a viewer shows it as
    typed), as is a mark that would open a block where the text starts a line (`# `, `- `, `1. `)."""
    out = " ".join(strip_controls(text).split())
    for ch in "\\`*_[]<>|~":
        out = out.replace(ch, "\\" + ch)
    if "&" in out:  # only where an entity could start: `&lt;`, `&#60;` (a bare `A & B` stays as it is)
        first, *rest = out.split("&")
        out = first + "".join(("\\&" if part[:1] == "#" or (part[:1].isascii() and part[:1].isalnum()) else "&") + part
                              for part in rest)
    hashes = len(out) - len(out.lstrip("#"))
    heading = 0 < hashes <= 6 and out[hashes:hashes + 1] in ("", " ")
    if heading or (out[:1] in ("-", "+") and out[1:2] in ("", " ")) or (out and not out.strip("-= ")):
        return "\\" + out  # a heading, a list item, a rule or a heading underline (`>`, `*` are escaped above)
    digits = len(out) - len(out.lstrip("0123456789"))
    if 0 < digits < 10 and out[digits:digits + 1] in (".", ")") and out[digits + 1:digits + 2] in ("", " "):
        return f"{out[:digits]}\\{out[digits:]}"  # an ordered list item: `1. ...`
    return out


def escape_json(document: str) -> str:
    """A JSON document (from json.dumps, ensure_ascii=False) with every unsafe character as a \\u escape.

    json.dumps already escapes C0; DEL, C1, bidi controls and lone surrogates
    can only sit inside strings there, where `\\u0085` is the same character.
    """
    if _safe(document):
        return document
    return re.sub(_UNSAFE, lambda m: f"\\u{ord(m.group()):04x}", document)


def brief(value: object, width: int = 60, *, plain: bool = False) -> str:
    """A value for a message: its repr (or str if `plain`), cut to `width` characters with an ellipsis.

    An error quoting a 1 MB value would be a 1 MB error line; an integer of
    thousands of digits cannot even be turned into text.
    """
    if isinstance(value, int) and value.bit_length() > 256:
        return f"an integer of {value.bit_length()} bits"
    text = str(value) if plain else repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"
