"""The case domain: events validated against the playbook, pauses, agreement with `recommend`,
closure rights, the queue, and writers racing on one case. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap

import pytest

from cxcoach.desk import Desk, EventRejected, parse_time
from cxcoach.engine import recommend
from cxcoach.playbook import load_playbook
from cxcoach.store import Store

TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 3, 6, 10, 0, tzinfo=TZ)  # a Friday morning in Shanghai
MAJOR = {"severity": "major", "channel": "phone"}  # respond within 30 minutes


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.fixture(scope="module")
def playbook():
    return load_playbook()


@pytest.fixture
def store(db_target: str):
    with Store.open(db_target) as s:
        yield s


@pytest.fixture
def desk(store: Store, playbook) -> Desk:
    return Desk(store, playbook, clock=lambda: at(0))


def test_a_case_walks_from_received_to_closed(desk: Desk) -> None:
    row = desk.open(facts={"severity": "general", "channel": "phone"}, at=at(0), external_id="T-1",
                    by="service_advisor", note="customer phoned")
    assert row.stage == "received" and row.is_open and row.version == 1 and row.respond_due is not None
    desk.update("T-1", stage="acknowledged", at=at(5), by="complaint_handler")
    desk.update("T-1", stage="investigating", facts={"root_cause": "courier lost the parcel"}, at=at(30))
    desk.update("T-1", stage="resolved", at=at(60), note="refund sent")
    desk.follow_up("T-1", satisfaction="satisfied", scores={"reliability": (8, 9)}, at=at(120),
                   by="customer_care_specialist")
    done = desk.update(str(row.id), stage="closed", at=at(130), by="service_director", note="close it")
    assert not done.is_open and done.closed_at == at(130) and done.satisfaction == "satisfied"
    view = desk.show("T-1", now=at(200))
    assert [e.kind for e in view.events] == ["open", "update", "update", "update", "follow_up", "update"]
    assert view.state.closed_by == "service_director" and view.state.closure_note == "close it"
    assert view.state.follow_up is not None and view.state.follow_up.ratio == pytest.approx(9 / 8)
    assert view.result is None  # no clock runs on a closed case
    assert view.state.facts["root_cause"] == "courier lost the parcel"


def test_pauses_count_every_visit_and_agree_with_recommend(desk: Desk, playbook) -> None:
    desk.open(facts={"severity": "major"}, at=at(0), external_id="P")
    desk.update("P", stage="waiting_customer", at=at(10))
    desk.update("P", stage="investigating", at=at(40))
    desk.update("P", stage="waiting_customer", at=at(50))
    desk.update("P", facts={"emotion": "angry"}, at=at(55), note="customer called, still no documents")
    view = desk.show("P", now=at(70))
    assert view.state.pauses == ((at(10), at(40)), (at(50), None))
    assert view.result is not None and view.result.paused
    assert view.result.paused_minutes == 50  # 30 + 20, both visits
    # the same facts and pause history given to `recommend` directly give the same answer
    same = recommend(playbook, {
        "id": "P", "received_at": at(0).isoformat(), "now": at(70).isoformat(),
        "facts": {"severity": "major", "stage": "waiting_customer", "emotion": "angry"},
        "pauses": [{"from": at(10).isoformat(), "to": at(40).isoformat()}, {"from": at(50).isoformat()}]})
    assert same.to_json() == view.result.to_json()


def test_rejected_events_write_nothing_and_say_why(desk: Desk) -> None:
    desk.open(facts={"severity": "general"}, at=at(0), external_id="R")
    cases = [
        (dict(stage="closed", at=at(5), by="service_director"), "cannot move to “已结案”"),
        (dict(stage="acknowledged", at=at(-5)), "before the case was received"),
        (dict(facts={"emotion": "livid"}, at=at(5)), "unknown value 'livid'"),
        (dict(facts={"colour": "red"}, at=at(5)), "unknown fact 'colour'"),
        (dict(stage="acknowledged", at=at(5), by="janitor"), "unknown role 'janitor'"),
        (dict(stage="nowhere", at=at(5)), "unknown value 'nowhere'"),
    ]
    for kwargs, reason in cases:
        with pytest.raises(EventRejected, match=reason):
            desk.update("R", **kwargs)
    desk.update("R", stage="acknowledged", at=at(20))
    with pytest.raises(EventRejected, match="before the case's last event"):
        desk.update("R", note="late entry", at=at(10))
    assert desk.find("R").version == 2


def test_closure_only_by_the_roles_the_playbook_names(desk: Desk) -> None:
    for ref, severity in (("M", "major"), ("G", "general")):
        desk.open(facts={"severity": severity}, at=at(0), external_id=ref)
        desk.update(ref, stage="resolved", at=at(10))
    with pytest.raises(EventRejected, match="needs the role of who does it"):
        desk.update("M", stage="closed", at=at(20))
    with pytest.raises(EventRejected, match="role 'service_manager' may not close"):
        desk.update("M", stage="closed", at=at(20), by="service_manager")
    assert desk.update("G", stage="closed", at=at(20), by="service_manager").closed_at == at(20)
    assert desk.update("M", stage="closed", at=at(20), by="service_director").closed_at == at(20)
    with pytest.raises(EventRejected, match="closed case takes no further changes"):
        desk.update("M", note="one more thing", at=at(30))


def test_reopening_and_follow_up_rules(desk: Desk) -> None:
    desk.open(facts={"severity": "general"}, at=at(0), external_id="F")
    with pytest.raises(EventRejected, match="after the case is resolved"):
        desk.follow_up("F", satisfaction="satisfied", at=at(5))
    desk.update("F", stage="resolved", at=at(10))
    with pytest.raises(EventRejected, match=r"unknown satisfaction 'happy'.*unknown service-quality dimension 'speed'"):
        desk.follow_up("F", satisfaction="happy", scores={"speed": (5, 5)}, at=at(15))
    desk.update("F", stage="investigating", at=at(20), note="customer says it broke again")
    view = desk.show("F", now=at(30))
    assert view.state.reopened == 1 and view.state.resolved_at is None and view.row.resolved_at is None


def test_queue_overdue_and_due_within(desk: Desk) -> None:
    desk.open(facts=MAJOR, at=at(0), external_id="late")  # respond within 30 minutes
    desk.open(facts=MAJOR, at=at(0), external_id="paused")
    desk.update("paused", stage="waiting_customer", at=at(10))
    desk.open(facts={"severity": "general"}, at=at(0), external_id="fine")
    desk.open(facts={"severity": "major"}, at=at(0), external_id="done")
    desk.update("done", stage="resolved", at=at(5))
    desk.update("done", stage="closed", at=at(6), by="service_director")
    assert [r.ref for r in desk.queue(overdue=True, now=at(45))] == ["late"]
    assert {r.ref for r in desk.queue(now=at(45))} == {"late", "paused", "fine"}
    soon = desk.queue(due_within=dt.timedelta(minutes=30), now=at(10))
    assert [r.ref for r in soon] == ["late"]  # 'paused' stands still; 'fine' is due at the end of the day
    assert all(r.overdue_at(at(45)) == (r.ref == "late") for r in desk.queue(now=at(45)))
    # answering meets the respond deadline; 'fine' missed the end of the working day
    desk.update("late", stage="waiting_customer", at=at(50))
    assert [r.ref for r in desk.queue(overdue=True, now=at(600))] == ["fine"]
    # an overdue case stays overdue while its clock is paused, and a paused clock does not run out
    day = 24 * 60
    desk.update("fine", stage="acknowledged", at=at(601))
    desk.update("fine", stage="waiting_customer", at=at(4 * day))
    assert "fine" in [r.ref for r in desk.queue(overdue=True, now=at(9 * day))]
    assert "paused" not in [r.ref for r in desk.queue(overdue=True, now=at(9 * day))]


def test_external_ids_and_numbers_both_find_a_case(desk: Desk) -> None:
    row = desk.open(facts={}, at=at(0), external_id="TK-9")
    assert desk.find("TK-9").id == row.id and desk.find(str(row.id)).external_id == "TK-9"
    with pytest.raises(Exception, match="already exists"):
        desk.open(facts={}, at=at(1), external_id="TK-9")


def test_times_are_read_in_the_playbook_zone(playbook) -> None:
    tz = playbook.calendar.timezone
    assert parse_time("2026-03-06 16:00", tz) == dt.datetime(2026, 3, 6, 16, 0, tzinfo=TZ)
    assert parse_time("2026-03-06T08:00Z", tz) == dt.datetime(2026, 3, 6, 16, 0, tzinfo=TZ)
    assert parse_time("09:30", tz, now=T0) == dt.datetime(2026, 3, 6, 9, 30, tzinfo=TZ)
    with pytest.raises(ValueError, match="'25:99' is not a time of day"):
        parse_time("25:99", tz)
    with pytest.raises(ValueError, match="is not a date"):
        parse_time("2026-02-30 10:00", tz)


def test_concurrent_writers_lose_no_event(db_target: str) -> None:
    """Four processes append to the same case at once; every event lands, numbered without gaps."""
    with Store.open(db_target) as s:
        Desk(s, load_playbook()).open(facts={"severity": "general"}, at=at(0), external_id="RACE")
    worker = textwrap.dedent(f"""
        import datetime as dt, sys
        from cxcoach.desk import Desk
        from cxcoach.playbook import load_playbook
        from cxcoach.store import Store
        s = Store.open({db_target!r})
        d = Desk(s, load_playbook())
        t0 = dt.datetime(2026, 3, 6, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        for i in range(15):
            d.update("RACE", note=f"{{sys.argv[1]}}-{{i}}", at=t0 + dt.timedelta(minutes=1))
    """)
    procs = [subprocess.Popen([sys.executable, "-c", worker, name]) for name in "abcd"]
    assert [p.wait(timeout=300) for p in procs] == [0, 0, 0, 0]
    with Store.open(db_target) as s:
        row, events = s.cases.load(s.cases.find("RACE").id)
    assert row.version == 61 and [e.seq for e in events] == list(range(1, 62))
    assert sorted(e.note for e in events[1:]) == sorted(f"{n}-{i}" for n in "abcd" for i in range(15))


def test_refusals_name_stages_by_label_and_inputs_as_the_caller_does(desk: Desk) -> None:
    """The console and the CLI read the same refusals: stage labels in the reader's language, and an input named
    the way the reader gives it (an option only for the CLI, the form's own field label in the console)."""
    from cxcoach.desk import Wording
    from cxcoach.desk.service import scores_from
    from cxcoach.tui.widgets.event_form import form_wording

    desk.open(facts={"severity": "major"}, at=at(0), external_id="W")
    desk.update("W", stage="resolved", at=at(10))
    desk.wording = form_wording("en")
    with pytest.raises(EventRejected) as refused:
        desk.update("W", stage="closed", at=at(20))
    (problem,) = refused.value.problems
    assert problem.startswith("closing a case ('Closed') needs 'By (role)';") and "--" not in problem
    desk.wording = form_wording("zh")
    with pytest.raises(EventRejected, match=r"“已结案”.*“操作角色”"):
        desk.update("W", stage="closed", at=at(20))
    with pytest.raises(EventRejected) as refused:
        scores_from(["reliability"], desk.wording)
    assert "--score" not in refused.value.problems[0] and "维度=期望:感知" in refused.value.problems[0]
    desk.wording = Wording("en", {"by": "--by ROLE"}, ids=True)
    desk.open(facts={"severity": "general"}, at=at(0), external_id="E")
    with pytest.raises(EventRejected) as refused:
        desk.update("E", stage="closed", at=at(5), by="service_director")
    assert refused.value.problems == ["stage 'Received' (received) cannot move to 'Closed' (closed); from 'Received' "
                                      "(received) the playbook allows: 'Acknowledged' (acknowledged), "
                                      "'Investigating' (investigating), 'Waiting on the customer' (waiting_customer), "
                                      "'Solution proposed' (solution_proposed), 'Resolved' (resolved)"]


def test_notes_and_text_facts_are_storable_and_bounded_on_every_path(desk: Desk) -> None:
    """The library refuses what the command line refuses: a NUL (PostgreSQL cannot store it) or a note or text
    fact over 64 KiB, in open, update, follow-up and batches alike; nothing is written."""
    from cxcoach.desk import Feedback, Update
    from cxcoach.desk.validate import MAX_TEXT

    huge = "很" * (MAX_TEXT + 1)
    with pytest.raises(EventRejected, match="the note holds a NUL"):
        desk.open(facts={"severity": "general"}, at=T0, note="a\x00b")
    with pytest.raises(EventRejected, match=f"fact 'description' is {MAX_TEXT + 1:,} characters long"):
        desk.open(facts={"severity": "general", "description": huge}, at=T0)
    row = desk.open(facts={"severity": "general", "description": "很" * MAX_TEXT}, at=T0, external_id="L-1")
    with pytest.raises(EventRejected, match="the note is"):
        desk.update("L-1", note=huge, at=at(5))
    with pytest.raises(EventRejected, match="fact 'root_cause' is"):
        desk.update_many([Update("L-1", note="fine", at=at(5)), Update("L-1", facts={"root_cause": huge}, at=at(6))])
    desk.update("L-1", stage="resolved", at=at(10))
    with pytest.raises(EventRejected, match="the note holds a NUL"):
        desk.update_many([Feedback("L-1", "satisfied", at=at(20), note="\x00")])
    assert desk.show("L-1", now=at(30)).row.version == row.version + 1 and desk.cases.count() == 1


def test_a_bare_time_of_day_for_what_happened_is_the_latest_one_by_now() -> None:
    """`--at 16:00` typed at 00:30 means yesterday afternoon: read as today's it would be 15 hours ahead, and
    every later event of the case would have to come after it."""
    tz = "Asia/Shanghai"
    after_midnight = dt.datetime(2026, 3, 7, 0, 30, tzinfo=TZ)
    assert parse_time("16:00", tz, now=after_midnight, past=True) == dt.datetime(2026, 3, 6, 16, 0, tzinfo=TZ)
    assert parse_time("00:10", tz, now=after_midnight, past=True) == dt.datetime(2026, 3, 7, 0, 10, tzinfo=TZ)
    assert parse_time("00:40", tz, now=after_midnight, past=True) == dt.datetime(2026, 3, 7, 0, 40, tzinfo=TZ)  # grace
    assert parse_time("16:00", tz, now=after_midnight) == dt.datetime(2026, 3, 7, 16, 0, tzinfo=TZ)  # --now, --due
    assert parse_time("2026-03-07 16:00", tz, now=after_midnight, past=True).day == 7  # a date is taken as given


def test_update_at_a_time_of_day_still_ahead_records_yesterdays(tmp_path) -> None:
    import json

    from click.testing import CliRunner

    from cxcoach.cli import main
    from cxcoach.desk.times import PAST_GRACE

    db = str(tmp_path / "d.sqlite3")
    now = dt.datetime.now(dt.UTC)
    ahead = (now + dt.timedelta(hours=3)).astimezone(TZ)  # a time of day 3 hours on: later today, or early tomorrow
    run = CliRunner().invoke
    assert run(main, ["case", "open", "--id", "Y", "--db", db, "--at", (now - dt.timedelta(days=2)).isoformat(),
                      "--set", "channel=web"]).exit_code == 0
    out = run(main, ["case", "update", "Y", "--note", "called", "--at", ahead.strftime("%H:%M"), "--db", db])
    assert out.exit_code == 0, out.output
    shown = json.loads(run(main, ["case", "show", "Y", "--format", "json", "--db", db]).output)
    at = dt.datetime.fromisoformat(shown["events"][-1]["at"])
    assert now - dt.timedelta(days=1) < at <= now + PAST_GRACE and at.strftime("%H:%M") == ahead.strftime("%H:%M")
