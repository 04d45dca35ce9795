"""Settings of the learnt detectors compared side by side: cross-validated figures and the held-apart dev sets.

    python bench/learn_variants.py ["C=10.0" "DEFAULT_THRESHOLD=0.5 POOLED_THRESHOLD=0.4" ...] [--folds 5]

Each argument is one variant: space-separated NAME=VALUE settings of cxcoach.drill.learn
(or learnt.NAME of cxcoach.drill.learnt), VALUE a Python literal; the shipped settings are
always the first row. Each variant runs in a fresh interpreter with the weights cache off, and
reads this checkout's playbooks/default, so every row learns from the same examples. Columns:

* cold s: `learn.train` on the shipped playbook, first call (imports scikit-learn);
* cv: grouped cross-validation (authoring/crossval.py, as `cxcoach calibrate --folds`): macro
  recall and precision over the detectors, misconduct examples caught, good lines (model answers,
  scripts) read as misconduct, counter-examples a bad detector fires on;
* each labelled set in playbooks/calibration/ (its held_out part): misconduct replies where some
  bad detector fires, and good replies where one does (should be none).

Figures only: a setting is kept when recall and misconduct caught go up, good lines read as
misconduct do not, and no dev set gets worse. Commit f964923 also had two switches measured with
this and then taken out (neither passed): learnt.BLOCK_NORM=True (words and word pairs L2-normed
apart from characters, as a FeatureUnion of two vectorisers would) and learnt.PIECES (word-piece
lengths). Settings read when scoring (learnt.POOLED_FLOOR) work too: the weights are not cached here.

Measured at f964923 (playbook of 42656a6): every variant trades recall for good lines read as
misconduct; none gains the one without the other (cv caught / cv good lines read as misconduct):

    shipped (C=20, thresholds 0.6/0.5, floor 0.3)   618/831  55/556
    DEFAULT_THRESHOLD=0.5 POOLED_THRESHOLD=0.4      629/831  59/556
    C=10.0                                          632/831  76/556
    C=50.0                                          605/831  49/556
    learnt.BLOCK_NORM=True                          617/831  46/556  (examples_dev 66/86 against 69/86)
    learnt.POOLED_FLOOR=0.0 POOLED_THRESHOLD=0.6    690/831 103/556  (examples_dev 76/86, good flagged 11/42, was 7/42)
    learnt.POOLED_FLOOR=0.0 POOLED_THRESHOLD=0.75   643/831  71/556

Measured on 2026-12-06 (playbook of 896268d, learner_dev.yaml written before any of these runs;
cv caught / cv good lines read as misconduct; each dev set's held-out misconduct caught, polite flagged):

    variant                                        cv caught  cv good→bad  examples_dev  dev_fresh   learner_dev
    896268d (word pieces, pooled per clause)       715/955    71/556       70/86 5/42    11/12 4/10  40/48 5/30
    no word pieces, question/addressee crossed     734/955    45/556       67/86 2/42     9/12 2/10  40/48 3/30
      + pooled classifier judges whole sentences   798/955    63/556       73/86 3/42    10/12 2/10  40/48 3/30
        (learnt.SENTENCE_THRESHOLD=0.7)            779/955    59/556       72/86 3/42     9/12 2/10  40/48 3/30

The last two rows still crossed negation and had SENTENCE_FLOOR 0.1; what was committed then drops
negation from the crossing, raises the floor to 0.2, lets guesses short of 0.9 (learnt.SURE) yield to
good words and needs three words (the shipped "Oh no, I'm sorry!" read as rude): bench/train.py --cv
gives its figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SETS = ("examples_dev_fresh", "examples_dev", "examples_dev_round2", "examples_dev_round2b", "dev_fresh", "dev",
        "learner_dev")

# Run in a fresh interpreter: prints one JSON object.
PROBE = r"""
import ast, json, sys, time
from pathlib import Path
import yaml
from cxcoach.authoring.calibrate import parse_answers
from cxcoach.authoring.crossval import cross_validate
from cxcoach.drill import learn, learnt as learnt_mod
from cxcoach.drill.detectors import detect
from cxcoach.drill.matcher import ReplyContext
from cxcoach.playbook import drill_model as dm, load_playbook

root, folds, sets = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(",")
for setting in sys.argv[4:]:
    name, _, value = setting.partition("=")
    module, name = (learnt_mod, name[7:]) if name.startswith("learnt.") else (learn, name)
    if not hasattr(module, name):
        raise SystemExit(f"no setting {name!r} in {module.__name__}")
    setattr(module, name, ast.literal_eval(value))
learn._cache_file = lambda fp: None  # every variant trains
pb = load_playbook(root / "playbooks" / "default")
background = learn.background_lines(pb)
start = time.perf_counter()
learn.train(pb.detectors, background)
out = {"cold": time.perf_counter() - start}
cv = cross_validate(pb.detectors, background, folds)
bad = {d.id for d in pb.detectors.values() if d.polarity is dm.Polarity.BAD}
out["cv"] = [cv.macro("recall"), cv.macro("precision"), list(cv.misconduct), list(cv.good_line_alarms),
             [sum(d.counter_alarms for d in cv.detectors if d.id in bad),
              sum(d.counters for d in cv.detectors if d.id in bad)]]
learnt = learn.learnt_for(pb)

def fires(replies):
    return any(b.detector in bad for r in replies
               for b in detect(pb.detectors, ReplyContext.of(r, pb.detectors, learnt=learnt)))

for name in sets:
    data = yaml.safe_load((root / "playbooks" / "calibration" / f"{name}.yaml").read_text(encoding="utf-8"))
    answers = [a for a in parse_answers(data) if a.split in ("held_out", "")]
    mis = [a for a in answers if a.kind == "misconduct"]
    good = [a for a in answers if a.kind in ("good", "unusual_good")]
    out[name] = [sum(fires(a.replies) for a in mis), len(mis), sum(fires(a.replies) for a in good), len(good)]
print(json.dumps(out))
"""


def _run(settings: list[str], folds: int) -> dict[str, list[object] | float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", PROBE, str(ROOT), str(folds), ",".join(SETS), *settings],
                          env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(settings) or 'shipped'} failed:\n{done.stderr}")
    result: dict[str, list[object] | float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="*", help='e.g. "C=10.0" or "DEFAULT_THRESHOLD=0.5 POOLED_THRESHOLD=0.4"')
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    rows = [("shipped", [])] + [(v, v.split()) for v in args.variants]
    head = (f"{'variant':<44} {'cold s':>6} {'cv recall':>9} {'cv prec':>7} {'cv caught':>9} {'cv good→bad':>11} "
            f"{'cv counter':>10}" + "".join(f" {s + ' caught / good→bad':>34}" for s in SETS))
    print(head)
    for label, settings in rows:
        r = _run(settings, args.folds)
        recall, precision, caught, alarms, counters = r["cv"]
        line = (f"{label:<44} {r['cold']:>6.2f} {recall:>9.3f} {precision:>7.3f} {f'{caught[0]}/{caught[1]}':>9} "
                f"{f'{alarms[0]}/{alarms[1]}':>11} {f'{counters[0]}/{counters[1]}':>10}")
        for s in SETS:
            m, n_m, g, n_g = r[s]
            line += f" {f'{m}/{n_m} ({m / n_m:.2f})  {g}/{n_g}':>34}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
