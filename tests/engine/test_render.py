from __future__ import annotations

import json

import msgspec

from cxcoach.engine import recommend
from cxcoach.engine.render import clean, render_json, render_markdown, render_text
from cxcoach.playbook import model as m

from .factory import all_, case, playbook, rule, t, text


def _result(explain=False, locale="en", **facts):
    pb = playbook(rule("major", all_(t("severity", "eq", "major"), t("anger", "ge", 5)), steps=["listen", "apologise"],
                       strategies=["dominant_way"], avoid=["blame"], because="Major cases first"),
                  rule("phone", all_(t("severity", "eq", "major"), t("channel", "eq", "phone"))))
    facts = facts or {"severity": "major", "anger": 7, "channel": "web"}
    return recommend(pb, case(facts, now="2026-03-04T10:50:00+08:00", id="T-7"), explain=explain, locale=locale)


def test_text_lists_steps_deadlines_and_reasons():
    out = render_text(_result(explain=True))
    assert out.startswith("Case T-7 · received 2026-03-04T10:00+08:00")
    assert "  1. LISTEN [listen]  (owner Service advisor, due 2026-03-04T10:30+08:00, OVERDUE)" in out
    assert "     say: Take your time" in out
    assert "     because: major (severity=major, anger=7): Major cases first" in out
    assert "  respond by: 2026-03-04T12:00+08:00 (2h, playbook; 42%)" in out
    assert "Escalate to: director" in out
    assert "Near misses\n  phone: channel eq phone (failed: channel=web)" in out


def test_text_in_chinese_uses_chinese_headings():
    out = render_text(_result(locale="zh"))
    assert "下一步" in out and "话术：您慢慢说" in out and "负责 服务顾问" in out


def test_no_match_says_so():
    out = render_text(_result(severity="general"))
    assert "No rule matched this case." in out


def test_markdown_escapes_structure_characters():
    assert "\\*\\*bold\\*\\* \\| pipe" in render_markdown(_result_with_title("**bold** | pipe"))


def _result_with_title(title):
    pb = playbook(rule("r", t("severity", "eq", "major"), steps=["listen"]))
    steps = dict(pb.steps)
    steps["listen"] = m.Step("listen", "intake", 0, text(title), m.NOWHERE)
    pb2 = msgspec.structs.replace(pb, steps=steps)
    return recommend(pb2, case({"severity": "major"}))


def test_markdown_and_json():
    res = _result(explain=True)
    md = render_markdown(res)
    assert md.startswith("# Case T-7") and "## Next steps" in md
    assert "1. **LISTEN** (`listen`) — owner Service advisor" in md
    assert "| `respond` | 2026-03-04T12:00+08:00 | 42% |" in md
    data = json.loads(render_json(res))
    assert data["recommendations"][0]["id"] == "listen" and data["near_misses"][0]["rule"] == "phone"


def test_terminal_control_characters_are_neutralised():
    dirty = "ok\x1b[2J\x07\u202egnp.exe\r\nline"
    assert clean(dirty) == "ok[2Jgnp.exe line"
    pb = playbook(rule("r", t("severity", "eq", "major"), steps=["listen"]))
    steps = dict(pb.steps)
    steps["listen"] = m.Step("listen", "intake", 0, text("\x1b]0;pwned\x07Listen\x1b[8m"), m.NOWHERE, owner="advisor")
    pb2 = msgspec.structs.replace(pb, steps=steps)
    res = recommend(pb2, case({"severity": "major", "note": "\x1b[31mboom"}))
    for out in (render_text(res), render_markdown(res)):
        assert "\x1b" not in out and "\x07" not in out
    assert "]0;pwnedListen[8m" in render_text(res)
