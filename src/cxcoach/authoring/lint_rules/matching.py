"""Reasoning about matchers without running them: does one always match when another does, can one match at all.

Conservative by design: `implies(a, b)` is True only when every reply that
`a` matches is certainly matched by `b` (so lint never claims a response is
hidden when it is not). Phrase containment is checked with the real matcher
(the contained phrase must match inside the containing one, with word
boundaries and the negation guard as the engine applies them).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from ...playbook import drill_model as dm

_DEPTH = 24


def _expand(m: dm.Matcher, detectors: Mapping[str, dm.Detector]) -> dm.Matcher:
    seen: set[str] = set()
    while isinstance(m, dm.DetectorRef) and m.id in detectors and m.id not in seen:
        seen.add(m.id)
        m = detectors[m.id].match
    return m


@lru_cache(maxsize=65536)
def _phrase_implies(a_text: str, a_guard: int | None, b_text: str, b_guard: int | None) -> bool:
    from ...drill.matcher import match
    from ...drill.normalize import normalize_phrase

    text = normalize_phrase(a_text)
    if not text or not normalize_phrase(b_text):
        return False
    if b_guard is not None and (a_guard is None or a_guard < b_guard):
        return False
    return bool(match(dm.Phrase(b_text, b_guard), text))


class MatcherLogic:
    """`implies` and `satisfiable` over one playbook's detectors, memoised (lint asks about the same pairs often)."""

    def __init__(self, detectors: Mapping[str, dm.Detector]) -> None:
        self.detectors = detectors
        # Keyed by identity: matchers are deep frozen trees, hashing them again and again dominated lint's
        # run time; the playbook keeps every matcher alive for the life of this object.
        self._implies: dict[tuple[int, int], bool] = {}
        self._sat: dict[int, bool] = {}

    def implies(self, a: dm.Matcher, b: dm.Matcher, depth: int = 0) -> bool:
        """Every reply matched by `a` is matched by `b` (True only when certain)."""
        key = (id(a), id(b))
        if key not in self._implies:
            self._implies[key] = False  # a cycle through detectors proves nothing
            self._implies[key] = self._implies_uncached(a, b, depth)
        return self._implies[key]

    def _implies_uncached(self, a: dm.Matcher, b: dm.Matcher, depth: int) -> bool:
        if a is b or a == b:
            return True
        if depth > _DEPTH:
            return False
        a, b = _expand(a, self.detectors), _expand(b, self.detectors)
        if a == b:
            return True
        d = depth + 1
        imp = self.implies
        if isinstance(a, dm.AnyOf):
            return all(imp(x, b, d) for x in a.items)
        if isinstance(a, dm.KOfN) and all(imp(x, b, d) for x in a.items):
            return True
        if isinstance(a, dm.Unless) and imp(a.item, b, d):
            return True
        if isinstance(b, dm.AnyOf) and any(imp(a, y, d) for y in b.items):
            return True
        if isinstance(b, dm.AllOf):
            return bool(b.items) and all(imp(a, y, d) for y in b.items)
        if isinstance(b, dm.KOfN):
            return sum(imp(a, y, d) for y in b.items) >= b.k
        if isinstance(a, dm.AllOf) and any(imp(x, b, d) for x in a.items):
            return True
        if isinstance(a, dm.KOfN) and a.k >= len(a.items) and any(imp(x, b, d) for x in a.items):
            return True
        if isinstance(a, dm.Near) and any(imp(x, b, d) for x in a.items):
            return True
        if isinstance(b, dm.Unless) and isinstance(a, dm.Unless):
            return imp(a.item, b.item, d) and imp(b.exclude, a.exclude, d)
        if isinstance(a, dm.Phrase) and isinstance(b, dm.Phrase):
            return _phrase_implies(a.text, a.guard, b.text, b.guard)
        return False

    def satisfiable(self, m: dm.Matcher, depth: int = 0) -> bool:
        """Some reply can match `m` (False only when certain it cannot)."""
        key = id(m)
        if key not in self._sat:
            self._sat[key] = True
            self._sat[key] = self._satisfiable_uncached(m, depth)
        return self._sat[key]

    def _satisfiable_uncached(self, m: dm.Matcher, depth: int) -> bool:
        if depth > _DEPTH:
            return True
        m = _expand(m, self.detectors)
        d = depth + 1
        if isinstance(m, dm.DetectorRef):
            return m.id in self.detectors
        if isinstance(m, dm.Phrase):
            from ...drill.normalize import normalize_phrase

            return bool(normalize_phrase(m.text))
        if isinstance(m, dm.Regex):
            return True
        if isinstance(m, dm.AnyOf):
            return any(self.satisfiable(x, d) for x in m.items)
        if isinstance(m, (dm.AllOf, dm.Near)):
            return bool(m.items) and all(self.satisfiable(x, d) for x in m.items)
        if isinstance(m, dm.KOfN):
            return sum(self.satisfiable(x, d) for x in m.items) >= m.k
        if isinstance(m, dm.Unless):
            return self.satisfiable(m.item, d) and not self.implies(m.item, m.exclude, d)
        return True


def implies(a: dm.Matcher, b: dm.Matcher, detectors: Mapping[str, dm.Detector]) -> bool:
    """One-off form of `MatcherLogic.implies`."""
    return MatcherLogic(detectors).implies(a, b)


def satisfiable(m: dm.Matcher, detectors: Mapping[str, dm.Detector]) -> bool:
    """One-off form of `MatcherLogic.satisfiable`."""
    return MatcherLogic(detectors).satisfiable(m)
