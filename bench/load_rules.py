"""How long 10,000 rules take to become a ready-to-run engine.

    python bench/load_rules.py [--rules 10000] [--yaml] [--phases]

Measures, separately:
* build: 10,000 `Rule` model objects (what `playbook/build.py` produces),
* compile: `engine.compile_playbook` (closures + bitmask index),
* first case: one `recommend()` call on the compiled playbook,
and, with `--yaml`, the whole path through the lead's loader
(`cxcoach.playbook.load_playbook` on a generated YAML file: read, schema,
build) followed by compile, and with `--phases` the loader's three steps
timed apart (compose YAML, schema check, model build; CPU time, so another
process on the machine disturbs them less). Target: load + validate in under 1 s.
"""

from __future__ import annotations

import argparse
import os
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import engine_vs_peers as workload  # noqa: E402

from cxcoach.engine import compile_playbook, recommend  # noqa: E402
from cxcoach.engine.case import Case  # noqa: E402


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
    ap.add_argument("--phases", action="store_true", help="also time compose, schema and build apart")
    args = ap.parse_args(argv)
    specs = workload.make_rules(args.rules, random.Random(args.seed))

    t0 = time.perf_counter()
    playbook = workload.cxcoach_playbook(specs)
    t1 = time.perf_counter()
    compiled = compile_playbook(playbook)
    t2 = time.perf_counter()
    received = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
    facts = workload.make_cases(1, random.Random(1))[0]
    result = recommend(playbook, Case(facts=facts, received_at=received, now=received))
    t3 = time.perf_counter()
    print(f"{args.rules} rules: build model {1e3 * (t1 - t0):.0f} ms, compile + index {1e3 * (t2 - t1):.0f} ms, "
          f"first case {1e3 * (t3 - t2):.1f} ms ({len(result.fired)} rules fired); "
          f"engine load total {1e3 * (t2 - t0):.0f} ms")
    assert compiled.index.width == args.rules

    if args.yaml:
        from cxcoach.playbook import PlaybookError, load_playbook

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.yaml"
            path.write_text(_yaml_text(specs))
            size = path.stat().st_size
            os.environ["CXCOACH_CACHE"] = str(Path(tmp) / "cache")  # start cold, keep the user's cache clean
            t4 = time.perf_counter()
            try:
                loaded = load_playbook(path)
            except PlaybookError as exc:
                print(f"YAML loader rejected the workload ({len(exc.problems)} problems), first: "
                      f"{exc.problems[0].format()}", file=sys.stderr)
                return 1
            t5 = time.perf_counter()
            compile_playbook(loaded)
            t6 = time.perf_counter()
            again = load_playbook(path)  # unchanged files: served from the content-keyed cache
            t7 = time.perf_counter()
            assert again == loaded
        print(f"YAML ({size:,} bytes) cold: read + schema + build {1e3 * (t5 - t4):.0f} ms, "
              f"compile {1e3 * (t6 - t5):.0f} ms, total {1e3 * (t6 - t4):.0f} ms")
        print(f"YAML cached (same bytes): load {1e3 * (t7 - t6):.0f} ms")
    if args.phases:
        _phases(_yaml_text(specs))
    return 0


def _phases(text: str) -> None:
    """The cold loader's steps one by one, as `loader.check_playbook` chains them."""
    from cxcoach.playbook.build import build_playbook
    from cxcoach.playbook.schema import schema_problems
    from cxcoach.playbook.yamlsource import compose
    from cxcoach.problems import ProblemList

    clock = time.process_time
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


if __name__ == "__main__":
    raise SystemExit(main())
