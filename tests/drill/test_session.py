"""The simulated customer: state changes, branching, seeded variants, replay, modes and hints."""

from __future__ import annotations

import pytest

from cxcoach.drill import DrillError, DrillSession, Mode


def test_feelings_first_calms_and_branches(tiny):
    s = DrillSession(tiny, "shoe", seed=1, locale="zh")
    turn = s.reply("换作是我也会生气，对不起")
    # apology -1, empathy -2 (detector effects); side remark then the first branch only
    assert s.state.hostility == 3
    assert turn.responses == ("open.note", "open.feel")
    assert [f.id for f in turn.feedback] == ["open.note", "open.feel"]
    assert turn.next == "fix" and "calm" in s.state.flags
    assert [c.source for c in turn.changes] == ["apology", "empathy", "open.feel"]  # open.note has no effect


def test_arguing_inflames_and_fallback_repeats_the_node(tiny):
    s = DrillSession(tiny, "shoe", seed=1, locale="zh")
    turn = s.reply("您搞错了")
    assert s.state.hostility == 10 or turn.state.hostility == 10
    assert s.finished and s.ending.id == "lost"  # walkout at hostility 10


def test_temper_multiplies_increases(tiny):
    import msgspec

    drill = tiny.drills["shoe"]
    hot = msgspec.structs.replace(drill, persona=msgspec.structs.replace(drill.persona, hostility=2, temper=2.0))
    s = DrillSession(tiny, hot, seed=0, locale="zh")
    s.reply("好的")  # fallback: +2 hostility, doubled
    assert s.state.hostility == 6


def test_visit_counts_choose_conditional_variants(tiny):
    s = DrillSession(tiny, "shoe", seed=3, locale="en")
    assert s.line.id in {"open.a", "open.b"}
    s.reply("ok")
    assert s.node.id == "open" and s.line.id == "open.again" and s.visits["open"] == 2


def test_state_conditions_pick_the_calm_variant(tiny):
    s = DrillSession(tiny, "shoe", seed=0, locale="zh")
    s.reply("换作是我也会生气，对不起")
    assert s.line.id == "fix.calm"


def test_seed_is_recorded_and_chooses_the_same_variant(tiny):
    picks = {DrillSession(tiny, "shoe", seed=seed).line.id for seed in range(20)}
    assert picks == {"open.a", "open.b"}
    assert all(DrillSession(tiny, "shoe", seed=7).line.id == DrillSession(tiny, "shoe", seed=7).line.id
               for _ in range(5))
    assert isinstance(DrillSession(tiny, "shoe").seed, int)


def test_replay_reproduces_the_run_exactly(tiny):
    s = DrillSession(tiny, "shoe", seed=11, locale="en")
    s.hint()
    for reply in ["hello?", "I understand, sorry", "I'll refund you"]:
        s.reply(reply)
    again = DrillSession.replay(tiny, s.record())
    assert again.record() == s.record()
    assert [t.to_json() for t in again.turns] == [t.to_json() for t in s.turns]
    assert again.report().score.score == s.report().score.score


def test_exam_mode_hides_feedback_and_refuses_hints(tiny):
    s = DrillSession(tiny, "shoe", seed=1, locale="zh", mode=Mode.EXAM)
    with pytest.raises(DrillError):
        s.hint()
    turn = s.reply("换作是我也会生气，对不起")
    assert turn.feedback == ()
    assert s.turns[0].feedback  # kept for the final report


def test_hints_cost_points(tiny):
    plain = DrillSession(tiny, "shoe", seed=1, locale="zh")
    helped = DrillSession(tiny, "shoe", seed=1, locale="zh")
    assert helped.hint() == "先共情。"
    for s in (plain, helped):
        s.play_model_answers()
    # 100 earned + 2 bonus is capped at 100 before the hint's cost: min(100, 100 + 2) - 7
    assert (plain.report().score.score, helped.report().score.score) == (100, 93)
    assert helped.report().score.hint_cost == 7


def test_model_answers_reach_a_good_ending_with_satisfaction(tiny):
    s = DrillSession(tiny, "shoe", seed=0, locale="zh")
    s.play_model_answers()
    report = s.report()
    assert report.ending.id == "done" and report.passed
    assert report.satisfaction == pytest.approx(s.state.perceived / 4)
    assert report.satisfaction_state.id == "happy"


def test_blame_ends_badly_and_fails(tiny):
    s = DrillSession(tiny, "shoe", seed=0, locale="zh")
    s.reply("这是您自己的问题")
    report = s.report()
    assert report.ending.id == "lost" and not report.passed and report.score.score == 0


def test_replying_after_the_end_is_an_error(tiny):
    s = DrillSession(tiny, "shoe", seed=0)
    s.play_model_answers()
    with pytest.raises(DrillError):
        s.reply("still there?")


def test_timeout_ends_the_drill(tiny):
    s = DrillSession(tiny, "shoe", seed=0, locale="zh")
    for _ in range(4):
        if not s.finished:
            s.reply("嗯")
    assert s.finished and s.ending.id == "lost"


def test_unknown_drill(tiny):
    with pytest.raises(DrillError, match="unknown drill"):
        DrillSession(tiny, "nope")
