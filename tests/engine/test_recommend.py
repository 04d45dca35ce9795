from __future__ import annotations

import pytest

from cxcoach.engine import CaseError, recommend
from cxcoach.engine.result import ALL_FIELDS
from cxcoach.playbook import model as m

from .factory import all_, any_, at, case, overdue, playbook, rule, t


def ids(result):
    return [r.id for r in result.recommendations]


def test_ranking_priority_then_step_order_then_declaration():
    pb = playbook(
        rule("r_low", t("severity", "eq", "major"), priority=10, steps=["record", "listen"]),
        rule("r_high", t("severity", "eq", "major"), priority=90, steps=["apologise", "propose"]),
        rule("r_mid", t("anger", "ge", 3), priority=50, steps=["listen", "follow_up"]),
    )
    res = recommend(pb, case({"severity": "major", "anger": 5}))
    assert ids(res) == ["apologise", "propose", "listen", "follow_up", "record"]
    listen = res.recommendations[2]
    assert listen.because == ("r_mid", "r_low")
    assert res.reason("r_mid").facts == {"anger": 5}
    assert [r.rule for r in res.fired] == ["r_high", "r_mid", "r_low"]


def test_equal_priority_steps_follow_procedure_then_step_order():
    pb = playbook(rule("b", t("severity", "eq", "major"), steps=["follow_up", "propose"]),
                  rule("a", t("severity", "eq", "major"), steps=["apologise", "listen"]))
    assert ids(recommend(pb, case({"severity": "major"}))) == ["listen", "apologise", "propose", "follow_up"]


def test_missing_fact_does_not_fire_and_explain_names_it():
    pb = playbook(rule("angry", all_(t("severity", "eq", "major"), t("emotion", "eq", "angry")), steps=["listen"]),
                  rule("phone", all_(t("severity", "eq", "major"), t("channel", "eq", "phone")), steps=["record"]),
                  rule("both_fail", all_(t("channel", "eq", "email"), t("anger", "gt", 5))),
                  rule("calm", t("emotion", "eq", "calm")),
                  rule("single_false", t("channel", "eq", "email")))
    res = recommend(pb, case({"severity": "major", "channel": "web", "anger": 1}), explain=True)
    assert res.recommendations == ()
    by_rule = {n.rule: n for n in res.near_misses}
    assert set(by_rule) == {"angry", "phone", "calm"}
    assert by_rule["angry"].state == "unknown" and by_rule["angry"].missing == ("emotion",)
    assert by_rule["angry"].condition == "emotion eq angry" and by_rule["angry"].held == ("severity eq major",)
    assert by_rule["phone"].state == "failed" and by_rule["phone"].actual == {"channel": "web"}
    assert recommend(pb, case({"severity": "major"})).near_misses is None  # only with explain


def test_because_is_exact_for_residual_conditions():
    pb = playbook(rule("loud", all_(t("severity", "eq", "major"),
                                    any_(t("note", "contains", "lawyer"), t("anger", "gt", 8))),
                       steps=["listen"], because="Threats need a manager"))
    res = recommend(pb, case({"severity": "major", "note": "Calling my LAWYER", "anger": 2}), locale="en")
    [rule_id] = res.recommendations[0].because
    reason = res.reason(rule_id)
    assert reason.facts == {"severity": "major", "note": "Calling my LAWYER"}
    assert res.texts.rules == {"loud": "Threats need a manager"}


def test_scripts_avoid_and_strategies_collect_across_rules():
    pb = playbook(
        rule("sorry", t("severity", "eq", "major"), steps=["apologise"], scripts=["sorry_lines", "calm_lines"],
             avoid=["blame"]),
        rule("dominant", t("customer_type", "eq", "dominant"), strategies=["dominant_way"], escalate_to=["legal"]),
    )
    res = recommend(pb, case({"severity": "major", "customer_type": "dominant"}), locale="en")
    [rec] = res.recommendations
    assert rec.scripts == ("sorry_lines",) and [s.text for s in res.lines(rec.scripts)] == ["I am sorry"]
    assert rec.avoid == ("blame", "promise")
    assert [s.text for s in res.lines(res.also_say)] == ["Rest assured"]  # not tied to a recommended step
    assert res.also_avoid == ("blame", "promise")
    assert list(res.texts.scripts) == ["sorry_lines", "calm_lines"] and list(res.texts.avoid) == ["blame", "promise"]
    assert res.texts.strategies == {"dominant_way": ("Give options directly",)}
    assert recommend(pb, case({"severity": "major"}), texts=False).texts is None
    assert [(s.id, s.because) for s in res.strategies] == [("dominant_way", ("dominant",))]
    assert res.escalate_to == ("legal",)
    zh = recommend(pb, case({"severity": "major"}))
    assert zh.recommendations[0].title == "apologise" and zh.locale == "zh"


def test_deadlines_warnings_levels_and_overdue_steps():
    pb = playbook(rule("r", t("severity", "eq", "major"), steps=["listen", "apologise", "propose"]))
    res = recommend(pb, case({"severity": "major"}, now="2026-03-04T11:35:00+08:00"))
    assert res.respond_by == at("2026-03-04T12:00:00+08:00")
    assert res.resolve_by == at("2026-03-07T10:00:00+08:00")
    status = {d.target: d for d in res.deadlines}
    assert list(status) == ["respond", "resolve", "listen", "apologise", "propose"]
    assert status["respond"].warning == 0.75 and status["respond"].level is None and not status["respond"].overdue
    assert status["listen"].overdue and status["listen"].level == "head" and status["listen"].to == "director"
    assert status["propose"].due == at("2026-03-04T14:00:00+08:00") and status["propose"].warning is None
    assert res.overdue == ("listen", "apologise")
    assert res.escalation.level == "head" and res.escalation.target == "listen"
    assert res.escalate_to == ("director",)


def test_level_below_one_and_warning_at_half():
    pb = playbook(rule("r", t("severity", "eq", "major")))
    res = recommend(pb, case({"severity": "major"}, now="2026-03-04T11:00:00+08:00"))
    assert res.deadlines[0].warning == 0.5 and res.escalation is None
    res = recommend(pb, case({"severity": "major"}, now="2026-03-04T11:50:00+08:00"))
    assert res.escalation.level == "supervisor" and res.escalate_to == ("manager",)


def test_overdue_step_escalates_to_its_roles():
    pb = playbook(rule("r", t("severity", "eq", "major"), steps=["propose"]))
    res = recommend(pb, case({"severity": "major"}, now="2026-03-04T15:00:00+08:00"))
    assert res.overdue == ("respond", "propose") == tuple(d.target for d in res.deadlines if d.overdue)
    assert res.escalate_to == ("director",)


def test_earliest_deadline_wins_and_names_its_source():
    pb = playbook(rule("slow", t("severity", "eq", "major"), respond="3h"),
                  rule("fast", t("channel", "eq", "regulator"), respond="30m", resolve="end_of_business_day"))
    res = recommend(pb, case({"severity": "major", "channel": "regulator"}))
    assert res.respond_by == at("2026-03-04T10:30:00+08:00")
    assert res.resolve_by == at("2026-03-04T17:00:00+08:00")
    assert {d.target: d.source for d in res.deadlines} == {"respond": "fast", "resolve": "fast"}
    res = recommend(pb, case({"severity": "major"}))
    assert {d.target: d.source for d in res.deadlines} == {"respond": "playbook", "resolve": "playbook"}


def test_overdue_conditions_use_computed_deadlines():
    pb = playbook(rule("chase", overdue("listen"), steps=["propose"], escalate_to=["legal"]),
                  rule("late", all_(t("severity", "eq", "major"), overdue("respond")), steps=["record"]),
                  rule("never", overdue("record")))  # a step without a due time: unknown
    res = recommend(pb, case({"severity": "major"}, now="2026-03-04T10:45:00+08:00"), explain=True)
    assert [r.rule for r in res.fired] == ["chase"]
    assert res.fired[0].overdue == ("listen",) and res.fired[0].facts == {}
    assert "legal" in res.escalate_to
    assert {n.rule: n.state for n in res.near_misses} == {"late": "failed", "never": "unknown"}
    res = recommend(pb, case({"severity": "major"}, now="2026-03-04T12:01:00+08:00"))
    assert [r.rule for r in res.fired] == ["chase", "late"]


def test_elapsed_minutes_is_derived_and_excludes_pauses():
    pb = playbook(rule("long", t("elapsed_minutes", "ge", 30), steps=["propose"]))
    pauses = [{"from": "2026-03-04T10:10:00+08:00", "to": "2026-03-04T10:40:00+08:00"}]
    res = recommend(pb, case({}, now="2026-03-04T11:00:00+08:00", pauses=pauses))
    assert res.elapsed_minutes == 30 and res.paused_minutes == 30 and not res.paused
    assert ids(res) == ["propose"]
    assert res.fired[0].facts == {"elapsed_minutes": 30.0}
    assert res.respond_by == at("2026-03-04T12:30:00+08:00")  # 2h + 30 min paused
    assert res.recommendations[0].due == at("2026-03-04T14:30:00+08:00")  # 4bh + 30 business minutes
    assert res.deadlines[0].fraction == pytest.approx(0.25)


def test_a_pause_at_night_costs_business_deadlines_nothing():
    pb = playbook(rule("r", t("severity", "eq", "major"), steps=["propose"]))
    raw = case({"severity": "major"}, received="2026-03-04T16:00:00+08:00", now="2026-03-05T10:00:00+08:00",
               pauses=[{"from": "2026-03-04T18:00:00+08:00", "to": "2026-03-05T08:00:00+08:00"}])
    res = recommend(pb, raw)
    assert res.recommendations[0].due == at("2026-03-05T12:00:00+08:00")
    assert res.respond_by == at("2026-03-04T18:00:00+08:00")  # the pause began at the due time


def test_pause_when_state_stops_the_clock_now():
    pb = playbook(rule("r", t("severity", "eq", "major")),
                  clock=m.Clock(t("stage", "eq", "waiting_customer")))
    raw = case({"severity": "major", "stage": "waiting_customer"}, now="2026-03-04T11:00:00+08:00",
               pauses=[{"from": "2026-03-04T10:20:00+08:00"}])
    res = recommend(pb, raw)
    assert res.paused and res.paused_minutes == 40
    assert res.respond_by == at("2026-03-04T12:40:00+08:00")
    res = recommend(pb, case({"severity": "major", "stage": "waiting_customer"}))
    assert res.paused and res.paused_minutes == 0


def test_raw_mapping_is_validated():
    with pytest.raises(CaseError):
        recommend(playbook(), case({"chanel": "phone"}))


def test_json_shape():
    pb = playbook(rule("r", t("severity", "eq", "major"), steps=["listen"], because="Major first"))
    out = recommend(pb, case({"severity": "major"}, id="T-1"), locale="en").to_json(ALL_FIELDS)
    rec = out["recommendations"][0]
    assert rec == {"id": "listen", "procedure": "intake", "title": "LISTEN", "owner": "advisor",
                   "due": "2026-03-04T10:30:00+08:00", "scripts": ["listen_lines"], "because": ["r"]}
    assert out["fired"] == [{"rule": "r", "priority": 50, "facts": {"severity": "major"}}]
    assert out["texts"]["scripts"]["listen_lines"]["lines"] == [{"id": "listen.1", "text": "Take your time"}]
    assert out["texts"]["rules"] == {"r": "Major first"}
    assert out["respond_by"] == "2026-03-04T12:00:00+08:00"
    assert out["escalate_to"] == [] and out["overdue"] == [] and out["case"] == "T-1"
    assert "near_misses" not in out
    assert out["roles"] == {"advisor": "Service advisor"}


def test_met_deadlines_stop_overdue_and_escalation():
    clock = m.Clock(respond_met_when=t("stage", "ne", "received"),
                    resolve_met_when=t("stage", "eq", "resolved"))
    pb = playbook(rule("all", t("severity", "eq", "major"), steps=["listen", "propose"]), clock=clock)
    late = dict(received="2026-03-04T10:00:00+08:00", now="2026-03-09T10:00:00+08:00")
    open_case = recommend(pb, case({"severity": "major", "stage": "received"}, **late))
    assert {"respond", "resolve"} <= {d.target for d in open_case.deadlines if d.overdue}
    assert open_case.escalation is not None

    answered = recommend(pb, case({"severity": "major", "stage": "investigating"}, **late))
    status = {d.target: d for d in answered.deadlines}
    assert status["respond"].met and not status["respond"].overdue and status["respond"].level is None
    assert status["resolve"].overdue and not status["resolve"].met

    settled = recommend(pb, case({"severity": "major", "stage": "resolved"}, **late))
    assert all(d.met and not d.overdue and d.level is None for d in settled.deadlines)
    assert settled.overdue == () and settled.escalation is None
    assert settled.to_json()["deadlines"][0]["met"] is True
