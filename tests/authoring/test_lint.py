"""Every lint code has a planted example: the finding, its position, and its suppression."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cxcoach.authoring.lint import CODES, LintConfig, find_config, lint_playbook

from .conftest import DRILL


def marked_line(text: str, marker: str = "# <-") -> int:
    """1-based line of the (dedented) plant text carrying the marker."""
    for number, line in enumerate(textwrap.dedent(text).splitlines(), 1):
        if marker in line:
            return number
    raise AssertionError(f"no {marker!r} in plant")


def findings(root: Path, code: str | None = None):
    report = lint_playbook(root, config=LintConfig())
    assert report.loaded, [p.format() for p in report.findings]
    return [p for p in report.findings if code is None or p.code == code]


def assert_finding(root: Path, code: str, plant: str, *, contains: str = "") -> None:
    found = findings(root, code)
    assert found, f"no {code}; got {[p.format() for p in findings(root)]}"
    line = marked_line(plant)
    hits = [p for p in found if p.file.endswith("plant.yaml") and p.line == line]
    assert hits, f"{code} not at plant.yaml:{line}: {[p.format() for p in found]}"
    assert contains in hits[0].message


def drill(nodes: str, *, ident: str = "d2", extra: str = "") -> str:
    return DRILL.format(id=ident, nodes=textwrap.indent(textwrap.dedent(nodes), " " * 6), extra=extra)


def test_base_playbook_is_clean(make_playbook):
    assert findings(make_playbook()) == []


def test_every_code_is_documented():
    assert all(code[0] == "L" and len(code) == 4 for code in CODES)
    doc = (Path(__file__).resolve().parents[2] / "docs" / "authoring.md").read_text(encoding="utf-8")
    missing = [code for code in CODES if code not in doc]
    assert not missing, f"codes missing from docs/authoring.md: {missing}"


# --- L1xx drill graphs -------------------------------------------------------------

UNREACHABLE = drill("""\
- id: open
  say: [{id: open.a, text: {zh: 你好, en: Hi}}]
  responses:
    - {id: open.sorry, match: {detector: apology}, feedback: {zh: 好, en: Good}, next: done}
  fallback: {id: open.none, next: lost}
- id: island   # <-
  say: [{id: island.a, text: {zh: 你好, en: Hi}}]
  responses:
    - {id: island.sorry, match: {detector: apology}, feedback: {zh: 好, en: Good}, next: done}
  fallback: {id: island.none, next: lost}
""")


def test_l101_unreachable_node(make_playbook):
    assert_finding(make_playbook(UNREACHABLE), "L101", UNREACHABLE, contains="'island'")


DEAD_END = drill("""\
- id: open
  say: [{id: open.a, text: {zh: 你好, en: Hi}}]
  responses:
    - {id: open.sorry, match: {detector: apology}, feedback: {zh: 好, en: Good}, next: done}
    - {id: open.loop, match: {any: [等等, wait]}, feedback: {zh: 好, en: Good}, next: limbo}
  fallback: {id: open.none, next: lost}
- id: limbo   # <-
  say: [{id: limbo.a, text: {zh: 然后呢, en: And?}}]
  responses:
    - {id: limbo.sorry, match: {detector: apology}, feedback: {zh: 好, en: Good}, next: limbo}
  fallback: {id: limbo.none, next: limbo}
""")


def test_l102_dead_end(make_playbook):
    assert_finding(make_playbook(DEAD_END), "L102", DEAD_END, contains="'limbo'")


EMPTY = drill("""\
- id: open   # <-
  say: [{id: open.a, text: {zh: 你好, en: Hi}}]
  responses: []
  fallback: {id: open.none, next: done}
""")


def test_l103_empty_node(make_playbook):
    assert_finding(make_playbook(EMPTY), "L103", EMPTY)


UNREACHED_ENDING = DRILL.format(id="d2", extra="    on_timeout: lost\n    on_walkout: lost\n",
                                nodes=textwrap.indent("""\
- id: open
  say: [{id: open.a, text: {zh: 你好, en: Hi}}]
  responses:
    - {id: open.sorry, match: {detector: apology}, feedback: {zh: 好, en: Good}, next: done}
  fallback: {id: open.none, next: open}""", " " * 6)) \
    + "      - {id: forgotten, kind: neutral, title: {zh: 忘了, en: Forgotten}}  # <-\n"


def test_l104_unreached_ending(make_playbook):
    assert_finding(make_playbook(UNREACHED_ENDING), "L104", UNREACHED_ENDING, contains="'forgotten'")


WALKOUT_ONLY = DRILL.format(id="d2", extra="", nodes=textwrap.indent("""\
- id: open
  say: [{id: open.a, text: {zh: 你好, en: Hi}}]
  responses:
    - {id: open.sorry, match: {detector: apology}, feedback: {zh: 好, en: Good}, next: done}
    - {id: open.rage, match: {any: [滚, get lost]}, feedback: {zh: 糟, en: Bad}, effect: {hostility: 6}, next: hell}
  fallback: {id: open.none, next: lost}
- id: hell   # <-
  say: [{id: hell.a, text: {zh: 你说什么？, en: What did you say?}}]
  responses:
    - {id: hell.sorry, match: {detector: apology}, feedback: {zh: 好, en: Good}, next: done}
  fallback: {id: hell.none, next: lost}""", " " * 6)).replace("hostility: 5}", "hostility: 5}\n    on_walkout: lost", 1)


def test_l105_node_only_reached_by_walking_out(make_playbook):
    assert_finding(make_playbook(WALKOUT_ONLY), "L105", WALKOUT_ONLY, contains="'hell'")


def test_l105_not_reported_when_calming_behaviour_can_offset(make_playbook):
    calming = WALKOUT_ONLY + """\
detectors:
  - id: empathy
    title: {zh: 共情, en: Empathy}
    polarity: good
    match: {any: [理解, understand]}
    effect: {hostility: -2}
"""
    assert findings(make_playbook(calming), "L105") == []


# --- L2xx rules ----------------------------------------------------------------------

NEVER = """\
rules:
  - id: impossible   # <-
    when: {all: [{fact: severity, op: eq, value: major}, {fact: severity, op: eq, value: general}]}
    then: {steps: [listen]}
"""

OUT_OF_RANGE = """\
rules:
  - id: furious   # <-
    when: {fact: anger, op: gt, value: 10}
    then: {steps: [listen]}
"""


@pytest.mark.parametrize("plant", [NEVER, OUT_OF_RANGE], ids=["contradiction", "beyond-max"])
def test_l201_rule_never_fires(make_playbook, plant):
    assert_finding(make_playbook(plant), "L201", plant, contains="can never fire")


def test_l201_not_reported_for_satisfiable_negation(make_playbook):
    plant = """\
    rules:
      - id: calm_general
        when: {all: [{not: {fact: severity, op: eq, value: major}}, {fact: anger, op: lt, value: 5}]}
        then: {steps: [listen, report]}
    """
    assert findings(make_playbook(plant), "L201") == []


SHADOWED = """\
rules:
  - id: also_report   # <-
    priority: 10
    when: {all: [{fact: severity, op: eq, value: major}, {fact: anger, op: ge, value: 3}]}
    then: {steps: [report]}
"""


def test_l202_shadowed_rule(make_playbook):
    assert_finding(make_playbook(SHADOWED), "L202", SHADOWED, contains="'major_report'")


OVERRIDDEN = """\
rules:
  - id: slow_major   # <-
    when: {all: [{fact: severity, op: eq, value: major}, {fact: anger, op: ge, value: 8}]}
    then: {steps: [listen], deadlines: {respond: 1h}}
"""


def test_l203_deadline_overridden(make_playbook):
    assert_finding(make_playbook(OVERRIDDEN), "L203", OVERRIDDEN, contains="30m")


LATE = """\
rules:
  - id: lazy   # <-
    when: {fact: anger, op: le, value: 2}
    then: {steps: [listen, report], deadlines: {respond: 5h}}
"""


def test_l204_deadline_later_than_default(make_playbook):
    assert_finding(make_playbook(LATE), "L204", LATE, contains="3h")


# --- L3xx matchers --------------------------------------------------------------------

HIDDEN = drill("""\
- id: open
  say: [{id: open.a, text: {zh: 你好, en: Hi}}]
  responses:
    - {id: open.sorry, match: {detector: apology}, feedback: {zh: 好, en: Good}, next: lost}
    - id: open.sorry_and_name   # <-
      match: {all: [{detector: apology}, {any: [我是, my name is]}]}
      feedback: {zh: 好, en: Good}
      next: done
  fallback: {id: open.none, next: lost}
""")


def test_l301_hidden_response(make_playbook):
    assert_finding(make_playbook(HIDDEN), "L301", HIDDEN, contains="'open.sorry'")


NARROW_FIRST = drill("""\
- id: open
  say: [{id: open.a, text: {zh: 你好, en: Hi}}]
  responses:
    - id: open.sorry_and_name
      match: {all: [{detector: apology}, {any: [我是, my name is]}]}
      feedback: {zh: 好, en: Good}
      next: done
    - {id: open.sorry, match: {detector: apology}, feedback: {zh: 好, en: Good}, next: lost}
  fallback: {id: open.none, next: lost}
""")


def test_l301_not_reported_when_narrow_comes_first(make_playbook):
    assert findings(make_playbook(NARROW_FIRST), "L301") == []


NEGATION = """\
detectors:
  - id: refund_offer   # <-
    title: {zh: 退款, en: Refund}
    polarity: good
    match: {any: [退款, refund], guard: false}
"""


def test_l302_fires_on_negated_phrase(make_playbook):
    assert_finding(make_playbook(NEGATION), "L302", NEGATION, contains="退款")


def test_l302_not_reported_with_guard(make_playbook):
    assert findings(make_playbook(NEGATION.replace(", guard: false", "")), "L302") == []


BAD_EXAMPLE = """\
detectors:
  - id: thanks   # <-
    title: {zh: 感谢, en: Thanks}
    polarity: good
    match: {any: [谢谢, thank you]}
    effect: {perceived: 0.5}
    examples: [多谢您的耐心]
"""

BAD_COUNTER = """\
detectors:
  - id: thanks   # <-
    title: {zh: 感谢, en: Thanks}
    polarity: good
    match: {any: [谢谢, thank you]}
    effect: {perceived: 0.5}
    counter_examples: [谢谢您的耐心]
"""


def test_l303_example_does_not_match(make_playbook):
    assert_finding(make_playbook(BAD_EXAMPLE), "L303", BAD_EXAMPLE, contains="多谢您的耐心")


def test_l304_counter_example_matches(make_playbook):
    assert_finding(make_playbook(BAD_COUNTER), "L304", BAD_COUNTER, contains="谢谢您的耐心")


# --- L4xx scoring ----------------------------------------------------------------------

UNEARNABLE = """\
rubrics:
  - id: strict
    title: {zh: 严格, en: Strict}
    scope: conversation
    criteria:
      - {id: st_apology, title: {zh: 道歉, en: Apology}, detector: apology, weight: 50}
      - id: st_never   # <-
        title: {zh: 不可能, en: Impossible}
        match: {any: [抱歉], unless: {any: [抱歉]}}
        weight: 50
""" + drill("""\
- id: open
  say: [{id: open.a, text: {zh: 你好, en: Hi}}]
  responses:
    - {id: open.sorry, match: {detector: apology}, feedback: {zh: 好, en: Good}, next: done}
  fallback: {id: open.none, next: lost}
""", extra="    rubric: strict\n    pass_mark: 80\n").replace("drills:\n", "drills:\n", 1)


def test_l401_criterion_never_earned(make_playbook):
    assert_finding(make_playbook(UNEARNABLE), "L401", UNEARNABLE, contains="'st_never'")


def test_l402_pass_mark_out_of_reach(make_playbook):
    root = make_playbook(UNEARNABLE)
    found = findings(root, "L402")
    assert len(found) == 1 and "best achievable score is 50" in found[0].message
    assert found[0].file.endswith("plant.yaml")


def test_l401_not_reported_when_a_response_credits_it(make_playbook):
    credited = UNEARNABLE.replace("next: done}", "next: done, criterion: st_never}")
    assert findings(make_playbook(credited), "L401") == []


# --- L5xx text ------------------------------------------------------------------------

PLAIN = """\
roles:
  - id: manager
    label: Manager   # <-
"""


def test_l501_missing_translation(make_playbook):
    root = make_playbook(PLAIN + "procedures:\n  - id: p\n    title: {zh: 流程, en: P}\n    steps:\n"
                         "      - {id: s, title: {zh: 步, en: S}, owner: manager}\n")
    assert_finding(root, "L501", PLAIN, contains="`label`")


def test_l501_not_reported_for_fact_values_named_like_text_fields(make_playbook):
    plant = textwrap.dedent("""\
    facts:
      - id: title
        type: enum
        label: {zh: 称谓, en: Title}
        values: [{id: mr, label: {zh: 先生, en: Mr}}]
    rules:
      - id: mister
        when: {fact: title, op: eq, value: mr}
        then: {steps: [listen, report]}
    """) + drill("""\
    - id: open
      say: [{id: open.a, text: {zh: 你好, en: Hi}}]
      responses:
        - {id: open.sorry, match: {detector: apology}, feedback: {zh: 好, en: Good}, next: done}
      fallback: {id: open.none, next: lost}
    """, extra="    case: {title: mr}\n")
    assert findings(make_playbook(plant), "L501") == []


def test_l501_not_reported_for_single_locale_drill(make_playbook):
    plant = drill("""\
    - id: open
      say: [{id: open.a, text: 你好}]
      responses:
        - {id: open.sorry, match: {detector: apology}, feedback: 好, next: done}
      fallback: {id: open.none, next: lost}
    """, extra="    locales: [zh]\n")
    assert findings(make_playbook(plant), "L501") == []


AVOIDED = """\
scripts:
  - id: blunt
    title: {zh: 直说, en: Blunt}
    lines:
      - id: blunt.1   # <-
        text: {zh: 说实话，都是您的错。, en: "Honestly, it's all on you."}
rules:
  - id: blunt_rule
    when: {fact: anger, op: le, value: 1}
    then: {scripts: [blunt], steps: [listen, report]}
"""


def test_l502_script_uses_avoided_phrase(make_playbook):
    assert_finding(make_playbook(AVOIDED), "L502", AVOIDED, contains="都是您的错")


def test_l502_negated_use_is_fine(make_playbook):
    plant = AVOIDED.replace("说实话，都是您的错。", "这不是您的错，都怪我们。")
    assert findings(make_playbook(plant), "L502") == []


MODEL_AVOID = drill("""\
- id: open   # <-
  say: [{id: open.a, text: {zh: 你好, en: Hi}}]
  model: {zh: 对不起，但都是您的错。, en: "Sorry, but it's your own fault."}
  responses:
    - {id: open.sorry, match: {detector: apology}, feedback: {zh: 好, en: Good}, next: done}
  fallback: {id: open.none, next: lost}
""")


def test_l503_model_answer_uses_avoided_phrase(make_playbook):
    assert_finding(make_playbook(MODEL_AVOID), "L503", MODEL_AVOID, contains="都是您的错")


FOLDED = """\
roles:
  - id: manager
    label: {zh: 经理, en: Manager}
    description:
      zh: 负责处理升级的
        投诉。
      en: Handles escalated complaints.
"""


def test_l504_line_fold_space_in_chinese(make_playbook):
    root = make_playbook(FOLDED + "procedures:\n  - id: p\n    title: {zh: 流程, en: P}\n    steps:\n"
                         "      - {id: s, title: {zh: 步, en: S}, owner: manager}\n")
    found = findings(root, "L504")
    assert [(p.file, p.line) for p in found] == [("pb/plant.yaml", marked_line(FOLDED, "负责处理升级的"))]
    assert "'的 投'" in found[0].message


def test_l504_typed_space_is_fine(make_playbook):
    plant = FOLDED.replace("负责处理升级的\n        投诉。", "第十一章 客户关系")
    root = make_playbook(plant + "procedures:\n  - id: p\n    title: {zh: 流程, en: P}\n    steps:\n"
                         "      - {id: s, title: {zh: 步, en: S}, owner: manager}\n")
    assert findings(root, "L504") == []


# --- L6xx unused -------------------------------------------------------------------------

UNUSED_FACT = """\
facts:
  - id: channel   # <-
    type: text
    label: {zh: 渠道, en: Channel}
"""

UNUSED_SCRIPT = """\
scripts:
  - id: orphan   # <-
    title: {zh: 孤儿, en: Orphan}
    lines:
      - {id: orphan.1, text: {zh: 您好。, en: Hello.}}
"""

UNUSED_STRATEGY = """\
strategies:
  - id: calm   # <-
    title: {zh: 冷静, en: Calm}
    advice:
      - {id: calm.1, text: {zh: 慢慢说。, en: Speak slowly.}}
"""

UNUSED_AVOID = """\
avoid:
  - id: shrug   # <-
    title: {zh: 耸肩, en: Shrugging}
    why: {zh: 不礼貌。, en: Rude.}
"""

UNUSED_DETECTOR = """\
detectors:
  - id: thanks   # <-
    title: {zh: 感谢, en: Thanks}
    polarity: good
    match: {any: [谢谢, thank you]}
"""


@pytest.mark.parametrize(("code", "plant"), [("L601", UNUSED_FACT), ("L602", UNUSED_SCRIPT), ("L605", UNUSED_STRATEGY),
                                              ("L606", UNUSED_AVOID), ("L607", UNUSED_DETECTOR)])
def test_unused_content(make_playbook, code, plant):
    assert_finding(make_playbook(plant), code, plant)


NEVER_SAID = drill("""\
- id: open
  say:
    - {id: open.a, text: {zh: 你好, en: Hi}}
    - id: open.flagged   # <-
      when: {flags: [refund_offered]}
      text: {zh: 退款呢？, en: Where's my refund?}
  responses:
    - {id: open.sorry, match: {detector: apology}, feedback: {zh: 好, en: Good}, next: done}
  fallback: {id: open.none, next: lost}
""")

NEVER_GIVEN = drill("""\
- id: open
  say: [{id: open.a, text: {zh: 你好, en: Hi}}]
  responses:
    - {id: open.sorry, match: {detector: apology}, feedback: {zh: 好, en: Good}, next: done}
    - id: open.again   # <-
      when: {visits: {ge: 2}}
      match: {any: [等等, wait]}
      feedback: {zh: 又来了, en: Again}
  fallback: {id: open.none, next: lost}
""")


def test_l603_customer_line_never_said(make_playbook):
    assert_finding(make_playbook(NEVER_SAID), "L603", NEVER_SAID.replace("# <-", "").replace(
        "- id: open\n", "- id: open   # <-\n", 1), contains="refund_offered")


def test_l604_response_never_applies(make_playbook):
    assert_finding(make_playbook(NEVER_GIVEN), "L604", NEVER_GIVEN, contains="visits")


def test_l604_visits_fine_when_node_is_reentered(make_playbook):
    plant = NEVER_GIVEN.replace("fallback: {id: open.none, next: lost}", "fallback: {id: open.none, next: open}")
    assert findings(make_playbook(plant), "L604") == []


# --- suppression ---------------------------------------------------------------------------

def test_inline_noqa_silences_one_code(make_playbook):
    plant = UNUSED_FACT.replace("# <-", "# cxcoach: noqa L601")
    report = lint_playbook(make_playbook(plant), config=LintConfig())
    assert [p for p in report.findings if p.code == "L601"] == []
    assert report.suppressed == 1


def test_inline_noqa_for_another_code_does_not_silence(make_playbook):
    plant = UNUSED_FACT.replace("# <-", "# cxcoach: noqa: L602, L603")
    assert findings(make_playbook(plant), "L601")


def test_bare_noqa_silences_everything_on_the_line(make_playbook):
    plant = UNUSED_FACT.replace("# <-", "# cxcoach: noqa")
    assert findings(make_playbook(plant), "L601") == []


def test_config_ignore_in_cxcoach_toml(make_playbook, tmp_path):
    root = make_playbook(UNUSED_FACT + UNUSED_SCRIPT)
    (tmp_path / ".cxcoach.toml").write_text('[lint]\nignore = ["L60"]\n', encoding="utf-8")
    config = find_config(root)
    assert config.ignores("L601") and config.ignores("L602") and not config.ignores("L101")
    report = lint_playbook(root)
    assert [p.code for p in report.findings] == [] and report.suppressed == 2


def test_config_ignore_in_pyproject(make_playbook, tmp_path):
    root = make_playbook(UNUSED_FACT)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.cxcoach.lint]\nignore = ["L601"]\n',
                                             encoding="utf-8")
    assert lint_playbook(root).findings == ()


def test_invalid_playbook_reports_validation_errors(make_playbook):
    root = make_playbook("rules:\n  - id: r\n    when: {fact: nope, op: eq, value: 1}\n    then: {steps: [listen]}\n")
    report = lint_playbook(root)
    assert not report.loaded and any(p.code == "E301" for p in report.findings)


UNFILLABLE = """\
rubrics:
  - id: reply2
    title: {zh: 回复, en: Reply}
    scope: reply
    criteria:
      - id: r2_next   # <-
        title: {zh: 下一步, en: Next step}
        detector: apology
        weight: 10
        model: {zh: "我叫{姓名}，按{方案二}办，{时间}前办好。", en: "I'm {name}; we'll do {plan b} by {time}."}
"""


def test_l505_placeholder_nothing_fills_in_a_suggested_line(make_playbook):
    root = make_playbook(UNFILLABLE)
    assert_finding(root, "L505", UNFILLABLE, contains="{方案二}")
    found = findings(root, "L505")
    assert sorted(p.message.split(" has ")[1].split(",")[0] for p in found) == ["{plan b}", "{方案二}"]


def test_l505_placeholders_reports_fill_or_name_are_fine(make_playbook):
    plant = UNFILLABLE.replace("{方案二}", "{方案}").replace("{plan b}", "{option}")
    assert findings(make_playbook(plant), "L505") == []


def test_the_shipped_detectors_a_playbook_includes_are_not_rechecked(tmp_path, monkeypatch):
    """A new playbook includes the shipped detector library; its thousands of examples are checked where it is
    linted itself, so linting the new playbook reads only the author's own examples (it took 20 s of CPU)."""
    from cxcoach.authoring.scaffold import new_playbook
    from cxcoach.drill import matcher

    root = new_playbook("acme", tmp_path, locales=("zh", "en")).playbook
    (root / "mine.yaml").write_text(textwrap.dedent("""\
        detectors:
          - id: callback_time
            title: {zh: 约定回电, en: Callback time}
            polarity: good
            match: {any: {zh: [回电], en: [call you back]}}
            examples: ["我下午给您回电", "I will call you back today", "我三点回电", "I'll call you back"]
            counter_examples: ["请稍后再打来"]
        rubrics:
          - id: own
            title: {zh: 回电, en: Callback}
            scope: reply
            criteria:
              - {id: own_cb, title: {zh: 回电, en: Callback}, detector: callback_time, weight: 10}
        """), encoding="utf-8")
    seen: list[str] = []
    real = matcher.match
    monkeypatch.setattr(matcher, "match", lambda ref, text, *a, **k: seen.append(text) or real(ref, text, *a, **k))
    report = lint_playbook(root, config=LintConfig())
    assert report.loaded and [p.code for p in report.findings] == []
    own = ["我下午给您回电", "I will call you back today", "我三点回电", "I'll call you back", "请稍后再打来"]
    assert set(own) <= set(seen) and len(seen) < 20  # the author's examples (and a few negated phrases), no more
    assert all("回电" in text or "call you back" in text or text in own for text in seen), seen
