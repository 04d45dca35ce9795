"""What the simulated customer heard and remembers: the latest reply's acts and offers, and the whole talk.

The customer's lines are chosen by this (see customer.py), so the customer
answers what the trainee actually did: the blame they put on the kitchen, the
voucher they offered, the refund they refused, their name. Acts are the ids
the reply reader reports (today the playbook's detectors), each with the
spans that show it, so a line can quote the trainee.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import msgspec

from ..errors import CxcoachError
from ..sanitize import strip_controls
from .matcher import ReplyContext, Span


class Offer(msgspec.Struct, frozen=True):
    """A remedy named in a reply: offered (within authority or not) or refused."""

    remedy: str
    span: Span
    allowed: bool = True
    reason: str = ""  # why not allowed: beyond | not_yet | amount
    amount: float | None = None  # the largest sum named with it, if any

    def to_json(self) -> dict[str, object]:
        return {"remedy": self.remedy, "allowed": self.allowed, "reason": self.reason or None,
                "amount": self.amount, **self.span.to_json()}


@dataclass(slots=True)
class Heard:
    """The latest reply as the customer heard it."""

    context: ReplyContext | None = None
    acts: Mapping[str, tuple[Span, ...]] = field(default_factory=dict)
    offers: tuple[Offer, ...] = ()
    refusals: tuple[Offer, ...] = ()

    @property
    def overpromises(self) -> tuple[Offer, ...]:
        return tuple(o for o in self.offers if not o.allowed)

    def events(self, upsetting: frozenset[str] = frozenset()) -> dict[str, Span | None]:
        """What a reaction can answer, each with the words that showed it: every act, `overpromise`, and
        `upset` (any of the `upsetting` acts: those that raise the customer's hostility)."""
        found: dict[str, Span | None] = {act: spans[0] if spans else None for act, spans in self.acts.items()}
        if self.overpromises:
            found["overpromise"] = self.overpromises[0].span
        upset = [act for act in self.acts if act in upsetting]
        if upset:
            found["upset"] = found[upset[0]]
        return found


MAX_NAME = 80  # characters of a trainee's name, as the history store allows


class TraineeNameError(CxcoachError, ValueError):
    """A trainee's name the customer cannot call them by: longer than MAX_NAME."""


def trainee_name(raw: str | None) -> str | None:
    """The name the customer calls the trainee by, or None: one line, without control or bidi characters.

    It fills the `{name}` slot of customer lines, so a line break in it would
    forge a line of the transcript and a name of a megabyte would be repeated
    in every such line. Markup (`[bold]`) stays literal text; the TUI and the
    CLI show it as typed.
    """
    if raw is None:
        return None
    name = " ".join(strip_controls(raw).split())
    if len(name) > MAX_NAME:
        raise TraineeNameError(f"a trainee's name is at most {MAX_NAME} characters (this one has {len(name):,})")
    return name or None


@dataclass(slots=True)
class Memory:
    """The conversation so far: who the trainee is, and what they offered, promised and refused.

    `trainee` is made a name by `trainee_name` (see there), however the memory is built.
    """

    trainee: str | None = None
    offered: dict[str, Offer] = field(default_factory=dict)  # remedy id -> latest offer of it
    refused: dict[str, Offer] = field(default_factory=dict)
    overpromises: list[Offer] = field(default_factory=list)
    heard: Heard = field(default_factory=Heard)
    said: str = ""  # the customer's last line and reaction: neither is repeated verbatim next
    reacted: str = ""

    def __post_init__(self) -> None:
        self.trainee = trainee_name(self.trainee)

    def hear(self, heard: Heard) -> None:
        self.heard = heard
        for offer in heard.offers:
            self.offered.pop(offer.remedy, None)  # re-insert: dict order is the order of the latest offers
            self.offered[offer.remedy] = offer
            if not offer.allowed:
                self.overpromises.append(offer)
        for refusal in heard.refusals:
            self.refused.pop(refusal.remedy, None)
            self.refused[refusal.remedy] = refusal
