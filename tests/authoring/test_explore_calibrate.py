"""Drill exploration (hit counts, Mermaid) and rubric calibration."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cxcoach.authoring.calibrate import CalibrationError, calibrate, parse_answers
from cxcoach.authoring.explore import example_reply, explore, mermaid
from cxcoach.cli import main
from cxcoach.drill import DrillError
from cxcoach.playbook import drill_model as dm
from cxcoach.playbook import load_playbook

TWO_STEP = """\
drills:
  - id: d2
    title: {zh: 两步, en: Two steps}
    difficulty: easy
    persona: {type: t, label: {zh: 顾客, en: Customer}, expectation: 6, hostility: 5}
    start: open
    nodes:
      - id: open
        say: [{id: open.a, text: {zh: "你们太慢了[急]", en: Too slow}}]
        model: {zh: 非常抱歉让您久等了, en: So sorry for the wait}
        responses:
          - {id: open.sorry, match: {detector: apology}, feedback: {zh: 好, en: Good}, next: fix}
        fallback: {id: open.none, next: lost}
      - id: fix
        say: [{id: fix.a, text: {zh: 怎么办？, en: Now what?}}]
        model: {zh: 我今天为您补发, en: I'll resend it today}
        responses:
          - {id: fix.resend, match: {all: [补发, 今天]}, feedback: {zh: 好, en: Good}, next: done}
          - {id: fix.number, match: {regex: "[0-9]+ ?天"}, feedback: {zh: 好, en: Good}, next: done}
        fallback: {id: fix.none, next: fix}
    endings:
      - {id: done, kind: good, title: {zh: 解决, en: Resolved}}
      - {id: lost, kind: bad, title: {zh: 流失, en: Lost}}
"""


@pytest.fixture
def playbook(make_playbook):
    return load_playbook(make_playbook(TWO_STEP), cache=False)


def test_example_replies_come_from_the_matchers(playbook):
    assert example_reply(dm.DetectorRef("apology"), playbook.detectors, "zh") == "非常抱歉"
    assert example_reply(dm.DetectorRef("apology"), playbook.detectors, "en") == "I'm sorry"
    assert example_reply(dm.AllOf((dm.Phrase("补发"), dm.Phrase("今天"))), {}, "zh") == "补发，今天"
    assert example_reply(dm.Regex("x", "x"), {}, "zh") is None


def test_explore_reaches_every_node_and_counts_hits(playbook):
    ex = explore(playbook, "d2", random_runs=5, seed=3)
    assert set(ex.node_hits) >= {"open", "fix", "done", "lost"}
    assert ex.edge_hits[("open", "fix")] > 0 and ex.edge_hits[("fix", "done")] > 0
    assert ex.endings["done"] > 0 and ex.best_score == 100
    assert ex.no_example == ["fix.number"]
    assert ex.to_json()["runs"] == ex.runs


def test_explore_is_deterministic(playbook):
    a, b = explore(playbook, "d2", seed=7), explore(playbook, "d2", seed=7)
    assert a.to_json() == b.to_json()


def test_explore_unknown_drill(playbook):
    with pytest.raises(DrillError, match="unknown drill"):
        explore(playbook, "nope")


def test_mermaid_graph_is_escaped_and_complete(playbook):
    graph = mermaid(playbook, "d2")
    assert graph.startswith("flowchart TD\n")
    assert '-->|"open.sorry"|' in graph and '-.->|"fix.none"|' in graph
    assert "#91;急#93;" in graph  # brackets in customer text cannot break the node label
    assert "class n2 good" in graph and "class n3 bad" in graph


def test_cli_explore_text_and_graph(make_playbook):
    root = str(make_playbook(TWO_STEP))
    runner = CliRunner()
    text = runner.invoke(main, ["explore", "d2", "-p", root, "--random", "3"])
    assert text.exit_code == 0, text.output
    assert "maximum achievable: 100" in text.output and "open -> fix" in text.output
    graph = runner.invoke(main, ["explore", "d2", "-p", root, "--graph"])
    assert graph.output.startswith("flowchart TD")
    missing = runner.invoke(main, ["explore", "zzz", "-p", root])
    assert missing.exit_code == 1 and "unknown drill" in missing.output


ANSWERS = {"answers": [
    {"reply": "非常抱歉让您久等了", "label": "good"},
    {"reply": "I'm so sorry", "label": "good"},
    {"reply": "您自己等着吧", "label": "bad"},
    {"reply": "抱歉，但我也没办法", "label": "bad"},
]}


def test_calibration_agreement_and_misleading_criterion(playbook):
    cal = calibrate(playbook, "conv", parse_answers(ANSWERS))
    assert cal.n_good == 2 and cal.n_bad == 2 and cal.pairs == 4
    assert cal.agreement == 0.75  # the excuse "抱歉，但我也没办法" ties with the good answers
    crit = cal.criteria[0]
    assert (crit.good, crit.bad) == (2, 1)
    assert crit.phrases["抱歉"].bad == 1
    assert cal.to_json()["criteria"][0]["misleading"] is False


def test_calibration_grades_0_to_3(playbook):
    answers = parse_answers({"answers": [{"reply": "非常抱歉", "label": 3}, {"reply": "嗯", "label": 0},
                                          {"replies": ["你好", "抱歉"], "label": 2}]})
    cal = calibrate(playbook, "conv", answers)
    assert cal.agreement == 0.833 and cal.n_good == 2  # grades 3 and 2 both score 100: a tie counts half


@pytest.mark.parametrize("data, message", [
    ({"answers": []}, "non-empty"),
    ({"answers": [{"reply": "x", "label": "great"}]}, "label must be"),
    ({"answers": [{"label": "good"}]}, "give `reply"),
])
def test_bad_answers(data, message):
    with pytest.raises(CalibrationError, match=message):
        parse_answers(data)


def test_cli_calibrate(make_playbook, tmp_path):
    root = str(make_playbook(TWO_STEP))
    answers = tmp_path / "a.yaml"
    answers.write_text(json.dumps(ANSWERS, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["calibrate", "conv", str(answers), "-p", root])
    assert result.exit_code == 0, result.output
    assert "agreement: 0.750" in result.output and "cv_apology" in result.output
    bad = CliRunner().invoke(main, ["calibrate", "nope", str(answers), "-p", root])
    assert bad.exit_code == 1 and "unknown rubric 'nope'" in bad.output
    folds = CliRunner().invoke(main, ["calibrate", "conv", str(answers), "-p", root, "--folds", "2"])
    assert folds.exit_code == 0, folds.output
    assert "cross-validation over the playbook's examples: 2 folds" in folds.output
    one = CliRunner().invoke(main, ["calibrate", "conv", str(answers), "-p", root, "--folds", "1"])
    assert one.exit_code == 2 and "--folds" in one.output
    answers.write_text("answers: [{reply: x, label: great}]\n", encoding="utf-8")
    schema = CliRunner().invoke(main, ["calibrate", "conv", str(answers), "-p", root])
    assert schema.exit_code == 1 and "a.yaml:1" in schema.output


def test_calibration_flags_a_misleading_detector(playbook):
    answers = parse_answers({"answers": [{"reply": "您好，请讲", "label": "good"},
                                          {"reply": "抱歉，这不归我管", "label": "bad"}]})
    cal = calibrate(playbook, "conv", answers)
    apology = next(d for d in cal.detectors if d.id == "apology")
    assert (apology.good, apology.bad) == (0, 1) and apology.misleading(cal.n_good, cal.n_bad)
