"""The shipped detectors, rubrics and drills behave as the handbooks ask."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from cxcoach.drill import DrillSession, score_reply
from cxcoach.drill.learn import learnt_for
from cxcoach.drill.matcher import ReplyContext
from cxcoach.playbook import default_playbook_path, load_playbook

LABELLED = Path(__file__).with_name("labelled_replies.yaml")
HARMFUL = {
    "zh": "这是你自己的问题，爱买不买，你去投诉吧。",
    "en": "That's your own fault. Whatever, go ahead and complain.",
}


def _drill_ids() -> list[str]:
    return sorted(load_playbook(default_playbook_path()).drills)


def test_detector_examples_and_counter_examples(default_pb):
    wrong = []
    learnt = learnt_for(default_pb)
    for det in default_pb.detectors.values():
        for text in det.examples:
            if not ReplyContext.of(text, default_pb.detectors, learnt=learnt).detector_hits(det.id):
                wrong.append(f"{det.id} misses example {text!r}")
        for text in det.counter_examples:
            if ReplyContext.of(text, default_pb.detectors, learnt=learnt).detector_hits(det.id):
                wrong.append(f"{det.id} matches counter-example {text!r}")
    assert wrong == []


@pytest.mark.parametrize("drill_id", _drill_ids())
def test_model_answers_reach_a_good_ending_and_pass(default_pb, drill_id):
    drill = default_pb.drills[drill_id]
    for locale in drill.locales:
        session = DrillSession(default_pb, drill_id, seed=0, locale=locale)
        session.play_model_answers()
        report = session.report()
        assert report.ending is not None and report.ending.kind.value == "good", (locale, report.ending)
        assert report.passed and report.score.score >= 80, (locale, report.score.score)


@pytest.mark.parametrize("drill_id", _drill_ids())
def test_a_harmful_path_scores_low(default_pb, drill_id):
    drill = default_pb.drills[drill_id]
    for locale in drill.locales:
        session = DrillSession(default_pb, drill_id, seed=0, locale=locale)
        while not session.finished:
            session.reply(HARMFUL[locale])
        report = session.report()
        assert report.score.score <= 20 and not report.passed
        assert report.ending.kind.value != "good"


def _labelled():
    return yaml.safe_load(LABELLED.read_text(encoding="utf-8"))["replies"]


def pairwise_agreement(pb) -> tuple[float, int]:
    """Share of differently graded pairs that the default rubric orders the same way (ties count half)."""
    scored = [(item["grade"], score_reply(pb, item["reply"], locale=item["lang"]).value) for item in _labelled()]
    pairs = [(a, b) for a, b in itertools.combinations(scored, 2) if a[0] != b[0]]
    agree = 0.0
    for a, b in pairs:
        hi, lo = (a, b) if a[0] > b[0] else (b, a)
        agree += 1.0 if hi[1] > lo[1] else 0.5 if hi[1] == lo[1] else 0.0
    return agree / len(pairs), len(pairs)


def test_labelled_replies_are_ordered_by_the_default_rubric(default_pb):
    agreement, pairs = pairwise_agreement(default_pb)
    print(f"\nlabelled first replies: pairwise ordering agreement {agreement:.3f} over {pairs} pairs")
    assert agreement >= 0.9


def test_model_replies_pass_and_harmful_replies_fail(default_pb):
    for item in _labelled():
        result = score_reply(default_pb, item["reply"], locale=item["lang"])
        if item["grade"] == 3:
            assert result.score.passed, (item["id"], result.value)
        if item["grade"] == 0:
            assert not result.score.passed and result.value <= 10, (item["id"], result.value)


# --- the customer listens (issue 12) -------------------------------------------------

MISCONDUCT = {
    "zh": ["这是您自己的问题，爱买不买。", "您搞错了，不可能是我们的问题。", "这不归我管，您去找别人吧。"],
    "en": ["That's your own fault. Whatever.", "You're wrong, that's not true.",
           "That's not my department, talk to someone else."],
}


def _model_turns(pb, drill_id, locale):
    session = DrillSession(pb, drill_id, seed=0, locale=locale)
    session.play_model_answers()
    return [t.reply for t in session.turns]


@pytest.mark.parametrize("drill_id", _drill_ids())
def test_misconduct_instead_of_a_model_answer_raises_hostility_at_that_turn(default_pb, drill_id):
    drill = default_pb.drills[drill_id]
    for locale in drill.locales:
        replies = _model_turns(default_pb, drill_id, locale)
        for i in range(len(replies)):
            for bad in MISCONDUCT[locale]:
                session = DrillSession(default_pb, drill_id, seed=0, locale=locale)
                for reply in replies[:i]:
                    session.reply(reply)
                before = session.state.hostility
                session.reply(bad)
                walked = session.finished and session.ending.kind.value == "bad"
                assert session.state.hostility > before or (before == 10 and walked), \
                    (locale, i, bad, before, session.state.hostility)


@pytest.mark.parametrize("drill_id", _drill_ids())
def test_the_customer_never_says_the_same_words_twice_in_a_row(default_pb, drill_id):
    import random

    drill = default_pb.drills[drill_id]
    for locale in drill.locales:
        pool = _model_turns(default_pb, drill_id, locale) + MISCONDUCT[locale] + ["嗯。" if locale == "zh" else "OK."]
        for seed in range(6):
            rng = random.Random(seed)
            session = DrillSession(default_pb, drill_id, seed=seed, locale=locale, trainee="Li")
            said = [session.customer_text]
            while not session.finished:
                session.reply(rng.choice(pool))
                said.append(session.customer_text)
            assert all(a != b for a, b in itertools.pairwise(said)), (locale, seed, said)


@pytest.mark.parametrize("drill_id", _drill_ids())
def test_model_answers_stay_within_the_drills_authority(default_pb, drill_id):
    drill = default_pb.drills[drill_id]
    assert drill.authority is not None and any(not r.allowed for r in drill.authority.remedies)
    for locale in drill.locales:
        session = DrillSession(default_pb, drill_id, seed=0, locale=locale)
        session.play_model_answers()
        assert session.report().overpromises == ()


@pytest.mark.parametrize("drill_id", _drill_ids())
def test_the_closing_words_use_the_trainees_name_not_a_fixed_one(default_pb, drill_id):
    drill = default_pb.drills[drill_id]
    for locale in drill.locales:
        session = DrillSession(default_pb, drill_id, seed=0, locale=locale, trainee="Ana")
        session.play_model_answers()
        if any("{name}" in line.text.get(locale) for line in session.ending.lines):
            assert "Ana" in session.customer_text, (locale, session.customer_text)  # a line that names them wins
        assert not any(fixed in session.customer_text for fixed in ("Zhou", "小周", "周经理"))
