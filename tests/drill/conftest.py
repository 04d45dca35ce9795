"""Fixtures for drill tests: the shipped playbook and a tiny inline one built through the real loader."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cxcoach.playbook import default_playbook_path, load_playbook
from cxcoach.playbook.model import Playbook

TINY = """
playbook:
  id: tiny
  title: {zh: 小手册, en: Tiny}
  version: 1.0.0
  locales: [zh, en]
sources:
  - id: "001"
    title: {zh: 来源, en: Source}
facts:
  - id: fault
    type: enum
    label: {zh: 责任, en: Fault}
    values:
      - {id: company, label: {zh: 公司, en: Company}}
      - {id: customer, label: {zh: 顾客, en: Customer}}
measurement:
  satisfaction_states:
    - {id: happy, label: {zh: 满意, en: Happy}, min_ratio: 1.0}
    - {id: meh, label: {zh: 一般, en: Meh}, min_ratio: 0.5}
    - {id: angry, label: {zh: 不满, en: Angry}, min_ratio: 0}
  dimensions:
    - {id: empathy, label: {zh: 关怀性, en: Empathy}}
detectors:
  - id: apology
    title: {zh: 道歉, en: Apology}
    polarity: good
    match: {any: {zh: [抱歉, 对不起], en: [sorry]}}
    effect: {hostility: -1}
  - id: empathy
    title: {zh: 共情, en: Empathy}
    polarity: good
    match: {any: {zh: [理解您, 换作是我], en: [i understand]}}
    effect: {hostility: -2, perceived: 1}
  - id: remedy
    title: {zh: 补救, en: Remedy}
    polarity: good
    match: {any: {zh: [退款, 换货], en: [refund]}}
    effect: {perceived: 2}
  - id: facts
    title: {zh: 讲规定, en: Facts}
    polarity: neutral
    match: {any: {zh: [规定, 因为], en: [policy, because]}}
  - id: arguing
    title: {zh: 争辩, en: Arguing}
    polarity: bad
    match: {any: {zh: [您搞错了], en: [you are wrong]}}
    effect: {hostility: 3}
  - id: blame
    title: {zh: 指责, en: Blame}
    polarity: bad
    match: {any: {zh: [您自己的问题], en: [your fault]}}
rubrics:
  - id: reply
    title: {zh: 回复, en: Reply}
    scope: reply
    default: true
    pass_mark: 50
    criteria:
      - {id: r_feel, title: {zh: 共情, en: Empathy}, detector: empathy, weight: 30, dimension: empathy}
      - {id: r_sorry, title: {zh: 道歉, en: Sorry}, detector: apology, weight: 20}
      - {id: r_fix, title: {zh: 补救, en: Fix}, detector: remedy, weight: 50, model: {zh: 我给您退款。, en: "I'll refund you."}}
      - {id: r_argue, title: {zh: 争辩, en: Arguing}, detector: arguing, penalty: 15}
      - {id: r_blame, title: {zh: 指责, en: Blame}, detector: blame, auto_fail: true}
      - id: r_admit
        title: {zh: 认错, en: Admit}
        match: {any: [是我们的错, our mistake]}
        weight: 10
        na_when: {fact: fault, op: eq, value: customer}
    order:
      - {id: feel_first, first: [empathy, apology], then: [facts], penalty: 10}
  - id: talk
    title: {zh: 对话, en: Talk}
    scope: conversation
    default: true
    criteria:
      - {id: c_feel, title: {zh: 共情, en: Empathy}, detector: empathy, weight: 50}
      - {id: c_fix, title: {zh: 补救, en: Fix}, detector: remedy, weight: 50}
      - {id: c_blame, title: {zh: 指责, en: Blame}, detector: blame, auto_fail: true}
drills:
  - id: shoe
    title: {zh: 鞋子开胶, en: Shoe came apart}
    difficulty: easy
    persona: {type: emotional, label: {zh: 顾客, en: Customer}, expectation: 4, hostility: 6, perceived: 2, temper: 1}
    case: {fault: company}
    start: open
    hint_cost: 7
    max_turns: 4
    nodes:
      - id: open
        say:
          - {id: open.a, text: {zh: 鞋穿了两天就开胶了！, en: The shoes fell apart in two days!}}
          - {id: open.b, text: {zh: 你们的鞋怎么回事？, en: What is wrong with your shoes?}}
          - {id: open.again, when: {visits: {ge: 2}}, text: {zh: 你听见没有？, en: Are you listening?}}
        hint: {zh: 先共情。, en: Empathise first.}
        model: {zh: 换作是我也会生气，对不起。, en: "I understand, I'm so sorry."}
        responses:
          - id: open.blame
            match: {detector: blame}
            feedback: {zh: 别指责。, en: Don't blame.}
            next: lost
          - id: open.note
            match: {detector: apology}
            points: 2
            feedback: {zh: 道歉了。, en: You apologised.}
          - id: open.feel
            match: {detector: empathy}
            criterion: c_feel
            feedback: {zh: 很好。, en: Good.}
            effect: {set: [calm]}
            next: fix
          - id: open.feel2
            match: {detector: empathy}
            feedback: {zh: 不应出现。, en: Never shown.}
            next: lost
        fallback: {id: open.none, feedback: {zh: 没回应。, en: Ignored.}, effect: {hostility: 2}, next: open}
      - id: fix
        say:
          - {id: fix.a, text: {zh: 那怎么办？, en: So what now?}}
          - {id: fix.calm, when: {flags: [calm], hostility: {le: 5}}, text: {zh: 好吧，怎么处理？, en: "OK, how will you fix it?"}}
        model: {zh: 我给您换货。, en: "I'll get you a refund."}
        responses:
          - id: fix.ok
            match: {detector: remedy}
            feedback: {zh: 好。, en: Good.}
            next: done
        fallback: {id: fix.none, next: fix}
    endings:
      - {id: done, kind: good, outcome: resolved, title: {zh: 解决, en: Resolved}, say: {zh: 谢谢。, en: Thanks.}}
      - {id: lost, kind: bad, outcome: lost, title: {zh: 流失, en: Lost}}
"""  # noqa: E501 - YAML test data: one flow mapping per line, as authors write it


@pytest.fixture(scope="session")
def default_pb() -> Playbook:
    return load_playbook(default_playbook_path())


def write_playbook(folder: Path, text: str = TINY) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "playbook.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory) -> Path:
    return write_playbook(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="session")
def tiny(tiny_dir) -> Playbook:
    return load_playbook(tiny_dir)
