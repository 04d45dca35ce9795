"""L11x: planted drills whose customer repeats, names the trainee, assumes too much, or ignores rudeness."""

from __future__ import annotations

from .test_lint import assert_finding, drill, findings


def apology_passes(node: str = "open", *, next: str = "done", fallback: str = "lost") -> str:
    """The trainee side of a planted node: an apology moves on. The plants here are in what the customer says."""
    return (f"  responses:\n"
            f"    - {{id: {node}.sorry, match: {{detector: apology}}, feedback: {{zh: 好, en: Good}}, next: {next}}}\n"
            f"  fallback: {{id: {node}.none, next: {fallback}}}\n")


REPEATS = drill("""\
- id: open   # <-
  say:
    - {id: open.a, text: {zh: 太慢了！, en: Too slow!}}
    - {id: open.hot, when: {hostility: {ge: 8}}, text: {zh: 快点！, en: Hurry up!}}
  model: {zh: 非常抱歉。, en: "I'm so sorry."}
""" + apology_passes(fallback="open"))


def test_l110_a_node_that_returns_to_itself_with_one_line(make_playbook):
    assert_finding(make_playbook(REPEATS), "L110", REPEATS, contains="'open'")


def test_l110_two_lines_for_returns_are_enough(make_playbook):
    fixed = REPEATS.replace("when: {hostility: {ge: 8}}", "when: {visits: {ge: 2}}")
    assert findings(make_playbook(fixed), "L110") == []


ECHO = drill("""\
- id: open
  say: [{id: open.a, text: {zh: 太慢了！, en: Too slow!}}]
  model: {zh: 非常抱歉。, en: "I'm so sorry."}
""" + apology_passes(next="more") + """\
- id: more
  say:
    - {id: more.a, text: {zh: 太慢了！, en: Too slow!}}   # <-
  model: {zh: 非常抱歉。, en: "I'm so sorry."}
""" + apology_passes("more"))


def test_l110_the_next_node_says_the_same_words(make_playbook):
    assert_finding(make_playbook(ECHO), "L110", ECHO, contains="'more.a'")


NAMED = drill("""\
- id: open
  say: [{id: open.a, text: {zh: 太慢了！, en: Too slow!}}]
  model: {zh: 非常抱歉，我是客服小周，我来处理。, en: "I'm so sorry. I'm Zhou from customer service."}
""" + apology_passes()).replace("      - {id: done, kind: good, title: {zh: 解决, en: Resolved}}",
             "      - id: done\n"
             "        kind: good\n"
             "        title: {zh: 解决, en: Resolved}\n"
             "        say: {zh: 谢谢你，小周。, en: \"Thanks, Zhou.\"}   # <-")


def test_l111_a_closing_line_with_the_model_answers_name(make_playbook):
    assert_finding(make_playbook(NAMED), "L111", NAMED, contains="'小周'")


def test_l111_a_name_slot_is_fine(make_playbook):
    fixed = NAMED.replace('say: {zh: 谢谢你，小周。, en: "Thanks, Zhou."}',
                          'say: [{id: done.n, text: {zh: "谢谢你，{name}。", en: "Thanks, {name}."}}, '
                          '{id: done.p, text: {zh: 谢谢你。, en: Thanks.}}]')
    assert findings(make_playbook(fixed), "L111") == []
    assert findings(make_playbook(fixed), "L113") == []


SELF_NAMED = drill("""\
- id: open   # <-
  say: [{id: open.a, text: {zh: 太慢了！, en: Too slow!}}]
  model: {zh: 非常抱歉，我是客服小周，我来处理。, en: "I'm so sorry. I'm Zhou from customer service."}
""" + apology_passes())


def test_l116_a_model_answer_with_a_fixed_name(make_playbook):
    assert_finding(make_playbook(SELF_NAMED), "L116", SELF_NAMED, contains="'小周'")
    plain = SELF_NAMED.replace("我是客服小周", "我是这边的客服").replace("I'm Zhou from", "I'm from")
    assert findings(make_playbook(plain), "L116") == []


VOUCHERS = drill("""\
- id: open
  say:
    - {id: open.a, text: {zh: 太慢了！, en: Too slow!}}
    - {id: open.again, when: {visits: {ge: 2}}, text: {zh: 别拿优惠券糊弄我！, en: "I don't want vouchers!"}}  # <-
  model: {zh: 非常抱歉。, en: "I'm so sorry."}
""" + apology_passes(fallback="open"), extra="""\
    authority:
      may_offer:
        - id: voucher
          title: {zh: 优惠券, en: a voucher}
          match: {any: {zh: [优惠券], en: [voucher]}}
""")


def test_l112_turning_down_an_offer_that_was_never_made(make_playbook):
    assert_finding(make_playbook(VOUCHERS), "L112", VOUCHERS, contains="never offered")


def test_l112_fine_when_the_line_waits_for_the_offer(make_playbook):
    fixed = VOUCHERS.replace("when: {visits: {ge: 2}}", "when: {visits: {ge: 2}, offered: [voucher]}")
    assert findings(make_playbook(fixed), "L112") == []


KITCHEN = drill("""\
- id: open
  say:
    - {id: open.a, text: {zh: 太慢了！, en: Too slow!}}
    - {id: open.b, text: {zh: 别跟我说厨房忙！, en: "Don't tell me the kitchen is busy!"}}  # <-
  model: {zh: 非常抱歉。, en: "I'm so sorry."}
""" + apology_passes())


def test_l112_pushing_back_on_words_nobody_said(make_playbook):
    assert_finding(make_playbook(KITCHEN), "L112", KITCHEN, contains="pushes back")
    fixed = KITCHEN.replace("{id: open.b, text:", "{id: open.b, when: {reply: {any: [厨房, kitchen]}}, text:")
    assert findings(make_playbook(fixed), "L112") == []


ONLY_CONDITIONAL = drill("""\
- id: open   # <-
  say:
    - {id: open.a, when: {hostility: {ge: 3}}, text: {zh: 太慢了！, en: Too slow!}}
  model: {zh: 非常抱歉。, en: "I'm so sorry."}
""" + apology_passes())


def test_l113_a_node_with_only_conditional_lines(make_playbook):
    assert_finding(make_playbook(ONLY_CONDITIONAL), "L113", ONLY_CONDITIONAL, contains="'open'")


OVERPROMISING_MODEL = drill("""\
- id: open   # <-
  say: [{id: open.a, text: {zh: 太慢了！, en: Too slow!}}]
  model: {zh: 非常抱歉，全单免单。, en: "I'm so sorry; the whole bill is on us."}
""" + apology_passes(), extra="""\
    authority:
      beyond:
        - id: free_meal
          title: {zh: 全单免单, en: a free meal}
          match: {any: {zh: [全单免单], en: [whole bill is on us]}}
""")


def test_l114_a_model_answer_beyond_authority(make_playbook):
    assert_finding(make_playbook(OVERPROMISING_MODEL), "L114", OVERPROMISING_MODEL, contains="beyond")


RUDE_DETECTOR = """
detectors:
  - id: rude
    title: {zh: 无礼, en: Rude}
    polarity: bad
    match: {any: {zh: [爱买不买], en: [whatever]}}
    effect: {hostility: 3}
    examples: [爱买不买]
    counter_examples: [我们很重视]
"""

SILENT = RUDE_DETECTOR + drill("""\
- id: open
  say: [{id: open.a, text: {zh: 太慢了！, en: Too slow!}}]
  model: {zh: 非常抱歉。, en: "I'm so sorry."}
""" + apology_passes()).replace("  - id: d2\n", "  - id: d2   # <-\n")


def test_l115_no_reaction_to_rudeness(make_playbook):
    assert_finding(make_playbook(SILENT), "L115", SILENT, contains="'d2'")
    heard = SILENT.replace("    start: open\n", "    start: open\n    reactions:\n"
                           "      - {id: r, to: [upset], say: [{id: r.a, text: {zh: 你什么态度？, en: Excuse me?}}]}\n")
    assert [p for p in findings(make_playbook(heard), "L115") if "'d2'" in p.message] == []


ECHO_NODES = """\
- id: open
  say: [{id: open.a, text: {zh: 菜是凉的！, en: The food is cold!}}]
  model: {zh: 非常抱歉，我马上处理。, en: "I'm so sorry, I'll deal with it now."}
  responses:
    - {id: open.kitchen, match: {any: [厨房, kitchen]}, feedback: {zh: 推给厨房, en: Blamed the kitchen}, next: more}
  fallback: {id: open.none, next: more}
- id: more
  say:
    - {id: more.a, text: {zh: 厨房那边我可不管，我在跟你说！, en: "The kitchen is not my problem!"}}   # <-
  model: {zh: 非常抱歉。, en: "I'm so sorry."}
""" + apology_passes("more")
ECHOED = drill(ECHO_NODES)


def test_l112_a_line_takes_up_words_another_way_in_never_said(make_playbook):
    assert_finding(make_playbook(ECHOED), "L112", ECHOED, contains="'厨房', which 'open.kitchen' listens for")


def test_l112_a_line_that_tests_the_reply_may_take_its_words_up(make_playbook):
    nodes = ECHO_NODES.replace("{id: more.a, text:",
                               "{id: more.a, when: {reply: {any: [厨房, kitchen]}}, text:")
    plain = "    - {id: more.b, text: {zh: 那你说怎么办？, en: So what now?}}\n"
    nodes = nodes.replace("  model: {zh: 非常抱歉。", plain + "  model: {zh: 非常抱歉。")
    assert findings(make_playbook(drill(nodes)), "L112") == []
