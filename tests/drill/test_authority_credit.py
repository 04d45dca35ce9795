"""An offer beyond the drill's authority is never credited as a fair remedy, whatever the drill's branches test."""

from __future__ import annotations

import pytest

from cxcoach.drill import DrillSession
from cxcoach.drill.report import drill_json, drill_text
from cxcoach.playbook import load_playbook

from .conftest import write_playbook
from .test_customer import listening_text

# The cafe drill's first branch credits the conversation's remedy criterion and has no
# `when: {overpromise: false}` guard: scoring alone must keep an over-promise from earning it.
BRANCH = """          - id: open.fix
            match: {any: [{detector: apology}, {detector: remedy}]}"""
UNGUARDED = """          - id: open.fix
            match: {any: [{detector: apology}, {detector: remedy}, {any: [全单免单, whole bill]}]}
            criterion: c_fix"""


@pytest.fixture(scope="module")
def unguarded_pb(tmp_path_factory):
    text = listening_text()
    assert BRANCH in text
    return load_playbook(write_playbook(tmp_path_factory.mktemp("unguarded"), text.replace(BRANCH, UNGUARDED, 1)))


def _criterion(session: DrillSession, ident: str):
    return next(r for r in session.score().criteria if r.criterion.id == ident)


@pytest.mark.parametrize(("locale", "reply"), [
    ("zh", "我做主给您全单免单。"),
    ("en", "I'll put the whole bill on the house tonight."),
])
def test_an_overpromise_earns_no_remedy_credit_and_is_charged(unguarded_pb, locale, reply):
    s = DrillSession(unguarded_pb, "cafe", seed=0, locale=locale)
    turn = s.reply(reply)
    assert [o.remedy for o in turn.overpromises] == ["comp_bill"]
    assert "open.fix" in turn.responses  # the branch still routes the talk ...
    fix = _criterion(s, "c_fix")
    assert fix.status.value == "missed" and fix.points == 0  # ... but earns nothing
    assert _criterion(s, "c_over").status.value == "triggered"


def test_a_fair_remedy_beside_an_overpromise_is_still_credited(unguarded_pb):
    s = DrillSession(unguarded_pb, "cafe", seed=0, locale="zh")
    s.reply("我做主给您全单免单，另外给您换货。")
    fix = _criterion(s, "c_fix")
    assert fix.status.value == "met" and [e.span.text for e in fix.evidence] == ["换货"]


def test_the_overpromised_remedy_is_listed_as_not_credited(unguarded_pb):
    s = DrillSession(unguarded_pb, "cafe", seed=0, locale="zh")
    s.reply("我马上给您退款。")  # a refund only after the check: promised too early
    (turn,) = s.turns
    assert [o.reason for o in turn.overpromises] == ["not_yet"]
    # the turn lists it as flagged, not among its behaviours as if it were a remedy ...
    assert "remedy" not in {b.detector for b in turn.behaviours}
    assert [(b.detector, [sp.text for sp in b.spans]) for b in turn.overpromised] == [("remedy", ["退款"])]
    report = s.report()
    assert _criterion(s, "c_fix").status.value == "missed"  # ... and it earns no credit
    assert report.score.score == 0
    data = drill_json(unguarded_pb, report)
    (shown,) = data["turns"]
    assert "remedy" not in [b["detector"] for b in shown["behaviours"]]
    assert [b["detector"] for b in shown["overpromised"]] == ["remedy"]


@pytest.mark.parametrize(("locale", "reply", "flag"), [
    ("zh", "我做主给您全单免单。", "越权承诺"),
    ("en", "I'll put the whole bill on the house tonight.", "promised beyond authority"),
])
def test_the_text_report_flags_the_overpromise_at_its_turn(unguarded_pb, locale, reply, flag):
    s = DrillSession(unguarded_pb, "cafe", seed=0, locale=locale)
    s.reply(reply)
    text = drill_text(unguarded_pb, s.report())
    (line,) = [ln for ln in text.splitlines() if ln.strip().startswith("!")]
    quote = "「全单免单」" if locale == "zh" else '"whole bill"'
    assert flag in line and quote in line
    assert ("不算补救" if locale == "zh" else "not a remedy") in line


@pytest.mark.parametrize("reply", ["重做是不可能的，您别想了。", "退款？不可能。", "A refund is out of the question.",
                                   "I can't refund you for that."])
def test_a_remedy_inside_a_refusal_is_not_credited(unguarded_pb, reply):
    s = DrillSession(unguarded_pb, "cafe", seed=0, locale="zh")
    s.reply(reply)
    assert _criterion(s, "c_fix").status.value == "missed"
