"""The queue's ranking from state rows alone (desk.risk.Triage) agrees with the engine, and the store's
stamp notices every change to the open cases."""

from __future__ import annotations

import datetime as dt

import pytest

from cxcoach.desk import Desk
from cxcoach.desk.risk import Triage
from cxcoach.playbook import load_playbook
from cxcoach.store import Store

TZ = dt.timezone(dt.timedelta(hours=8))
FRIDAY = dt.datetime(2026, 3, 6, 10, 0, tzinfo=TZ)


def at(hours: float) -> dt.datetime:
    return FRIDAY + dt.timedelta(hours=hours)


@pytest.fixture(scope="module")
def playbook():
    return load_playbook()


@pytest.fixture
def desk(tmp_path, playbook):
    with Store.open(tmp_path / "desk.sqlite3") as store:
        yield Desk(store, playbook, clock=lambda: FRIDAY)


def cases(desk: Desk) -> None:
    """Business-hour and elapsed deadlines, an evening case over a weekend, pauses past and present."""
    desk.open(facts={"severity": "major", "channel": "phone"}, at=at(0), external_id="major")  # respond 30m
    desk.open(facts={"severity": "general", "channel": "phone"}, at=at(-1), external_id="general")  # end of day
    desk.open(facts={"severity": "general", "channel": "phone"}, at=at(8), external_id="evening")  # 18:00 Friday
    desk.open(facts={"severity": "general", "channel": "phone"}, at=at(-2), external_id="paused")
    desk.update("paused", stage="waiting_customer", at=at(-1.5))
    desk.open(facts={"severity": "general", "channel": "phone"}, at=at(-3), external_id="was-paused")
    desk.update("was-paused", stage="waiting_customer", at=at(-2.5))
    desk.update("was-paused", stage="investigating", at=at(-0.5))  # responded; resolve pushed 2 h later
    desk.open(facts={"severity": "general", "channel": "phone"}, at=at(-5), external_id="answered")
    desk.update("answered", stage="acknowledged", at=at(-4))  # only the 3-day resolve deadline runs


@pytest.mark.parametrize("later", [0.25, 1, 7.5, 30, 76, 100])
def test_shares_overdue_and_levels_agree_with_the_engine(desk: Desk, playbook, later: float) -> None:
    cases(desk)
    triage = Triage(playbook)
    now = at(later)
    for row in desk.queue(now=now):
        risk = triage.risk(row, now)
        result = desk.show(row.id, now=now).result
        assert result is not None
        running = {d.target: d for d in result.deadlines if d.target in ("respond", "resolve") and not d.met}
        nearest = running[risk.target]
        assert nearest.due == row.next_due or row.paused_since is not None  # a running pause moves the engine's
        assert risk.share == pytest.approx(nearest.fraction, abs=1e-6), row.ref
        assert risk.overdue == any(d.overdue for d in running.values()), row.ref
        assert risk.warning == nearest.warning, row.ref
        levels = [d.level for d in running.values() if d.level]
        engine_level = result.escalation.level if result.escalation else None
        assert (risk.level.id if risk.level else None) == engine_level, (row.ref, levels)


def test_the_order_is_overdue_first_then_share_used(desk: Desk, playbook) -> None:
    cases(desk)
    now = at(0.75)  # Friday 10:45
    ranked = Triage(playbook).rank(desk.queue(now=now), now)
    refs = [row.ref for row, _ in ranked]
    # major (30 min) is overdue; then by share: general (1 of 7.5 working hours... plus 45 min), and so on
    assert refs[0] == "major"
    shares = [risk.share for _, risk in ranked[1:]]
    assert shares == sorted(shares, reverse=True)
    assert not any(risk.overdue for _, risk in ranked[1:])


def test_a_paused_case_stands_still(desk: Desk, playbook) -> None:
    cases(desk)
    triage = Triage(playbook)
    row = desk.find("paused")
    early, late = triage.risk(row, at(1)), triage.risk(row, at(50))
    assert early.paused and early.left == late.left and early.share == late.share
    assert not late.overdue


def test_a_duration_the_playbook_no_longer_declares_is_measured_on_the_wall_clock(desk: Desk, playbook) -> None:
    import msgspec

    desk.open(facts={"severity": "general"}, at=at(0), external_id="odd")
    # 15 minutes: shorter than every respond duration the playbook declares (the shortest is 30m)
    row = msgspec.structs.replace(desk.find("odd"), respond_due=at(0.25), next_due=at(0.25))
    risk = Triage(playbook).risk(row, at(0.2))
    assert risk.share == pytest.approx(0.8) and risk.warning == 0.75
    # a due later than a declared duration lands is that duration plus earlier pauses: 3h, then 1 h paused
    row = msgspec.structs.replace(row, respond_due=at(4), next_due=at(4))
    assert Triage(playbook).risk(row, at(3)).share == pytest.approx(2 / 3)


def test_the_stamp_changes_with_every_change_to_the_open_cases(desk: Desk) -> None:
    stamps = [desk.cases.stamp(open=True)]
    assert stamps[0] == (0, 0, 0)
    desk.open(facts={"severity": "general"}, at=at(0), external_id="A")
    desk.open(facts={"severity": "general"}, at=at(0), external_id="B")
    stamps.append(desk.cases.stamp(open=True))
    desk.update("A", note="called", at=at(1))
    stamps.append(desk.cases.stamp(open=True))
    desk.update("B", stage="resolved", at=at(1))
    desk.update("B", stage="closed", at=at(2), by="service_manager")  # leaves the open cases
    desk.update("A", note="again", at=at(2))  # ... while another gains a version
    stamps.append(desk.cases.stamp(open=True))
    assert len(set(stamps)) == len(stamps)
    assert desk.cases.stamp(open=True) == stamps[-1]  # nothing changed, nothing to read
