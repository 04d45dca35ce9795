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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import msgspec

from ..playbook import drill_model as dm
from ..playbook.model import Playbook
from ..errors import CxcoachError

LABELS = {"good": 1.0, "bad": 0.0}


class CalibrationError(CxcoachError, ValueError):
    """The answers file or rubric cannot be used; the message says why."""


class Answer(msgspec.Struct, frozen=True):
    replies: tuple[str, ...]
    label: float  # 0..1 for bad/good, or 0..3
    line: int = 0


class Scored(msgspec.Struct, frozen=True):
    answer: Answer
    score: int
    passed: bool
    fired: frozenset[str]  # criterion ids present (met or triggered)


@dataclass
class PhraseStats:
    good: int = 0
    bad: int = 0


@dataclass
class CriterionStats:
    id: str
    kind: str
    good: int = 0
    bad: int = 0
    phrases: dict[str, PhraseStats] = field(default_factory=dict)

    def misleading(self, n_good: int, n_bad: int) -> bool:
        """A weight firing relatively more on bad answers, or a penalty/auto-fail more on good ones."""
        if not n_good or not n_bad:
            return False
        rate_good, rate_bad = self.good / n_good, self.bad / n_bad
        return rate_bad > rate_good if self.kind == "weight" else rate_good > rate_bad


@dataclass
class DetectorStats:
    id: str
    polarity: str
    good: int = 0
    bad: int = 0

    def misleading(self, n_good: int, n_bad: int) -> bool:
        """A good behaviour seen relatively more in bad answers, or a bad one more in good answers."""
        if not n_good or not n_bad or self.polarity == "neutral":
            return False
        rate_good, rate_bad = self.good / n_good, self.bad / n_bad
        return rate_bad > rate_good if self.polarity == "good" else rate_good > rate_bad


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


def parse_answers(data: object, positions: Mapping[tuple, tuple[int, int]] | None = None) -> list[Answer]:
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
        out.append(Answer(tuple(replies), value, line))
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
    if isinstance(m, dm.Unless):
        return _phrases(m.item, detectors, depth + 1)
    return []


def calibrate(pb: Playbook, rubric_id: str, answers: Sequence[Answer]) -> Calibration:
    from ..drill.detectors import detect
    from ..drill.matcher import ReplyContext, evaluate
    from ..drill.scoring import Status, score_contexts
    from ..problems import did_you_mean

    rubric = pb.rubrics.get(rubric_id)
    if rubric is None:
        hint = did_you_mean(rubric_id, pb.rubrics) or f"known: {', '.join(pb.rubrics) or 'none'}"
        raise CalibrationError(f"unknown rubric {rubric_id!r} ({hint})")
    numeric = any(a.label not in (0.0, 1.0) for a in answers)
    middle = 1.5 if numeric else 0.5
    stats = [CriterionStats(c.id, c.kind.value) for c in rubric.criteria]
    det_stats = {d.id: DetectorStats(d.id, d.polarity.value) for d in pb.detectors.values()}
    leaves = {c.id: _phrases(c.evidence, pb.detectors) for c in rubric.criteria}
    scored = []
    n_good = n_bad = 0
    for answer in answers:
        contexts = [ReplyContext.of(r, pb.detectors) for r in answer.replies]
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
                    ps = st.phrases.setdefault(getattr(leaf, "text", None) or leaf.source, PhraseStats())  # type: ignore[union-attr]
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
    pass_agreement = round(sum(s.passed == (s.answer.label > middle) for s in scored) / len(scored), 3) if scored else None
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
                lines.append(f"    phrase {phrase!r}: {ps.good} good, {ps.bad} bad   <- fires mostly on {wrong_side} answers")
    if cal.detectors:
        lines += ["", f"{'detector':<24} {'polarity':<9} {'good':>6} {'bad':>6}"]
        for d in cal.detectors:
            flag = "   <- misleading" if d.misleading(cal.n_good, cal.n_bad) else ""
            lines.append(f"{d.id:<24} {d.polarity:<9} {d.good:>6} {d.bad:>6}{flag}")
    return "\n".join(lines) + "\n"
