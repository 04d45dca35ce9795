"""Appending: a desk validates its next event on a case against its own last write there, and still never
writes over another writer's events nor lets one through that the stored case would refuse."""

from __future__ import annotations

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
