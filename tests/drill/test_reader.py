"""The reply reader: clauses and contrast, refusals, the keyword-list check."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxcoach.drill import score_reply
from cxcoach.drill.clauses import clauses
from cxcoach.drill.form import Form, read_form
from cxcoach.drill.normalize import normalize


def _clauses(text: str) -> list[tuple[str, bool, bool]]:
    norm = normalize(text).text
    return [(c.text(norm), c.contrast, c.question) for c in clauses(norm)]


@pytest.mark.parametrize("text, expected", [
    ("I'm sorry, but it's policy.", [("i am sorry", False, False), ("but it is policy", True, False)]),
    ("很抱歉但是这是规定", [("很抱歉", False, False), ("但是这是规定", True, False)]),
    ("虽然我理解您，规定就是规定。", [("虽然我理解您", False, False), ("规定就是规定", True, False)]),
    ("这只是小问题，只是需要等两天", [("这只是小问题", False, False), ("只是需要等两天", True, False)]),
    ("您这么大声干什么?", [("您这么大声干什么", False, True)]),
    ("电费高吗", [("电费高吗", False, True)]),
])
def test_clauses_split_at_contrast_and_mark_questions(text, expected):
    assert _clauses(text) == expected


@given(st.text(max_size=80))
def test_clauses_lie_inside_the_text_in_order(text):
    norm = normalize(text).text
    found = clauses(norm)
    assert all(0 <= c.start < c.end <= len(norm) for c in found)
    assert all(a.end <= b.start for a, b in pairwise(found))


@pytest.mark.parametrize("text, form", [
    ("抱歉 抱歉 理解 我来负责 今天 回电 感谢 您的心情我理解", Form.KEYWORDS),
    ("抱歉，理解，负责，今天，回电，感谢", Form.KEYWORDS),
    ("sorry understand responsible today call back thanks refund", Form.KEYWORDS),
    ("Sorry. Understand. Responsible. Today. Call back. Thanks.", Form.KEYWORDS),
    ("sorry sorry sorry I will fix it", Form.REPEATED),
    ("对不起对不起对不起，我马上处理", Form.REPEATED),
    ("非常抱歉让您久等了，我来负责处理，今天下午3点前给您回电话。", Form.FINE),
    ("非常抱歉，让您白跑了一趟，我理解您的心情，慢慢说，我在听。", Form.FINE),
    ("I'm so sorry. I understand. I'll handle it today and call you back by 5 pm.", Form.FINE),
    ("好的，明白，马上处理。", Form.FINE),
])
def test_keyword_lists_and_repeats_are_recognised(text, form):
    assert read_form(normalize(text).text).form is form


def test_a_behaviour_counts_once_however_often_it_is_repeated(default_pb):
    once = score_reply(default_pb, "非常抱歉，我马上为您处理。").value
    twice = score_reply(default_pb, "非常抱歉，真的很抱歉，我马上为您处理。").value
    assert once == twice


@pytest.mark.parametrize("reply", ["免单？不可能。", "换货就别想了。", "We can't give you a refund.",
                                   "A replacement is not possible."])
def test_remedy_refused_or_negated_is_withheld(default_pb, reply):
    result = score_reply(default_pb, reply)
    assert "remedy" not in {b.detector for b in result.behaviours}
    assert "remedy" in {b.detector for b in result.withheld} or "can't" in reply


def test_remedy_after_a_refusal_still_counts(default_pb):
    result = score_reply(default_pb, "退款我这边办不了，但我可以马上给您换一件新的。")
    assert "remedy" in {b.detector for b in result.behaviours}


@pytest.mark.parametrize("zh, en", [("您别生气了。", "Don't get upset."), ("您先冷静一下。", "Please calm down."),
                                    ("别激动。", "Relax.")])
def test_settle_down_is_the_same_act_in_both_languages(default_pb, zh, en):
    a, b = score_reply(default_pb, zh), score_reply(default_pb, en)
    assert {"dismiss_feelings"} <= {x.detector for x in a.behaviours} & {x.detector for x in b.behaviours}
    assert a.value == b.value


def test_every_detection_reports_its_span_and_confidence(default_pb):
    reply = "Meters don't lie, maybe you left the heater on?"
    for b in score_reply(default_pb, reply).behaviours:
        assert 0 < b.confidence <= 1
        assert all(reply[s.start:s.end] == s.text and s.text for s in b.spans)
