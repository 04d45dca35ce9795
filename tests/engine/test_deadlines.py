"""CaseDeadlines: a case's deadlines worked out only as far as asked, with the same answers either way."""

from __future__ import annotations

import pytest

from cxcoach.engine import parse_case
from cxcoach.engine.deadlines import CaseDeadlines, case_clock

from .factory import CALENDAR, case, dur, playbook

DURATIONS = ("30m", "2h", "1d", "3d", "4bh", "1bd", "end_of_business_day")


def _deadlines(met: frozenset[str] = frozenset(), **raw) -> CaseDeadlines:
    parsed = parse_case(playbook(), case(**raw))
    return CaseDeadlines(CALENDAR, case_clock(parsed, paused_by_state=False), met)


@pytest.mark.parametrize("now", ["2026-03-04T10:20:00+08:00", "2026-03-05T09:00:00+08:00",
                                 "2026-03-10T18:00:00+08:00"])
@pytest.mark.parametrize("met", [frozenset(), frozenset({"respond"}), frozenset({"respond", "resolve", "*"})])
def test_overdue_from_the_due_time_alone_is_what_the_full_timing_says(now, met):
    pauses = [{"from": "2026-03-04T12:00:00+08:00", "to": "2026-03-04T20:00:00+08:00"}]
    for raw in DURATIONS:
        lean, full = _deadlines(met, now=now, pauses=pauses), _deadlines(met, now=now, pauses=pauses)
        for target in ("respond", "resolve", "a_step"):
            assert lean.overdue(target, dur(raw)) is full.of(target, dur(raw)).overdue, (raw, target)
            assert lean.due(dur(raw)) == full.timing(dur(raw)).due


def test_the_earliest_candidate_wins_and_the_first_listed_on_a_tie():
    clocks = _deadlines(now="2026-03-04T11:00:00+08:00")
    candidates = [(dur("3d"), "playbook"), (dur("2h"), "r1"), (dur("120m"), "r2"), (dur("end_of_business_day"), "r3")]
    assert clocks.earliest(candidates) == (dur("2h"), "r1")
    assert clocks.earliest([]) is None


def test_a_met_deadline_keeps_its_due_time_and_share_but_is_never_overdue():
    clocks = _deadlines(frozenset({"respond"}), now="2026-03-06T10:00:00+08:00")
    shown, plain = clocks.of("respond", dur("2h")), clocks.timing(dur("2h"))
    assert plain.overdue and not shown.overdue and shown.met
    assert (shown.due, shown.fraction) == (plain.due, plain.fraction)
