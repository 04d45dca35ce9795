"""A customer who listens: authority limits, memory of the talk, slots, reactions, no repeats, patience."""

from __future__ import annotations

from itertools import pairwise

import pytest

from cxcoach.drill import DrillError, DrillSession
from cxcoach.drill.authority import amounts, chinese_number
from cxcoach.playbook import check_playbook, load_playbook
from cxcoach.playbook.line_slots import SlotSyntaxError, fill, slots_in

from .conftest import TINY, write_playbook

EXTRA_DETECTORS = """
  - id: rude
    title: {zh: 无礼, en: Rude}
    polarity: bad
    match: {any: {zh: [爱吃不吃, 你有病吧], en: [take it or leave it]}}
    effect: {hostility: 2}
  - id: deflect
    title: {zh: 推卸, en: Deflect}
    polarity: bad
    match: {any: {zh: [厨房的事, 规定就是这样, 不归我管], en: [kitchen's fault, the rules say, not my job]}}
    effect: {hostility: 1}
"""

CAFE = """
  - id: cafe
    title: {zh: 凉了的鱼, en: The cold fish}
    difficulty: easy
    persona: {type: hot, label: {zh: 急脾气的顾客, en: An impatient diner}, expectation: 5, hostility: 5, perceived: 3}
    start: open
    max_turns: 8
    authority:
      avoid: promise_avoid
      criterion: c_over
      effect: {perceived: 1}
      may_offer:
        - id: remake
          title: {zh: 马上重做, en: a fresh plate}
          match: {any: {zh: [重做, 重新做], en: [remake, fresh plate]}}
        - id: comp_dish
          title: {zh: 这道菜免单, en: comping the dish}
          match: {any: {zh: [这道菜免单, 这道菜不收钱], en: [dish is on the house, comp the dish]}}
        - id: refund
          title: {zh: 退菜钱, en: refunding the dish}
          match: {any: {zh: [退您, 退款], en: [refund]}}
          when: {flags: [checked]}
          max_amount: 88
          limit: {zh: 核实之后、最多退88元, en: "only once checked, and at most 88 yuan"}
      beyond:
        - id: comp_bill
          title: {zh: 全单免单, en: comping the whole bill}
          match: {any: {zh: [全单免单, 整桌免单], en: [whole bill, whole meal is on the house]}}
    reactions:
      - id: on_rude
        to: [rude]
        say:
          - {id: on_rude.a, text: {zh: "「{quote}」？你这是什么态度！", en: "\\"{quote}\\"? Don't take that tone with me!"}}
          - {id: on_rude.b, text: {zh: "你再说一遍「{quote}」？", en: "Say \\"{quote}\\" again, I dare you."}}
      - id: on_promise
        to: [overpromise]
        say:
          - {id: on_promise.a, text: {zh: "好，{overpromise}，这可是你说的，写下来！", en: "Right, {overpromise}: you said it, put it in writing!"}}
    patience:
      seconds: 30
      effect: {hostility: 2}
      say:
        - {id: wait.a, text: {zh: 喂？人呢？, en: Hello? Anyone there?}}
        - {id: wait.b, text: {zh: 你倒是说话呀！, en: "Well, say something!"}}
    nodes:
      - id: open
        say:
          - {id: open.a, text: {zh: 这鱼是凉的！, en: This fish is cold!}}
          - {id: open.again, when: {visits: {ge: 2}}, text: {zh: 我说鱼是凉的！, en: I said the fish is cold!}}
          - {id: open.again2, when: {visits: {ge: 2}}, text: {zh: 你到底听没听？, en: Are you even listening?}}
          - id: open.kitchen
            when: {acts: [deflect], reply: {any: [厨房, kitchen]}}
            text: {zh: 别跟我说厨房，我是在跟你说！, en: "Don't tell me about the kitchen, I'm talking to you!"}
          - id: open.policy
            when: {acts: [deflect], reply: {any: [规定, rules]}}
            text: {zh: 什么规定不规定的，鱼是凉的！, en: "Rules? The fish is cold!"}
          - id: open.no_refund
            when: {refused: [refund]}
            text: {zh: "不退钱是吧？那{refused}你倒是说清楚为什么不行！", en: "No refund? Then tell me why {refused} is impossible!"}
        model: {zh: 对不起，我马上让厨房重做。, en: "I'm sorry, I'll have a fresh plate made right away."}
        responses:
          - id: open.fix
            match: {any: [{detector: apology}, {detector: remedy}]}
            feedback: {zh: 好。, en: Good.}
            effect: {set: [checked]}
            next: wrap
        fallback: {id: open.none, effect: {hostility: 1}, next: open}
      - id: wrap
        say:
          - {id: wrap.a, text: {zh: 那还有别的说法吗？, en: Anything else?}}
          - id: wrap.offered
            when: {offered: [remake]}
            text: {zh: "重做可以，{offer}要快。", en: "Fine, {offer}, but be quick."}
        model: {zh: 谢谢您告诉我，这道菜免单。, en: "Thank you for telling me; the dish is on the house."}
        responses:
          - id: wrap.ok
            match: {detector: apology}
            feedback: {zh: 好。, en: Good.}
            next: done
        fallback: {id: wrap.none, next: done}
    endings:
      - id: done
        kind: good
        outcome: resolved
        title: {zh: 解决, en: Resolved}
        say:
          - {id: done.named, text: {zh: "{name}，谢谢你。", en: "Thank you, {name}."}}
          - {id: done.plain, text: {zh: 谢谢你。, en: Thank you.}}
      - {id: lost, kind: bad, outcome: lost, title: {zh: 流失, en: Lost}, say: {zh: 我走了。, en: I'm leaving.}}
"""  # noqa: E501 - YAML test data: one flow mapping per line, as authors write it

AVOID = """
avoid:
  - id: promise_avoid
    title: {zh: 承诺做不到的事, en: Promising what cannot be delivered}
    why: {zh: 失信伤人。, en: A broken promise hurts.}
    instead: {zh: 只承诺权限之内的事。, en: Promise only what you may give.}
"""


def listening_text() -> str:
    text = TINY.replace("detectors:\n", "detectors:" + EXTRA_DETECTORS, 1)
    text = text.replace("      - {id: c_blame, title: {zh: 指责, en: Blame}, detector: blame, auto_fail: true}\n",
                        "      - {id: c_blame, title: {zh: 指责, en: Blame}, detector: blame, auto_fail: true}\n"
                        "      - {id: c_over, title: {zh: 越权承诺, en: Over-promising}, detector: blame,"
                        " penalty: 20}\n",
                        1)
    text = text.replace("drills:\n", "drills:" + CAFE, 1)
    return text + AVOID


@pytest.fixture(scope="module")
def cafe_pb(tmp_path_factory):
    return load_playbook(write_playbook(tmp_path_factory.mktemp("cafe"), listening_text()))


def problems_with(tmp_path, old, new):
    text = listening_text()
    assert old in text, old
    _, problems = check_playbook(write_playbook(tmp_path / "pb", text.replace(old, new, 1)))
    return [p for p in problems if p.severity == "error"]


# --- slots -----------------------------------------------------------------------

def test_slots_are_read_and_filled():
    assert slots_in("{name}，谢谢{{你}}") == ("name",)
    assert fill("{name}，谢谢{{你}}", {"name": "李明"}) == "李明，谢谢{你}"
    assert fill("Thanks, {name}.", {}) is None
    with pytest.raises(SlotSyntaxError):
        slots_in("a } b")


def test_unknown_slot_and_unquotable_quote_are_load_errors(tmp_path):
    (p,) = problems_with(tmp_path, "{id: open.a, text: {zh: 这鱼是凉的！",
                         "{id: open.a, text: {zh: \"这鱼是{nmae}凉的！\"")
    assert p.code == "E512" and "{nmae}" in p.message and "name" in (p.hint or "")
    (p,) = problems_with(tmp_path, "{id: open.a, text: {zh: 这鱼是凉的！",
                         "{id: open.a, text: {zh: \"「{quote}」凉的！\"")
    assert p.code == "E513"


def test_unknown_remedy_and_weighted_charge_are_load_errors(tmp_path):
    (p,) = problems_with(tmp_path, "when: {offered: [remake]}", "when: {offered: [remkae]}")
    assert p.code == "E514" and "remake" in (p.hint or "")
    (p,) = problems_with(tmp_path, "criterion: c_over", "criterion: c_feel")
    assert p.code == "E503" and "weighted" in p.message


# --- authority ---------------------------------------------------------------------

def test_sums_of_money_are_read_in_both_languages():
    assert amounts("再退您500块钱现金") == [500.0]
    assert amounts("退您两千五百元, 还有 ¥1,200") == [2500.0, 1200.0]
    assert amounts("i will refund 300 yuan") == [300.0]
    assert chinese_number("一百零五") == 105 and chinese_number("两千五") == 2500


def test_an_offer_beyond_authority_is_an_overpromise_charged_with_its_quote(cafe_pb):
    s = DrillSession(cafe_pb, "cafe", seed=0, locale="zh")
    turn = s.reply("对不起，我做主给您全单免单。")
    (offer,) = turn.overpromises
    assert offer.remedy == "comp_bill" and offer.reason == "beyond" and offer.span.text == "全单免单"
    assert any(f.id == "overpromise.comp_bill" and "承诺做不到的事" in f.text for f in turn.feedback)
    assert ("authority", "overpromise") in {(c.source, c.kind) for c in turn.changes}
    # the customer holds them to it, naming what was promised
    assert s.reaction.id == "on_promise.a" and s.customer_text.startswith("好，全单免单，这可是你说的")
    s.reply("谢谢您，对不起。")
    report = s.report()
    charged = next(r for r in report.score.criteria if r.criterion.id == "c_over")
    assert charged.status.value == "triggered" and charged.points == -20
    assert [e.span.text for e in charged.evidence] == ["全单免单"]
    assert [(n, o.remedy) for n, o in report.overpromises] == [(1, "comp_bill")]


def test_an_allowed_remedy_is_not_an_overpromise(cafe_pb):
    s = DrillSession(cafe_pb, "cafe", seed=0, locale="en")
    turn = s.reply("I'm sorry, I'll have a fresh plate made right away.")
    assert [o.remedy for o in turn.offers] == ["remake"] and turn.overpromises == ()
    assert s.reaction is None


def test_a_remedy_allowed_only_later_or_up_to_a_sum(cafe_pb):
    early = DrillSession(cafe_pb, "cafe", seed=0, locale="zh")
    (offer,) = early.reply("对不起，我给您退款。").offers  # `checked` is set by this very reply: too early
    assert offer.remedy == "refund" and offer.reason == "not_yet"
    later = DrillSession(cafe_pb, "cafe", seed=0, locale="zh")
    later.reply("对不起。")
    assert later.reply("我退您80元。").offers[0].allowed
    again = DrillSession(cafe_pb, "cafe", seed=0, locale="zh")
    again.reply("对不起。")
    (too_much,) = again.reply("我退您500元。").offers
    assert too_much.reason == "amount" and too_much.amount == 500
    assert "最多退88元" in " ".join(f.text for f in again.turns[-1].feedback)


def test_a_negated_remedy_is_a_refusal_the_customer_remembers(cafe_pb):
    s = DrillSession(cafe_pb, "cafe", seed=0, locale="zh")
    turn = s.reply("这个我们没法退款。")
    assert turn.offers == () and [r.remedy for r in turn.refusals] == ["refund"]
    assert s.line.id == "open.no_refund" and "退菜钱你倒是说清楚" in s.customer_text


# --- listening -------------------------------------------------------------------------

def test_lines_follow_who_was_blamed(cafe_pb):
    kitchen = DrillSession(cafe_pb, "cafe", seed=0, locale="zh")
    kitchen.reply("这是厨房的事。")
    assert kitchen.line.id == "open.kitchen"
    policy = DrillSession(cafe_pb, "cafe", seed=0, locale="zh")
    policy.reply("规定就是这样。")
    assert policy.line.id == "open.policy" and "厨房" not in policy.customer_text


def test_rudeness_gets_a_reaction_that_quotes_it(cafe_pb):
    s = DrillSession(cafe_pb, "cafe", seed=0, locale="zh")
    turn = s.reply("爱吃不吃。")
    assert s.reaction is not None and s.reaction.id.startswith("on_rude")
    assert "爱吃不吃" in s.customer_text
    assert turn.changes[0].source == "rude" and turn.changes[0].hostility == 2
    assert s.turns[-1].reaction is None  # the opening line had no reaction; the next turn will carry it
    s.reply("对不起。")
    assert s.turns[-1].reaction == "on_rude.a" or s.turns[-1].reaction == "on_rude.b"


def test_no_line_is_repeated_verbatim_on_consecutive_turns(cafe_pb):
    for seed in range(10):
        s = DrillSession(cafe_pb, "cafe", seed=seed, locale="en")
        said = [s.customer_text]
        while not s.finished:
            s.reply("hm")
            said.append(s.customer_text)
        assert all(a != b for a, b in pairwise(said)), said


def test_offers_are_remembered_and_fill_slots(cafe_pb):
    s = DrillSession(cafe_pb, "cafe", seed=0, locale="en")
    s.reply("I'm sorry, I'll have a fresh plate made right away.")
    assert s.line.id == "wrap.offered" and s.customer_text == "Fine, a fresh plate, but be quick."


def test_the_trainee_is_called_by_the_name_they_entered(cafe_pb):
    named = DrillSession(cafe_pb, "cafe", seed=0, locale="zh", trainee="李明")
    named.play_model_answers()
    assert named.ending.id == "done" and named.customer_text == "李明，谢谢你。"
    assert named.report().closing == "李明，谢谢你。"
    anonymous = DrillSession(cafe_pb, "cafe", seed=0, locale="zh")
    anonymous.play_model_answers()
    assert anonymous.customer_text == "谢谢你。"


def test_replay_keeps_the_name_and_the_silences(cafe_pb):
    s = DrillSession(cafe_pb, "cafe", seed=4, locale="en", trainee="Ana")
    s.wait()
    s.reply("I'm sorry, I'll have a fresh plate made right away.")
    s.reply("Thank you, I'm sorry.")
    again = DrillSession.replay(cafe_pb, s.record())
    assert again.record() == s.record() and again.customer_text == "Thank you, Ana."
    assert [t.to_json() for t in again.turns] == [t.to_json() for t in s.turns]


# --- patience ------------------------------------------------------------------------------

def test_silence_has_the_consequence_the_drill_declares(cafe_pb):
    s = DrillSession(cafe_pb, "cafe", seed=0, locale="zh")
    before = s.state.hostility
    first = s.wait()
    assert s.state.hostility == before + 2 and first.customer in ("喂？人呢？", "你倒是说话呀！")
    second = s.wait()
    assert second.customer != first.customer and s.customer_text == second.customer
    s.wait()
    assert s.finished and s.ending.id == "lost"  # 5 + 2 + 2 + 2 > 10: they walk out
    assert len(s.report().silences) == 3


def test_a_drill_without_patience_has_no_timer(tiny):
    with pytest.raises(DrillError, match="no reply timer"):
        DrillSession(tiny, "shoe", seed=0).wait()


def test_a_later_remedy_may_be_promised_on_its_condition(cafe_pb):
    s = DrillSession(cafe_pb, "cafe", seed=0, locale="zh")
    (offer,) = s.reply("对不起，如果核实确实是我们的问题，我退您菜钱。").offers
    assert offer.remedy == "refund" and offer.allowed
    en = DrillSession(cafe_pb, "cafe", seed=0, locale="en")
    (offer,) = en.reply("I'm sorry. If we find the dish was wrong, I'll refund it.").offers
    assert offer.allowed


def test_a_remedy_refused_later_in_the_clause_is_a_refusal(cafe_pb):
    s = DrillSession(cafe_pb, "cafe", seed=0, locale="zh")
    turn = s.reply("全单免单这个我做不到，抱歉。")
    assert turn.offers == () and [r.remedy for r in turn.refusals] == ["comp_bill"]
    en = DrillSession(cafe_pb, "cafe", seed=0, locale="en")
    turn = en.reply("Comping the whole bill is not possible, I'm afraid.")
    assert turn.overpromises == () and [r.remedy for r in turn.refusals] == ["comp_bill"]


RUDE = {"zh": ["你有病吧，爱买不买。", "是不是您自己弄错了？"],
        "en": ["Whatever, take it or leave it.", "Maybe you did it wrong?"]}


def test_every_shipped_customer_answers_rudeness_at_every_turn(default_pb):
    """Rude words at any point of the model path get a reaction, or end the drill badly with closing words."""
    for drill_id, drill in sorted(default_pb.drills.items()):
        for locale in drill.locales:
            model = DrillSession(default_pb, drill_id, seed=0, locale=locale)
            model.play_model_answers()
            path = [t.reply for t in model.turns]
            for i in range(len(path)):
                for rude in RUDE[locale]:
                    session = DrillSession(default_pb, drill_id, seed=0, locale=locale)
                    for reply in path[:i]:
                        session.reply(reply)
                    session.reply(rude)
                    where = (drill_id, locale, i, rude)
                    if session.finished:
                        assert session.ending is not None and session.ending.kind.value != "good", where
                        assert session.customer_text, where
                    else:
                        assert session.reaction is not None, (*where, session.customer_text)


def test_shipped_model_answers_leave_the_trainees_name_to_the_trainee(default_pb):
    """No model answer introduces the trainee by a made-up name (lint L116 finds new ones)."""
    from cxcoach.authoring.lint_rules.customer import _self_names

    for drill in default_pb.drills.values():
        for node in drill.nodes.values():
            assert node.model is not None
            for text in node.model.values.values():
                assert not {n for n in _self_names(text, "") if n in text}, (drill.id, node.id, text)


def test_a_shipped_customer_remembers_what_was_refused(default_pb):
    session = DrillSession(default_pb, "restaurant_cold_dish", seed=0, locale="zh", trainee="Ann")
    session.reply("真对不起，让您久等了，换作是我也会生气。这道菜我来负责处理。")
    session.reply("重做是不可能的，厨房太忙了。")
    assert session.line is not None and session.line.id == "remedy.refused"
    assert "优先重做这道菜都不行？" in session.customer_text
    assert "菜凉不凉" not in session.customer_text  # the reaction to arguing does not invent a dispute
    session.reply("我马上让厨房给您重新做一份，10分钟内端上来。")
    assert "重做" not in session.customer_text  # offered now: the refusal line belongs to its node only
    session.reply("这道菜免单是不可能的。")
    assert session.line is not None and session.line.id == "bill.refused"
    assert "这道菜免单都不肯" in session.customer_text


@pytest.mark.parametrize(("locale", "deflect"), [("zh", "这不归我管。"), ("en", "Not my department.")])
def test_a_reaction_is_not_repeated_word_for_word_on_the_next_turn(default_pb, locale, deflect):
    """The same deflection twice: a one-line reaction is not said again; the customer's words still change."""
    s = DrillSession(default_pb, "car_vanilla_ice_cream", seed=0, locale=locale)
    s.reply(deflect)
    assert s.reaction is not None and s.reaction.id == "passed_on.a"
    first = s.memory.reacted
    s.reply(deflect)
    assert s.memory.reacted != first and first not in s.customer_text
