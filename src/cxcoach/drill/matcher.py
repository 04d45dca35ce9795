"""Evaluate matchers (playbook/drill_model.py) on a reply, returning the spans that matched.

Matching runs on the normalised reply (normalize.py); spans are kept in
normalised offsets while evaluating (so `near` can measure gaps) and converted
to offsets of the original text only when reported. Chinese phrases match as
substrings (no segmentation: measured against the labelled replies, substring
matching with a negation guard was enough, and it keeps start-up free of
jieba); Latin phrases must sit on word boundaries.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import msgspec

from ..playbook import drill_model as dm
from ..inputs import check_reply
from ..playbook.drill_regex import MAX_INPUT, REPLY_BUDGET, bound_regex
from .negation import NegationIndex, build_index
from .normalize import Normalized, is_word_char, normalize, normalize_phrase


class Hit(msgspec.Struct, frozen=True, order=True):
    """A match in normalised offsets [start, end)."""

    start: int
    end: int


class Span(msgspec.Struct, frozen=True):
    """A match reported against the original reply."""

    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(slots=True)
class ReplyContext:
    """One reply, normalised once, with per-detector results cached for the reply's lifetime."""

    norm: Normalized
    detectors: Mapping[str, dm.Detector]
    _negation: NegationIndex | None = None
    _cache: dict[str, tuple[Hit, ...]] = field(default_factory=dict)
    _active: set[str] = field(default_factory=set)
    regex_budget: int = REPLY_BUDGET  # backtracking steps left for this reply's regexes (drill_regex.py)

    @classmethod
    def of(cls, reply: str, detectors: Mapping[str, dm.Detector] | None = None) -> ReplyContext:
        check_reply(reply)  # the length cap comes before normalisation, which can grow the text 18x
        return cls(normalize(reply), detectors or {})

    @property
    def text(self) -> str:
        return self.norm.text

    @property
    def negation(self) -> NegationIndex:
        if self._negation is None:
            self._negation = build_index(self.norm.text)
        return self._negation

    def detector_hits(self, ident: str) -> tuple[Hit, ...]:
        if ident in self._cache:
            return self._cache[ident]
        det = self.detectors.get(ident)
        if det is None or ident in self._active:  # unknown or cyclic: the loader reports both
            return ()
        self._active.add(ident)
        try:
            hits = evaluate(det.match, self)
        finally:
            self._active.discard(ident)
        self._cache[ident] = hits
        return hits

    def span(self, hit: Hit) -> Span:
        a, b = self.norm.to_original(hit.start, hit.end)
        return Span(a, b, self.norm.original[a:b])


_SUFFIXES = ("s", "es", "ed", "d", "ing")


def _end_ok(text: str, end: int, needle: str) -> int | None:
    """Where the match really ends, or None when it runs into a longer word.

    A Latin phrase whose last word has 3+ letters also takes a plain English
    ending (-s, -es, -ed, -d, -ing), so `refund` finds `refunded`.
    """
    if not (needle and is_word_char(needle[-1])) or end >= len(text) or not is_word_char(text[end]):
        return end
    last_word = needle.rsplit(" ", 1)[-1]
    if len(last_word) >= 3 and last_word.isalpha():
        for suffix in _SUFFIXES:
            stop = end + len(suffix)
            if text.startswith(suffix, end) and (stop >= len(text) or not is_word_char(text[stop])):
                return stop
    return None


def _find(text: str, needle: str) -> list[Hit]:
    hits = []
    begin = text.find(needle)
    while begin != -1:
        if not (is_word_char(needle[0]) and begin > 0 and is_word_char(text[begin - 1])):
            stop = _end_ok(text, begin + len(needle), needle)
            if stop is not None:
                hits.append(Hit(begin, stop))
        begin = text.find(needle, begin + 1)
    return hits


def _phrase(m: dm.Phrase, ctx: ReplyContext) -> tuple[Hit, ...]:
    needle = normalize_phrase(m.text)
    if not needle:
        return ()
    text = ctx.text
    hits = _find(text, needle)
    if needle.endswith("e") and len(needle.rsplit(" ", 1)[-1]) >= 4 and needle[-1].isascii():
        hits += [h for h in _find(text, needle[:-1] + "ing")]  # apologise -> apologising
    return tuple(h for h in sorted(set(hits)) if not ctx.negation.negated(h.start, m.guard))


@lru_cache(maxsize=1024)
def _compiled(source: str) -> tuple[re.Pattern[str], int]:
    # Bound from the author's source every time it is compiled (once per pattern):
    # a Regex built in code never went through the loader, so its `pattern` is not trusted.
    bounded = bound_regex(source)
    return re.compile(bounded.pattern, re.IGNORECASE), bounded.cost


def _regex(m: dm.Regex, ctx: ReplyContext) -> tuple[Hit, ...]:
    pattern, cost = _compiled(m.source)
    text = ctx.text[:min(MAX_INPUT, ctx.regex_budget // cost)]  # the reply's budget, not each regex's
    ctx.regex_budget -= cost * len(text)
    return tuple(Hit(x.start(), x.end()) for x in pattern.finditer(text)
                 if x.end() > x.start() and not ctx.negation.negated(x.start(), m.guard))


def _union(groups: list[tuple[Hit, ...]]) -> tuple[Hit, ...]:
    return tuple(sorted({h for g in groups for h in g}))


def _gap(a: Hit, b: Hit) -> int:
    if b.start >= a.end:
        return b.start - a.end
    if a.start >= b.end:
        return a.start - b.end
    return 0


def _near(m: dm.Near, ctx: ReplyContext) -> tuple[Hit, ...]:
    groups = [sorted(evaluate(item, ctx)) for item in m.items]
    if not all(groups):
        return ()
    # Only hits starting near the chosen ones can be within reach: look at that slice of each
    # group, not all of it (a reply of one repeated word made this quadratic: 70 s for 8 items).
    starts = [[h.start for h in group] for group in groups]
    longest = [max(h.end - h.start for h in group) for group in groups]
    found: set[Hit] = set()
    for first in groups[0]:
        chosen = [first]
        for index in range(1, len(groups)):
            low = min(c.start for c in chosen) - m.within - longest[index]
            group = groups[index][bisect_left(starts[index], low):
                                  bisect_right(starts[index], max(c.end for c in chosen) + m.within)]
            if m.ordered:
                last = chosen[-1]
                candidates = [h for h in group if h.start >= last.end and _gap(last, h) <= m.within]
            else:
                candidates = [h for h in group if h not in chosen and min(_gap(c, h) for c in chosen) <= m.within]
            if not candidates:
                break
            chosen.append(min(candidates, key=lambda h: (min(_gap(c, h) for c in chosen), h.start)))
        else:
            found.update(chosen)
    return tuple(sorted(found))


def evaluate(m: dm.Matcher, ctx: ReplyContext) -> tuple[Hit, ...]:
    """All hits of a matcher on the reply; empty when it does not match."""
    kind = type(m)
    if kind is dm.Phrase:
        return _phrase(m, ctx)  # type: ignore[arg-type]
    if kind is dm.AnyOf:
        return _union([evaluate(i, ctx) for i in m.items])  # type: ignore[union-attr]
    if kind is dm.AllOf:
        groups = [evaluate(i, ctx) for i in m.items]  # type: ignore[union-attr]
        return _union(groups) if groups and all(groups) else ()
    if kind is dm.KOfN:
        groups = [g for g in (evaluate(i, ctx) for i in m.items) if g]  # type: ignore[union-attr]
        return _union(groups) if len(groups) >= m.k else ()  # type: ignore[union-attr]
    if kind is dm.Near:
        return _near(m, ctx)  # type: ignore[arg-type]
    if kind is dm.Regex:
        return _regex(m, ctx)  # type: ignore[arg-type]
    if kind is dm.DetectorRef:
        return ctx.detector_hits(m.id)  # type: ignore[union-attr]
    if kind is dm.Unless:
        if evaluate(m.exclude, ctx):  # type: ignore[union-attr]
            return ()
        return evaluate(m.item, ctx)  # type: ignore[union-attr]
    raise TypeError(f"not a matcher: {m!r}")


def match(m: dm.Matcher, reply: str, detectors: Mapping[str, dm.Detector] | None = None) -> list[Span]:
    """Convenience: evaluate one matcher on one reply and return original-text spans."""
    ctx = ReplyContext.of(reply, detectors)
    return [ctx.span(h) for h in evaluate(m, ctx)]


# --- building matchers in code (tests, tools) --------------------------------

def phrases(*items: str, guard: int | None = dm.DEFAULT_GUARD_WINDOW) -> dm.AnyOf:
    """`any` of literal phrases, for code that builds matchers without YAML."""
    return dm.AnyOf(tuple(dm.Phrase(p, guard) for p in items))


def regex(source: str, guard: int | None = dm.DEFAULT_GUARD_WINDOW) -> dm.Regex:
    """A bounded regex matcher; raises RegexRejected like the loader would report."""
    bounded = bound_regex(source)
    return dm.Regex(bounded.source, bounded.pattern, guard)

