"""Normalisation keeps an offset map so spans always point into the original reply."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cxcoach.drill.matcher import match, phrases
from cxcoach.drill.normalize import normalize


def test_full_width_and_case_fold_to_ascii():
    norm = normalize("ＲＥＦＵＮＤ，１２３。Ｓorry")
    assert norm.text == "refund,123.sorry"


def test_chinese_punctuation_and_spaces():
    assert normalize("您好！  请问、有什么\t问题？").text == "您好! 请问,有什么 问题?"


def test_contractions_expand_and_map_back_to_the_whole_word():
    norm = normalize("I'll call, we can't, don't")
    assert norm.text == "i will call, we can not, do not"
    start = norm.text.index("can not")
    assert norm.quote(start, start + len("can not")) == "can't"


def test_curly_apostrophes_are_contractions_too():
    assert normalize("I’m sorry, I won’t").text == "i am sorry, i will not"


def test_zero_width_characters_are_dropped():
    norm = normalize("对\u200b不起")
    assert norm.text == "对不起"
    assert norm.quote(0, 3) == "对\u200b不起"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_offset_map_is_monotonic_and_in_range(text):
    norm = normalize(text)
    assert len(norm.starts) == len(norm.text) == len(norm.ends)
    for a, b in zip(norm.starts, norm.ends, strict=True):
        assert 0 <= a < b <= len(text)
    assert list(norm.starts) == sorted(norm.starts)


_words = st.sampled_from(["退款", "refund", "sorry", "对不起", "Ｒｅｆｕｎｄ", "您好", "不能", "but", "，", "。",
                         " ", "ok", "I'll", "😀", "Ａ"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_words, max_size=12))
def test_every_span_quotes_text_that_normalises_to_the_phrase(parts):
    text = "".join(parts)
    for span in match(phrases("refund", "退款", "sorry", "i will", guard=None), text):
        assert text[span.start:span.end] == span.text
        assert normalize(span.text).text in {"refund", "退款", "sorry", "i will", "refunds"}
