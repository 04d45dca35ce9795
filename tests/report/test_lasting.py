"""Closed cases' lasting figures and open cases' folded state, stored by the desk: a report read from them equals
the one replayed from logs."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import msgspec
import pytest
import sqlalchemy as sa

from cxcoach.desk import Desk
from cxcoach.playbook import load_playbook
from cxcoach.report import Month, build_monthly
from cxcoach.report.cases import CaseKey, case_figures, decode_lasting, encode_lasting
from cxcoach.report.demo import fill_month
from cxcoach.report.render import render
from cxcoach.resources import default_playbook_path
from cxcoach.store import Store
from cxcoach.store import tables as t

OCT, NOV = Month(2026, 10), Month(2026, 11)
AFTER = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def playbook():
    return load_playbook()


def _reports(store: Store, playbook) -> list[str]:
    mid = dt.datetime(2026, 11, 16, 10, tzinfo=dt.UTC)
    return [render(build_monthly(store.cases, playbook, m, now=AFTER, as_of=as_of), "json")
            for m, as_of in ((NOV, None), (NOV, mid), (OCT, None))]


def test_reports_from_stored_figures_equal_reports_from_logs(db_target: str, playbook) -> None:
    with Store.open(db_target) as store:
        desk = Desk(store, playbook, clock=lambda: AFTER)
        fill_month(desk, OCT, cases=60, seed=3)
        fill_month(desk, NOV, cases=60, seed=4)
        with store.cases.db.read() as conn:
            stored = conn.execute(sa.select(sa.func.count()).select_from(t.cases)
                                  .where(t.cases.c.figures.is_not(None))).scalar_one()
        closed = store.cases.count(open=False)
        assert closed > 40 and stored == closed  # every closed case has them, no open one
        fast = _reports(store, playbook)
        with store.cases.db.write() as conn:
            conn.execute(t.cases.update().values(figures=None))
        folded = _reports(store, playbook)  # from the desk's stored state where no figures are stored
        with store.cases.db.write() as conn:
            conn.execute(t.cases.update().values(snapshot=None))
        slow = _reports(store, playbook)  # every log replayed
    assert fast == slow and folded == slow
    assert json.loads(fast[0])["summary"][0]["value"] > 0


def test_stored_figures_are_those_of_the_log_at_any_later_instant(tmp_path, playbook) -> None:
    with Store.open(tmp_path / "c.sqlite3") as store:
        desk = Desk(store, playbook, clock=lambda: AFTER)
        fill_month(desk, NOV, cases=30, seed=5)
        rows = store.cases.query(open=False, order="id")
        logs = store.cases.events([r.id for r in rows])
        with store.cases.db.read() as conn:
            blobs = dict(conn.execute(sa.select(t.cases.c.id, t.cases.c.figures)).all())
    assert rows
    for row in rows:
        lasting = decode_lasting(playbook, blobs[row.id], row.version)
        assert lasting is not None
        for later in (row.updated_at + dt.timedelta(seconds=1), AFTER + dt.timedelta(days=40)):
            key = CaseKey(row.id, row.ref, row.received_at)
            assert lasting.at(key, later, reopened_before=1) == case_figures(
                playbook, key, logs[row.id], as_of=later, reopened_before=1)


def test_stored_figures_are_not_used_for_another_version_or_playbook(tmp_path, playbook) -> None:
    with Store.open(tmp_path / "v.sqlite3") as store:
        desk = Desk(store, playbook, clock=lambda: AFTER)
        fill_month(desk, NOV, cases=20, seed=6)
        row = store.cases.query(open=False, order="id")[0]
        state = desk.load(row.id)[2]
    blob = encode_lasting(playbook, row, state, row.version)
    assert decode_lasting(playbook, blob, row.version) is not None
    assert decode_lasting(playbook, blob, row.version + 1) is None  # a newer event: replay the log
    assert decode_lasting(playbook, b"\x93garbage", row.version) is None
    folder = tmp_path / "edited"
    shutil.copytree(default_playbook_path(), folder)
    text = (folder / "playbook.yaml").read_text(encoding="utf-8")
    assert "  resolve: 3d\n" in text
    (folder / "playbook.yaml").write_text(text.replace("  resolve: 3d\n", "  resolve: 4d\n"), encoding="utf-8")
    assert decode_lasting(load_playbook(folder), blob, row.version) is None  # other deadlines: other figures
    assert encode_lasting(playbook, row, msgspec.structs.replace(state, is_open=True), row.version) is None
