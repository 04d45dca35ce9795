"""An append folds one event onto the stored snapshot and runs the engine only when a deadline input
changed: the stored state must always equal a full replay of the log under the current playbook."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxcoach.desk import Desk, EventRejected, fold, snapshot, state_columns
from cxcoach.desk import state as state_mod
from cxcoach.desk.state import clock_inputs
from cxcoach.playbook import load_playbook
from cxcoach.store import Store
from cxcoach.store import tables as t
from cxcoach.store.cases import STATE_COLUMNS

TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 3, 6, 10, 0, tzinfo=TZ)  # a Friday morning in Shanghai


@pytest.fixture(scope="module")
def playbook():
    return load_playbook()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with Store.open(tmp_path_factory.mktemp("snap") / "desk.sqlite3") as s:
        yield s


def assert_replayed(desk: Desk, ref: str) -> None:
    """The stored row and snapshot are what a full replay of the log gives under the desk's playbook."""
    row, events = desk.cases.load(desk.find(ref).id)
    replayed = fold(desk.playbook, row.received_at, events)
    expected = state_columns(desk.playbook, replayed)
    assert {name: getattr(row, name) for name in STATE_COLUMNS} == expected
    head = desk.cases.head(row.id)
    assert head is not None and snapshot.decode(desk.playbook, head[1], row.version) == replayed


FACTS = {"severity": ["major", "general"], "channel": ["phone", "hotline", "web", "consumer_association"],
         "urgent": [True, False], "emotion": ["calm", "angry"]}
action = st.one_of(
    st.tuples(st.just("stage"), st.integers(0, 10)),
    st.tuples(st.just("fact"), st.sampled_from(sorted(FACTS)), st.integers(0, 3)),
    st.tuples(st.just("note")),
    st.tuples(st.just("follow_up"), st.sampled_from(["satisfied", "neutral"])),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.fixed_dictionaries({"severity": st.sampled_from(FACTS["severity"]),
                                    "channel": st.sampled_from(FACTS["channel"])}),
       steps=st.lists(st.tuples(action, st.integers(0, 3 * 24 * 60)), max_size=14))
def test_every_append_agrees_with_a_full_replay(store: Store, playbook, first, steps) -> None:
    desk = Desk(store, playbook)
    ref = desk.open(facts=first, at=T0).ref
    when = T0
    for act, minutes in steps:
        when += dt.timedelta(minutes=minutes)
        state = desk.show(ref, now=when).state
        try:
            if act[0] == "stage":
                options = playbook.workflow.transitions.get(state.stage or "", ())
                if not options:
                    continue
                stage = options[act[1] % len(options)]
                desk.update(ref, stage=stage, at=when, by="service_director")
            elif act[0] == "fact":
                values = FACTS[act[1]]
                desk.update(ref, facts={act[1]: values[act[2] % len(values)]}, at=when)
            elif act[0] == "note":
                desk.update(ref, note="called the customer", at=when)
            else:
                desk.follow_up(ref, satisfaction=act[1], at=when)
        except EventRejected:
            continue  # a closed case, or a follow-up before resolution: nothing written
        assert_replayed(desk, ref)


def test_a_missing_or_unreadable_snapshot_means_one_replay(store: Store, playbook) -> None:
    desk = Desk(store, playbook)
    row = desk.open(facts={"severity": "major"}, at=T0, external_id="S-1")
    desk.update("S-1", stage="waiting_customer", at=T0 + dt.timedelta(minutes=10))
    for blob in (None, b"\x93not a snapshot", snapshot.encode(playbook, fold(playbook, row.received_at, []), 2)):
        with store.db.write() as conn:  # as a database from before snapshots, a damaged one, a wrong one
            conn.execute(t.cases.update().where(t.cases.c.id == row.id).values(snapshot=blob))
        version = desk.find("S-1").version
        desk.update("S-1", note="still waiting", at=T0 + dt.timedelta(minutes=10 + version))
        assert_replayed(desk, "S-1")
    desk.update("S-1", stage="investigating", at=T0 + dt.timedelta(minutes=40))
    assert_replayed(desk, "S-1")
    assert desk.show("S-1").state.pauses[0] == (T0 + dt.timedelta(minutes=10), T0 + dt.timedelta(minutes=40))


def test_an_edited_clock_replays_the_log_instead_of_trusting_the_snapshot(store: Store, playbook,
                                                                          edited_playbook) -> None:
    Desk(store, playbook).open(facts={"severity": "general"}, at=T0, external_id="E-1")
    Desk(store, playbook).update("E-1", stage="acknowledged", at=T0 + dt.timedelta(minutes=5))
    # the trainer makes "acknowledged" a paused stage: the case has been paused since 10:05
    edited = edited_playbook(playbook_yaml=(
        "pause_when: {fact: stage, op: eq, value: waiting_customer}",
        "pause_when: {fact: stage, op: in, value: [waiting_customer, acknowledged]}"))
    assert clock_inputs(edited).key != clock_inputs(playbook).key
    desk = Desk(store, edited)
    desk.update("E-1", note="left a message", at=T0 + dt.timedelta(minutes=20))
    assert_replayed(desk, "E-1")
    assert desk.find("E-1").paused_since == T0 + dt.timedelta(minutes=5)


def test_the_engine_runs_only_when_an_event_can_move_a_deadline(store: Store, playbook, monkeypatch) -> None:
    calls: list[str | None] = []
    real = state_mod.due_columns

    def counting(pb, state):
        calls.append(state.stage)
        return real(pb, state)

    monkeypatch.setattr(state_mod, "due_columns", counting)
    desk = Desk(store, playbook)
    desk.open(facts={"severity": "general", "channel": "phone"}, at=T0, external_id="N-1")
    assert len(calls) == 1
    desk.update("N-1", note="called back, no answer", at=T0 + dt.timedelta(minutes=1))
    desk.update("N-1", facts={"emotion": "angry", "root_cause": "late delivery"}, at=T0 + dt.timedelta(minutes=2))
    assert len(calls) == 1  # neither a note nor facts that no deadline, pause or met test reads
    desk.update("N-1", facts={"channel": "hotline"}, at=T0 + dt.timedelta(minutes=3))  # tier_hotline: 3 h
    desk.update("N-1", stage="waiting_customer", at=T0 + dt.timedelta(minutes=4))
    assert len(calls) == 3
    assert_replayed(desk, "N-1")


def test_the_shipped_playbook_has_no_deadline_that_moves_with_time_alone(playbook) -> None:
    """docs/desk.md relies on it: the queue's stored due instants are exact for the default playbook."""
    inputs = clock_inputs(playbook)
    assert inputs.timed == ()
    assert {"stage", "severity", "channel", "urgent"} <= set(inputs.facts)


def test_a_deadline_rule_on_elapsed_time_runs_the_engine_on_every_event(store: Store, edited_playbook,
                                                                         monkeypatch) -> None:
    edited = edited_playbook(rules="""
  - id: slow_general_case
    when:
      all:
        - {fact: severity, op: eq, value: general}
        - {fact: elapsed_minutes, op: gt, value: 120}
    then:
      deadlines: {respond: 30m}
""")
    assert clock_inputs(edited).timed == ("slow_general_case",)
    desk = Desk(store, edited)
    desk.open(facts={"severity": "general", "channel": "web"}, at=T0, external_id="L-1")
    before = desk.find("L-1").respond_due
    calls = []
    real = state_mod.due_columns
    monkeypatch.setattr(state_mod, "due_columns", lambda pb, state: calls.append(1) or real(pb, state))
    desk.update("L-1", note="nothing new", at=T0 + dt.timedelta(minutes=150))
    assert calls == [1]
    row = desk.find("L-1")
    assert row.respond_due == T0 + dt.timedelta(minutes=30) != before  # the rule fired by the note's time
    assert_replayed(desk, "L-1")


def test_append_is_one_statement_after_one_read(db_target: str, playbook) -> None:
    """Round trips per event: one read of the state row, one write (PostgreSQL: one statement in autocommit)."""
    with Store.open(db_target) as s:
        desk = Desk(s, playbook)
        desk.open(facts={"severity": "general"}, at=T0, external_id="R-1")
        seen: list[str] = []
        sa.event.listen(s.db.engine, "before_cursor_execute",
                        lambda conn, cursor, statement, *rest: seen.append(statement.split()[0].upper()))
        desk.update("R-1", note="one", at=T0 + dt.timedelta(minutes=1))
        if s.db.is_sqlite:
            assert [x for x in seen if x != "BEGIN"] == ["SELECT", "UPDATE", "INSERT"]
        else:
            assert seen == ["SELECT", "WITH"]
        assert_replayed(desk, "R-1")
