"""`case import` speed: rows/s of a ticket export and of an archive, REF's code and this tree's side by side.

    .venv/bin/python bench/import.py --baseline main                 # 5,000 tickets, both backends
    .venv/bin/python bench/import.py --baseline main --rows 20000
    .venv/bin/python bench/import.py --baseline main --pg postgresql://postgres@127.0.0.1:5432/NAME

Measured per backend and per tree (each in a fresh process on a fresh store, taking turns, best of --turns):
  * csv       — `import_tickets` of a CSV export (rows with 1 to 3 events each, 2% bad rows skipped and
                reported), as `cxcoach case import FILE.csv --mapping MAP.yaml` runs it
  * re-import — the same file again: every row found and compared, nothing written
  * archive   — `restore` of the archive of the closed ones (80%), as `cxcoach case import ARCHIVE.jsonl`
Times cover the import call only (not start-up or the playbook load). The machine's load average is printed:
on a shared machine compare the rows of one run, not runs.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent

MAPPING = """\
id: ticket
received_at: created
by: taken_by
note: subject
facts:
  severity: {column: priority, values: {P1: major, P2: general, P3: general}}
  channel: {column: source}
events:
  - {at: answered, stage: acknowledged}
  - {at: solved, stage: resolved}
  - {at: closed, stage: closed, by: service_director}
"""

RUN = textwrap.dedent("""
    import datetime as dt, sys, time
    from pathlib import Path
    from cxcoach.desk import Desk
    from cxcoach.desk import archive as archive_mod
    from cxcoach.desk.ticket_import import import_tickets, load_mapping
    from cxcoach.playbook import load_playbook
    from cxcoach.store import Store
    target, fresh, export, mapping_path, archive_path = sys.argv[1:6]
    playbook = load_playbook()
    mapping = load_mapping(Path(mapping_path), playbook)
    with Store.open(target) as store:
        desk = Desk(store, playbook)
        t0 = time.perf_counter()
        first = import_tickets(desk, Path(export), mapping)
        t1 = time.perf_counter()
        again = import_tickets(desk, Path(export), mapping)
        t2 = time.perf_counter()
        assert again.imported == 0 and again.unchanged == first.imported, (first, again)
        if not Path(archive_path).exists():  # the first run writes the archive every later run restores
            now = dt.datetime.now(dt.UTC)
            archive_mod.archive(desk, before=now, output=Path(archive_path), purge=False, now=now)
    with Store.open(fresh) as store:
        desk = Desk(store, playbook)
        t3 = time.perf_counter()
        restored = archive_mod.restore(desk, Path(archive_path))
        t4 = time.perf_counter()
    print(first.imported, len(first.problems), t1 - t0, t2 - t1, restored.restored, t4 - t3)
""")


def export(path: Path, rows: int, seed: int = 11) -> int:
    """A ticket system's CSV: `rows` tickets in March 2026, 80% closed, 2% bad. Returns the number of bad rows."""
    rng = random.Random(seed)
    bad = 0
    lines = ["ticket,created,priority,source,taken_by,subject,answered,solved,closed"]
    for i in range(rows):
        day, minute = 1 + i % 28, rng.randrange(8 * 60, 18 * 60)
        created = f"2026-03-{day:02d} {minute // 60:02d}:{minute % 60:02d}"
        answered = f"2026-03-{day:02d} {(minute + 30) // 60:02d}:{(minute + 30) % 60:02d}"
        kept = 2 if rng.random() < 0.8 else rng.randint(0, 1)  # 2: solved and closed
        later = [f"2026-04-{day:02d} 09:00", f"2026-04-{day:02d} 15:00"][:kept]
        cells = [f"T-{i:07d}", created, rng.choice(("P1", "P2", "P3")), rng.choice(("phone", "email", "web")),
                 "service_advisor", f"ticket {i}: the parcel arrived late", answered,
                 *later, *([""] * (2 - len(later)))]
        if rng.random() < 0.02:
            cells[2] = "P9"  # a priority the mapping does not translate: the row is reported and skipped
            bad += 1
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", metavar="REF", default="main", help="the git revision to compare with")
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--turns", type=int, default=2)
    parser.add_argument("--pg", default=os.environ.get("CXCOACH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    import psycopg

    ref = args.baseline
    best: dict[tuple[str, str, str], float] = {}  # (backend, tree, what) -> seconds
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src", "playbooks", "schemas"],
                                 check=True, capture_output=True).stdout
        (folder / "base").mkdir()
        subprocess.run(["tar", "-x", "-C", str(folder / "base")], input=archive, check=True)
        trees = {ref: folder / "base" / "src", "this tree": ROOT / "src"}
        csv_file, mapping = folder / "tickets.csv", folder / "map.yaml"
        bad = export(csv_file, args.rows)
        mapping.write_text(MAPPING, encoding="utf-8")
        counts: dict[tuple[str, str], tuple[int, int, int]] = {}  # (backend, tree) -> imported, problems, restored
        for turn in range(args.turns):
            for tree, src in trees.items():
                n = f"{turn}_{'base' if tree == ref else 'this'}"
                schemas = [f"cxbench_imp_{os.getpid()}_{n}_{k}" for k in ("a", "b")]
                with psycopg.connect(args.pg, autocommit=True) as conn:
                    for schema in schemas:
                        conn.execute(f'CREATE SCHEMA "{schema}"')
                sep = "&" if "?" in args.pg else "?"
                pg = [f"{args.pg}{sep}options={quote(f'-csearch_path={s}')}" for s in schemas]
                targets = {"SQLite": (str(folder / f"{n}.sqlite3"), str(folder / f"{n}_fresh.sqlite3")),
                           "PostgreSQL": (pg[0], pg[1])}
                try:
                    for backend, (target, fresh) in targets.items():
                        proc = subprocess.run(
                            [sys.executable, "-c", RUN, target, fresh, str(csv_file), str(mapping),
                             str(folder / f"archive_{backend}.jsonl")],
                            env={**os.environ, "PYTHONPATH": str(src)}, capture_output=True, text=True)
                        if proc.returncode:
                            raise SystemExit(f"{tree} on {backend} failed:\n{proc.stderr}")
                        imported, problems, first, again, restored, back = proc.stdout.split()
                        counts[backend, tree] = (int(imported), int(problems), int(restored))
                        for what, seconds in (("csv", first), ("re-import", again), ("archive", back)):
                            key = (backend, tree, what)
                            best[key] = min(best.get(key, float("inf")), float(seconds))
                finally:
                    with psycopg.connect(args.pg, autocommit=True) as conn:
                        for schema in schemas:
                            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    closed = {restored for _, _, restored in counts.values()}
    for (backend, tree), (imported, problems, restored) in counts.items():
        if (imported, problems) != (args.rows - bad, bad) or len(closed) != 1 or not restored:
            raise SystemExit(f"{tree} on {backend}: imported {imported}, {problems} problems, restored {restored}; "
                             f"expected {args.rows - bad}, {bad} and the same number of closed cases everywhere")
    archived = closed.pop()
    print(f"\n{args.rows:,} CSV rows ({bad} bad, reported and skipped) and the archive of the "
          f"{archived:,} closed cases among them; {ref} and this tree taking turns on fresh stores, best of "
          f"{args.turns}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print(f"| backend | import | {ref}: rows/s | this tree: rows/s | ratio |\n| --- | --- | --- | --- | --- |")
    for backend in ("SQLite", "PostgreSQL"):
        for what, label in (("csv", "CSV with --mapping"), ("re-import", "the same CSV again (nothing written)"),
                            ("archive", "archive (.jsonl)")):
            rows = args.rows if what != "archive" else archived
            old, new = rows / best[backend, ref, what], rows / best[backend, "this tree", what]
            print(f"| {backend} | {label} | {old:,.0f} | {new:,.0f} | {new / old:.2f} |")


if __name__ == "__main__":
    main()
