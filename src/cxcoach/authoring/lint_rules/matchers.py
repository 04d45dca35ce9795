"""L3xx: matchers that cannot do their job: hidden responses, negation slips, wrong examples.

* L301: in a drill node the first matching response with a `next` decides
  where the drill goes; a response whose matcher implies an earlier one's
  can never decide it (order the narrow response first).
* L302: a phrase meant to credit good behaviour that still matches when the
  trainee negates it ("I will **not** refund you"): usually `guard: false`
  where it should not be.
* L303/L304: a detector's own `examples` must match, `counter_examples` must not.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ...playbook import drill_model as dm
from ...playbook.model import Pos
from ...problems import Problem
from .base import LintContext, finding, leaves
from .matching import MatcherLogic

CODES = {
    "L301": "response hidden behind an earlier, broader response: it can never decide where the drill goes",
    "L302": "matcher also fires on the negated phrase",
    "L303": "detector example does not match the detector",
    "L304": "detector counter-example matches the detector",
}

# Two unrelated negations per script; a slip is reported only when the phrase matches after the cue in
# both, so a sample that happens to form a fixed expression (不对, not happy) cannot cause a finding.
_ZH_NEGATIONS = ("我们不会{p}", "我没有说{p}")
_EN_NEGATIONS = ("we never {p}", "they did not say {p}")
_CUE_STARTS = ("不", "没", "別", "别", "无", "未", "莫", "勿", "not ", "no ", "never ", "can not", "do not", "will not")


def _negated_samples(phrase: str) -> tuple[tuple[str, int], ...]:
    """(sample reply, offset where the phrase starts in it)."""
    from ...drill.normalize import is_cjk, normalize_phrase

    text = normalize_phrase(phrase)
    if not text or text.startswith(_CUE_STARTS):
        return ()
    forms = _ZH_NEGATIONS if is_cjk(text[0]) else _EN_NEGATIONS
    return tuple((f.format(p=text), f.index("{p}")) for f in forms)


def _negation_slips(matcher: dm.Matcher) -> Iterator[tuple[str, str]]:
    from ...drill.matcher import match

    for leaf in leaves(matcher):
        if not isinstance(leaf, dm.Phrase):
            continue
        samples = _negated_samples(leaf.text)
        if samples and all(any(span.start >= start for span in match(leaf, sample)) for sample, start in samples):
            yield leaf.text, samples[0][0]


def _positive(resp: dm.Response) -> bool:
    """Responses that reward the reply (not ones that recognise bad behaviour)."""
    return not (resp.points < 0 or (resp.effect is not None and resp.effect.hostility > 0))


def _slip_finding(where: Pos, owner: str, phrase: str, sample: str) -> Problem:
    return finding(where, "L302", f"{owner}: phrase {phrase!r} also matches the negated reply {sample!r}",
                   "remove `guard: false` for this phrase, or move it to a matcher that tolerates negation")


def check(ctx: LintContext) -> Iterator[Problem]:
    pb = ctx.playbook
    detectors: Mapping[str, dm.Detector] = pb.detectors
    logic = MatcherLogic(detectors)
    from ...drill.learn import learnt_for
    from ...drill.matcher import match

    learnt = None
    for det in detectors.values():
        if ctx.shipped_elsewhere(det.pos.file):
            continue  # the shipped library's examples are checked where it is linted itself
        if learnt is None and (det.examples or det.counter_examples):
            learnt = learnt_for(pb)  # examples are what detectors learn from: check them as drills read replies
        if det.polarity is dm.Polarity.GOOD:
            for phrase, sample in _negation_slips(det.match):
                yield _slip_finding(det.pos, f"good detector {det.id!r}", phrase, sample)
        ref = dm.DetectorRef(det.id)
        for example in det.examples:
            if not match(ref, example, detectors, learnt=learnt):
                yield finding(det.pos, "L303", f"detector {det.id!r} does not match its own example {example!r}",
                              "add the wording to the detector's phrases, or fix the example")
        for example in det.counter_examples:
            if match(ref, example, detectors, learnt=learnt):
                yield finding(det.pos, "L304", f"detector {det.id!r} matches its counter-example {example!r}",
                              "narrow the phrases (or rely on the negation guard), or fix the counter-example")
    for rubric in pb.rubrics.values():
        for crit in rubric.criteria:
            if crit.kind is dm.CriterionKind.WEIGHT:
                for phrase, sample in _negation_slips(crit.evidence):
                    yield _slip_finding(crit.pos, f"criterion {crit.id!r}", phrase, sample)
    for drill in pb.drills.values():
        for node in drill.nodes.values():
            for j, later in enumerate(node.responses):
                if _positive(later):
                    for phrase, sample in _negation_slips(later.match):
                        yield _slip_finding(later.pos, f"response {later.id!r}", phrase, sample)
                if not later.next:
                    continue
                for earlier in node.responses[:j]:
                    if not earlier.next or (earlier.when is not None and earlier.when != later.when):
                        continue
                    if logic.implies(later.match, earlier.match):
                        yield finding(later.pos, "L301", f"response {later.id!r} in node {node.id!r} of drill "
                                      f"{drill.id!r} is hidden: whenever it matches, the earlier response "
                                      f"{earlier.id!r} matches too and decides the next node",
                                      f"move {later.id!r} above {earlier.id!r} (narrow matchers first)")
                        break
