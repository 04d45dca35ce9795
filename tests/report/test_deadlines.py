"""The report's deadlines are `recommend`'s: `main_deadlines` agrees with it, paused, met or overdue."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from cxcoach.engine import parse_case, recommend
from cxcoach.engine.recommend import main_deadlines
from cxcoach.playbook import load_playbook

TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 10, 9, 16, 0, tzinfo=TZ)  # the Friday before a make-up Saturday


@pytest.fixture(scope="module")
def playbook():
    return load_playbook()


CASES = list(itertools.product(
    ["major", "general"], ["phone", "hotline", "media", "web"], ["received", "waiting_customer", "resolved"],
    [False, True], [0.2, 30, 200]))


@pytest.mark.parametrize(("severity", "channel", "stage", "urgent", "hours"), CASES)
def test_main_deadlines_agree_with_recommend(playbook, severity: str, channel: str, stage: str, urgent: bool,
                                             hours: float) -> None:
    now = T0 + dt.timedelta(hours=hours)
    raw = {"received_at": T0.isoformat(), "now": now.isoformat(),
           "facts": {"severity": severity, "channel": channel, "stage": stage, "urgent": urgent},
           "pauses": [{"from": (T0 + dt.timedelta(minutes=10)).isoformat(),
                       "to": (T0 + dt.timedelta(minutes=40)).isoformat()}]}
    case = parse_case(playbook, raw)
    full = {d.target: d for d in recommend(playbook, case).deadlines if d.target in ("respond", "resolve")}
    lean = main_deadlines(playbook, case)
    assert set(full) == set(lean)
    for target, (duration, source, timing) in lean.items():
        d = full[target]
        assert (duration, source, timing.due, timing.met, timing.overdue) == (d.duration, d.source, d.due, d.met,
                                                                              d.overdue)
