"""Suggested lines in reports: placeholders filled from what the drill knows, the rest as hints, never braces."""

from __future__ import annotations

import re

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from cxcoach.drill import DrillSession
from cxcoach.drill.report import drill_json, drill_text, suggestion_values
from cxcoach.playbook.line_slots import SUGGESTED, fill_suggested, wants

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def test_known_placeholders_are_filled_and_the_rest_shown_as_hints():
    values = {"name": "小林", "offer": "免费校验"}
    text, left = fill_suggested("我叫{姓名}，按{方案}办，{时间}前办好，{方案二}。", values, "zh")
    assert text == "我叫小林，按免费校验办，〈具体时间〉前办好，〈方案二〉。"
    assert left == ("时间", "方案二")
    text, left = fill_suggested("It's {name}. We'll go with {option} by {time}.", {}, "en")
    assert text == "It's ‹your name›. We'll go with ‹the remedy› by ‹a time›."
    assert left == ("name", "option", "time")


def test_a_title_reads_as_part_of_an_english_sentence_and_literal_braces_stay():
    values = {"summary": "An electricity bill too high"}
    assert fill_suggested("Right: {summary}. We sorted out {issue}.", values, "en")[0] == (
        "Right: an electricity bill too high. We sorted out an electricity bill too high.")
    assert fill_suggested("{summary}, then {{braces}} and a stray }", values, "en")[0] == (
        "An electricity bill too high, then {braces} and a stray }")


@given(st.lists(st.one_of(st.text(alphabet="ab 时间,。", max_size=6),
                          st.sampled_from(sorted(SUGGESTED)).map(lambda s: "{" + s + "}"),
                          st.text(alphabet="xyz方案", min_size=1, max_size=4).map(lambda s: "{" + s + "}")),
                max_size=8),
       st.sampled_from(["zh", "en"]))
def test_no_placeholder_survives_filling(parts, locale):
    text, left = fill_suggested("".join(parts), {"name": "Ann"}, locale)
    assert not _PLACEHOLDER.search(text)
    assert "name" not in left and "姓名" not in left


def _missed_lines(report_text: str) -> list[str]:
    return [line for line in report_text.splitlines() if "参考说法" in line or "Model line" in line]


def test_a_drill_report_fills_the_name_and_the_problem_but_names_no_remedy_nobody_offered(default_pb):
    session = DrillSession(default_pb, "utility_bill_too_high", seed=0, locale="zh", trainee="小林")
    session.reply("我不知道")
    report = session.report()
    lines = _missed_lines(drill_text(default_pb, report))
    assert lines and not any(_PLACEHOLDER.search(line) for line in lines)
    text = "\n".join(lines)
    assert "我叫小林，" in text and "看我理解得对不对：电费突然多了三百块，是这样吗？" in text
    # no remedy was offered: "按{方案}办" gives way to the criterion's own line, and no remedy of the drill appears
    assert "我现在就去安排，今天下午五点前给您回电话，告诉您怎么处理。" in text
    assert "按" not in text and not any(r.title.get("zh") in text for r in report.drill.authority.remedies)
    missed = {m["criterion"]: m for m in drill_json(default_pb, report)["missed"]}  # type: ignore[union-attr]
    assert missed["cv_next_step"]["unfilled"] == []
    assert missed["cv_next_step"]["model"] in text and missed["cv_ownership"]["unfilled"] == []


def test_once_a_remedy_was_offered_the_line_that_names_it_is_suggested(default_pb):
    session = DrillSession(default_pb, "utility_bill_too_high", seed=0, locale="zh")
    session.reply("我给您安排免费校验电表。")
    missed = {m["criterion"]: m for m in drill_json(default_pb, session.report())["missed"]}  # type: ignore[union-attr]
    line = "那我们就按免费校验电表、上门复核读数办，我现在就去安排，〈具体时间〉前办好。"
    assert missed["cv_next_step"]["model"] == line
    assert missed["cv_next_step"]["unfilled"] == ["时间"]


def test_the_english_report_does_not_name_a_remedy_nobody_offered(default_pb):
    session = DrillSession(default_pb, "utility_bill_too_high", seed=0, locale="en")
    session.reply("I don't know")
    text = "\n".join(_missed_lines(drill_text(default_pb, session.report())))
    assert "I'm arranging it now, and I'll call you by 5 pm today" in text
    assert "go with" not in text and "checking six months of usage" not in text


def test_a_line_needing_a_remedy_stays_with_a_hint_when_nothing_else_fits(default_pb):
    from cxcoach.drill.report import model_suggestion

    rubric = default_pb.rubrics["conversation"]
    criterion = next(c for c in rubric.criteria if c.id == "cv_next_step")
    alone = msgspec.structs.replace(criterion, model=None)
    text, left = model_suggestion(default_pb, alone, "en", {}) or ("", ())
    assert text.startswith("Then we'll go with ‹the remedy›.") and left == ("option", "time")


def test_wants_names_the_placeholders_a_value_fills():
    assert wants("按{方案}办", "offer") and wants("go with {option}", "offer")
    assert wants("I'd like to {remedy}", "offer")
    assert not wants("{时间}前办好", "offer") and not wants("a stray } brace", "offer")


def test_without_a_name_the_english_report_asks_for_yours(default_pb):
    session = DrillSession(default_pb, "utility_bill_too_high", seed=0, locale="en")
    session.reply("I don't know")
    text = "\n".join(_missed_lines(drill_text(default_pb, session.report())))
    assert "My name is ‹your name›, and" in text and "{" not in text


def test_the_remedy_offered_is_the_one_suggested(default_pb):
    session = DrillSession(default_pb, "utility_bill_too_high", seed=0, locale="zh")
    session.reply("我给您安排免费校验电表。")
    values = suggestion_values(session.report())
    assert values["offer"] == "免费校验电表、上门复核读数"
    assert "name" not in values
