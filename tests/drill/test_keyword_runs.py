"""A reply a person would say: keyword runs with or without separators fail in both languages and say why;
short real replies keep their credit; one behaviour counts once; feeling words survive the negation in
the trouble they describe."""

from __future__ import annotations

import pytest

from cxcoach.drill import score_reply
from cxcoach.drill.form import Form, keyword_run, read_form
from cxcoach.drill.normalize import normalize


@pytest.mark.parametrize("reply", [
    "sorry understand I will handle today call back refund thank you",  # run-on, a few function words
    "apologies empathy ownership refund today follow up thanks",
    "抱歉理解负责今天回电退款感谢",  # no separators at all
    "对不起理解心情马上处理免单明天回访感谢",
    "regret the trouble empathise own it replace today check back thanks",  # a run with no one speaking in it
])
def test_keyword_runs_fail_and_say_why(default_pb, reply):
    result = score_reply(default_pb, reply)
    assert result.value == 0 and not result.score.passed  # not even "none of the wrong ways"
    (note,) = result.score.form
    assert note.form == "keywords"
    assert result.withheld  # what was not credited is listed


@pytest.mark.parametrize("reply", [
    "I'm so sorry. I'll refund the overcharge today and call you at 5.",
    "对不起，我马上让厨房给您重做，五分钟就上。",
    "两个小时之内我给您回话。",
    "明天上午十点前师傅上门。",
    "An engineer will be with you tomorrow by 10 am.",
])
def test_short_real_replies_keep_their_credit(default_pb, reply):
    result = score_reply(default_pb, reply)
    assert result.score.form == () and not result.withheld
    assert result.value >= 35


def test_a_behaviour_counts_once_however_often_its_words_repeat(default_pb):
    once = score_reply(default_pb, "I'm so sorry. I'll refund the overcharge today and call you at 5.")
    twice = score_reply(default_pb, "I'm so sorry, truly sorry. I'll refund the overcharge today and call you at 5.")
    assert twice.value == once.value


def test_keyword_run_needs_different_behaviours_in_a_row():
    text = "abc def ghi"
    assert keyword_run(text, [(0, 3, "a"), (4, 7, "b"), (8, 11, "c")]).form is Form.KEYWORDS
    assert keyword_run(text, [(0, 3, "a"), (4, 7, "a"), (8, 11, "a")]).fine  # one behaviour's pieces
    assert keyword_run("abc and def to ghi", [(0, 3, "a"), (8, 11, "b"), (15, 18, "c")]).fine


def test_terse_english_sentences_are_not_lists():
    assert read_form("according to the terms, refunds take five working days.").fine
    assert read_form("take a deep breath, sir.").fine
    # curt, but sentences: punctuation splits them, so nobody speaking is not enough to make a list
    assert read_form("terribly sorry. replacement dispatched this morning, arriving before noon tomorrow.").fine


def test_feeling_words_survive_a_negation_in_the_trouble_they_describe(default_pb):
    reply = "Being charged with no order to show for it is unnerving."
    found = {b.detector for b in score_reply(default_pb, reply).behaviours}
    assert "empathy" in found
    denied = {b.detector for b in score_reply(default_pb, "It isn't upsetting, it's just a bill.").behaviours}
    assert "empathy" not in denied


@pytest.mark.parametrize(("locale", "replies", "expected"), [
    ("zh", ["抱歉 理解 负责 今天 回电 感谢", "抱歉抱歉抱歉抱歉"],
     ["第1轮：这读起来像一串关键词，不是一句话（6 段里有 6 段是不超过 4 个字的单独词语）",
      "第2轮：同一个说法反复出现，只算一次，整句不计分（「抱歉」出现 4 次）"]),
    ("en", ["sorry understand handle today callback thanks refund", "sorry sorry sorry sorry"],
     ["turn 1: this reads as a list of keywords, not a sentence (0 of 7 words are function words)",
      "turn 2: the same phrase over and over: it counts once, and the reply earns nothing ('sorry' 4 times)"]),
])
def test_the_form_note_speaks_the_drills_language_with_the_same_figures_as_json(default_pb, locale, replies,
                                                                                 expected):
    from cxcoach.drill import DrillSession
    from cxcoach.drill.report import drill_json, drill_text

    s = DrillSession(default_pb, "restaurant_cold_dish", seed=0, locale=locale)
    for reply in replies:
        s.reply(reply)
    report = s.report()
    notes = [ln.strip().removeprefix("! ") for ln in drill_text(default_pb, report).splitlines()
             if ln.strip().startswith("! ")]
    assert notes == expected
    shown = drill_json(default_pb, report)["details"]["form"]  # type: ignore[index]  # JSON of a known shape
    assert [n["detail"] for n in shown] == [e.split("（" if locale == "zh" else " (", 1)[1].rstrip("）)")
                                           for e in expected]
    assert shown[1]["figures"] == {"unit": "抱歉" if locale == "zh" else "sorry", "times": 4}


@pytest.mark.parametrize(("reply", "label"), [
    ("Keywords: so sorry for the trouble; I understand how annoying this is; I'll handle it personally; "
     "a call back by 5 pm today; thank you", "keywords"),
    ("Key points: apologise, name the feeling, own it, give a time", "key points"),
    ("关键词：非常抱歉给您添麻烦了、您的心情我理解、这件事我来负责、今天下午五点前给您回电", "关键词"),
    ("要点：道歉、共情、负责、回电、感谢", "要点"),
])
def test_a_reply_that_labels_itself_a_list_is_notes_not_speech(default_pb, reply, label):
    """Whole good phrases do not make a reply when it opens by calling itself a list of them."""
    result = score_reply(default_pb, reply)
    assert result.value == 0 and not result.score.passed
    (note,) = result.score.form
    assert note.form == "keywords" and note.why == "label" and note.figures["label"] == label


@pytest.mark.parametrize("reply", [
    "Key points first: I'm sorry, this is on us, and I'll call you by 5 today.",
    "要点我先说一下：非常抱歉，这件事我来负责，今天五点前给您回电话。",
    "Keywords matter to the search, so I've fixed the listing myself; sorry, it's live again by 3 pm.",
])
def test_a_reply_that_only_mentions_a_label_is_still_speech(reply):
    assert read_form(normalize(reply).text).form is Form.FINE
