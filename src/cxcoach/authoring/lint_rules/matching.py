"""Reasoning about matchers without running them: does one always match when another does, can one match at all.

Conservative by design: `implies(a, b)` is True only when every reply that
`a` matches is certainly matched by `b` (so lint never claims a response is
hidden when it is not). Phrase containment is checked with the real matcher
(the contained phrase must match inside the containing one, with word
boundaries and the negation guard as the engine applies them).
"""

from __future__ import annotations

from collections.abc import Mapping

from ...playbook import drill_model as dm

_DEPTH = 24


def _expand(m: dm.Matcher, detectors: Mapping[str, dm.Detector]) -> dm.Matcher:
    seen: set[str] = set()
    while isinstance(m, dm.DetectorRef) and m.id in detectors and m.id not in seen:
        seen.add(m.id)
        m = detectors[m.id].match
    return m


def _phrase_implies(a: dm.Phrase, b: dm.Phrase) -> bool:
    from ...drill.matcher import match
    from ...drill.normalize import normalize_phrase

    text = normalize_phrase(a.text)
    if not text or not normalize_phrase(b.text):
        return False
    if b.guard is not None and (a.guard is None or a.guard < b.guard):
        return False
    return bool(match(dm.Phrase(b.text, b.guard), text))


def implies(a: dm.Matcher, b: dm.Matcher, detectors: Mapping[str, dm.Detector], depth: int = 0) -> bool:
    """Every reply matched by `a` is matched by `b` (True only when certain)."""
    if a == b:
        return True
    if depth > _DEPTH:
        return False
    a, b = _expand(a, detectors), _expand(b, detectors)
    if a == b:
        return True
    d = depth + 1
    if isinstance(a, dm.AnyOf):
        return all(implies(x, b, detectors, d) for x in a.items)
    if isinstance(a, dm.KOfN) and all(implies(x, b, detectors, d) for x in a.items):
        return True
    if isinstance(a, dm.Unless) and implies(a.item, b, detectors, d):
        return True
    if isinstance(b, dm.AnyOf) and any(implies(a, y, detectors, d) for y in b.items):
        return True
    if isinstance(b, dm.AllOf):
        return bool(b.items) and all(implies(a, y, detectors, d) for y in b.items)
    if isinstance(b, dm.KOfN):
        return sum(implies(a, y, detectors, d) for y in b.items) >= b.k
    if isinstance(a, dm.AllOf) and any(implies(x, b, detectors, d) for x in a.items):
        return True
    if isinstance(a, dm.KOfN) and a.k >= len(a.items) and any(implies(x, b, detectors, d) for x in a.items):
        return True
    if isinstance(a, dm.Near) and any(implies(x, b, detectors, d) for x in a.items):
        return True
    if isinstance(b, dm.Unless) and isinstance(a, dm.Unless):
        return implies(a.item, b.item, detectors, d) and implies(b.exclude, a.exclude, detectors, d)
    if isinstance(a, dm.Phrase) and isinstance(b, dm.Phrase):
        return _phrase_implies(a, b)
    return False


def satisfiable(m: dm.Matcher, detectors: Mapping[str, dm.Detector], depth: int = 0) -> bool:
    """Some reply can match `m` (False only when certain it cannot)."""
    if depth > _DEPTH:
        return True
    m = _expand(m, detectors)
    d = depth + 1
    if isinstance(m, dm.DetectorRef):
        return m.id in detectors
    if isinstance(m, dm.Phrase):
        from ...drill.normalize import normalize_phrase

        return bool(normalize_phrase(m.text))
    if isinstance(m, dm.Regex):
        return True
    if isinstance(m, dm.AnyOf):
        return any(satisfiable(x, detectors, d) for x in m.items)
    if isinstance(m, (dm.AllOf, dm.Near)):
        return bool(m.items) and all(satisfiable(x, detectors, d) for x in m.items)
    if isinstance(m, dm.KOfN):
        return sum(satisfiable(x, detectors, d) for x in m.items) >= m.k
    if isinstance(m, dm.Unless):
        return satisfiable(m.item, detectors, d) and not implies(m.item, m.exclude, detectors, d)
    return True
