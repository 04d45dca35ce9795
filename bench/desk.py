"""Complaint-desk benchmarks on SQLite and PostgreSQL, side by side in one run.

    .venv/bin/python bench/desk.py                      # 100,000 cases (~1 M events) per backend
    .venv/bin/python bench/desk.py --cases 20000        # quicker
    .venv/bin/python bench/desk.py --pg postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/desk.py --baseline main     # plus the 4 writers with main's code, taking turns
    .venv/bin/python bench/desk.py --baseline main --append-only   # only that table (no 100,000-case fill)

Measured per backend:
  * fill      — bulk-loading the synthetic cases and events (Core executemany, not the desk API)
  * list      — `Desk.queue(overdue=True)` (the query behind `case list --overdue`), best of 5
  * cli       — `cxcoach case list --overdue --format json` as a fresh process (start-up included),
                best of 3 after one warm-up run, wall and CPU seconds (bytecode cached, as installed)
  * append    — events/s appended through `Desk.update` by 4 concurrent writer processes
                (each on its own cases: validation, fold onto the snapshot, engine when a deadline
                input changed, optimistic write), and the writers' CPU per event
  * with --baseline: the 4 writers with REF's code and this tree's, one event per commit (`Desk.update`), and
    this tree's writers again committing 10 events at a time (`Desk.update_many`, as an importer or a
    supervisor's queued edits can)
  * PostgreSQL only: durable commits/s of one connection (the server's fsync rate: 4 writers
    committing one event each cannot go beyond about 4x that), and the append rate again with
    `synchronous_commit=off` in the URL (what the code does when the disk is not the limit)

Targets (issue 15): list --overdue under 1 s on SQLite; 1,000 events/s from 4 writers on PostgreSQL.
PostgreSQL runs in a fresh schema that is dropped afterwards. The machine's load average is printed:
on a shared machine compare the rows of one run, not runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cxcoach.desk import Desk  # noqa: E402 - after sys.path points at this tree
from cxcoach.playbook import load_playbook  # noqa: E402 - after sys.path points at this tree
from cxcoach.store import Store  # noqa: E402 - after sys.path points at this tree
from cxcoach.store import tables as t  # noqa: E402 - after sys.path points at this tree

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
STAGES = ("received", "acknowledged", "investigating", "waiting_customer", "solution_proposed", "resolved")


def fill(store: Store, n: int, seed: int = 7) -> int:
    """n cases over two years, ~10 events each; 5% still open. Returns the number of events."""
    rng = random.Random(seed)
    start = NOW - dt.timedelta(days=730)
    events_total = 0
    batch_cases: list[dict[str, Any]] = []
    batch_events: list[dict[str, Any]] = []
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
    import datetime as dt, os, sys, time
    from cxcoach.desk import Desk
    from cxcoach.playbook import load_playbook
    from cxcoach.store import Store
    target, prefix, first, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    name = f"cxbench_{os.getpid()}"  # this writer's connections, as the server lists them
    if "://" in target:
        target += ("&" if "?" in target else "?") + "application_name=" + name
    desk = Desk(Store.open(target), load_playbook())
    at = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc)
    batch = int(sys.argv[6])
    refs = [f"{prefix}-{first + i}" for i in range(10)]
    desk.update(refs[0], note="warm-up", at=at)  # statements compiled, connection open
    if batch > 1:
        from cxcoach.desk import Update
        desk.update_many([Update(r, note="warm-up", at=at) for r in refs[:2]])
    def server_cpu():  # the PostgreSQL backends serving this writer (same machine): their CPU seconds so far
        if desk.store.db.is_sqlite:
            return 0.0
        with desk.store.db.engine.connect() as conn:
            pids = conn.exec_driver_sql("SELECT pid FROM pg_stat_activity WHERE application_name = %(name)s",
                                        {"name": name}).scalars().all()
        total = 0.0
        for pid in pids:
            try:
                fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                return float("nan")  # a server on another machine
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total
    while time.time() < go:
        time.sleep(0.001)
    server = server_cpu()
    start, cpu = time.time(), time.process_time()
    if batch == 1:
        for i in range(count):
            desk.update(refs[i % len(refs)], note=f"event {i}", at=at + dt.timedelta(seconds=i + 1))
    else:
        for i in range(0, count, batch):
            desk.update_many([Update(refs[j % len(refs)], note=f"event {j}", at=at + dt.timedelta(seconds=j + 1))
                              for j in range(i, min(i + batch, count))])
    end, cpu = time.time(), time.process_time() - cpu
    print(start, end, cpu, server_cpu() - server)
""")


SETUP = textwrap.dedent("""
    import datetime as dt, sys
    from cxcoach.desk import Desk
    from cxcoach.playbook import load_playbook
    from cxcoach.store import Store
    target, prefix, n, at = sys.argv[1], sys.argv[2], int(sys.argv[3]), dt.datetime.fromisoformat(sys.argv[4])
    with Store.open(target) as store:
        desk = Desk(store, load_playbook())
        for w in range(n):
            desk.open(facts={"severity": "general", "channel": "phone"}, external_id=f"{prefix}-{w}", at=at)
""")


def append_rate(target: str, prefix: str = "W", writers: int = 4, per_writer: int = 500,
                src: Path = ROOT / "src", batch: int = 1) -> tuple[float, float, float]:
    """(events/s of all writers from the first event to the last, writer CPU ms per event, PostgreSQL server CPU
    ms per event: the writers' backends, read from /proc; 0 on SQLite) with the code in `src`; `batch` > 1: each
    writer appends `batch` events per transaction (`Desk.update_many`), one per case in turn."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run([sys.executable, "-c", SETUP, target, prefix, str(writers * 10),
                    (NOW - dt.timedelta(hours=1)).isoformat()], env=env, check=True)
    go = time.time() + 8.0  # let every process start and load the playbook first
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, target, prefix, str(w * 10), str(per_writer), str(go),
                               str(batch)],
                              env=env, stdout=subprocess.PIPE, text=True)
             for w in range(writers)]
    spans = [tuple(map(float, p.communicate()[0].split())) for p in procs]
    if any(p.returncode for p in procs):
        raise SystemExit(f"a writer failed: {[p.returncode for p in procs]}")
    elapsed = max(s[1] for s in spans) - min(s[0] for s in spans)  # first event to last
    events = writers * per_writer
    return events / elapsed, sum(s[2] for s in spans) / events * 1000, sum(s[3] for s in spans) / events * 1000


def against(ref: str, pg: str, turns: int = 2, batch: int = 10) -> None:
    """4 writers with the code of git revision `ref` and of this tree, taking turns on fresh stores, per backend."""
    import psycopg

    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src", "playbooks", "schemas"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        trees = {ref: Path(tmp) / "src", "this tree": ROOT / "src"}
        best: dict[tuple[str, str], tuple[float, float, float]] = {}
        for turn in range(turns):
            for tree, src in trees.items():
                n = f"{turn}_{'base' if tree == ref else 'this'}"
                schema = f"cxbench_{os.getpid()}_{n}"
                with psycopg.connect(pg, autocommit=True) as conn:
                    conn.execute(f'CREATE SCHEMA "{schema}"')
                sep = "&" if "?" in pg else "?"
                targets = {"SQLite": str(Path(tmp) / f"{n}.sqlite3"),
                           "PostgreSQL": f"{pg}{sep}options={quote(f'-csearch_path={schema}')}"}
                try:
                    for backend, target in targets.items():
                        runs = [(tree, 1)] + ([(f"this tree, batches of {batch}", batch)] if tree != ref else [])
                        for name, size in runs:
                            eps, cpu, server = append_rate(target, src=src, batch=size, prefix=f"W{size}")
                            old = best.get((backend, name), (0.0, float("inf"), float("inf")))
                            best[backend, name] = (max(old[0], eps), min(old[1], cpu), min(old[2], server))
                finally:
                    with psycopg.connect(pg, autocommit=True) as conn:
                        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    print(f"\n4 writers x 500 events, {ref} and this tree taking turns on fresh stores, best of {turns}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print(f"| backend | writes | {ref}: events/s | this tree: events/s | ratio | {ref}: writer cpu ms/ev | "
          f"this tree: writer cpu ms/ev | ratio | {ref}: server cpu ms/ev | this tree: server cpu ms/ev |\n"
          "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for backend in ("SQLite", "PostgreSQL"):
        for name, label in (("this tree", "one event per commit"),
                            (f"this tree, batches of {batch}", f"{batch} events per commit (update_many)")):
            (e0, c0, s0), (e1, c1, s1) = best[backend, ref], best[backend, name]
            servers = f"{s0:.2f} | {s1:.2f}" if backend == "PostgreSQL" else "– | –"
            print(f"| {backend} | {label} | {e0:.0f} | {e1:.0f} | {e1 / e0:.2f} | {c0:.2f} | {c1:.2f} | "
                  f"{c1 / c0:.2f} | {servers} |")


def cli_time(target: str) -> tuple[float, float]:
    """(wall s, CPU s) of `cxcoach case list --overdue --format json`, best of 3 after a warm-up run."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT / "src")
    command = [sys.executable, "-m", "cxcoach", "case", "list", "--overdue", "--now", NOW.isoformat(),
               "--format", "json", "--db", target]
    runs = []
    for _ in range(4):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, env=env)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode:
            raise SystemExit(proc.stderr.decode())
        runs.append((wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime))
    walls, cpus = zip(*runs[1:], strict=True)  # the first run warms the caches and writes the bytecode
    return min(walls), min(cpus)


def commit_rate(url: str, n: int = 300) -> float:
    """Durable single-row commits per second on one connection: the server's fsync rate."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE commit_probe (n integer)")
        t0 = time.perf_counter()
        for i in range(n):
            conn.execute("INSERT INTO commit_probe VALUES (%s)", (i,))
        rate = n / (time.perf_counter() - t0)
        conn.execute("DROP TABLE commit_probe")
    return rate


def bench(target: str, n: int, batch: int) -> dict[str, float]:
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
    out["cli_s"], out["cli_cpu_s"] = cli_time(target)
    out["load"] = os.getloadavg()[0]
    out["append_eps"], out["append_cpu_ms"], out["append_server_ms"] = append_rate(target)
    out["batch_eps"], out["batch_cpu_ms"], out["batch_server_ms"] = append_rate(target, prefix="B", batch=batch)
    return out


# issue 15's targets: measure -> (target, higher is better, as the issue puts it)
TARGETS = {"cli_s": (1.0, False, "< 1 s on SQLite"), "append_eps": (1000.0, True, "≥ 1,000/s on PostgreSQL")}


def table(results: dict[str, dict[str, float]], batch: int) -> str:
    """Both backends side by side, each measure with its target (if the issue sets one) and value / target."""
    rows = [("events in the store", "events", "{:,.0f}"), ("fill, s", "fill_s", "{:.1f}"),
            ("`list --overdue` query, s ({} rows)", "list_s", "{:.3f}"),
            ("`case list --overdue` command, wall s", "cli_s", "{:.2f}"),
            ("`case list --overdue` command, CPU s", "cli_cpu_s", "{:.2f}"),
            ("4 writers, one event per commit, events/s", "append_eps", "{:,.0f}"),
            ("  writer / server CPU per event, ms", ("append_cpu_ms", "append_server_ms"), "{:.2f}"),
            (f"4 writers, {batch} events per commit, events/s", "batch_eps", "{:,.0f}"),
            ("  writer / server CPU per event, ms", ("batch_cpu_ms", "batch_server_ms"), "{:.2f}"),
            ("load average (1 min) after the run", "load", "{:.1f}")]
    backends = list(results)
    lines = [f"| measure | {' | '.join(backends)} | target | {' | '.join(f'{b} / target' for b in backends)} |",
             "| --- |" + " ---: |" * len(backends) + " --- |" + " ---: |" * len(backends)]
    for label, key, fmt in rows:
        if isinstance(key, tuple):
            cells = [" / ".join(fmt.format(results[b][k]) if b == "PostgreSQL" or k == key[0] else "–"
                                for k in key) for b in backends]
        else:
            cells = [fmt.format(results[b][key]) for b in backends]
        if key == "list_s":
            label = label.format(" / ".join(f"{int(results[b]['overdue_rows']):,}" for b in backends))
        target, ratios = "", [""] * len(backends)
        if isinstance(key, str) and key in TARGETS:
            goal, higher, target = TARGETS[key]
            ratios = []
            for b in backends:
                ratio = results[b][key] / goal
                met = ratio >= 1 if higher else ratio < 1
                ratios.append(f"{ratio:.2f} ({'met' if met else 'missed'})")
        lines.append(f"| {label} | {' | '.join(cells)} | {target} | {' | '.join(ratios)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--pg", default=os.environ.get("CXCOACH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--baseline", metavar="REF", help="also time the 4 writers with git revision REF's code, "
                                                          "taking turns with this tree")
    parser.add_argument("--batch", type=int, default=10, help="events per commit of the batched writers (default 10)")
    parser.add_argument("--append-only", action="store_true", help="with --baseline: only the writers' table "
                                                                      "(no 100,000-case fill)")
    args = parser.parse_args()
    if args.append_only and args.baseline:
        print(f"durable commits/s on one connection: {commit_rate(args.pg):.0f}")
        against(args.baseline, args.pg, batch=args.batch)
        return
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = bench(str(Path(tmp) / "bench.sqlite3"), args.cases, args.batch)
    import psycopg

    schema = f"cxbench_{os.getpid()}"
    with psycopg.connect(args.pg, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        sep = "&" if "?" in args.pg else "?"
        url = f"{args.pg}{sep}options={quote(f'-csearch_path={schema}')}"
        results["PostgreSQL"] = bench(url, args.cases, args.batch)
        fsyncs = commit_rate(url)
        no_sync = f"{args.pg}{sep}options={quote(f'-csearch_path={schema} -csynchronous_commit=off')}"
        no_sync_eps, no_sync_cpu, no_sync_server = append_rate(no_sync, prefix="A")
    finally:
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    print(f"\n{args.cases:,} cases per backend; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print(table(results, args.batch))
    s, p = results["SQLite"], results["PostgreSQL"]
    print(f"\nPostgreSQL server: {fsyncs:.0f} durable commits/s on one connection "
          f"(4 writers: at most ~{4 * fsyncs:.0f} "
          f"events/s); server CPU {p['append_server_ms']:.2f} ms/ev; with synchronous_commit=off: "
          f"{no_sync_eps:.0f} events/s, {no_sync_cpu:.2f} writer and {no_sync_server:.2f} server cpu ms/ev")
    print(f"ratios PostgreSQL/SQLite: list {p['list_s'] / s['list_s']:.2f}x, "
          f"append {p['append_eps'] / s['append_eps']:.2f}x")
    print("the monthly report (under 5 s on each backend): bench/report.py")
    if args.baseline:
        against(args.baseline, args.pg, batch=args.batch)


if __name__ == "__main__":
    main()
