"""`cxcoach calibrate RUBRIC answers.yaml`: does the rubric rank real answers the way trainers do?

Trainers label real answers good/bad (or 0-3). We score each with the rubric
and report:

* agreement: pairwise ordering accuracy, i.e. over every pair of answers with
  different labels, how often the better-labelled one scores higher (ties
  count half). 1.0 is perfect, 0.5 is a coin;
* pass agreement: how often "passed" equals "labelled good";
* per criterion, and per phrase inside it (counted when the criterion fired),
  how often it fired on good and on bad answers, so trainers see which
  phrases mislead the scorer (a weighted criterion firing on bad answers, a
  penalty firing on good ones);
* per detector, the same counts: a good behaviour found mostly in bad answers
  misleads as much as a criterion does.

The answers file follows `schemas/calibration.schema.json`: a list under
`answers:` of `{reply: text}` or `{replies: [turn, ...]}` with `label:`.

When answers also say which part they belong to (`split: build` or
`split: held_out`), what they are (`kind: misconduct | salad | unusual_good |
good | plain`), their language and the acts they show (`acts: [detector ids]`),
`generalisation` measures how the detectors and the rubric do on the part
never used to write or tune them: per-detector precision and recall,
misconduct caught, keyword salads failed, excellent replies in unusual words
passed, pairwise ordering per language, and a confusion list to act on. The
shipped set is `playbooks/calibration/replies.yaml`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import assert_never

import msgspec

from ..errors import CxcoachError
from ..playbook import drill_model as dm
from ..playbook.model import Playbook

LABELS = {"good": 1.0, "bad": 0.0}


class CalibrationError(CxcoachError, ValueError):
    """The answers file or rubric cannot be used; the message says why."""


class Answer(msgspec.Struct, frozen=True):
    replies: tuple[str, ...]
    label: float  # 0..1 for bad/good, or 0..3
    line: int = 0
    split: str = ""  # "build" | "held_out" | "" (not said)
    kind: str = ""  # misconduct | salad | unusual_good | good | plain
    lang: str = ""
    acts: tuple[str, ...] | None = None  # None: acts not labelled


class Scored(msgspec.Struct, frozen=True):
    answer: Answer
    score: int
    passed: bool
    fired: frozenset[str]  # criterion ids present (met or triggered)


@dataclass
class PhraseStats:
    good: int = 0
    bad: int = 0


def _leans_wrong(good: int, bad: int, n_good: int, n_bad: int, *, meant_for_good: bool) -> bool:
    """Whether something seen `good`/`bad` times fires relatively more on the side it is not meant for.

    Rates are per answer of each kind, so unequal numbers of good and bad answers do not tilt it;
    with no answers of one kind there is nothing to compare.
    """
    if not n_good or not n_bad:
        return False
    rate_good, rate_bad = good / n_good, bad / n_bad
    return rate_bad > rate_good if meant_for_good else rate_good > rate_bad


@dataclass
class CriterionStats:
    id: str
    kind: str
    good: int = 0
    bad: int = 0
    phrases: dict[str, PhraseStats] = field(default_factory=dict)

    def misleading(self, n_good: int, n_bad: int) -> bool:
        """A weight firing relatively more on bad answers, or a penalty/auto-fail more on good ones."""
        return _leans_wrong(self.good, self.bad, n_good, n_bad, meant_for_good=self.kind == "weight")


@dataclass
class DetectorStats:
    id: str
    polarity: str
    good: int = 0
    bad: int = 0

    def misleading(self, n_good: int, n_bad: int) -> bool:
        """A good behaviour seen relatively more in bad answers, or a bad one more in good answers."""
        if self.polarity == "neutral":
            return False
        return _leans_wrong(self.good, self.bad, n_good, n_bad, meant_for_good=self.polarity == "good")


@dataclass
class Calibration:
    rubric: str
    scored: list[Scored]
    agreement: float | None
    pairs: int
    pass_agreement: float | None
    criteria: list[CriterionStats]
    n_good: int
    n_bad: int
    detectors: list[DetectorStats] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "rubric": self.rubric, "answers": len(self.scored), "agreement": self.agreement, "pairs": self.pairs,
            "pass_agreement": self.pass_agreement, "good": self.n_good, "bad": self.n_bad,
            "criteria": [{"id": c.id, "kind": c.kind, "fired_good": c.good, "fired_bad": c.bad,
                          "misleading": c.misleading(self.n_good, self.n_bad),
                          "phrases": {p: {"good": s.good, "bad": s.bad} for p, s in c.phrases.items()}}
                         for c in self.criteria],
            "detectors": [{"id": d.id, "polarity": d.polarity, "fired_good": d.good, "fired_bad": d.bad,
                           "misleading": d.misleading(self.n_good, self.n_bad)} for d in self.detectors],
            "scores": [{"line": s.answer.line, "label": s.answer.label, "score": s.score, "passed": s.passed}
                       for s in self.scored],
        }


def parse_answers(data: object,
                  positions: Mapping[tuple[str | int, ...], tuple[int, int]] | None = None) -> list[Answer]:
    """Answers from loaded YAML; raises CalibrationError naming the first bad entry."""
    items = data.get("answers") if isinstance(data, Mapping) else data
    if not isinstance(items, list) or not items:
        raise CalibrationError("expected a non-empty list under `answers:`")
    out = []
    for i, item in enumerate(items):
        where = f"answer {i + 1}"
        line = (positions or {}).get(("answers", i), (0, 0))[0] if isinstance(data, Mapping) else 0
        if not isinstance(item, Mapping):
            raise CalibrationError(f"{where}: expected a mapping with `reply` (or `replies`) and `label`")
        replies = item.get("replies", [item["reply"]] if "reply" in item else None)
        if not isinstance(replies, list) or not replies or not all(isinstance(r, str) for r in replies):
            raise CalibrationError(f"{where}: give `reply: text` or `replies: [text, ...]`")
        label = item.get("label")
        if isinstance(label, str) and label.lower() in LABELS:
            value = LABELS[label.lower()]
        elif isinstance(label, (int, float)) and not isinstance(label, bool) and 0 <= label <= 3:
            value = float(label)
        else:
            raise CalibrationError(f"{where}: label must be good, bad or a number 0-3, not {label!r}")
        acts = item.get("acts")
        out.append(Answer(tuple(replies), value, line, str(item.get("split", "")), str(item.get("kind", "")),
                          str(item.get("lang", "")), tuple(acts) if isinstance(acts, list) else None))
    return out


def _phrases(m: dm.Matcher, detectors: Mapping[str, dm.Detector], depth: int = 0) -> list[dm.Phrase | dm.Regex]:
    if depth > 12:
        return []
    if isinstance(m, (dm.Phrase, dm.Regex)):
        return [m]
    if isinstance(m, dm.DetectorRef):
        det = detectors.get(m.id)
        return _phrases(det.match, detectors, depth + 1) if det else []
    if isinstance(m, (dm.AnyOf, dm.AllOf, dm.KOfN, dm.Near)):
        return [p for i in m.items for p in _phrases(i, detectors, depth + 1)]
    if isinstance(m, (dm.Unless, dm.InPart)):
        return _phrases(m.item, detectors, depth + 1)
    assert_never(m)


def calibrate(pb: Playbook, rubric_id: str, answers: Sequence[Answer]) -> Calibration:
    from ..drill.detectors import detect
    from ..drill.learn import learnt_for
    from ..drill.matcher import ReplyContext, evaluate
    from ..drill.scoring import Status, score_contexts
    from ..problems import did_you_mean

    rubric = pb.rubrics.get(rubric_id)
    if rubric is None:
        hint = did_you_mean(rubric_id, pb.rubrics) or f"known: {', '.join(pb.rubrics) or 'none'}"
        raise CalibrationError(f"unknown rubric {rubric_id!r} ({hint})")
    learnt = learnt_for(pb)
    numeric = any(a.label not in (0.0, 1.0) for a in answers)
    middle = 1.5 if numeric else 0.5
    stats = [CriterionStats(c.id, c.kind.value) for c in rubric.criteria]
    det_stats = {d.id: DetectorStats(d.id, d.polarity.value) for d in pb.detectors.values()}
    leaves = {c.id: _phrases(c.evidence, pb.detectors) for c in rubric.criteria}
    scored = []
    n_good = n_bad = 0
    for answer in answers:
        contexts = [ReplyContext.of(r, pb.detectors, learnt=learnt) for r in answer.replies]
        score = score_contexts(rubric, contexts)
        fired = frozenset(r.criterion.id for r in score.criteria if r.status in (Status.MET, Status.TRIGGERED))
        scored.append(Scored(answer, score.score, score.passed, fired))
        good = answer.label > middle
        n_good += good
        n_bad += not good
        for ident in {b.detector for ctx in contexts for b in detect(pb.detectors, ctx)}:
            if good:
                det_stats[ident].good += 1
            else:
                det_stats[ident].bad += 1
        for st in stats:
            if st.id in fired:
                if good:
                    st.good += 1
                else:
                    st.bad += 1
            if st.id not in fired:
                continue  # phrases are counted only where they helped the criterion fire
            for leaf in leaves[st.id]:
                if any(evaluate(leaf, ctx) for ctx in contexts):
                    said = leaf.text if isinstance(leaf, dm.Phrase) else leaf.source
                    ps = st.phrases.setdefault(said, PhraseStats())
                    if good:
                        ps.good += 1
                    else:
                        ps.bad += 1
    agree = pairs = 0.0
    for a, b in combinations(scored, 2):
        if a.answer.label == b.answer.label:
            continue
        pairs += 1
        hi, lo = (a, b) if a.answer.label > b.answer.label else (b, a)
        agree += 1.0 if hi.score > lo.score else 0.5 if hi.score == lo.score else 0.0
    agreement = round(agree / pairs, 3) if pairs else None
    pass_agreement = (round(sum(s.passed == (s.answer.label > middle) for s in scored) / len(scored), 3)
                      if scored else None)
    return Calibration(rubric.id, scored, agreement, int(pairs), pass_agreement, stats, n_good, n_bad,
                       [d for d in det_stats.values() if d.good or d.bad])


def report_text(cal: Calibration) -> str:
    lines = [f"rubric {cal.rubric}: {len(cal.scored)} answers ({cal.n_good} good, {cal.n_bad} bad)"]
    if cal.agreement is None:
        lines.append("agreement: - (every answer has the same label; label some good and some bad)")
    else:
        lines.append(f"agreement: {cal.agreement:.3f} pairwise ordering accuracy over {cal.pairs} pairs "
                     "(1.0 perfect, 0.5 chance)")
    if cal.pass_agreement is not None:
        lines.append(f"pass agreement: {cal.pass_agreement:.3f} (passed == labelled good)")
    lines.append("")
    lines.append(f"{'criterion':<24} {'kind':<9} {'good':>6} {'bad':>6}")
    for c in cal.criteria:
        flag = "   <- misleading" if c.misleading(cal.n_good, cal.n_bad) else ""
        lines.append(f"{c.id:<24} {c.kind:<9} {c.good:>6} {c.bad:>6}{flag}")
        wrong_side = "bad" if c.kind == "weight" else "good"
        for phrase, ps in sorted(c.phrases.items(), key=lambda kv: -(kv[1].bad if wrong_side == "bad" else kv[1].good)):
            on_wrong = ps.bad if wrong_side == "bad" else ps.good
            on_right = ps.good if wrong_side == "bad" else ps.bad
            if on_wrong > on_right:
                lines.append(f"    phrase {phrase!r}: {ps.good} good, {ps.bad} bad"
                             f"   <- fires mostly on {wrong_side} answers")
    if cal.detectors:
        lines += ["", f"{'detector':<24} {'polarity':<9} {'good':>6} {'bad':>6}"]
        for d in cal.detectors:
            flag = "   <- misleading" if d.misleading(cal.n_good, cal.n_bad) else ""
            lines.append(f"{d.id:<24} {d.polarity:<9} {d.good:>6} {d.bad:>6}{flag}")
    return "\n".join(lines) + "\n"


# --- generalisation: the held-apart part --------------------------------------------

# The targets, checked on the held-out part.
TARGET_MISCONDUCT = 0.9  # misconduct in new wording detected
TARGET_SALAD = 40  # keyword salads score below this (and fail)
TARGET_UNUSUAL = 60  # excellent replies in unusual words score at least this
TARGET_ORDER = 0.9  # pairwise ordering per language


@dataclass
class DetectorFigures:
    id: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class Generalisation:
    """Figures for one part of a labelled set (`split`), see `generalisation`."""

    split: str
    answers: int
    detectors: list[DetectorFigures]
    misconduct: tuple[int, int]  # (caught: some bad behaviour found, of misconduct replies)
    misconduct_named: tuple[int, int]  # (the labelled act itself found, of misconduct replies)
    salads: tuple[int, int]  # (scored < 40 and failed, of salads)
    unusual: tuple[int, int]  # (scored >= 60, of excellent replies in unusual words)
    ordering: dict[str, float | None]  # per language
    confusions: list[str]

    def rate(self, pair: tuple[int, int]) -> float | None:
        return round(pair[0] / pair[1], 3) if pair[1] else None

    @property
    def targets_met(self) -> bool:
        checks = [self.rate(self.misconduct), self.rate(self.salads), self.rate(self.unusual)]
        if any(x is not None and x < want for x, want in zip(checks, (TARGET_MISCONDUCT, 1.0, 1.0), strict=True)):
            return False
        return all(v is None or v >= TARGET_ORDER for v in self.ordering.values())

    def to_json(self) -> dict[str, object]:
        return {"split": self.split, "answers": self.answers,
                "misconduct_detected": self.rate(self.misconduct), "misconduct_named": self.rate(self.misconduct_named),
                "salads_below_40_and_failed": self.rate(self.salads),
                "unusual_good_at_least_60": self.rate(self.unusual),
                "pairwise_ordering": self.ordering, "targets_met": self.targets_met,
                "detectors": [{"id": d.id, "tp": d.tp, "fp": d.fp, "fn": d.fn, "precision": d.precision,
                               "recall": d.recall} for d in self.detectors],
                "confusions": self.confusions}


def _ordering(scored: Sequence[tuple[Answer, int]]) -> float | None:
    agree = pairs = 0.0
    for (a, sa), (b, sb) in combinations(scored, 2):
        if a.label == b.label:
            continue
        pairs += 1
        hi, lo = (sa, sb) if a.label > b.label else (sb, sa)
        agree += 1.0 if hi > lo else 0.5 if hi == lo else 0.0
    return round(agree / pairs, 3) if pairs else None


def generalisation(pb: Playbook, rubric_id: str, answers: Sequence[Answer], split: str) -> Generalisation:
    """Detector and rubric figures on the answers of one split (`held_out`: the ones that count)."""
    from ..drill.detectors import detect
    from ..drill.learn import learnt_for
    from ..drill.matcher import ReplyContext
    from ..drill.scoring import score_contexts

    rubric = pb.rubrics.get(rubric_id)
    if rubric is None:
        raise CalibrationError(f"unknown rubric {rubric_id!r}")
    learnt = learnt_for(pb)
    bad = {d.id for d in pb.detectors.values() if d.polarity is dm.Polarity.BAD}
    chosen = [a for a in answers if a.split == split]
    figures = {d: DetectorFigures(d) for d in pb.detectors}
    caught = named = n_mis = salad_ok = n_salad = unusual_ok = n_unusual = 0
    by_lang: dict[str, list[tuple[Answer, int]]] = {}
    confusions: list[str] = []
    for a in chosen:
        contexts = [ReplyContext.of(r, pb.detectors, learnt=learnt) for r in a.replies]
        score = score_contexts(rubric, contexts)
        found = {b.detector: b for ctx in contexts for b in detect(pb.detectors, ctx)}
        by_lang.setdefault(a.lang or "?", []).append((a, score.score))
        quote = a.replies[-1]
        if a.acts is not None:
            for ident, fig in figures.items():
                want, got = ident in a.acts, ident in found
                fig.tp += want and got
                fig.fp += got and not want
                fig.fn += want and not got
            for ident in sorted((set(found) & bad) - set(a.acts)):
                confusions.append(f"line {a.line}: {ident} found but not labelled "
                                  f"({found[ident].first.text!r}): {quote}")
        if a.kind == "misconduct":
            n_mis += 1
            hit = bool(set(found) & bad)
            caught += hit
            labelled = set(a.acts or ()) & bad
            named += bool(labelled) and labelled <= set(found)
            if not hit:
                confusions.append(f"line {a.line}: misconduct {sorted(labelled)} not detected: {quote}")
            elif labelled and not labelled <= set(found):
                confusions.append(f"line {a.line}: {sorted(labelled)} read as {sorted(set(found) & bad)}: {quote}")
        elif a.kind == "salad":
            n_salad += 1
            ok = score.score < TARGET_SALAD and not score.passed
            salad_ok += ok
            if not ok:
                confusions.append(f"line {a.line}: keyword salad scored {score.score}: {quote}")
        elif a.kind == "unusual_good":
            n_unusual += 1
            ok = score.score >= TARGET_UNUSUAL
            unusual_ok += ok
            if not ok:
                missing = sorted(set(a.acts or ()) - set(found))
                confusions.append(f"line {a.line}: excellent reply scored {score.score} (missed {missing}): {quote}")
    used = [f for f in figures.values() if f.tp or f.fp or f.fn]
    return Generalisation(split, len(chosen), used, (caught, n_mis), (named, n_mis), (salad_ok, n_salad),
                          (unusual_ok, n_unusual), {k: _ordering(v) for k, v in sorted(by_lang.items())}, confusions)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def generalisation_text(g: Generalisation) -> str:
    lines = [f"{g.split}: {g.answers} answers",
             f"  misconduct detected:       {_pct(g.rate(g.misconduct))} ({g.misconduct[0]}/{g.misconduct[1]}; "
             f"target >= {TARGET_MISCONDUCT}); the labelled act itself: {_pct(g.rate(g.misconduct_named))}",
             f"  salads < {TARGET_SALAD} and failed:  {_pct(g.rate(g.salads))} ({g.salads[0]}/{g.salads[1]})",
             f"  unusual excellent >= {TARGET_UNUSUAL}: {_pct(g.rate(g.unusual))} ({g.unusual[0]}/{g.unusual[1]})",
             "  pairwise ordering:         " + ", ".join(f"{k} {_pct(v)}" for k, v in g.ordering.items())
             + f" (target >= {TARGET_ORDER})",
             f"  targets met: {'yes' if g.targets_met else 'no'}",
             "", f"  {'detector':<20} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}"]
    for d in sorted(g.detectors, key=lambda d: d.id):
        lines.append(f"  {d.id:<20} {_pct(d.precision):>9} {_pct(d.recall):>7} {d.tp:>4} {d.fp:>4} {d.fn:>4}")
    if g.confusions:
        lines += ["", "  confusions (fix a miss: add an example or counter-example to the detector, re-run calibrate):"]
        lines += [f"    {c}" for c in g.confusions]
    return "\n".join(lines) + "\n"
