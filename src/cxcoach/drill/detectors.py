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

    @property
    def first(self) -> Span:
        return self.spans[0]

    def to_json(self) -> dict[str, object]:
        return {"detector": self.detector, "polarity": self.polarity.value,
                "spans": [s.to_json() for s in self.spans]}


def detect(detectors: Mapping[str, dm.Detector], reply: str | ReplyContext) -> tuple[Behaviour, ...]:
    """Every detector that matches, in playbook order."""
    ctx = reply if isinstance(reply, ReplyContext) else ReplyContext.of(reply, detectors)
    found = []
    for ident, det in detectors.items():
        hits = ctx.detector_hits(ident)
        if hits:
            found.append(Behaviour(ident, det.polarity, tuple(ctx.span(h) for h in merge(hits))))
    return tuple(found)
