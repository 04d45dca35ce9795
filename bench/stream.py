"""`cxcoach recommend --stream` against in-process `recommend()`, on the same cases.

    python bench/stream.py [--cases 5000] [--runs 3] [--seed 7] [--mix ticket|rich]
                           [--playbook DIR] [--against CXCOACH] [--json FILE]

The cases are the shipped playbook's test cases (`*.test.yaml`) followed by
random cases drawn from its declared facts, with a fixed seed, so every run and
every checkout sees the same lines. How many facts a case states decides how
many rules fire and so the size of an answer; `--mix` says which cases:

* ticket (default): what a ticket form gives: channel, severity, category and
  stage always, emotion and customer type in 70% of cases, any other fact in
  15% (7 facts a case on average, like the README's example).
* rich: every fact in 60% of cases (11 facts a case on average: about 16
  recommended steps where a ticket gets 11).

Rows:

* in-process recommend(): `parse_case` + `recommend` per case, nothing encoded.
* in-process + JSON: the same and the result encoded as one JSON line, as the
  stream writes it; bytes/case is the size of those lines.
* --stream: the installed `cxcoach recommend --stream` in a subprocess, stdin
  from a file and stdout to a file, with its default worker processes (one
  per CPU) and with `--workers 1`; also `--stream --explain` and
  `--stream --fields recommendations,deadlines` when this checkout has `--fields`.
* --against CXCOACH: the plain stream row through another installed command,
  e.g. an older checkout's `.venv/bin/cxcoach`, for before/after figures; it
  answers with its own shipped playbook (an older checkout may not read this one).

Each row is timed `--runs` times, interleaved run by run so a burst of load on
this noisy machine hits every row alike, and the medians are shown. A stream
row is also run on empty input each time: its start-up (imports, the cached
playbook) is shown apart and taken out of its throughput, which is what a
long stream sees. Throughput is given per second of wall time and per second
of CPU time (user + system, the subprocess's own: what a row costs, which the
other work on a shared machine changes much less), with bytes per case and
each row's CPU throughput relative to in-process recommend(). Every stream
line is checked to be valid UTF-8 JSON, and the number of error lines is shown
(the generated cases are all valid).

Other work on the machine changes the wall-time figures most: the load
average is printed before and after, and the benchmark is best run under
`nice` when others share the machine. The last line compares the default
`--stream` row with the targets of issue 14 (6,000 cases/s, under 6 KB a case).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Monday


def _test_cases(folder: Path) -> list[dict[str, object]]:
    import yaml

    out = []
    for path in sorted(folder.glob("*.test.yaml")):
        for test in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("tests", []):
            case = test.get("case")
            if isinstance(case, dict) and "received_at" in case:
                out.append(json.loads(json.dumps(case, default=lambda v: v.isoformat())))
    return out


MIXES = {
    "ticket": ({"channel": 1.0, "severity": 1.0, "category": 1.0, "stage": 1.0, "emotion": 0.7, "customer_type": 0.7},
               0.15),
    "rich": ({}, 0.6),
}


def _random_case(playbook, rng: random.Random, n: int, mix: str) -> dict[str, object]:
    rates, other = MIXES[mix]
    facts: dict[str, object] = {}
    for fact in playbook.facts.values():
        if rng.random() >= rates.get(fact.id, other):
            continue
        kind = str(getattr(fact.type, "value", fact.type))
        if kind == "enum":
            facts[fact.id] = rng.choice(fact.value_ids)
        elif kind == "bool":
            facts[fact.id] = rng.random() < 0.5
        elif kind == "number":
            lo = fact.min if fact.min is not None else 0
            hi = fact.max if fact.max is not None else 100
            facts[fact.id] = rng.randint(int(lo), int(hi))
    received = START + dt.timedelta(minutes=rng.randrange(0, 5 * 24 * 60))
    now = received + dt.timedelta(minutes=rng.choice((5, 20, 45, 90, 240, 1500, 5000)))
    return {"id": f"B-{n}", "received_at": received.isoformat(), "now": now.isoformat(), "facts": facts}


def make_cases(playbook, folder: Path, count: int, seed: int, mix: str = "ticket") -> list[dict[str, object]]:
    rng = random.Random(seed)
    cases = _test_cases(folder)[:count]
    while len(cases) < count:
        cases.append(_random_case(playbook, rng, len(cases), mix))
    return cases


def _encoder() -> Callable[[Any], bytes]:
    """How this checkout writes one stream line by default: the contract's encoder if it has one, else json.

    The fallback is how checkouts before the versioned contract wrote a line, so
    the bench also runs there (for before/after figures).
    """
    try:
        from cxcoach.engine.render import encode_line
        from cxcoach.engine.result import DEFAULT_FIELDS

        return lambda result: encode_line(result.select(DEFAULT_FIELDS))
    except ImportError:
        return lambda result: (json.dumps(result.to_json(), ensure_ascii=False) + "\n").encode()


def _in_process(playbook, cases: list[dict[str, object]], encode: bool) -> tuple[float, float, int]:
    """recommend() as the stream calls it: without the prose, which the default fields leave out."""
    import inspect

    from cxcoach import parse_case, recommend

    options = {"texts": False} if "texts" in inspect.signature(recommend).parameters else {}
    line = _encoder() if encode else None
    size = 0
    start, cpu = time.perf_counter(), time.process_time()
    for raw in cases:
        result = recommend(playbook, parse_case(playbook, raw), **options)
        if line is not None:
            size += len(line(result))
    return time.perf_counter() - start, time.process_time() - cpu, size


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _stream(argv: list[str], lines: Path | None, out: Path) -> tuple[float, float, int]:
    with (lines or Path("/dev/null")).open("rb") as stdin, out.open("wb") as stdout:
        start, cpu = time.perf_counter(), _children_cpu()
        done = subprocess.run(argv, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, check=False)
        elapsed, used = time.perf_counter() - start, _children_cpu() - cpu
    if done.returncode not in (0, 1) or (done.stderr and not out.stat().st_size):
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr.decode(errors='replace')}")
    return elapsed, used, out.stat().st_size


def _errors(out: Path, expected: int) -> int:
    """Error lines in a stream's output, after checking every line is UTF-8 JSON and none is missing."""
    rows = out.read_bytes().splitlines()
    if len(rows) != expected:
        raise SystemExit(f"{out}: {len(rows)} lines for {expected} cases")
    return sum(1 for row in rows if "error" in json.loads(row.decode("utf-8")))


def _has_option(cxcoach: str, option: str) -> bool:
    help_text = subprocess.run([cxcoach, "recommend", "--help"], capture_output=True, text=True, check=False).stdout
    return option in help_text


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mix", choices=sorted(MIXES), default="ticket", help="which random cases (see above)")
    parser.add_argument("--playbook", type=Path, default=ROOT / "playbooks" / "default")
    parser.add_argument("--against", metavar="CXCOACH", help="another installed cxcoach command to compare with")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    from cxcoach import load_playbook

    playbook = load_playbook(args.playbook)
    cases = make_cases(playbook, args.playbook, args.cases, args.seed, args.mix)
    mine = str(Path(sys.executable).with_name("cxcoach"))
    base = [mine, "recommend", "--stream", "--playbook", str(args.playbook)]
    streams: list[tuple[str, list[str]]] = [("--stream", base)]
    if _has_option(mine, "--workers"):
        streams.append(("--stream --workers 1", [*base, "--workers", "1"]))
    streams.append(("--stream --explain", [*base, "--explain"]))
    if _has_option(mine, "--fields"):
        streams.append(("--stream --fields recommendations,deadlines",
                        [*base, "--fields", "recommendations,deadlines"]))
    if args.against:
        streams.append((f"--stream ({args.against})", [args.against, "recommend", "--stream"]))

    times: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}
    startup: dict[str, list[tuple[float, float]]] = {}
    sizes: dict[str, int] = {}
    errors: dict[str, int] = {}
    load_before = _load()
    with tempfile.TemporaryDirectory() as tmp:
        lines = Path(tmp) / "cases.jsonl"
        lines.write_bytes(b"".join(json.dumps(c, ensure_ascii=False).encode() + b"\n" for c in cases))
        out = Path(tmp) / "out.jsonl"
        for _name, argv in streams:  # warm-up: bytecode and the playbook cache
            _stream(argv, lines, out)
        for _ in range(args.runs):
            for name, encode in (("in-process recommend()", False), ("in-process + JSON line", True)):
                elapsed, used, size = _in_process(playbook, cases, encode)
                times.setdefault(name, []).append(elapsed)
                cpus.setdefault(name, []).append(used)
                sizes[name] = size
            for name, argv in streams:
                empty_wall, empty_cpu, _ = _stream(argv, None, out)
                startup.setdefault(name, []).append((empty_wall, empty_cpu))
                elapsed, used, size = _stream(argv, lines, out)
                times.setdefault(name, []).append(elapsed - empty_wall)
                cpus.setdefault(name, []).append(used - empty_cpu)
                sizes[name] = size
                errors[name] = _errors(out, len(cases))

    n = len(cases)
    ref = n / statistics.median(cpus["in-process recommend()"])
    print(f"{n} cases ({len(_test_cases(args.playbook))} from the playbook's tests, the rest {args.mix} mix), "
          f"{args.runs} runs, playbook {args.playbook.name}; medians, start-up taken out of the stream rows")
    print(f"{os.cpu_count()} CPUs; load average (1, 5, 15 min) {load_before} before, {_load()} after")
    print(f"{'':46} {'start-up s':>10} {'cases/s':>8} {'cases/CPU-s':>11} {'bytes/case':>10} {'vs in-process':>13} "
          f"{'errors':>6}")
    figures = {}
    for name, runs in times.items():
        wall, per_cpu = n / statistics.median(runs), n / statistics.median(cpus[name])
        up = f"{statistics.median(w for w, _ in startup[name]):.2f}" if name in startup else ""
        per_case = sizes[name] / n if sizes[name] else 0
        err = str(errors[name]) if name in errors else ""
        print(f"{name:46} {up:>10} {wall:8,.0f} {per_cpu:11,.0f} {per_case:10,.0f} {per_cpu / ref:12.2f}x {err:>6}")
        figures[name] = {"cases_per_s": wall, "cases_per_cpu_s": per_cpu, "bytes_per_case": per_case}
    if args.against:
        this, other = figures["--stream"], figures[f"--stream ({args.against})"]
        print(f"--stream against {args.against}: {this['cases_per_s'] / other['cases_per_s']:.1f}x cases/s, "
              f"{this['cases_per_cpu_s'] / other['cases_per_cpu_s']:.1f}x cases/CPU-s, "
              f"{other['bytes_per_case'] / this['bytes_per_case']:.1f}x fewer bytes/case")
    stream = figures["--stream"]
    met = stream["cases_per_s"] >= 6000 and stream["bytes_per_case"] < 6000
    print(f"--stream: {stream['cases_per_s']:,.0f} cases/s, {stream['bytes_per_case']:,.0f} bytes/case; "
          f"target 6,000 cases/s and under 6,000 bytes/case: {'met' if met else 'not met'}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
