"""L506: Chinese text writes its punctuation full-width; what must stay half-width stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxcoach.authoring.lint import LintConfig, lint_playbook
from cxcoach.authoring.lint_rules.text import full_width, half_width_spans
from cxcoach.playbook.yamlsource import read_yaml_file
from cxcoach.resources import default_playbook_path


@pytest.mark.parametrize(("text", "fixed"), [
    ("您好,我是{姓名},很高兴为您服务!", "您好，我是{姓名}，很高兴为您服务！"),
    ("您特意过来(来电)告诉我们;可以吗?", "您特意过来（来电）告诉我们；可以吗？"),
    ("注意:先道歉", "注意：先道歉"),
    ("客户(VIP)", "客户（VIP）"),  # the `)` touches no Chinese character, but its pair does
    ("调查(540 名客户):35% 退货", "调查（540 名客户）：35% 退货"),  # a mark made full-width turns its neighbour
])
def test_half_width_next_to_chinese_becomes_full_width(text: str, fixed: str) -> None:
    assert full_width(text) == fixed
    assert half_width_spans(fixed) == []


@pytest.mark.parametrize("text", [
    "10:30 前给您回电话",  # a time
    "共 1,037 次，约 3.5 小时",  # numbers: a thousands separator, a decimal point
    "详见 https://example.cn/a?b=1,c",  # a URL
    "请说 (sorry), 不要说",  # English with its own punctuation, spaced from the Chinese
    "{具体原因,写到哪个环节}。",  # a placeholder is the speaker's to fill: left as written
    "Hello, world!",
])
def test_what_must_stay_half_width_does(text: str) -> None:
    assert half_width_spans(text) == []
    assert full_width(text) == text


PLANT = """\
roles:
  - id: manager
    label: {zh: 经理, en: Manager}
    description:
      zh: 负责处理升级的投诉,并在 10:30 前回电。
      en: "Handles escalated complaints, and calls back before 10:30."
procedures:
  - id: p
    title: {zh: 流程, en: P}
    steps:
      - {id: s, title: {zh: 步, en: S}, owner: manager}
"""


def test_l506_points_at_the_mark_and_says_how_to_fix(make_playbook) -> None:
    root = make_playbook(PLANT)
    report = lint_playbook(root, config=LintConfig())
    found = [p for p in report.findings if p.code == "L506"]
    assert [(Path(p.file).name, p.line, p.col) for p in found] == [("plant.yaml", 5, 20)]  # the comma itself
    assert "','" in found[0].message and "升级的投诉,并在" in found[0].message
    assert found[0].hint is not None and ", -> ，" in found[0].hint


def test_l506_is_silent_once_fixed(make_playbook) -> None:
    root = make_playbook(PLANT.replace("投诉,并在", "投诉，并在"))
    assert [p for p in lint_playbook(root, config=LintConfig()).findings if p.code == "L506"] == []


def _zh_values(data: object, path: tuple[object, ...] = ()):
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and key.startswith("zh") and isinstance(value, str):
                yield (*path, key), value
            else:
                yield from _zh_values(value, (*path, key))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _zh_values(item, (*path, i))


def test_the_shipped_chinese_text_is_punctuated_full_width() -> None:
    root = default_playbook_path()
    left = []
    for file in sorted(root.rglob("*.yaml")):
        doc, _ = read_yaml_file(file)
        assert doc is not None, file
        left += [f"{file.name} {path}: {value}" for path, value in _zh_values(doc.data) if half_width_spans(value)]
    assert left == []
