"""sanitize: what is escaped, and the shortcut that lets most text skip the regular expression."""

from __future__ import annotations

import sys

import pytest

from cxcoach import sanitize
from cxcoach.sanitize import escape_json, one_line, printable, strip_controls


def test_every_unsafe_character_is_one_isprintable_refuses() -> None:
    """The shortcut in `_safe` is sound only while this holds: text `isprintable` accepts has nothing to escape."""
    unsafe = sanitize.UNSAFE
    found = [code for code in range(sys.maxunicode + 1) if unsafe.match(chr(code))]
    assert len(found) == 9 + 21 + 33 + 1 + 2 + 5 + 4 + 2048  # the class as documented: C0, DEL and C1, bidi, surrogates
    assert [hex(code) for code in found if chr(code).isprintable()] == []


@pytest.mark.parametrize(("text", "shown"), [
    ("plain 中文，全角。\nnext\tline", "plain 中文，全角。\nnext\tline"),
    ("red \x1b[31m", "red \\x1b[31m"),
    ("C1 \x85 and DEL \x7f", "C1 \\x85 and DEL \\x7f"),
    ("abc\u202edef", "abc\\u202edef"),
    ("lone \ud800", "lone \\ud800"),
    ("no-break\xa0space stays", "no-break\xa0space stays"),  # not printable, not unsafe: the slow path keeps it
    ("全角\u3000空格", "全角\u3000空格"),
])
def test_printable_shows_unsafe_characters_and_keeps_the_rest(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_strip_escape_and_one_line() -> None:
    assert strip_controls("a\x1bb\u2066c\n") == "abc\n"
    assert escape_json('{"a": "x\u202ey\x85"}') == '{"a": "x\\u202ey\\u0085"}'
    assert escape_json('{"a": "中文"}\n') == '{"a": "中文"}\n'
    assert one_line("a\nb\tc\x1b") == "a\\x0ab\\x09c\\x1b"


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        sanitize.NOT_THERE  # noqa: B018
