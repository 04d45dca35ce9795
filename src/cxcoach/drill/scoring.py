"""Rubric arithmetic: weighted criteria, penalties, order rules, auto-fail, N/A, 0-100.

    base  = round(100 * earned / available)          (halves round up: 77.5 -> 78)
    score = max(0, min(100, base + response points) - penalties - order penalties - hint costs)

Response points are capped together with the base, before penalties, so a
penalty always shows in the score: a drill whose good answers earned bonus
points still loses 20 for arguing. A good behaviour whose only evidence is
taken back by a later contrast (「很抱歉，但这是规定」) earns half its weight.
An auto-fail item that is present makes the score 0 and the result failed,
whatever else was done well: the handbooks treat blaming or insulting the
customer as undoing everything else. The same code scores one reply
(`score_reply`) and a whole drill (DrillSession.report), so a trainer sees one
arithmetic everywhere, and `Score.arithmetic` writes it out in one line.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from enum import StrEnum
from fractions import Fraction

import msgspec

from ..conditions.evaluate import evaluate as evaluate_condition
from ..errors import CxcoachError
from ..locale_words import punctuation
from ..playbook import drill_model as dm
from ..playbook.model import Playbook
from .detectors import Behaviour, detect, withheld
from .form import explain
from .learn import learnt_for
from .matcher import ReplyContext, Span, evaluate


def half_up(value: float | Fraction) -> int:
    """Round to the nearest whole number, halves up: what a reader does with 77.5 (Python's round gives 78 but 62)."""
    return math.floor(Fraction(value) + Fraction(1, 2))


def exact_base(earned: float, available: float) -> Fraction:
    """100 × earned / available, exactly (weights are whole or half points, so this is a plain fraction)."""
    return Fraction(100) * Fraction(earned) / Fraction(available) if available else Fraction(0)


_ARITHMETIC = {
    "zh": {"bonus": "回应加分", "penalties": "扣分", "hints": "提示", "floor": "最低 0 分", "auto_fail": "一票否决"},
    "en": {"bonus": "response points", "penalties": "penalties", "hints": "hints", "floor": "never below 0",
           "auto_fail": "auto-fail"},
}


def _number(value: float | Fraction) -> str:
    """A figure as a reader writes it: 78, 77.5, 60.53 (two decimals at most), minus as −."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text.replace("-", "−")


class Status(StrEnum):
    MET = "met"  # weighted criterion earned
    MISSED = "missed"  # weighted criterion not earned
    TRIGGERED = "triggered"  # penalty or auto-fail present
    CLEAR = "clear"  # penalty or auto-fail absent
    NA = "na"  # not applicable, left out


class Evidence(msgspec.Struct, frozen=True):
    """Where a behaviour was seen: 1-based turn, the quote, and what found it."""

    turn: int
    span: Span
    via: str

    @property
    def key(self) -> tuple[int, int]:
        return (self.turn, self.span.start)

    def to_json(self) -> dict[str, object]:
        return {"turn": self.turn, "via": self.via, **self.span.to_json()}


class CriterionResult(msgspec.Struct, frozen=True):
    criterion: dm.Criterion
    status: Status
    points: float  # earned weight (>= 0) or deducted penalty (<= 0)
    evidence: tuple[Evidence, ...] = ()
    discounted: bool = False  # earned at half weight: every quote was taken back by a later "but"

    @property
    def available(self) -> float:
        """What the criterion could earn (weights) or cost (penalties); 0 when not applicable."""
        return 0.0 if self.status is Status.NA else self.criterion.value

    def to_json(self) -> dict[str, object]:
        c = self.criterion
        return {"id": c.id, "kind": c.kind.value, "status": self.status.value, "points": round(self.points, 2),
                "value": c.value, "available": self.available, "discounted": self.discounted, "step": c.step,
                "dimension": c.dimension, "evidence": [e.to_json() for e in self.evidence]}


class FormNote(msgspec.Struct, frozen=True):
    """A turn whose good words earned nothing because it does not read as something a person would say."""

    turn: int
    form: str  # "keywords" | "repeated"
    why: str  # which test gave it away (form.WHY)
    figures: dict[str, int | str]

    def detail(self, locale: str = "en") -> str:
        """The figures behind the note, worded in `locale`."""
        return explain(self.why, self.figures, locale)

    def to_json(self, locale: str = "en") -> dict[str, object]:
        return {"turn": self.turn, "form": self.form, "why": self.why, "figures": dict(self.figures),
                "detail": self.detail(locale)}


class OrderResult(msgspec.Struct, frozen=True):
    rule: dm.OrderRule
    violated: bool
    first: Evidence | None
    then: Evidence | None

    def to_json(self) -> dict[str, object]:
        return {"id": self.rule.id, "violated": self.violated, "penalty": self.rule.penalty if self.violated else 0,
                "first": self.first.to_json() if self.first else None,
                "then": self.then.to_json() if self.then else None}


class Score(msgspec.Struct, frozen=True):
    rubric: dm.Rubric
    score: int
    passed: bool
    pass_mark: float
    criteria: tuple[CriterionResult, ...]
    order: tuple[OrderResult, ...] = ()
    earned: float = 0.0
    available: float = 0.0
    penalties: float = 0.0
    bonus: int = 0
    hint_cost: int = 0
    dimensions: dict[str, tuple[float, float]] = msgspec.field(default_factory=dict)
    form: tuple[FormNote, ...] = ()

    @property
    def auto_failed(self) -> tuple[CriterionResult, ...]:
        return tuple(r for r in self.criteria
                     if r.criterion.kind is dm.CriterionKind.AUTO_FAIL and r.status is Status.TRIGGERED)

    @property
    def base(self) -> int:
        """round(100 × earned / available), halves up: the weighted criteria alone."""
        return half_up(exact_base(self.earned, self.available))

    def deductions(self) -> list[tuple[str, float]]:
        """Each penalty, order penalty and the hint cost, in report order, as (id, points > 0)."""
        out = [(r.criterion.id, -r.points) for r in self.criteria
               if r.criterion.kind is dm.CriterionKind.PENALTY and r.status is Status.TRIGGERED]
        out += [(o.rule.id, o.rule.penalty) for o in self.order if o.violated]
        if self.hint_cost:
            out.append(("hints", float(self.hint_cost)))
        return out

    def arithmetic(self, locale: str = "en") -> str:
        """The one line that gives the score, e.g. `100 × 62/80 (77.5 → 78) − 20 (penalties) − 5 (hints) = 53`.

        Every step a reader needs to get the same number is written out: the
        rounding of the base, the cap at 100 with response points, the sum of
        the penalties (order rules included), the hint cost, the floor at 0
        and an auto-fail.
        """
        words = _ARITHMETIC.get(locale, _ARITHMETIC["en"])
        p = punctuation(locale)  # the figures stay half-width; the words about them are punctuated as the locale is
        exact = exact_base(self.earned, self.available)
        line = f"100 × {_number(self.earned)}/{_number(self.available)}"
        if exact != self.base:  # show the rounding: (77.5 → 78), (≈ 60.53 → 61)
            shown = _number(exact)
            line += p.aside(f"{'' if Fraction(shown.replace('−', '-')) == exact else '≈ '}{shown} → {self.base}")
        value = self.base
        if self.bonus:
            sign = "+" if self.bonus > 0 else "−"
            line = f"{line} {sign} {abs(self.bonus)}{p.aside(words['bonus'])}"
            if self.base + self.bonus > 100:
                line = f"min(100, {line})"
            value = min(100, self.base + self.bonus)
        penalties = sum(points for ident, points in self.deductions() if ident != "hints")
        if penalties:
            line += f" − {_number(penalties)}{p.aside(words['penalties'])}"
        if self.hint_cost:
            line += f" − {self.hint_cost}{p.aside(words['hints'])}"
        raw = value - penalties - self.hint_cost
        if self.auto_failed:
            failed = p.listing.join(r.criterion.id for r in self.auto_failed)
            return f"{line} = {_number(raw)} → 0{p.aside(p.labelled(words['auto_fail'], failed))}"
        if raw < 0:
            return f"{line} = {_number(raw)} → {self.score}{p.aside(words['floor'])}"
        return f"{line} = {self.score}"

    def to_json(self, locale: str = "en") -> dict[str, object]:
        """The numbers of the report; `arithmetic` is written in `locale`, as the text report is."""
        return {
            "rubric": self.rubric.id, "score": self.score, "passed": self.passed, "pass_mark": self.pass_mark,
            "auto_fail": [r.criterion.id for r in self.auto_failed], "earned": round(self.earned, 2),
            "available": round(self.available, 2), "base": self.base, "penalties": round(self.penalties, 2),
            "bonus": self.bonus, "hint_cost": self.hint_cost,
            "base_exact": round(float(exact_base(self.earned, self.available)), 4),
            "arithmetic": self.arithmetic(locale),
            "deductions": [{"id": i, "points": p} for i, p in self.deductions()],
            "form": [n.to_json(locale) for n in self.form],
            "dimensions": {k: {"earned": round(v[0], 2), "available": round(v[1], 2)}
                           for k, v in self.dimensions.items()},
            "criteria": [r.to_json() for r in self.criteria], "order": [o.to_json() for o in self.order],
        }


def _evidence_in(matcher: dm.Matcher, contexts: Sequence[ReplyContext], via: str, *,
                 credit: bool = False) -> tuple[list[Evidence], bool]:
    """Evidence of a matcher in every turn, and whether all of it was taken back by a later contrast.

    With `credit` (a weighted criterion), nothing said in a clause that promised beyond the
    drill's authority counts: an over-promise is not a fair remedy.
    """
    found = []
    discounted = True
    for turn, ctx in enumerate(contexts, start=1):
        for h in evaluate(matcher, ctx):
            if credit and ctx.in_overpromise(h):
                continue
            found.append(Evidence(turn, ctx.span(h), via))
            discounted = discounted and ctx.discounted(h)
    return found, bool(found) and discounted


def _overpromised(ev: Evidence, contexts: Sequence[ReplyContext]) -> bool:
    """Is a drill response's credit quoted from a clause that promised too much?"""
    if not 1 <= ev.turn <= len(contexts):
        return False
    return any(o.start < ev.span.end and ev.span.start < o.end for o in contexts[ev.turn - 1].overpromise_spans())


def _earliest(ids: Sequence[str], contexts: Sequence[ReplyContext]) -> Evidence | None:
    best: Evidence | None = None
    for ident in ids:
        for turn, ctx in enumerate(contexts, start=1):
            hits = ctx.detector_hits(ident)
            if hits:
                ev = Evidence(turn, ctx.span(hits[0]), ident)
                if best is None or ev.key < best.key:
                    best = ev
                break
    return best


def score_contexts(rubric: dm.Rubric, contexts: Sequence[ReplyContext], *,
                   na: Sequence[str] = (), case: Mapping[str, object] | None = None,
                   credits: Mapping[str, Sequence[Evidence]] | None = None,
                   bonus: int = 0, hint_cost: int = 0, pass_mark: float | None = None) -> Score:
    """Score the trainee's replies (one per turn) against a rubric."""
    credits = credits or {}
    case = case or {}
    results = []
    earned = available = penalties = 0.0
    dims: dict[str, list[float]] = {}
    for c in rubric.criteria:
        if c.id in na or (c.na_when is not None and evaluate_condition(c.na_when, case) is True):
            results.append(CriterionResult(c, Status.NA, 0.0))
            continue
        earns = c.kind is dm.CriterionKind.WEIGHT and not c.absent
        ev, discounted = _evidence_in(c.evidence, contexts, c.detector or c.id, credit=earns)
        extra = [e for e in credits.get(c.id, ()) if not (earns and _overpromised(e, contexts))]
        discounted = discounted and not extra and not c.absent
        ev = sorted(ev + extra, key=lambda e: e.key)
        present = bool(ev) != c.absent  # an `absent` criterion is earned when nothing is found
        if c.absent and not ev and not any(ctx.form.fine for ctx in contexts):
            present = False  # silence, or a list of keywords, says nothing wrong and nothing at all: it earns nothing
        if c.kind is dm.CriterionKind.WEIGHT:
            available += c.value
            got = (c.value / 2 if discounted else c.value) if present else 0.0
            earned += got
            if c.dimension:
                slot = dims.setdefault(c.dimension, [0.0, 0.0])
                slot[0] += got
                slot[1] += c.value
            results.append(CriterionResult(c, Status.MET if present else Status.MISSED, got, tuple(ev),
                                           discounted and present))
        else:
            lost = c.value if (present and c.kind is dm.CriterionKind.PENALTY) else 0.0
            penalties += lost
            results.append(CriterionResult(c, Status.TRIGGERED if present else Status.CLEAR, -lost, tuple(ev)))
    orders = []
    for rule in rubric.order:
        first, then = _earliest(rule.first, contexts), _earliest(rule.then, contexts)
        violated = first is not None and then is not None and then.key < first.key
        if violated:
            penalties += rule.penalty
        orders.append(OrderResult(rule, violated, first, then))
    base = half_up(exact_base(earned, available))
    total = max(0, half_up(min(100, base + bonus) - penalties - hint_cost))
    mark = rubric.pass_mark if pass_mark is None else pass_mark
    failed = any(r.criterion.kind is dm.CriterionKind.AUTO_FAIL and r.status is Status.TRIGGERED for r in results)
    if failed:
        total = 0
    form = tuple(FormNote(turn, ctx.form.form.value, ctx.form.why, ctx.form.figures)
                 for turn, ctx in enumerate(contexts, start=1) if not ctx.form.fine)
    return Score(rubric, total, (not failed) and total >= mark, mark, tuple(results), tuple(orders), earned, available,
                 penalties, bonus, hint_cost, {k: (v[0], v[1]) for k, v in dims.items()}, form)


# --- one reply --------------------------------------------------------------

class ReplyScore(msgspec.Struct, frozen=True):
    """`score_reply`'s answer: the score, every behaviour found (with spans), and feedback lines."""

    reply: str
    locale: str
    score: Score
    behaviours: tuple[Behaviour, ...]
    feedback: tuple[str, ...]
    withheld: tuple[Behaviour, ...] = ()  # good behaviours seen but not credited (refused, or a keyword list)

    @property
    def value(self) -> int:
        return self.score.score

    def to_json(self) -> dict[str, object]:
        return {"reply": self.reply, "locale": self.locale, "score": self.score.score, "passed": self.score.passed,
                "rubric": self.score.rubric.id, "behaviours": [b.to_json() for b in self.behaviours],
                "withheld": [b.to_json() for b in self.withheld],
                "feedback": list(self.feedback), "details": self.score.to_json(self.locale)}


class ScoringError(CxcoachError, LookupError):
    """No usable rubric (unknown id, or the playbook has none)."""


def pick_rubric(playbook: Playbook, rubric: str | None, scope: dm.Scope) -> dm.Rubric:
    if rubric is not None:
        found = playbook.rubrics.get(rubric)
        if found is None:
            known = ", ".join(playbook.rubrics) or "none"
            raise ScoringError(f"unknown rubric {rubric!r} (known: {known})")
        return found
    same = [r for r in playbook.rubrics.values() if r.scope is scope]
    chosen = next((r for r in same if r.default), same[0] if same else None)
    if chosen is None:
        others = ", ".join(playbook.rubrics)
        raise ScoringError(f"the playbook has no {scope.value} rubric: add one with `scope: {scope.value}` "
                           f"(docs/drills.md, Rubrics)" + (f", or pick one with --rubric ({others})" if others else ""))
    return chosen


def feedback_lines(score: Score, locale: str) -> tuple[str, ...]:
    lines = []
    for r in score.criteria:
        c = r.criterion
        if r.status is Status.MET and c.feedback_met:
            lines.append(c.feedback_met.get(locale))
        elif r.status is Status.MISSED and c.feedback_missed:
            lines.append(c.feedback_missed.get(locale))
        elif r.status is Status.TRIGGERED:
            text = c.feedback_missed or c.feedback_met
            lines.append(text.get(locale) if text else c.title.get(locale))
    for o in score.order:
        if o.violated and o.rule.feedback:
            lines.append(o.rule.feedback.get(locale))
    return tuple(lines)


def score_reply(playbook: Playbook, reply: str, *, rubric: str | None = None, locale: str | None = None) -> ReplyScore:
    """Score one reply to a complaining customer (default: the playbook's default reply rubric)."""
    chosen = pick_rubric(playbook, rubric, dm.Scope.REPLY)
    loc = locale or playbook.default_locale
    ctx = ReplyContext.of(reply, playbook.detectors, learnt=learnt_for(playbook))
    score = score_contexts(chosen, [ctx])
    return ReplyScore(reply, loc, score, detect(playbook.detectors, ctx), feedback_lines(score, loc),
                      withheld(playbook.detectors, ctx))
