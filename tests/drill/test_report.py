"""The report's arithmetic: the one line that gives the score adds up as written, rounding, caps and floors included.

`check_line` reads an arithmetic line back without using cxcoach's own code
and recomputes the score from the figures it shows, so a line that hides a
rounding step, a cap or a floor fails here.
"""

from __future__ import annotations

import math
import random
import re
from fractions import Fraction

import pytest

from cxcoach.drill import DrillSession
from cxcoach.drill.matcher import ReplyContext
from cxcoach.drill.report import drill_json, drill_text
from cxcoach.drill.scoring import half_up, score_contexts

# Asides are half-width in English, " (penalties)", and full-width in Chinese, "（扣分）".
_BASE = re.compile(r"100 × ([\d.]+)/([\d.]+)(?:(?: \(|（)(≈ )?([\d.]+) → (\d+)[)）])?")
_TERM = re.compile(r" ([+−]) ([\d.]+)(?: \(|（)([^)）]*)[)）]")
_END = re.compile(r" = (−?[\d.]+)(?: → (\d+)(?: \(|（)([^)）]*)[)）])?$")


def check_line(line: str) -> tuple[int, dict[str, float]]:
    """The score the line arrives at, after checking each step it shows; and its labelled terms."""
    base = _BASE.search(line)
    assert base is not None, line
    earned, available = Fraction(base.group(1)), Fraction(base.group(2))
    exact = 100 * earned / available
    if base.group(5) is None:
        assert exact.denominator == 1, f"{line}: 100 × {earned}/{available} = {float(exact)} needs its rounding shown"
        value = int(exact)
    else:
        shown = Fraction(base.group(4))
        if base.group(3):  # ≈: two decimals
            assert abs(shown - exact) <= Fraction(1, 200), line
        else:
            assert shown == exact, line
        value = int(base.group(5))
        assert value == math.floor(exact + Fraction(1, 2)), f"{line}: {float(exact)} rounds to {value}?"
    terms: dict[str, float] = {}
    capped = line.startswith("min(100, ")
    for sign, number, label in _TERM.findall(line[base.end():]):
        amount = Fraction(number) * (1 if sign == "+" else -1)
        terms[label] = float(amount)
        value = value + amount
        if capped and sign == "+":
            value, capped = min(Fraction(100), value), False
    end = _END.search(line)
    assert end is not None, line
    written = Fraction(end.group(1).replace("−", "-"))
    assert written == value, f"{line}: the terms give {float(value)}, the line says {float(written)}"
    if end.group(2) is not None:
        assert value < 0 or "auto" in end.group(3) or "否决" in end.group(3), line
        return int(end.group(2)), terms
    assert value >= 0, line
    return int(value), terms


def test_halves_round_up_as_a_reader_rounds():
    assert [half_up(x) for x in (77.5, 62.5, 0.5, 1.4999, Fraction(155, 2))] == [78, 63, 1, 1, 78]


def test_the_line_shows_rounding_penalties_hints_and_the_floor(tiny):
    rubric = tiny.rubrics["reply"]
    ctx = ReplyContext.of("对不起，您搞错了", tiny.detectors)
    score = score_contexts(rubric, [ctx], hint_cost=5)
    line = score.arithmetic()
    assert check_line(line)[0] == score.score
    assert "(hints)" in line and "(penalties)" in line
    floored = score_contexts(rubric, [ReplyContext.of("您搞错了", tiny.detectors)], hint_cost=90)
    assert floored.score == 0 and floored.arithmetic().endswith("→ 0 (never below 0)")
    assert check_line(floored.arithmetic())[0] == 0
    assert check_line(floored.arithmetic("zh"))[0] == 0 and floored.arithmetic("zh").endswith("→ 0（最低 0 分）")


REPLIES = {
    "zh": ["真对不起，让您久等了，换作是我也会生气。", "这不归我管，您去找别的部门。", "您别生气，一个月多三百块而已。",
           "我今天下午五点前给您回电话，这件事我来负责。", "好的。", "是不是您自己弄错了？",
           "谢谢您告诉我，我马上给您重做。",
           "抱歉 抱歉 理解 我来负责 今天 回电", "我给您全单免单，再赔您五百块现金。"],
    "en": ["I'm so sorry you waited; I'd be upset too.", "That's not my department, call someone else.",
           "Calm down, it's only 300 more.", "I'll call you back by 5 pm today; I'm handling this myself.", "OK.",
           "Maybe you did it wrong?", "Thank you for telling me; I'll have it remade right away.",
           "Sorry. Understand. Responsible. Today. Call back.", "I'll give you the whole bill free and 500 in cash."],
}


@pytest.mark.parametrize("seed", range(6))
def test_every_drill_report_adds_up_in_text_and_json(default_pb, seed):
    """Random replies and hints in shipped drills: the line adds up, and text and JSON show the same figures."""
    rng = random.Random(seed)
    drills = sorted(default_pb.drills)
    for drill_id in rng.sample(drills, 4):
        locale = rng.choice(["zh", "en"])
        session = DrillSession(default_pb, drill_id, seed=seed, locale=locale, trainee="Ann")
        while not session.finished:
            if rng.random() < 0.3:
                session.hint()
            session.reply(rng.choice(REPLIES[locale]))
        report = session.report()
        data = drill_json(default_pb, report)
        details = data["details"]
        assert isinstance(details, dict)
        line = details["arithmetic"]
        score, terms = check_line(line)
        assert score == data["score"] == report.score.score
        assert line in drill_text(default_pb, report)
        penalties = sum(d["points"] for d in details["deductions"] if d["id"] != "hints")
        assert terms.get("扣分" if locale == "zh" else "penalties", 0) == -penalties
        assert terms.get("提示" if locale == "zh" else "hints", 0) == -details["hint_cost"]
        earned = sum(c["points"] for c in details["criteria"] if c["kind"] == "weight")
        available = sum(c["available"] for c in details["criteria"] if c["kind"] == "weight")
        assert (earned, available) == (details["earned"], details["available"])
        assert line.lstrip("min(").startswith(f"100 × {earned:g}/{available:g}")
