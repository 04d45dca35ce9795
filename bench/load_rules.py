"""How long 10,000 rules take to become a ready-to-run engine.

    python bench/load_rules.py [--rules 10000] [--yaml] [--runs 7] [--phases] [--against SRC]

Measures, separately:
* build: 10,000 `Rule` model objects (what `playbook/build.py` produces),
* compile: `engine.compile_playbook` (closures + bitmask index),
* first case: one `recommend()` call on the compiled playbook,
and, with `--yaml`, the loader on a generated YAML file, each in a fresh
process (so nothing is warm: no memoised scalars, no compiled schema), the
kinds interleaved, best and median of `--runs`:
* load + validate: `check_playbook` (read, compose, schema, build: the
  target is under 1 s),
* cold load: `load_playbook` with an empty cache, which also writes the entry,
* cached load: `load_playbook` again, served from that entry,
* load + validate with the cyclic collector running (what `gc_pause.py` saves),
* compile: `compile_playbook` on the loaded playbook.
With `--against SRC` (another checkout's `src`, e.g. from `git archive main`),
the same loads are timed with that code too, interleaved with these.
With `--phases`, the loader's steps timed apart in this process (compose
YAML, schema check, model build; CPU time, so another process on the machine
disturbs them less).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import engine_vs_peers as workload
from cxcoach.engine import compile_playbook, recommend
from cxcoach.engine.case import Case


def _yaml_text(specs) -> str:
    """The same workload as a playbook YAML file for the real loader."""
    def values(ids):
        return ", ".join(f"{{id: {v}, label: {v}}}" for v in ids)

    lines = [
        "playbook: {id: bench, title: Bench, version: 1.0.0, locales: [en]}",
        "facts:",
        f"  - {{id: severity, type: enum, label: Severity, values: [{values(workload.SEVERITY)}]}}",
        f"  - {{id: channel, type: enum, label: Channel, values: [{values(workload.CHANNELS)}]}}",
        f"  - {{id: category, type: enum, label: Category, values: [{values(workload.CATEGORIES)}]}}",
        "  - {id: anger, type: number, label: Anger, min: 0, max: 10}",
        "  - {id: minutes_elapsed, type: number, label: Minutes, min: 0}",
        "procedures:",
        "  - {id: p, title: P, steps: [{id: s, title: S}]}",
        "rules:",
    ]
    for i, spec in enumerate(specs):
        tests = ", ".join(
            f"{{fact: {f}, op: {op}, value: {list(v) if isinstance(v, list) else v}}}" for f, op, v in spec
        )
        lines.append(f"  - {{id: {workload.rule_id(i)}, when: {{all: [{tests}]}}, then: {{steps: [s]}}}}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rules", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--yaml", action="store_true", help="also time the YAML loader (read + schema + build)")
    ap.add_argument("--runs", type=int, default=7, help="fresh processes per kind of load (with --yaml)")
    ap.add_argument("--phases", action="store_true", help="also time compose, schema and build apart")
    ap.add_argument("--against", type=Path, help="another checkout's src folder to time beside this one (with --yaml)")
    args = ap.parse_args(argv)
    specs = workload.make_rules(args.rules, random.Random(args.seed))

    t0 = time.perf_counter()
    playbook = workload.cxcoach_playbook(specs)
    t1 = time.perf_counter()
    compiled = compile_playbook(playbook)
    t2 = time.perf_counter()
    received = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    facts = workload.make_cases(1, random.Random(1))[0]
    result = recommend(playbook, Case(facts=facts, received_at=received, now=received))
    t3 = time.perf_counter()
    print(f"{args.rules} rules: build model {1e3 * (t1 - t0):.0f} ms, compile + index {1e3 * (t2 - t1):.0f} ms, "
          f"first case {1e3 * (t3 - t2):.1f} ms ({len(result.fired)} rules fired); "
          f"engine load total {1e3 * (t2 - t0):.0f} ms")
    assert compiled.index.width == args.rules

    if args.yaml:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.yaml"
            path.write_text(_yaml_text(specs))
            print(f"YAML file: {path.stat().st_size:,} bytes; fresh process per run, best and median of {args.runs}")
            _yaml_table(path, Path(tmp), args.runs, args.against)
    if args.phases:
        _phases(_yaml_text(specs))
    return 0


def _phases(text: str) -> None:
    """The cold loader's steps one by one, as `loader.check_playbook` chains them."""
    from cxcoach.gc_pause import gc_paused
    from cxcoach.playbook.build import build_playbook
    from cxcoach.playbook.schema import schema_problems
    from cxcoach.playbook.yamlsource import compose
    from cxcoach.problems import ProblemList

    clock = time.process_time
    with gc_paused():  # as check_playbook runs them
        t0 = clock()
        doc, problems = compose(text, "bench.yaml")
        t1 = clock()
        assert doc is not None and not problems
        assert not schema_problems(doc)
        t2 = clock()
        found = ProblemList()
        assert build_playbook([doc], "bench.yaml", found) is not None and not found.has_errors
        t3 = clock()
    print(f"phases (CPU): compose {1e3 * (t1 - t0):.0f} ms, schema {1e3 * (t2 - t1):.0f} ms, "
          f"build {1e3 * (t3 - t2):.0f} ms")


_CHILD = """
import contextlib, os, sys, time
from pathlib import Path
sys.path.insert(0, {src!r})
os.environ["CXCOACH_CACHE"] = {cache!r}
if {kind!r} == "check-gc":  # before anything imports it: the collector keeps running
    import cxcoach.gc_pause
    cxcoach.gc_pause.gc_paused = contextlib.nullcontext
from cxcoach.engine import compile_playbook
from cxcoach.playbook.loader import check_playbook, load_playbook
path = Path({path!r})
t0, c0 = time.perf_counter(), time.process_time()
if {kind!r}.startswith("check"):
    playbook, problems = check_playbook(path)
    assert playbook is not None, problems[:3]
else:
    playbook = load_playbook(path)
t1, c1 = time.perf_counter(), time.process_time()
compile_playbook(playbook)
t2 = time.perf_counter()
print(t1 - t0, t2 - t1, c1 - c0)
"""
_KINDS = {"check": "load + validate (check_playbook)", "cold": "cold load, writes the cache (load_playbook)",
          "cached": "cached load (load_playbook)", "check-gc": "load + validate, collector not paused"}


def _yaml_table(path: Path, tmp: Path, runs: int, against: Path | None) -> None:
    """Each kind of load in a fresh interpreter, interleaved so that machine noise hits them alike."""
    import os
    import shutil
    import statistics
    import subprocess

    codes = {"": Path(__file__).resolve().parents[1] / "src"}
    if against is not None:
        codes[" [against]"] = against.resolve()
    # As installed code runs: from .pyc files (some sandboxes set PYTHONDONTWRITEBYTECODE).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times: dict[tuple[str, str], list[float]] = {(kind, code): [] for code in codes for kind in _KINDS}
    cpu: dict[tuple[str, str], list[float]] = {(kind, code): [] for code in codes for kind in _KINDS}
    compiles: dict[str, list[float]] = {code: [] for code in codes}
    for _ in range(runs):
        for code, src in codes.items():
            cache = tmp / f"cache{len(code)}"
            shutil.rmtree(cache, ignore_errors=True)
            for kind in _KINDS:  # "cached" reads the entry "cold" has just written
                child = _CHILD.format(src=str(src), cache=str(cache), path=str(path), kind=kind)
                out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True,
                                     env=env).stdout
                load, compile_, load_cpu = (float(x) for x in out.split())
                times[kind, code].append(load)
                cpu[kind, code].append(load_cpu)
                compiles[code].append(compile_)
    # CPU time too: on a shared machine other processes stretch the wall time, much less the CPU time.
    print(f"{'step':58} {'best ms':>8} {'median ms':>10} {'vs 1 s':>7} {'best CPU ms':>12}")
    for (kind, code), values in times.items():
        best, median = min(values), statistics.median(values)
        print(f"{_KINDS[kind] + code:58} {1e3 * best:8.0f} {1e3 * median:10.0f} {median:6.2f}x "
              f"{1e3 * min(cpu[kind, code]):12.0f}")
    for code, values in compiles.items():
        label = "compile (after any of them)" + code
        print(f"{label:58} {1e3 * min(values):8.0f} {1e3 * statistics.median(values):10.0f}")


if __name__ == "__main__":
    raise SystemExit(main())
