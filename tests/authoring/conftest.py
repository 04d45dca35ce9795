"""Small inline playbooks for the authoring tools: a lint-clean base, plus planted extras."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

BASE = """\
playbook: {id: t, title: {zh: 测试, en: Test}, version: 1.0.0, locales: [zh, en]}
roles:
  - {id: advisor, label: {zh: 顾问, en: Advisor}}
facts:
  - id: severity
    type: enum
    label: {zh: 严重程度, en: Severity}
    values:
      - {id: major, label: {zh: 重大, en: Major}}
      - {id: general, label: {zh: 一般, en: General}}
  - id: anger
    type: number
    label: {zh: 愤怒, en: Anger}
    min: 0
    max: 10
deadlines: {respond: 3h, resolve: 3d}
procedures:
  - id: intake
    title: {zh: 受理, en: Intake}
    steps:
      - id: listen
        title: {zh: 倾听, en: Listen}
        scripts: [listen_lines]
        avoid: [blame]
      - id: report
        title: {zh: 上报, en: Report}
        due: 30m
scripts:
  - id: listen_lines
    title: {zh: 倾听话术, en: Listening}
    lines:
      - id: listen_lines.1
        text: {zh: 您慢慢说，我在听。, en: "Take your time, I'm listening."}
avoid:
  - id: blame
    title: {zh: 指责, en: Blame}
    phrases: {zh: [都是您的错], en: ["your own fault"]}
    why: {zh: 会激化矛盾。, en: It provokes a fight.}
rules:
  - id: major_report
    priority: 90
    when: {fact: severity, op: eq, value: major}
    then: {steps: [report], deadlines: {respond: 30m}}
  - id: angry_listen
    when: {fact: anger, op: ge, value: 5}
    then: {steps: [listen]}
detectors:
  - id: apology
    title: {zh: 道歉, en: Apology}
    polarity: good
    match: {any: {zh: [对不起, 抱歉], en: [sorry]}}
    examples: [非常抱歉, "I'm sorry"]
    counter_examples: [我们不会道歉]
rubrics:
  - id: conv
    title: {zh: 对话, en: Conversation}
    scope: conversation
    default: true
    criteria:
      - id: cv_apology
        title: {zh: 道歉, en: Apology}
        detector: apology
        weight: 100
drills:
  - id: d1
    title: {zh: 演练, en: Drill}
    difficulty: easy
    persona: {type: t, label: {zh: 顾客, en: Customer}, expectation: 6, hostility: 5}
    start: open
    nodes:
      - id: open
        say:
          - {id: open.a, text: {zh: 太慢了！, en: Too slow!}}
        model: {zh: 非常抱歉让您久等了。, en: "I'm so sorry for the wait."}
        responses:
          - id: open.sorry
            match: {detector: apology}
            feedback: {zh: 很好。, en: Good.}
            effect: {hostility: -2, perceived: 3}
            next: done
        fallback: {id: open.none, next: lost, effect: {hostility: 2}}
    endings:
      - {id: done, kind: good, title: {zh: 解决, en: Resolved}}
      - {id: lost, kind: bad, title: {zh: 流失, en: Lost}}
"""

# A drill skeleton for planted drills: {nodes} and {endings} are filled in by the test.
DRILL = """\
drills:
  - id: {id}
    title: {{zh: 演练, en: Drill}}
    difficulty: easy
    persona: {{type: t, label: {{zh: 顾客, en: Customer}}, expectation: 6, hostility: 5}}
    start: open
{extra}    nodes:
{nodes}
    endings:
      - {{id: done, kind: good, title: {{zh: 解决, en: Resolved}}}}
      - {{id: lost, kind: bad, title: {{zh: 流失, en: Lost}}}}
"""


@pytest.fixture
def make_playbook(tmp_path: Path) -> Callable[..., Path]:
    """A playbook folder: the base file plus `plant.yaml` holding extra sections (dedented)."""

    def _make(plant: str = "", *, base: str = BASE, name: str = "pb") -> Path:
        root = tmp_path / name
        root.mkdir(parents=True, exist_ok=True)
        (root / "base.yaml").write_text(base, encoding="utf-8")
        if plant:
            (root / "plant.yaml").write_text(textwrap.dedent(plant), encoding="utf-8")
        return root

    return _make


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from tmp_path so problem files are short relative paths (and noqa lookups find them)."""
    monkeypatch.chdir(tmp_path)
