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

from ..inputs import check_reply
from ..playbook import drill_model as dm
from ..playbook.drill_build import detector_refs
from ..playbook.drill_regex import MAX_INPUT, REPLY_BUDGET, bound_regex
from .clauses import Clause, clause_at, clauses
from .form import FormVerdict, keyword_run, read_form
from .learnt import CONFIRM, MISCONDUCT, SURE, Learnt, features
from .negation import NegationIndex, build_index, refusal_after, refusal_clause
from .normalize import Normalized, is_cjk, is_word_char, normalize, normalize_phrase

_FIRST_PERSON = re.compile(r"我(?!们)|(?<![a-z])(i|me|my|myself)(?![a-z])")
# A clause that opens on the trainee's own offer: a limit right before it needs no but/不过 to be answered
# (「套餐中途改不了，我可以先给您加个流量包」, "That isn't possible; I can move it to an open date instead").
_OFFER_OPENS = re.compile(r" ?(那|所以|这样)?我(可以|能|来|帮您|给您|替您|先|马上|现在|今天|这就)"
                          r"| ?(so |instead )?i (can|could|will|have|am going to) ")


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
    """One reply, normalised and read once, with per-detector results cached for the reply's lifetime.

    A detector's hits are its matcher's hits plus the clauses its learnt
    classifier recognises (learn.py). Good behaviours are then held back where
    a person would not credit them: inside a refusal (「重做是不可能的」) or a
    clause with a negation (for learnt hits), and everywhere in a reply that
    reads as a list of keywords (form.py). Those are kept in `withheld` so the
    report can say what was not credited and why.
    """

    norm: Normalized
    detectors: Mapping[str, dm.Detector]
    learnt: Learnt | None = None
    _negation: NegationIndex | None = None
    _clauses: list[Clause] | None = None
    _probs: list[dict[str, float]] | None = None
    _unit_list: list[Clause] = field(default_factory=list)
    _phrase_cache: dict[str, tuple[Hit, ...]] = field(default_factory=dict)
    _form: FormVerdict | None = None
    _raw: dict[str, tuple[Hit, ...]] = field(default_factory=dict)  # before a later contrast is weighed
    _cache: dict[str, tuple[Hit, ...]] = field(default_factory=dict)
    _active: set[str] = field(default_factory=set)
    _turning: set[str] = field(default_factory=set)  # limits whose following contrast is being read
    confidence: dict[tuple[str, Hit], float] = field(default_factory=dict)
    withheld: dict[str, tuple[Hit, ...]] = field(default_factory=dict)
    overpromised: list[Hit] = field(default_factory=list)  # clauses that promise beyond the drill's authority
    _defence_from: int | None = -1
    regex_budget: int = REPLY_BUDGET  # backtracking steps left for this reply's regexes (drill_regex.py)

    @classmethod
    def of(cls, reply: str, detectors: Mapping[str, dm.Detector] | None = None, *,
           learnt: Learnt | None = None) -> ReplyContext:
        """Without `learnt` (see learn.learnt_for) the detectors use their phrases and patterns only."""
        check_reply(reply)  # the length cap comes before normalisation, which can grow the text 18x
        return cls(normalize(reply), detectors or {}, learnt)

    @property
    def text(self) -> str:
        return self.norm.text

    @property
    def negation(self) -> NegationIndex:
        if self._negation is None:
            self._negation = build_index(self.norm.text)
        return self._negation

    @property
    def clauses(self) -> list[Clause]:
        if self._clauses is None:
            self._clauses = clauses(self.norm.text)
        return self._clauses

    @property
    def form(self) -> FormVerdict:
        """Does the reply read as sentences (form.py)? Judged on its text and where good phrases matched."""
        if self._form is None:
            verdict = read_form(self.norm.text)
            if verdict.fine:
                credited = [(h.start, h.end, ident) for ident, det in self.detectors.items()
                            if det.polarity is dm.Polarity.GOOD for h in self._phrase_hits(ident, det)]
                verdict = keyword_run(self.norm.text, credited)
            self._form = verdict
        return self._form

    def _phrase_hits(self, ident: str, det: dm.Detector) -> tuple[Hit, ...]:
        """A detector's own phrases and patterns, for detectors that do not build on others.

        Such matchers never call back into `detector_hits`, so this is safe
        while another detector is being evaluated; others give nothing.
        """
        if detector_refs(det.match):
            return ()
        if ident not in self._phrase_cache:
            self._phrase_cache[ident] = evaluate(det.match, self)
        return self._phrase_cache[ident]

    def _units(self) -> list[tuple[Clause, dict[str, float]]]:
        """What the classifiers read: every clause, and every sentence of several clauses as a whole
        (「电表都是校验过的，读数肯定准」 argues as a sentence more clearly than either half)."""
        if self._probs is None:
            model = self.learnt
            text = self.norm.text
            units: list[Clause] = list(self.clauses)
            by_sentence: dict[int, list[Clause]] = {}
            for c in self.clauses:
                by_sentence.setdefault(c.sentence, []).append(c)
            for parts in by_sentence.values():
                if len(parts) > 1:
                    first, last = parts[0], parts[-1]
                    units.append(Clause(first.start, last.end, first.sentence, False, False, first.question,
                                        any(c.addressed for c in parts)))
            self._unit_list = units
            self._probs = [model.probabilities(features(u.text(text), question=u.question, contrast=u.contrast))
                           if model else {} for u in units]
        return list(zip(self._unit_list, self._probs, strict=True))

    def detector_hits(self, ident: str) -> tuple[Hit, ...]:
        if ident in self._cache:
            return self._cache[ident]
        if ident in self._turning:  # asked again while its own turn is judged: what was read
            return self._read(ident)
        hits = self._read(ident)
        det = self.detectors.get(ident)
        if det is not None and det.states_a_limit and ident not in self._active:
            self._turning.add(ident)
            try:
                hits = tuple(h for h in hits if not self._taken_back(h))
            finally:
                self._turning.discard(ident)
        if ident in self.detectors and ident not in self._active:
            self._cache[ident] = hits
        return hits

    def _read(self, ident: str) -> tuple[Hit, ...]:
        """A detector's hits before a later contrast is weighed (`_taken_back`)."""
        if ident in self._raw:
            return self._raw[ident]
        det = self.detectors.get(ident)
        if det is None or ident in self._active:  # unknown or cyclic: the loader reports both
            return ()
        self._active.add(ident)
        try:
            hits = list(evaluate(det.match, self))
            for h in hits:
                self.confidence[(ident, h)] = 1.0
            hits += self._learnt_hits(ident, det, hits)
        finally:
            self._active.discard(ident)
        if det.polarity is dm.Polarity.GOOD:
            kept = [h for h in hits if not self._refused(h)]
            if not self.form.fine:
                kept = []
            held = tuple(h for h in hits if h not in kept)
            if held:
                self.withheld[ident] = held
            hits = kept
        result = tuple(sorted(set(hits)))
        self._raw[ident] = result
        return result

    def hold_back(self, hits: list[Hit] | tuple[Hit, ...]) -> None:
        """Credit nothing said in the clauses of these over-promises.

        A promise beyond what the trainee may offer is no fair remedy: scoring
        drops every piece of evidence inside its clause (the remedy, the "I'll
        see to it"), and the good behaviours found there are listed in
        `withheld`. The acts themselves stay what the customer heard, so a
        drill's branches still answer the offer as the author wrote them.
        """
        for hit in hits:
            clause = clause_at(self.clauses, hit.start)
            span = Hit(clause.start, max(clause.end, hit.end)) if clause is not None else hit
            if span not in self.overpromised:
                self.overpromised.append(span)
        for ident, det in self.detectors.items():
            if det.polarity is not dm.Polarity.GOOD:
                continue
            held = tuple(h for h in self.detector_hits(ident) if self.in_overpromise(h))
            if held:
                self.withheld[ident] = tuple(sorted(set(self.withheld.get(ident, ()) + held)))

    def in_overpromise(self, hit: Hit) -> bool:
        return any(o.start < hit.end and hit.start < o.end for o in self.overpromised)

    def overpromise_spans(self) -> list[Span]:
        """The over-promising clauses in the original reply's offsets."""
        return [self.span(o) for o in self.overpromised]

    def _learnt_hits(self, ident: str, det: dm.Detector, found: list[Hit]) -> list[Hit]:
        model = self.learnt
        if model is None or ident not in model.detectors:
            return []
        threshold = model.detectors[ident].threshold
        units = self._units()
        whole = {(u.start, u.end): probs for u, probs in units}
        sentence_of = {c.sentence: (c.start, c.end) for c in self.clauses}
        for c in self.clauses:  # the span of each sentence, for confirming its clauses
            a, b = sentence_of[c.sentence]
            sentence_of[c.sentence] = (min(a, c.start), max(b, c.end))
        out: list[Hit] = []
        for clause, probs in units:
            key, p, threshold_here = ident, probs.get(ident, 0.0), threshold
            if p < threshold and det.polarity is dm.Polarity.BAD and model.misconduct_in(probs) == ident:
                # the pooled classifier is sure it is misconduct, and this is its likeliest kind
                key, p, threshold_here = MISCONDUCT, probs[MISCONDUCT], model.detectors[MISCONDUCT].threshold
            if p < threshold_here or any(h.start < clause.end and clause.start < h.end for h in found + out):
                continue
            sentence = whole.get(sentence_of[clause.sentence])
            if det.polarity is dm.Polarity.BAD and sentence is not None and sentence is not probs \
                    and sentence.get(key, 0.0) < CONFIRM and not clause.contrast:
                # 「晚了十分钟上菜，让您饿着肚子等，真抱歉」: one half alone is not the sentence, unless it is
                # what follows a contrast (「我帮您看看，不过这个我们改不了」 ends on the limit)
                continue
            if det.polarity is dm.Polarity.GOOD and self._has_negation(clause):
                continue  # 「我们没法给您重做」: a learnt good act needs a clause that does not deny it
            if det.polarity is dm.Polarity.BAD and self._said_well(clause):
                # "That sounds really frustrating": a clause whose wording is a good act is not a guess at a bad one
                continue
            if det.polarity is dm.Polarity.BAD and p < SURE and self._says_good(clause):
                # "That must have been so disappointing", "Waiting all morning would frustrate anyone":
                # a guess short of sure yields to good words
                continue
            if det.polarity is dm.Polarity.BAD and _too_short(clause.text(self.norm.text)):
                continue  # "Oh no": too few words to read an act into
            hit = Hit(clause.start, clause.end)
            self.confidence[(ident, hit)] = round(p, 3)
            out.append(hit)
        if det.polarity is dm.Polarity.BAD:
            out += self._sentence_hits(ident, units, found + out)
        return out

    def _sentence_hits(self, ident: str, units: list[tuple[Clause, dict[str, float]]], found: list[Hit]) -> list[Hit]:
        """Sentences the pooled classifier reads as misconduct named `ident`; the evidence is its likeliest unit."""
        model = self.learnt
        assert model is not None
        spans: dict[int, tuple[int, int]] = {}
        for c in self.clauses:
            a, b = spans.get(c.sentence, (c.start, c.end))
            spans[c.sentence] = (min(a, c.start), max(b, c.end))
        out: list[Hit] = []
        for index, (start, end) in spans.items():
            mine = [(u, probs) for u, probs in units if u.sentence == index]
            sentence, whole = next(((u, probs) for u, probs in mine if (u.start, u.end) == (start, end)),
                                   (None, None))
            if sentence is None or whole is None \
                    or model.sentence_misconduct(whole, [probs for _, probs in mine]) != ident:
                continue
            clause = max(mine, key=lambda up: up[1].get(ident, 0.0))[0]
            if any(h.start < end and start < h.end for h in found + out) or _too_short(clause.text(self.norm.text)) \
                    or (whole[MISCONDUCT] < SURE and self._says_good(sentence)):
                continue  # "I'm so sorry, I know how annoying it is": a guess short of sure yields to good words
            hit = Hit(clause.start, clause.end)
            self.confidence[(ident, hit)] = round(whole[MISCONDUCT], 3)
            out.append(hit)
        return out

    def _taken_back(self, hit: Hit) -> bool:
        """Is this limit answered by the trainee's own offer after a contrast?

        「营业厅这边改不了套餐，不过我现在就帮您改」 and "We can't do refunds by
        phone, but I'll process it now" turn to ownership: the first clause
        states a limit, what follows 不过/but removes it. The hit must start
        before the contrast (a learnt hit may hold the whole sentence), in its
        sentence or the one before. The turn
        (the contrast clause and the clauses after it up to the next contrast or
        the sentence's end) must speak in the first person (我, not 我们;
        I/me/my), hold a good act, and hold no bad one: "but I'll pass it on"
        (an empty promise) still sends the customer away, and so does "but the
        bank can refund you" (someone else's remedy). Without a contrast, the
        clause right after the limit may open the turn itself when it starts on
        the trainee's offer (我可以/我来/I can/I'll ...): a limit stated with an
        option needs no "but".
        """
        found = self.clauses
        where = clause_at(found, max(hit.start, hit.end - 1))
        # a learnt hit may be a whole sentence: its turn is the first contrast inside it
        k = next((i for i, c in enumerate(found) if c.contrast and not c.concessive and c.start > hit.start), None)
        if where is not None and (k is None or found[k].sentence > where.sentence + 1):
            k = self._offer_after(where)
        if k is None or where is None or found[k].sentence > where.sentence + 1:
            return False
        start, end = found[k].start, found[k].end
        for c in found[k + 1:]:
            if c.sentence != found[k].sentence or c.contrast or c.concessive:
                break
            end = c.end
        if not _FIRST_PERSON.search(self.text, start, end):
            return False

        def inside(hits: tuple[Hit, ...]) -> bool:
            return any(start <= h.start < end for h in hits)

        # bad acts as read (a limit's own turn is not judged twice); good ones as credited
        if any(det.polarity is dm.Polarity.BAD and inside(self._read(ident)) for ident, det in self.detectors.items()):
            return False
        return any(det.polarity is dm.Polarity.GOOD and inside(self.detector_hits(ident))
                   for ident, det in self.detectors.items())

    def _offer_after(self, where: Clause) -> int | None:
        """The clause right after `where` (in its sentence or the next) when it opens on the trainee's own offer."""
        found = self.clauses
        k = found.index(where) + 1
        if k < len(found) and found[k].sentence <= where.sentence + 1 \
                and _OFFER_OPENS.match(self.text, found[k].start) is not None:
            return k
        return None

    def _said_well(self, clause: Clause) -> bool:
        """Is most of this clause a good detector's own phrase or pattern, and none a bad one's?

        Only detectors built from phrases and patterns alone are asked (their
        matchers never call back into `detector_hits`), so this is safe to use
        while another detector is being evaluated.
        """
        good = bad = False
        for ident, det in self.detectors.items():
            if det.polarity is dm.Polarity.NEUTRAL or detector_refs(det.match):
                continue
            inside = [h for h in self._phrase_hits(ident, det) if clause.start <= h.start and h.end <= clause.end]
            if det.polarity is dm.Polarity.BAD:
                bad = bad or bool(inside)
            else:  # the good wording must be most of the clause: a bare "refund" proves nothing
                good = good or sum(h.end - h.start for h in inside) * 2 >= clause.end - clause.start
        return good and not bad

    def _says_good(self, clause: Clause) -> bool:
        """Does a good detector's own phrase or pattern match inside this clause (see `_said_well`)?"""
        return any(det.polarity is dm.Polarity.GOOD and not detector_refs(det.match)
                   and any(clause.start <= h.start and h.end <= clause.end for h in self._phrase_hits(ident, det))
                   for ident, det in self.detectors.items())

    def _has_negation(self, clause: Clause) -> bool:
        return any(clause.start <= e <= clause.end for e in self.negation.cue_ends)

    def _refused(self, hit: Hit) -> bool:
        """Is the hit turned down in its clause (「重做是不可能的」), or answered by a bare refusal
        (「免单？不可能。」)?"""
        found = self.clauses
        text = self.norm.text
        for k, clause in enumerate(found):
            if clause.start <= hit.start < max(clause.end, clause.start + 1):
                if refusal_after(text, hit.end, clause.end):
                    return True
                nxt = found[k + 1] if k + 1 < len(found) else None
                return bool(clause.question and nxt is not None and refusal_clause(nxt.text(text)))
        return False

    def discounted(self, hit: Hit) -> bool:
        """Is this good act taken back by a later contrast (「很抱歉，但这是规定」)?

        True when a clause after the hit, opened by but/但是/不过 or following
        although/虽然, shows a bad behaviour or talks facts and rules.
        """
        if self._defence_from == -1:
            self._defence_from = None
            for clause in self.clauses:
                if not clause.contrast:
                    continue
                for ident, det in self.detectors.items():
                    if det.polarity is dm.Polarity.GOOD:
                        continue
                    if any(clause.start <= h.start < clause.end for h in self.detector_hits(ident)):
                        self._defence_from = clause.start
                        break
                if self._defence_from is not None:
                    break
        return self._defence_from is not None and hit.end <= self._defence_from

    def span(self, hit: Hit) -> Span:
        a, b = self.norm.to_original(hit.start, hit.end)
        return Span(a, b, self.norm.original[a:b])


_SUFFIXES = ("s", "es", "ed", "d", "ing")


def _too_short(text: str) -> bool:
    """Fewer than three words or CJK characters: a learnt guess needs more to go on (phrases still match)."""
    return sum(map(is_cjk, text)) < 3 and len(_WORDS.findall(text)) < 3


_WORDS = re.compile(r"[a-z0-9]+")


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


def _in_part(m: dm.InPart, ctx: ReplyContext) -> tuple[Hit, ...]:
    wanted = [c for c in ctx.clauses if (c.question if m.part == "question" else c.contrast)]
    return tuple(h for h in evaluate(m.item, ctx) if any(c.start <= h.start < c.end for c in wanted))


def evaluate(m: dm.Matcher, ctx: ReplyContext) -> tuple[Hit, ...]:
    """All hits of a matcher on the reply; empty when it does not match."""
    kind = type(m)
    if kind is dm.Phrase:
        return _phrase(m, ctx)  # type: ignore[arg-type]  # `type(m) is` dispatch does not narrow
    if kind is dm.AnyOf:
        return _union([evaluate(i, ctx) for i in m.items])  # type: ignore[union-attr]  # `type(m) is` dispatch does not narrow
    if kind is dm.AllOf:
        groups = [evaluate(i, ctx) for i in m.items]  # type: ignore[union-attr]  # `type(m) is` dispatch does not narrow
        return _union(groups) if groups and all(groups) else ()
    if kind is dm.KOfN:
        groups = [g for g in (evaluate(i, ctx) for i in m.items) if g]  # type: ignore[union-attr]  # `type(m) is` dispatch does not narrow
        return _union(groups) if len(groups) >= m.k else ()  # type: ignore[union-attr]  # `type(m) is` dispatch does not narrow
    if kind is dm.Near:
        return _near(m, ctx)  # type: ignore[arg-type]  # `type(m) is` dispatch does not narrow
    if kind is dm.Regex:
        return _regex(m, ctx)  # type: ignore[arg-type]  # `type(m) is` dispatch does not narrow
    if kind is dm.DetectorRef:
        return ctx.detector_hits(m.id)  # type: ignore[union-attr]  # `type(m) is` dispatch does not narrow
    if kind is dm.Unless:
        if evaluate(m.exclude, ctx):  # type: ignore[union-attr]  # `type(m) is` dispatch does not narrow
            return ()
        return evaluate(m.item, ctx)  # type: ignore[union-attr]  # `type(m) is` dispatch does not narrow
    if kind is dm.InPart:
        return _in_part(m, ctx)  # type: ignore[arg-type]  # `type(m) is` dispatch does not narrow
    raise TypeError(f"not a matcher: {m!r}")


def match(m: dm.Matcher, reply: str, detectors: Mapping[str, dm.Detector] | None = None, *,
          learnt: Learnt | None = None) -> list[Span]:
    """Convenience: evaluate one matcher on one reply and return original-text spans."""
    ctx = ReplyContext.of(reply, detectors, learnt=learnt)
    return [ctx.span(h) for h in evaluate(m, ctx)]


# --- building matchers in code (tests, tools) --------------------------------

def phrases(*items: str, guard: int | None = dm.DEFAULT_GUARD_WINDOW) -> dm.AnyOf:
    """`any` of literal phrases, for code that builds matchers without YAML."""
    return dm.AnyOf(tuple(dm.Phrase(p, guard) for p in items))


def regex(source: str, guard: int | None = dm.DEFAULT_GUARD_WINDOW) -> dm.Regex:
    """A bounded regex matcher; raises RegexRejected like the loader would report."""
    bounded = bound_regex(source)
    return dm.Regex(bounded.source, bounded.pattern, guard)

