"""The console's queue with many open cases: what the desk does every poll, every tick and on a reload.

    .venv/bin/python bench/console_queue.py                 # 2,000 and 8,000 demo cases (SQLite)
    .venv/bin/python bench/console_queue.py --cases 500 20000

Each size is a fresh SQLite file filled by `cxcoach demo`'s planner through the desk, cut off ten days
before the month ends so that many cases are still open. Measured, side by side per size:

  * stamp   — `CaseStore.stamp(open=True)`: the poll every 2 s (worker thread), best of 5
  * read    — `Desk.queue()`: reading the open rows after a change (worker thread), best of 3
  * prepare — `Triage.prepare`: each stored due's clock and length, once per case version (worker thread)
  * rank    — `Triage.rank`: overdue first, then share used, every tick (UI thread), best of 5
  * first   — the app headless: from pressing `c` to the first (most urgent) rows on screen
  * filled  — ... to every open case in the table (rows are added a chunk per refresh, the screen stays live)
  * tick    — `ConsoleScreen.tick` (re-rank, refresh the rows on screen, the selected case's engine view), mean of 10
  * rebuild — the table rebuilt from the rows (after a reload), mean of 3
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cxcoach.desk import Desk  # noqa: E402 - after sys.path points at this tree
from cxcoach.desk.risk import Triage  # noqa: E402 - after sys.path points at this tree
from cxcoach.playbook import load_playbook  # noqa: E402 - after sys.path points at this tree
from cxcoach.report import Month  # noqa: E402 - after sys.path points at this tree
from cxcoach.report.demo import fill_month  # noqa: E402 - after sys.path points at this tree
from cxcoach.store import Store  # noqa: E402 - after sys.path points at this tree

MONTH = Month(2026, 11)


def best(fn, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def fill(path: Path, playbook, cases: int) -> tuple[int, dt.datetime]:
    tz = playbook.calendar.timezone
    horizon = MONTH.end(tz) - dt.timedelta(days=10)
    with Store.open(path) as store:
        fill_month(Desk(store, playbook), MONTH, cases=cases, horizon=horizon)
        return store.cases.count(open=True), horizon


async def app_figures(path: Path, playbook, now: dt.datetime) -> dict[str, float]:
    from cxcoach.tui.app import CxcoachApp
    from cxcoach.tui.widgets.case_queue import CaseQueue

    app = CxcoachApp(playbook=playbook, db_path=path, lang="en", clock=lambda: now)
    out: dict[str, float] = {}
    async with app.run_test(size=(140, 40)) as pilot:
        start = time.perf_counter()
        await pilot.press("c")
        while not app.screen.query(CaseQueue) or not app.screen.query_one(CaseQueue).row_count:
            await app.workers.wait_for_complete()
            await pilot.pause()
        out["first"] = time.perf_counter() - start
        queue = app.screen.query_one(CaseQueue)
        while queue.row_count < len(queue.cases):
            await pilot.pause()
        out["filled"] = time.perf_counter() - start
        screen = app.screen
        await app.workers.wait_for_complete()
        start = time.perf_counter()
        for _ in range(10):
            screen.tick()
        out["tick"] = (time.perf_counter() - start) / 10
        start = time.perf_counter()
        for _ in range(3):
            screen.show_rows()
        out["rebuild"] = (time.perf_counter() - start) / 3
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, nargs="+", default=[2000, 8000])
    args = parser.parse_args()
    playbook = load_playbook()
    rows_out = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.cases:
            path = Path(tmp) / f"queue-{n}.sqlite3"
            start = time.perf_counter()
            still_open, now = fill(path, playbook, n)
            filled = time.perf_counter() - start
            with Store.open(path) as store:
                desk = Desk(store, playbook, clock=lambda now=now: now)
                figures = {"stamp": best(lambda: store.cases.stamp(open=True), 5)}
                rows = desk.queue()
                figures["read"] = best(desk.queue, 3)
                triage = Triage(playbook)
                figures["prepare"] = best(lambda rows=rows: Triage(playbook).prepare(rows), 1)
                triage.prepare(rows)
                figures["rank"] = best(lambda triage=triage, rows=rows, now=now: triage.rank(rows, now), 5)
            figures.update(asyncio.run(app_figures(path, playbook, now)))
            rows_out.append((n, still_open, filled, figures))
    keys = ("stamp", "read", "prepare", "rank", "first", "filled", "tick", "rebuild")
    print(f"{'cases':>7} {'open':>6} " + " ".join(f"{k:>9}" for k in keys) + "   (seconds; fill not timed)")
    for n, still_open, _filled, figures in rows_out:
        print(f"{n:>7} {still_open:>6} " + " ".join(f"{figures[k]:>9.4f}" for k in keys))
    first, last = rows_out[0], rows_out[-1]
    if len(rows_out) > 1 and first[1]:
        scale = last[1] / first[1]
        print(f"{last[1] / max(first[1], 1):.1f}x the open cases: "
              + ", ".join(f"{k} {last[3][k] / first[3][k]:.1f}x" for k in keys if first[3][k] > 0)
              + f" (linear would be {scale:.1f}x)")


if __name__ == "__main__":
    main()
