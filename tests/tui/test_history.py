"""History: empty database, sessions after a drill, filters, trends and CSV export."""

from __future__ import annotations

import csv
from pathlib import Path

from textual.widgets import DataTable

from cxcoach.store import RecordedDrill, Store
from cxcoach.tui.widgets.criterion_trends import CriterionTrends

from .helpers import texts


async def test_history_with_an_empty_database(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("y")
        await pilot.pause()
        assert "No drill sessions yet." in texts(app.screen)
        assert app.screen.query_one(DataTable).row_count == 0
        await pilot.press("e")  # nothing to export: a message, no file, no crash
        await pilot.pause()


def _play(store: Store, playbook, name: str, replies: list[str], drill: str = "late_parcel") -> None:
    run = RecordedDrill.start(store, store.trainee(name), playbook, drill, seed=1, locale="en")
    for reply in replies:
        run.reply(reply)


GOOD = ["I'm so sorry, I'd be frustrated too.", "I'll send a replacement by 5 pm today."]


async def test_history_after_drills_filters_trends_and_export(make_app, db, coach_playbook, tmp_path: Path,
                                                              monkeypatch, clock) -> None:
    with Store.open(db, clock=clock) as store:
        _play(store, coach_playbook, "Bo", GOOD)
        _play(store, coach_playbook, "Ann", ["your own fault"])
        _play(store, coach_playbook, "Ann", GOOD)
        _play(store, coach_playbook, "Ann", ["sorry"], drill="rude_caller")  # unfinished
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("y")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one(DataTable)
        assert screen.trainee_name == "Ann" and table.row_count == 3
        newest = [str(c) for c in table.get_row_at(0)]
        assert newest[1] == "Rude caller" and newest[4] == "unfinished"
        assert [str(c) for c in table.get_row_at(1)][3:] == ["100", "Passed"]
        assert [str(c) for c in table.get_row_at(2)][3:] == ["0", "Not passed"]
        assert list(screen.query_one("#history-spark").data) == [0.0, 100.0]
        trends = screen.query_one(CriterionTrends)
        rows = {title: values for title, values, _ in trends.rows()}
        assert rows["Feelings first"] == [0.0, 1.0] and rows["Blaming"] == [0.0, 1.0]
        screen.query_one("#history-drill").value = "rude_caller"
        await pilot.pause()
        assert app.screen.query_one(DataTable).row_count == 1
        app.screen.query_one("#history-drill").value = "__all__"
        await pilot.pause()
        app.screen.query_one("#history-trainee").value = "Bo"
        await pilot.pause()
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("e")  # asks where, with a dated file in the current folder filled in
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    (exported,) = tmp_path.glob("cxcoach-history-*.csv")
    assert exported.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for spreadsheets
    rows = list(csv.DictReader(exported.open(encoding="utf-8-sig")))
    assert [(r["trainee"], r["drill"], r["score"]) for r in rows] == [("Bo", "late_parcel", "100")]
