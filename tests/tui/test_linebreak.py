"""Line breaking for mixed Chinese and Latin text: fits the width, keeps every character, and never
opens a line with closing punctuation nor ends one with an opening bracket (property tests)."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from cxcoach.tui.linebreak import NO_END, NO_START, break_lines

CHARS = "顾客你好这鱼是凉的我来负责今天下午点前给您回电话abcdefg hij XYZ 12 ，。、！？；：（）「」“”…—,.!?()"
# Punctuation never two in a row: a run of it wider than a line would have to be cut somewhere.
text = st.text(alphabet=CHARS, min_size=0, max_size=120).filter(
    lambda s: not any(a in NO_START | NO_END and b in NO_START | NO_END for a, b in pairwise(s)))


@settings(max_examples=300, deadline=None)
@given(text, st.integers(min_value=6, max_value=60))
def test_lines_fit_keep_every_character_and_respect_kinsoku(body, width):
    lines = break_lines(body, width)
    assert "".join(lines).replace(" ", "") == body.replace(" ", "")
    for i, line in enumerate(lines):
        assert cell_len(line.rstrip()) <= width, (line, width)
        if i + 1 < len(lines):  # a cut line
            assert line[-1:] not in NO_END or len(line) <= 1
        if i > 0 and line:
            assert line[0] not in NO_START, (lines[i - 1], line)


def test_examples():
    assert break_lines("服务员！这鱼我等了四十分钟，端上来居然是凉的！", 10) == \
        ["服务员！这", "鱼我等了四", "十分钟，端", "上来居然是", "凉的！"]
    assert break_lines("I'm so sorry, really.", 10) == ["I'm so", "sorry,", "really."]
    assert break_lines("line one\n第二行", 40) == ["line one", "第二行"]
    assert break_lines("好、、、、、、", 6) == ["好、、", "、、、", "、"]  # wider than a line: the width wins


def test_a_break_that_leaves_the_rest_too_wide_is_followed_by_another():
    """Found by the property test: the allowed break before 「（」 left 「（下 、」, wider than the line."""
    assert all(cell_len(line.rstrip()) <= 6 for line in break_lines("1（下 、", 6))


def test_a_space_after_an_opening_quote_is_no_place_to_break():
    """Found by the property test: breaking after 「“ 」 ended the line on the quote."""
    lines = break_lines("1“ 下、", 6)
    assert not any(line.rstrip()[-1:] in NO_END for line in lines[:-1]), lines


def test_when_no_cut_keeps_both_rules_closing_punctuation_still_does_not_open_a_line():
    """Found by the property test: 「（ 下、」 is wider than 6 cells and has no cut that keeps both rules."""
    lines = break_lines("（ 下、", 6)
    assert all(cell_len(line.rstrip()) <= 6 for line in lines)
    assert not any(line[:1] in NO_START for line in lines[1:]), lines
