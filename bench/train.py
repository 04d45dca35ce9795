"""Learning detectors from examples: cold training time, cache entry size and read time, cross-validated figures.

    python bench/train.py --against OLD_SRC [--scale 5] [--runs 3] [--cv] [--folds 5]

OLD_SRC is another checkout's `src` folder (e.g. `git archive main src | tar -x -C /tmp/old`).
Each measurement runs in a fresh interpreter, this code and OLD_SRC interleaved run by run, so
a burst of load on this shared machine hits both alike; the table puts them side by side with
their ratio. Rows:

Both codes read this checkout's playbooks/default, so they learn from the same examples.

* train, shipped: `learn.train` on the shipped playbook's detectors and good lines (what a cold
  first `cxcoach score` pays after a trainer edits detectors.yaml);
* train, N x examples: the same with every example and counter-example written N times over in
  slightly different words (a playbook that has grown, as trainers add examples);
* entry bytes / read ms: the cache entry `learnt_from` writes for the shipped playbook, and the
  time to read it back (scoring start-up: `cxcoach score`, a drill in the TUI).

With `--cv`, the cross-validated figures of authoring/crossval.py (grouped folds over the shipped
examples and good lines), for both codes: macro recall and precision over the detectors,
misconduct examples caught, good lines read as misconduct, and per detector.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
PLAYBOOK = HERE.parent / "playbooks" / "default"  # this checkout's shipped playbook, read by both codes

# Run inside the measured code's interpreter: prints one JSON object.
PROBE = r"""
import json, os, sys, time
from pathlib import Path
import msgspec
from cxcoach.playbook import load_playbook
from cxcoach.drill import learn

what, scale = sys.argv[1], int(sys.argv[2])
pb = load_playbook(Path(os.environ["BENCH_PLAYBOOK"]))  # the same playbook for both codes
background = learn.background_lines(pb)
# Variations a trainer might write: the same example said with a different opening or ending.
ZH = ("", "嗯，", "那个，", "说实话，", "其实", "这么说吧，", "我跟您讲，", "您看，")
EN = ("", "Well, ", "Look, ", "Honestly, ", "To be fair, ", "OK, ", "Right, ", "So, ")

def grow(texts, n):
    out = []
    for k in range(n):
        for t in texts:
            zh = any("\u4e00" <= ch <= "\u9fff" for ch in t)
            opening = (ZH if zh else EN)[k % 8]
            out.append(opening + (t if zh or not opening else t[:1].lower() + t[1:]) + ("" if k < 8 else f" ({k})"))
    return tuple(out)

detectors = pb.detectors
if scale > 1:
    detectors = {k: msgspec.structs.replace(d, examples=grow(d.examples, scale),
                                            counter_examples=grow(d.counter_examples, scale))
                 for k, d in detectors.items()}
out = {}
if what == "train":
    start = time.perf_counter()
    learn.train(detectors, background)
    out["seconds"] = time.perf_counter() - start
elif what == "cache":
    start = time.perf_counter()
    learn.learnt_from(detectors, background)  # cold: trains and writes the entry
    folder = Path(os.environ["CXCOACH_CACHE"]) / "learnt"
    out["bytes"] = sum(p.stat().st_size for p in folder.iterdir())
    start = time.perf_counter()
    learn.learnt_from(detectors, background)  # warm: reads the entry
    out["read_seconds"] = time.perf_counter() - start
elif what == "cv":
    import importlib.util
    spec = importlib.util.spec_from_file_location("cxcoach.authoring.crossval", sys.argv[3])
    crossval = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = crossval
    spec.loader.exec_module(crossval)
    out = crossval.cross_validate(detectors, background, int(sys.argv[4])).to_json()
print(json.dumps(out))
"""


def _run(src: Path, args: list[str], cache: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(src.resolve()), "CXCOACH_CACHE": str(cache),
           "BENCH_PLAYBOOK": str(PLAYBOOK)}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{src}: {' '.join(args)} failed:\n{done.stderr}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _ratio(new: float, old: float) -> str:
    return f"{new / old:.2f}x" if old else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, required=True, help="another checkout's src folder")
    parser.add_argument("--scale", type=int, default=5, help="examples written N times over (default 5)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cv", action="store_true", help="also the cross-validated figures (slow)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-timing", action="store_true", help="only the cross-validated figures")
    args = parser.parse_args()
    codes = {"this": SRC, "against": args.against}
    print(f"this: {SRC}\nagainst: {args.against.resolve()}\n")
    if not args.no_timing:
        times: dict[tuple[str, str], list[float]] = {}
        cache: dict[str, dict[str, object]] = {}
        with tempfile.TemporaryDirectory() as tmp:
            for name, src in codes.items():
                cache[name] = _run(src, ["cache", "1"], Path(tmp) / name)
            for _ in range(args.runs):
                for row, scale in (("train, shipped", 1), (f"train, {args.scale} x examples", args.scale)):
                    for name, src in codes.items():
                        got = _run(src, ["train", str(scale)], Path(tmp) / "unused")
                        times.setdefault((row, name), []).append(float(got["seconds"]))  # type: ignore[arg-type]
        print(f"{'row':<28} {'this':>12} {'against':>12} {'ratio':>8}")
        for row in ("train, shipped", f"train, {args.scale} x examples"):
            new, old = statistics.median(times[(row, "this")]), statistics.median(times[(row, "against")])
            print(f"{row + ' (median s)':<28} {new:>12.2f} {old:>12.2f} {_ratio(new, old):>8}")
        nb, ob = float(cache["this"]["bytes"]), float(cache["against"]["bytes"])  # type: ignore[arg-type]
        print(f"{'entry bytes':<28} {nb:>12,.0f} {ob:>12,.0f} {_ratio(nb, ob):>8}")
        nr, orr = float(cache["this"]["read_seconds"]), float(cache["against"]["read_seconds"])  # type: ignore[arg-type]
        print(f"{'entry read ms':<28} {nr * 1e3:>12.1f} {orr * 1e3:>12.1f} {_ratio(nr, orr):>8}")
        print(f"\n{args.runs} interleaved runs per training row")
    if args.cv:
        module = SRC / "cxcoach" / "authoring" / "crossval.py"
        figures = {}
        with tempfile.TemporaryDirectory() as tmp:
            for name, src in codes.items():
                figures[name] = _run(src, ["cv", "1", str(module), str(args.folds)], Path(tmp) / name)
        _cv_table(figures["this"], figures["against"], args.folds)


def _cv_table(new: dict[str, object], old: dict[str, object], folds: int) -> None:
    def f(x: object) -> str:
        return "-" if x is None else f"{float(x):.3f}"  # type: ignore[arg-type]

    def pair(x: object) -> str:
        a, b = x  # type: ignore[misc]
        return f"{a}/{b}"

    print(f"\ncross-validated, {folds} grouped folds over the shipped examples and good lines")
    print(f"{'figure':<34} {'this':>12} {'against':>12}")
    print(f"{'macro recall':<34} {f(new['macro_recall']):>12} {f(old['macro_recall']):>12}")
    print(f"{'macro precision':<34} {f(new['macro_precision']):>12} {f(old['macro_precision']):>12}")
    print(f"{'misconduct examples caught':<34} {pair(new['misconduct']):>12} {pair(old['misconduct']):>12}")
    print(f"{'good lines read as misconduct':<34} {pair(new['good_line_alarms']):>12} "
          f"{pair(old['good_line_alarms']):>12}")
    print(f"\n{'detector':<20} {'recall this':>11} {'against':>8} {'precision this':>14} {'against':>8} "
          f"{'counter alarms this':>19} {'against':>8}")
    old_by = {d["id"]: d for d in old["detectors"]}  # type: ignore[attr-defined]
    for d in new["detectors"]:  # type: ignore[attr-defined]
        o = old_by.get(d["id"], {})
        print(f"{d['id']:<20} {f(d['recall']):>11} {f(o.get('recall')):>8} {f(d['precision']):>14} "
              f"{f(o.get('precision')):>8} {d['counter_alarms']:>19} {o.get('counter_alarms', '-'):>8}")


if __name__ == "__main__":
    main()
