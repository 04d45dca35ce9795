"""Do the detectors generalise from their examples? Grouped cross-validation over the playbook's own examples.

The playbook's examples, counter-examples and good lines (model answers and
scripts, see learn.background_lines) are split into `folds` groups; a text is
one group wherever it appears, so a held-out example never sits in the
training data under another detector. Each fold trains on the other groups
and reads its own with the detectors as a drill does (phrases and patterns,
plus what was learnt), so the figures say how a detector does on wording its
classifier never saw:

* recall: held-out examples of the detector it finds, and how many of those
  its phrases and patterns alone miss that learning catches;
* precision: of the held-out texts whose truth is known for it (examples of
  any detector, its own counter-examples, and good lines for a bad detector)
  that it fires on, those it is an example of (another detector's example
  that also shows the act counts against it: the figure is a floor);
* false alarms: held-out counter-examples it fires on, and good lines a bad
  detector fires on (always wrong: the playbook's own model answers).

`cxcoach calibrate --folds N` prints them; bench/train.py compares versions.
Only `learn.train`, `ReplyContext.of(..., learnt=)` and `detect` are used, so
the same figures can be taken of older code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import msgspec

from ..playbook import drill_model as dm


@dataclass
class FoldFigures:
    """One detector's held-out counts, summed over the folds."""

    id: str
    examples: int = 0  # held-out examples of this detector
    found: int = 0  # ... it finds
    phrase_missed: int = 0  # ... its phrases and patterns alone miss
    learnt_caught: int = 0  # ... of those, found by what it learnt
    fired: int = 0  # held-out texts whose truth is known for it that it fires on
    counters: int = 0  # held-out counter-examples of this detector
    counter_alarms: int = 0  # ... it fires on
    good_lines: int = 0  # held-out good lines (for bad detectors)
    good_line_alarms: int = 0  # ... it fires on

    @property
    def recall(self) -> float | None:
        return self.found / self.examples if self.examples else None

    @property
    def precision(self) -> float | None:
        return self.found / self.fired if self.fired else None

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "recall": self.recall, "precision": self.precision, "examples": self.examples,
                "found": self.found, "fired": self.fired, "phrase_missed": self.phrase_missed,
                "learnt_caught": self.learnt_caught, "counters": self.counters,
                "counter_alarms": self.counter_alarms, "good_lines": self.good_lines,
                "good_line_alarms": self.good_line_alarms}


@dataclass
class CrossValidation:
    folds: int
    detectors: list[FoldFigures]
    misconduct: tuple[int, int] = (0, 0)  # held-out bad examples where some bad detector fires, of all
    good_line_alarms: tuple[int, int] = (0, 0)  # held-out good lines where some bad detector fires, of all
    seconds_training: float = 0.0
    per_fold: list[float] = field(default_factory=list)

    def macro(self, what: str) -> float | None:
        """The mean of a figure over the detectors that have it (every detector weighs the same)."""
        values = [v for d in self.detectors if (v := getattr(d, what)) is not None]
        return sum(values) / len(values) if values else None

    def to_json(self) -> dict[str, object]:
        return {"folds": self.folds, "macro_recall": self.macro("recall"), "macro_precision": self.macro("precision"),
                "misconduct": list(self.misconduct), "good_line_alarms": list(self.good_line_alarms),
                "detectors": [d.to_json() for d in self.detectors]}


def fold_of(text: str, folds: int) -> int:
    """A text's fold: from its words, so the same text is in the same fold under every detector and every run."""
    return int(hashlib.sha256(text.strip().encode()).hexdigest()[:8], 16) % folds


def _without(detectors: Mapping[str, dm.Detector], keep: Callable[[str], bool]) -> dict[str, dm.Detector]:
    return {k: msgspec.structs.replace(d, examples=tuple(x for x in d.examples if keep(x)),
                                       counter_examples=tuple(x for x in d.counter_examples if keep(x)))
            for k, d in detectors.items()}


def cross_validate(detectors: Mapping[str, dm.Detector], background: Sequence[str] = (), folds: int = 5,
                   learning: Sequence[str] | None = None) -> CrossValidation:
    """Train on all folds but one and read the one held out, for each fold (see the module docstring).

    `learning`: the detectors to report (default: those with examples).
    """
    import time

    from ..drill.detectors import detect
    from ..drill.learn import train
    from ..drill.matcher import ReplyContext

    if folds < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    wanted = list(learning) if learning is not None else [k for k, d in detectors.items() if d.examples]
    figures = {k: FoldFigures(k) for k in wanted}
    bad = {k for k, d in detectors.items() if d.polarity is dm.Polarity.BAD}
    owners: dict[str, set[str]] = {}
    counters: dict[str, set[str]] = {}
    for k, d in detectors.items():
        for x in d.examples:
            owners.setdefault(x, set()).add(k)
        for x in d.counter_examples:
            counters.setdefault(x, set()).add(k)
    good_lines = set(background)
    texts = list(dict.fromkeys([*owners, *counters, *background]))
    phrase_only = {t: {b.detector for b in detect(detectors, ReplyContext.of(t, detectors))} for t in texts}
    caught = n_bad = alarms = n_good = 0
    spent: list[float] = []
    for f in range(folds):
        start = time.perf_counter()
        learnt = train(_without(detectors, lambda x, f=f: fold_of(x, folds) != f),  # type: ignore[misc]  # bound per fold
                       [b for b in background if fold_of(b, folds) != f])
        spent.append(time.perf_counter() - start)
        for text in texts:
            if fold_of(text, folds) != f:
                continue
            found = {b.detector for b in detect(detectors, ReplyContext.of(text, detectors, learnt=learnt))}
            mine = owners.get(text, set())
            if mine & bad:
                n_bad += 1
                caught += bool(found & bad)
            if text in good_lines and not mine:
                n_good += 1
                alarms += bool(found & bad)
            for k, fig in figures.items():
                got = k in found
                known = bool(mine) or k in counters.get(text, ()) or (k in bad and text in good_lines)
                fig.fired += got and known
                if k in mine:
                    fig.examples += 1
                    fig.found += got
                    if k not in phrase_only[text]:
                        fig.phrase_missed += 1
                        fig.learnt_caught += got
                if k in counters.get(text, ()):
                    fig.counters += 1
                    fig.counter_alarms += got
                if k in bad and text in good_lines and not mine:
                    fig.good_lines += 1
                    fig.good_line_alarms += got
    return CrossValidation(folds, list(figures.values()), (caught, n_bad), (alarms, n_good), sum(spent), spent)


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def cross_validation_text(cv: CrossValidation) -> str:
    lines = [f"cross-validation over the playbook's examples: {cv.folds} folds, each trained without its own "
             f"texts (training took {cv.seconds_training:.1f} s in all)",
             f"  macro recall {_f(cv.macro('recall'))}, macro precision {_f(cv.macro('precision'))}; "
             f"misconduct examples caught {cv.misconduct[0]}/{cv.misconduct[1]}; "
             f"good lines read as misconduct {cv.good_line_alarms[0]}/{cv.good_line_alarms[1]}",
             "",
             f"  {'detector':<20} {'recall':>7} {'precision':>9} {'examples':>8} {'phrases miss':>12} "
             f"{'learnt catch':>12} {'counter alarms':>14} {'good-line alarms':>16}"]
    for d in cv.detectors:
        good = f"{d.good_line_alarms}/{d.good_lines}" if d.good_lines else "-"
        lines.append(f"  {d.id:<20} {_f(d.recall):>7} {_f(d.precision):>9} {d.examples:>8} {d.phrase_missed:>12} "
                     f"{d.learnt_caught:>12} {f'{d.counter_alarms}/{d.counters}':>14} {good:>16}")
    lines += ["", "  a low recall: add examples in other words; counter alarms: add counter-examples (near misses)"]
    return "\n".join(lines) + "\n"
