"""sanitize: what is escaped, and the shortcut that lets most text skip the regular expression."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _markdown_blocks(document: str) -> list[tuple[str, str]]:
    """(block token type, inline text) of a CommonMark document, as a viewer builds it (raw HTML enabled)."""
    from markdown_it import MarkdownIt

    blocks = []
    for token in MarkdownIt("commonmark").parse(document):
        text = "".join(child.content if child.type in ("text", "text_special") else f"<{child.type}>"
                       for child in token.children or ())
        blocks.append((token.type, text))
    return blocks


_MARKUP = st.sampled_from(["#", "# ", "## ", "- ", "+ ", "* ", "1. ", "10) ", "---", "===", "> ", "    ", "```", "~~~",
                           "[a](javascript:x)", "![i](x)", "<b>", "<script>", "&amp;", "&#60;", "**", "__", "`",
                           "~~", "|", "\\", "\n", "\n\n", "  \n", "<http://x>", "[^1]", "\t", "\x1b[1m", "\u3000"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_MARKUP, st.text(max_size=6)), max_size=12).map("".join))
def test_markdown_text_is_one_paragraph_of_exactly_that_text(text: str) -> None:
    """Whatever a playbook or a case says, a Markdown viewer shows it as typed (one line, whitespace runs
    collapsed, controls dropped): one paragraph of plain text, or one list item, never a heading, a link,
    emphasis, code or HTML."""
    shown = sanitize.markdown_text(text)
    expected = " ".join(strip_controls(text).split())
    if not expected:
        return
    assert _markdown_blocks(shown) == [("paragraph_open", ""), ("inline", expected), ("paragraph_close", "")]
    assert _markdown_blocks(f"- {shown}") == [("bullet_list_open", ""), ("list_item_open", ""),
                                              ("paragraph_open", ""), ("inline", expected), ("paragraph_close", ""),
                                              ("list_item_close", ""), ("bullet_list_close", "")]
