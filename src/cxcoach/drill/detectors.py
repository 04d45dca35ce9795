"""Run a playbook's behaviour detectors on one reply.

Detectors are the shared vocabulary of drills, rubrics and lint: "apology",
"ownership", "blaming the customer". Each result keeps the spans that
triggered it, so every point in a report can quote the trainee.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..playbook import drill_model as dm
from .matcher import ReplyContext, Span


@dataclass(frozen=True, slots=True)
class Behaviour:
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
            found.append(Behaviour(ident, det.polarity, tuple(ctx.span(h) for h in hits)))
    return tuple(found)
