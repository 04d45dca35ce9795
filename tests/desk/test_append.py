"""Appending: a desk validates its next event on a case against its own last write there, and still never
writes over another writer's events nor lets one through that the stored case would refuse."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from cxcoach.desk import Desk, EventRejected
from cxcoach.playbook import load_playbook
from cxcoach.store import Store
from tests.desk.test_cases import at


@pytest.fixture(scope="module")
def playbook():
    return load_playbook()


def test_another_writer_in_between_is_seen(db_target: str, playbook) -> None:
    with Store.open(db_target) as one, Store.open(db_target) as two:
        a, b = Desk(one, playbook, clock=lambda: at(0)), Desk(two, playbook, clock=lambda: at(0))
        row = a.open(facts={"severity": "general"}, at=at(0), external_id="W")
        a.update("W", note="called back", at=at(1))  # a remembers the case at version 2, stage received
        b.update("W", stage="resolved", at=at(2))
        # from 'received' a case cannot close; from the stored 'resolved' it can
        done = a.update("W", stage="closed", at=at(3), by="service_director")
        assert done.version == 4 and not done.is_open
        b.follow_up("W", satisfaction="satisfied", at=at(6), note="b's follow-up")
        with pytest.raises(EventRejected, match="before the case's last event"):
            a.follow_up("W", satisfaction="satisfied", at=at(5))  # fine after a's own write, not after b's
        a.follow_up(row.id, satisfaction="satisfied", at=at(7), note="by number")
        a.follow_up(row.id, satisfaction="very_satisfied", at=at(8), note="again by number")
        stored, events = one.cases.load(row.id)
    assert stored.version == 7 and [e.seq for e in events] == list(range(1, 8))
    assert [e.note for e in events][-3:] == ["b's follow-up", "by number", "again by number"]
    assert stored.closed_at == at(3) and stored.satisfaction == "very_satisfied"


def test_a_removed_case_is_not_written_to(db_target: str, playbook) -> None:
    with Store.open(db_target) as store:
        desk = Desk(store, playbook, clock=lambda: at(0))
        row = desk.open(facts={"severity": "general"}, at=at(0), external_id="GONE")
        desk.update("GONE", note="remembered", at=at(1))
        store.cases.delete({row.id: 2})
        with pytest.raises(Exception, match="no case 'GONE'"):
            desk.update("GONE", note="into nothing", at=at(2))
        assert store.cases.find("GONE") is None


def test_a_batch_is_validated_in_order_and_written_whole(db_target: str, playbook) -> None:
    from cxcoach.desk import Update

    with Store.open(db_target) as store:
        desk = Desk(store, playbook, clock=lambda: at(0))
        one = desk.open(facts={"severity": "general"}, at=at(0), external_id="B1")
        desk.open(facts={"severity": "general"}, at=at(0), external_id="B2")
        rows = desk.update_many([Update("B1", stage="acknowledged", at=at(1)), Update("B2", note="seen", at=at(1)),
                                 Update(f"#{one.id}", stage="investigating", at=at(2))])  # B1 again, by number
        assert [(r.ref, r.version, r.stage) for r in rows] == [("B1", 2, "acknowledged"), ("B2", 2, "received"),
                                                               ("B1", 3, "investigating")]
        # the third event is judged on the case as the first two leave it: refused, so none is written
        with pytest.raises(EventRejected) as refused:
            desk.update_many([Update("B2", note="fine", at=at(3)), Update("B1", note="fine too", at=at(3)),
                              Update("B1", note="too early", at=at(2.5))])
        assert refused.value.problems[0].startswith("event 3 of 3 (case B1): the event's time")
        with pytest.raises(Exception, match="no case 'NOPE'"):
            desk.update_many([Update("B2", note="fine", at=at(3)), Update("NOPE", note="?", at=at(3))])
        for ref, version in (("B1", 3), ("B2", 2)):
            row, events = store.cases.load(store.cases.find(ref).id)
            assert row.version == version and [e.seq for e in events] == list(range(1, version + 1))
        # another writer in between: the batch is judged again on the stored cases and lands after its event
        other = Desk(store, playbook, clock=lambda: at(0))
        other.update("B2", stage="acknowledged", at=at(4))
        rows = desk.update_many([Update("B1", note="later", at=at(5)), Update("B2", stage="investigating", at=at(5))])
        assert [(r.ref, r.version, r.stage) for r in rows] == [("B1", 4, "investigating"), ("B2", 4, "investigating")]
        assert store.cases.find("B2").version == 4


def test_concurrent_batches_lose_no_event(db_target: str) -> None:
    """Four processes append batches over the same two cases at once, two of them naming the cases in the other
    order (no deadlock: rows are locked in one order); every event lands, numbered without gaps."""
    with Store.open(db_target) as s:
        desk = Desk(s, load_playbook())
        for ref in ("R1", "R2"):
            desk.open(facts={"severity": "general"}, at=at(0), external_id=ref)
    worker = textwrap.dedent(f"""
        import datetime as dt, sys
        from cxcoach.desk import Desk, Update
        from cxcoach.playbook import load_playbook
        from cxcoach.store import Store
        d = Desk(Store.open({db_target!r}), load_playbook())
        t0 = dt.datetime(2026, 3, 6, 10, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        refs = ("R1", "R2", "R1") if sys.argv[1] in "ac" else ("R2", "R1", "R1")
        for i in range(8):
            d.update_many([Update(ref, note=f"{{sys.argv[1]}}-{{i}}-{{ref}}", at=t0) for ref in refs])
    """)
    procs = [subprocess.Popen([sys.executable, "-c", worker, name]) for name in "abcd"]
    assert [p.wait(timeout=300) for p in procs] == [0, 0, 0, 0]
    with Store.open(db_target) as s:
        for ref, per_batch in (("R1", 2), ("R2", 1)):
            row, events = s.cases.load(s.cases.find(ref).id)
            assert row.version == 1 + 32 * per_batch and [e.seq for e in events] == list(range(1, row.version + 1))
            assert sorted(e.note for e in events[1:]) == sorted(f"{n}-{i}-{ref}" for n in "abcd" for i in range(8)
                                                                for _ in range(per_batch))


def test_a_batch_locks_its_cases_in_one_order(db_target: str, playbook) -> None:
    """A batch naming R2 then R1 takes R1's row first (every writer the same order), so a transaction holding R1
    and then asking for R2 finds R2 free instead of deadlocking with the batch."""
    import threading
    import time

    from cxcoach.desk import Update

    if not db_target.startswith("postgresql"):
        pytest.skip("SQLite writers take the whole database (BEGIN IMMEDIATE): no row order to keep")
    with Store.open(db_target) as store:
        desk = Desk(store, playbook, clock=lambda: at(0))
        ids = {ref: desk.open(facts={"severity": "general"}, at=at(0), external_id=ref).id for ref in ("R1", "R2")}
        desk.update_many([Update("R2", note="remembered", at=at(1)), Update("R1", note="remembered", at=at(1))])
        with Store.open(db_target) as other, other.db.engine.connect() as conn:  # another session, same schema
            holder = conn.connection.driver_connection
            holder.execute("SELECT 1 FROM cases WHERE id = %s FOR UPDATE", (ids["R1"],))
            batch = threading.Thread(target=desk.update_many, args=([Update("R2", note="b", at=at(2)),
                                                                     Update("R1", note="b", at=at(2))],))
            batch.start()
            time.sleep(0.5)  # the batch is now waiting for R1, and must not be holding R2
            holder.execute("SELECT 1 FROM cases WHERE id = %s FOR UPDATE NOWAIT", (ids["R2"],))
            holder.rollback()
            batch.join(timeout=30)
        assert store.cases.find("R1").version == 3 and store.cases.find("R2").version == 3
