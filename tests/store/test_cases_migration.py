"""Revision 0003 (the folded-state snapshot) upgrades a database that already holds cases, on both backends."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from cxcoach.desk import Desk, fold, snapshot, state_columns
from cxcoach.playbook import load_playbook
from cxcoach.store import SCHEMA_VERSION, Store
from cxcoach.store import tables as t
from cxcoach.store.cases import EventRow
from cxcoach.store.engine import Database
from cxcoach.store.migrate import _SCRIPTS

UTC = dt.UTC
T0 = dt.datetime(2026, 3, 6, 2, 0, tzinfo=UTC)


def test_cases_written_before_snapshots_keep_working(db_target: str) -> None:
    playbook = load_playbook()
    events = [EventRow(1, T0, "open", "service_advisor", "", None, {"severity": "major"}),
              EventRow(2, T0 + dt.timedelta(minutes=10), "update", None, "asked for photos", "waiting_customer")]
    columns = state_columns(playbook, fold(playbook, T0, events))
    db = Database.open(db_target)
    with db.write() as conn:  # a database as revision 0002 left it, holding one case
        cfg = Config()
        cfg.set_main_option("script_location", str(_SCRIPTS))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        assert "snapshot" not in {c["name"] for c in sa.inspect(conn).get_columns("cases")}
        conn.execute(t.cases.insert().values(id=1, uid="u1", external_id="OLD-1", playbook="default",
                                             received_at=T0, version=2, **columns))
        conn.execute(t.case_events.insert(), [
            {"case_id": 1, "seq": e.seq, "at": e.at, "kind": e.kind, "by_role": e.by, "note": e.note,
             "stage": e.stage, "facts": e.facts, "data": e.data, "recorded_at": e.at} for e in events])
    db.dispose()
    with Store.open(db_target) as s:
        assert s.schema_version == SCHEMA_VERSION
        desk = Desk(s, playbook)
        desk.update("OLD-1", stage="investigating", at=T0 + dt.timedelta(minutes=40))
        head = s.cases.head("OLD-1")
        assert head is not None and head[0].version == 3 and head[0].stage == "investigating"
        state = snapshot.decode(playbook, head[1], 3)  # taken by the first append after the upgrade
        assert state is not None and state.pauses == ((T0 + dt.timedelta(minutes=10), T0 + dt.timedelta(minutes=40)),)
        assert state == desk.show("OLD-1").state
