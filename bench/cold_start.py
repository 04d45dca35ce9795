"""Cold start of `cxcoach recommend case.yaml`, side by side with `python -c "import yaml, click"`.

    python bench/cold_start.py [--runs 20] [--case FILE] [--json FILE] [--against SRC] [--instructions]

Each run spawns a fresh interpreter. The commands are interleaved run by run,
so a burst of load on this noisy machine hits all of them alike; the table
shows the best and the median wall time and each command's ratio to the
baseline (the issue's target: `recommend` within 1.5x of `import yaml, click`),
and the median CPU time (user + system) of each, which other processes on a
shared machine stretch much less than the wall time.

Rows:
* python -c pass — the interpreter alone, for scale.
* import yaml, click — the baseline.
* recommend, cached — the playbook cache warm (every run but the first after an edit).
* recommend --format json — the ticketing-tool path.
* recommend, no cache — CXCOACH_NO_CACHE=1: YAML, schema and semantic checks on every run.
* with `--against SRC` (another checkout's `src`, e.g. from `git archive main`),
  the recommend rows again with that code first on PYTHONPATH, in the same runs.

Bytecode is written (PYTHONDONTWRITEBYTECODE is cleared) and every command
runs once before timing, so no row pays for compiling .py files or filling
the cache.

`--instructions` counts what each command executes instead, once, under
valgrind's callgrind: a figure other processes on a shared machine cannot
disturb (it leaves out the kernel's work: file reads, page faults).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASE = """\
received_at: 2026-03-06T16:00:00+08:00
now: 2026-03-06T16:20:00+08:00
facts:
  channel: phone
  severity: general
  category: product_quality
  emotion: angry
  customer_type: dominant
  stage: acknowledged
"""


def _rows(case: Path, against: Path | None) -> list[tuple[str, list[str], dict[str, str]]]:
    python = sys.executable
    script = Path(python).with_name("cxcoach")  # the installed command, as users run it
    cxcoach = [str(script)] if script.exists() else [python, "-m", "cxcoach"]
    recommend = [
        ("recommend, cached", [*cxcoach, "recommend", str(case)], {}),
        ("recommend --format json", [*cxcoach, "recommend", str(case), "--format", "json"], {}),
        ("recommend, no cache", [*cxcoach, "recommend", str(case)], {"CXCOACH_NO_CACHE": "1"}),
    ]
    rows = [
        ("python -c pass", [python, "-c", "pass"], {}),
        ("import yaml, click", [python, "-c", "import yaml, click"], {}),
        *recommend,
    ]
    if against is not None:  # its own cache folder: the two codes' entries must not replace each other
        rows += [(f"{name} [against]", argv, {**env, "PYTHONPATH": str(against.resolve()),
                                              "CXCOACH_CACHE": str(case.parent / "against-cache")})
                 for name, argv, env in recommend]
    return rows


def _time(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of `argv`."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)  # the child's own resource usage, which Popen.wait does not give
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    child.stderr.close()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{errors.decode(errors='replace')}")
    return elapsed, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--case", type=Path, help="a case file (default: a general phone complaint)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--against", type=Path, help="another checkout's src folder to time beside this one")
    parser.add_argument("--instructions", action="store_true", help="count instructions with valgrind instead")
    args = parser.parse_args()

    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        case = args.case or Path(tmp) / "case.yaml"
        if args.case is None:
            case.write_text(CASE, encoding="utf-8")
        rows = _rows(case, args.against)
        times: dict[str, list[float]] = {name: [] for name, _, _ in rows}
        cpu: dict[str, list[float]] = {name: [] for name, _, _ in rows}
        for _, argv, extra in rows:  # warm up: bytecode and the playbook cache
            _time(argv, {**base_env, **extra})
        if args.instructions:
            _count(rows, base_env)
            return
        for _ in range(args.runs):
            for name, argv, extra in rows:
                wall, used = _time(argv, {**base_env, **extra})
                times[name].append(wall)
                cpu[name].append(used)

    base_best = min(times["import yaml, click"])
    base_median = statistics.median(times["import yaml, click"])
    base_cpu = statistics.median(cpu["import yaml, click"])
    print(f"{'command':<34} {'best ms':>8} {'median ms':>10} {'best ratio':>11} {'median ratio':>13} "
          f"{'median CPU ms':>14} {'CPU ratio':>10}")
    figures = {}
    for name, values in times.items():
        best, median, used = min(values), statistics.median(values), statistics.median(cpu[name])
        figures[name] = {"best_ms": round(best * 1e3, 1), "median_ms": round(median * 1e3, 1),
                         "best_ratio": round(best / base_best, 2), "median_ratio": round(median / base_median, 2),
                         "median_cpu_ms": round(used * 1e3, 1), "cpu_ratio": round(used / base_cpu, 2)}
        print(f"{name:<34} {best * 1e3:>8.1f} {median * 1e3:>10.1f} {best / base_best:>10.2f}x "
              f"{median / base_median:>12.2f}x {used * 1e3:>14.1f} {used / base_cpu:>9.2f}x")
    print(f"\n{args.runs} interleaved runs each; target: recommend, cached within 1.5x of import yaml, click")
    if args.json:
        args.json.write_text(json.dumps({"runs": args.runs, "rows": figures}, indent=2), encoding="utf-8")


def _count(rows: list[tuple[str, list[str], dict[str, str]]], base_env: dict[str, str]) -> None:
    counts = {}
    for name, argv, extra in rows:
        done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
                              env={**base_env, **extra}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              check=True)
        counts[name] = int(done.stderr.rsplit("Collected : ", 1)[1].split()[0])
    base = counts["import yaml, click"]
    print(f"{'command':<34} {'instructions':>14} {'ratio':>7}")
    for name, count in counts.items():
        print(f"{name:<34} {count / 1e6:>12.1f} M {count / base:>6.2f}x")
    print("\ntarget: recommend, cached within 1.5x of import yaml, click")


if __name__ == "__main__":
    main()
