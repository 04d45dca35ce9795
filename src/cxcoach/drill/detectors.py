"""Run a playbook's behaviour detectors on one reply.

Detectors are the shared vocabulary of drills, rubrics and lint: "apology",
"ownership", "blaming the customer". Each result keeps the spans that
triggered it, so every point in a report can quote the trainee.
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

from ..playbook import drill_model as dm
from .matcher import Hit, ReplyContext, Span


def merge(hits: tuple[Hit, ...]) -> list[Hit]:
    """Overlapping hits become one, so a report quotes 「5点前」 once, not 「5点」 and 「5点前」."""
    out: list[Hit] = []
    for hit in sorted(hits):
        if out and hit.start < out[-1].end:
            out[-1] = Hit(out[-1].start, max(out[-1].end, hit.end))
        else:
            out.append(hit)
    return out


class Behaviour(msgspec.Struct, frozen=True):
    """A detector that matched a reply, with its spans in the original text."""

    detector: str
    polarity: dm.Polarity
    spans: tuple[Span, ...]
    confidence: float = 1.0  # 1.0 when a phrase or pattern matched; else the learnt classifier's probability

    @property
    def first(self) -> Span:
        return self.spans[0]

    @property
    def learnt(self) -> bool:
        return self.confidence < 1.0

    def to_json(self) -> dict[str, object]:
        return {"detector": self.detector, "polarity": self.polarity.value, "confidence": self.confidence,
                "spans": [s.to_json() for s in self.spans]}


def detect(detectors: Mapping[str, dm.Detector], reply: str | ReplyContext) -> tuple[Behaviour, ...]:
    """Every detector that matches, in playbook order."""
    ctx = reply if isinstance(reply, ReplyContext) else ReplyContext.of(reply, detectors)
    found = []
    for ident, det in detectors.items():
        hits = ctx.detector_hits(ident)
        if hits:
            confidence = max(ctx.confidence.get((ident, h), 1.0) for h in hits)
            found.append(Behaviour(ident, det.polarity, tuple(ctx.span(h) for h in merge(hits)), confidence))
    return tuple(found)


def credited(behaviours: tuple[Behaviour, ...], ctx: ReplyContext) -> tuple[tuple[Behaviour, ...],
                                                                          tuple[Behaviour, ...]]:
    """(credited, over-promised): good behaviours said inside a clause that promised beyond the drill's authority
    are no remedy, whatever words they used, so a turn lists them apart (as the scoring already ignores them).

    A behaviour with quotes both inside and outside such a clause keeps the outside ones.
    """
    over = ctx.overpromise_spans()
    if not over:
        return behaviours, ()
    kept, held = [], []
    for b in behaviours:
        if b.polarity is not dm.Polarity.GOOD:
            kept.append(b)
            continue
        inside = tuple(s for s in b.spans if any(o.start < s.end and s.start < o.end for o in over))
        if not inside:
            kept.append(b)
            continue
        held.append(msgspec.structs.replace(b, spans=inside))
        outside = tuple(s for s in b.spans if s not in inside)
        if outside:
            kept.append(msgspec.structs.replace(b, spans=outside))
    return tuple(kept), tuple(held)


def withheld(detectors: Mapping[str, dm.Detector], ctx: ReplyContext) -> tuple[Behaviour, ...]:
    """Good behaviours seen but not credited (refused, or the reply reads as a keyword list)."""
    detect(detectors, ctx)  # fills ctx.withheld
    return tuple(Behaviour(ident, detectors[ident].polarity, tuple(ctx.span(h) for h in merge(hits)),
                           max(ctx.confidence.get((ident, h), 1.0) for h in hits))
                 for ident, hits in ctx.withheld.items() if ident in detectors)
