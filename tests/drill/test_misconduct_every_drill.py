"""In every shipped drill, misconduct in place of one model answer costs at least 20 points and is named.

For each drill and language, the second model answer (or the first, in a
one-node drill) is replaced by a misconduct reply; the rest of the run
answers with the model answers of whatever nodes follow. The kind of
misconduct rotates with the drill, so every kind is tried in several drills
and both languages without replaying every drill five times.
"""

from __future__ import annotations

import pytest

from cxcoach.drill import DrillSession
from cxcoach.drill.report import drill_text
from cxcoach.playbook import default_playbook_path, load_playbook

MISCONDUCT = {
    "zh": {"dismissive": "这种事谁家都碰到过，多大点事，至于吗？",
           "dismiss_feelings": "您先冷静一下，别这么激动。",
           "challenge": "您这么大声干什么？",
           "arguing": "不可能，我们的系统从来不会出错。",
           "deflecting": "这不归我管，您去找别的部门吧。"},
    "en": {"dismissive": "Look, this happens to everybody, it's not personal, so let's not make a drama out of it.",
           "dismiss_feelings": "Calm down, there's no need to get so worked up.",
           "challenge": "Why are you shouting at me?",
           "arguing": "That's not true, our system never makes mistakes.",
           "deflecting": "That's not my department, you'll have to call someone else."},
}


def _drills() -> list[str]:
    return sorted(load_playbook(default_playbook_path()).drills)


def _run(pb, drill_id: str, locale: str, replace: int | None, reply: str = ""):
    session = DrillSession(pb, drill_id, seed=0, locale=locale)
    turn = 0
    while not session.finished:
        turn += 1
        session.reply(reply if turn == replace else session.node.model.get(locale))
    return session.report()


@pytest.mark.parametrize("index, drill_id", list(enumerate(_drills())))
def test_misconduct_costs_20_points_and_is_named(default_pb, index, drill_id):
    for k, locale in enumerate(default_pb.drills[drill_id].locales):
        full = _run(default_pb, drill_id, locale, None)
        turn = 2 if len(full.turns) > 1 else 1
        kinds = list(MISCONDUCT[locale].items())
        for act, reply in [kinds[(index + k) % len(kinds)]]:
            report = _run(default_pb, drill_id, locale, turn, reply)
            assert act in {b.detector for b in report.turns[turn - 1].behaviours}, (locale, act)
            assert full.score.score - report.score.score >= 20, (locale, act, full.score.score, report.score.score)
            text = drill_text(default_pb, report)
            title = default_pb.detectors[act].title.get(locale)
            assert any(c.criterion.detector == act and c.evidence and c.evidence[0].turn == turn
                       for c in report.score.criteria if c.status.value == "triggered"), (locale, act)
            quote = next(c.evidence[0].span.text for c in report.score.criteria
                         if c.criterion.detector == act and c.status.value == "triggered")
            assert quote in reply and quote in text, (locale, act, title)
