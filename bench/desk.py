"""Complaint-desk benchmarks on SQLite and PostgreSQL, side by side in one run.

    .venv/bin/python bench/desk.py                      # 100,000 cases (~1 M events) per backend
    .venv/bin/python bench/desk.py --cases 20000        # quicker
    .venv/bin/python bench/desk.py --pg postgresql://postgres@127.0.0.1:5432/test

Measured per backend:
  * fill      — bulk-loading the synthetic cases and events (Core executemany, not the desk API)
  * list      — `Desk.queue(overdue=True)` (the query behind `case list --overdue`), best of 5
  * cli       — `cxcoach case list --overdue --format json` as a fresh process (start-up included)
  * append    — events/s appended through `Desk.update` by 4 concurrent writer processes
                (each on its own cases: validation, fold, engine, optimistic write)

Targets (issue 15): list --overdue under 1 s on SQLite; 1,000 events/s from 4 writers on PostgreSQL.
PostgreSQL runs in a fresh schema that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cxcoach.desk import Desk  # noqa: E402
from cxcoach.playbook import load_playbook  # noqa: E402
from cxcoach.store import Store  # noqa: E402
from cxcoach.store import tables as t  # noqa: E402

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
STAGES = ("received", "acknowledged", "investigating", "waiting_customer", "solution_proposed", "resolved")


def fill(store: Store, n: int, seed: int = 7) -> int:
    """n cases over two years, ~10 events each; 5% still open. Returns the number of events."""
    rng = random.Random(seed)
    start = NOW - dt.timedelta(days=730)
    events_total = 0
    batch_cases, batch_events = [], []
    next_id = 1

    def flush() -> None:
        with store.db.write() as conn:
            conn.execute(t.cases.insert(), batch_cases)
            conn.execute(t.case_events.insert(), batch_events)
        batch_cases.clear()
        batch_events.clear()

    for i in range(n):
        received = start + dt.timedelta(minutes=rng.randrange(730 * 24 * 60))
        k = rng.randint(6, 14)
        is_open = rng.random() < 0.05 or received > NOW - dt.timedelta(days=3)
        times = sorted(received + dt.timedelta(minutes=rng.randrange(1, 4 * 24 * 60)) for _ in range(k - 1))
        stage = rng.choice(STAGES) if is_open else "closed"
        paused = stage == "waiting_customer"
        due = received + dt.timedelta(hours=rng.choice((0.5, 3, 9, 72)))
        case_id = next_id
        next_id += 1
        batch_cases.append({
            "id": case_id, "uid": secrets.token_hex(16), "external_id": f"TK-{i:07d}", "playbook": "default",
            "received_at": received, "version": k, "updated_at": times[-1], "stage": stage, "is_open": is_open,
            "facts": {"severity": rng.choice(("major", "general")), "channel": rng.choice(("phone", "web", "email"))},
            "paused_since": times[-1] if paused else None, "respond_due": None,
            "resolve_due": due if is_open else None, "next_due": due if is_open else None,
            "responded_at": times[0], "resolved_at": None if is_open else times[-2],
            "closed_at": None if is_open else times[-1], "satisfaction": None})
        batch_events.append({"case_id": case_id, "seq": 1, "at": received, "kind": "open", "by_role": "service_advisor",
                             "note": "", "stage": None, "facts": {}, "data": None, "recorded_at": received})
        for seq, when in enumerate(times, 2):
            batch_events.append({"case_id": case_id, "seq": seq, "at": when, "kind": "update", "by_role": None,
                                 "note": "called the customer", "stage": None, "facts": {}, "data": None,
                                 "recorded_at": when})
        events_total += k
        if len(batch_events) >= 20000:
            flush()
    if batch_cases:
        flush()
    if not store.db.is_sqlite:
        with store.db.write() as conn:
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))")
            conn.exec_driver_sql("ANALYZE cases")
            conn.exec_driver_sql("ANALYZE case_events")
    else:
        with store.db.write() as conn:
            conn.exec_driver_sql("ANALYZE")
    return events_total


WRITER = textwrap.dedent("""
    import datetime as dt, sys, time
    from cxcoach.desk import Desk
    from cxcoach.playbook import load_playbook
    from cxcoach.store import Store
    target, first, count, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    desk = Desk(Store.open(target), load_playbook())
    at = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc)
    refs = [f"W-{first + i}" for i in range(10)]
    while time.time() < go:
        time.sleep(0.001)
    start = time.time()
    for i in range(count):
        desk.update(refs[i % len(refs)], note=f"event {i}", at=at + dt.timedelta(seconds=i))
    print(start, time.time())
""")


def append_rate(target: str, writers: int = 4, per_writer: int = 250) -> float:
    with Store.open(target) as store:
        desk = Desk(store, load_playbook())
        for w in range(writers * 10):
            desk.open(facts={"severity": "general", "channel": "phone"}, external_id=f"W-{w}",
                      at=NOW - dt.timedelta(hours=1))
    go = time.time() + 8.0  # let every process start and load the playbook first
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, target, str(w * 10), str(per_writer), str(go)],
                              env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, stdout=subprocess.PIPE, text=True)
             for w in range(writers)]
    spans = [tuple(map(float, p.communicate()[0].split())) for p in procs]
    if any(p.returncode for p in procs):
        raise SystemExit(f"a writer failed: {[p.returncode for p in procs]}")
    elapsed = max(end for _, end in spans) - min(start for start, _ in spans)  # first event to last
    return writers * per_writer / elapsed


def bench(name: str, target: str, n: int) -> dict[str, float]:
    out: dict[str, float] = {}
    with Store.open(target) as store:
        t0 = time.perf_counter()
        out["events"] = fill(store, n)
        out["fill_s"] = time.perf_counter() - t0
        desk = Desk(store, load_playbook(), clock=lambda: NOW)
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            rows = desk.queue(overdue=True, now=NOW)
            times.append(time.perf_counter() - t0)
        out["overdue_rows"] = len(rows)
        out["list_s"] = min(times)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "cxcoach", "case", "list", "--overdue", "--now", NOW.isoformat(),
                           "--format", "json", "--db", target], capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    out["cli_s"] = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(proc.stderr.decode())
    out["append_eps"] = append_rate(target)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--pg", default=os.environ.get("CXCOACH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = bench("SQLite", str(Path(tmp) / "bench.sqlite3"), args.cases)
    import psycopg

    schema = f"cxbench_{os.getpid()}"
    with psycopg.connect(args.pg, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        sep = "&" if "?" in args.pg else "?"
        results["PostgreSQL"] = bench("PostgreSQL", f"{args.pg}{sep}options={quote(f'-csearch_path={schema}')}",
                                      args.cases)
    finally:
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    print(f"\n{args.cases:,} cases per backend\n")
    print(f"{'backend':<12} {'events':>10} {'fill s':>8} {'list --overdue s':>17} {'rows':>6} {'CLI s':>7} {'4 writers ev/s':>15}")
    for name, r in results.items():
        print(f"{name:<12} {int(r['events']):>10,} {r['fill_s']:>8.1f} {r['list_s']:>17.3f} {int(r['overdue_rows']):>6} "
              f"{r['cli_s']:>7.2f} {r['append_eps']:>15.0f}")
    s, p = results["SQLite"], results["PostgreSQL"]
    print(f"\nratios PostgreSQL/SQLite: list {p['list_s'] / s['list_s']:.2f}x, append {p['append_eps'] / s['append_eps']:.2f}x")
    print("targets: list --overdue < 1 s on SQLite; >= 1,000 events/s from 4 writers on PostgreSQL")


if __name__ == "__main__":
    main()
