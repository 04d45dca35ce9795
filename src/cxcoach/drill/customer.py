"""How the simulated customer picks their words: by what the reply did and what they remember.

A line is eligible when its `when` holds (mood, flags, the latest reply's acts
and offers, the offers remembered) and its slots can be filled; the most
specific eligible lines are the candidates, the words said last are left out
while another candidate remains, and the session's seeded generator picks one.
A reaction (to rudeness, blame, an over-promise, silence) comes before the
line, chosen the same way.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..playbook import drill_model as dm
from ..playbook.line_slots import fill, slots_in
from ..playbook.model import Text
from .matcher import Span
from .memory import Memory
from .state import Situation, holds, quote_for

QUOTE_MAX = 40  # characters of the trainee's words a customer repeats back


@dataclass(frozen=True, slots=True)
class Said:
    """A line as said: which variant, and its text with the slots filled."""

    line: dm.CustomerLine
    text: str


def slot_values(memory: Memory, titles: dict[str, Text], locale: str) -> dict[str, str]:
    """What the slots can be filled with now (a slot missing here makes its lines ineligible)."""
    values: dict[str, str] = {}
    if memory.trainee:
        values["name"] = memory.trainee
    allowed = [o for o in memory.offered.values() if o.allowed]
    for slot, offer in (("offer", allowed[-1] if allowed else None),
                        ("overpromise", memory.overpromises[-1] if memory.overpromises else None),
                        ("refused", next(reversed(memory.refused.values()), None))):
        if offer is not None and offer.remedy in titles:
            values[slot] = titles[offer.remedy].get(locale)
    return values


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_MAX else text[:QUOTE_MAX - 1].rstrip() + "…"


def choose(lines: Sequence[dm.CustomerLine], where: Situation, values: dict[str, str], locale: str,
           rng: random.Random, *, previous: str = "", quote: str | None = None,
           fresh_only: bool = False) -> Said | None:
    """One eligible line (see the module notes), or None when no line can be said now.

    With `fresh_only`, a line that would repeat `previous` word for word is never said (a reaction can
    be left out; the node's own line cannot)."""
    candidates: list[tuple[int, Said]] = []
    for line in lines:
        if not holds(line.when, where):
            continue
        found = quote_for(line.when, where.memory)
        heard = _quote(found.text) if found is not None else quote
        raw = line.text.get(locale)
        text = fill(raw, {**values, "quote": heard} if heard else values)
        if text is None:
            continue
        if text[:1].islower() and raw.startswith("{"):
            text = text[0].upper() + text[1:]  # "{offer}? ..." opens a sentence
        rank = (line.when.parts if line.when is not None else 0) + len(slots_in(raw))
        candidates.append((rank, Said(line, text)))
    fresh = [c for c in candidates if c[1].text != previous] or ([] if fresh_only else candidates)
    if not fresh:
        return None
    best = max(rank for rank, _ in fresh)
    pool = [said for rank, said in fresh if rank == best]
    return pool[rng.randrange(len(pool))] if len(pool) > 1 else pool[0]


def react(reactions: Sequence[dm.Reaction], events: Mapping[str, Span | None], where: Situation,
          values: dict[str, str], locale: str, rng: random.Random) -> Said | None:
    """The first reaction that answers one of `events` (event -> the words that showed it) and has a line to say.

    A reaction never repeats the previous one word for word: the same rudeness twice in a row gets
    another reaction's words, or none (the mood still moves, and the node's line still answers)."""
    for reaction in reactions:
        hit = [e for e in reaction.to if e in events]
        if not hit:
            continue
        span = events[hit[0]]
        quote = _quote(span.text) if span is not None else None
        said = choose(reaction.say, where, values, locale, rng, previous=where.memory.reacted, quote=quote,
                      fresh_only=True)
        if said is not None:
            return said
    return None


def join(first: str, second: str) -> str:
    """Two utterances as one turn: no space after Chinese, one space otherwise."""
    if not first:
        return second
    if not second:
        return first
    return first + ("" if not first[-1].isascii() else " ") + second
