"""A reply as sentences and clauses: the units acts are read in.

"I'm sorry, but it's policy" is two clauses, and the second one, introduced
by a contrast (but/但是/不过/可是/只是 at a clause start), is what the
customer hears. A question sentence aimed at the customer (「您这么大声干什么?」)
reads differently from a statement. Negation and refusal stop at clause
boundaries, so 「不能退款，但我可以给您换货」 still offers an exchange.

Everything works on normalised text (normalize.py); offsets are normalised
offsets, mapped back to the original by the caller.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .normalize import is_cjk

# A contrast word opens a new clause wherever it stands; 只是 and a bare 但/可 only at a clause start
# (「这只是小问题」 minimises, it does not contrast).
_CONTRAST_ANYWHERE = ("但是", "不过", "可是", "然而", "however", "but", "yet", "though", "although", "except")
_CONTRAST_AT_START = ("只是", "但", "可", "就是")
_NOT_CONTRAST = ("不过是", "只不过", "再好不过", "不过如此", "最好不过", "可以", "可能", "可惜", "可否", "可爱", "但愿",
                 "就是说", "就是这样", "就是这个")
# A concessive clause gives way to the next one: 「虽然我理解，但规定就是规定」.
_CONCESSIVE = ("虽然", "尽管", "although", "even though", "though")
_FIRST = frozenset(w[0] for w in (*_CONTRAST_ANYWHERE, *_CONTRAST_AT_START, *_CONCESSIVE))
_SENTENCE_END = set(".!?;\n")
_CLAUSE_END = set(",:~()[]\"")
_QUESTION_TAIL = re.compile(r"(吗|呢|么|吧|啊|呀)\W*$")
_ADDRESS = re.compile(r"你|您|(?<![a-z])(you|your|yours|yourself)(?![a-z])")
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class Clause:
    """A stretch of a sentence between separators or contrast words; offsets in the normalised text."""

    start: int
    end: int
    sentence: int  # index of its sentence in the reply
    contrast: bool  # opened by a contrast word, or follows a concessive clause
    concessive: bool  # opened by 虽然/although: what it grants is taken back by the rest of the sentence
    question: bool  # its sentence is a question
    addressed: bool  # speaks to or about the customer (你/您/you)

    def text(self, norm: str) -> str:
        return norm[self.start:self.end]


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    question: bool


def _word_at(text: str, i: int, word: str) -> bool:
    if not text.startswith(word, i):
        return False
    if word[0].isascii():
        before = text[i - 1] if i > 0 else " "
        after = text[i + len(word)] if i + len(word) < len(text) else " "
        return not before.isalnum() and not after.isalnum()
    return True


def _masked(text: str, i: int) -> bool:
    """Is position i inside an expression that looks like a contrast word but is not one?"""
    for phrase in _NOT_CONTRAST:
        lo = max(0, i - len(phrase) + 1)
        k = text.find(phrase, lo, i + len(phrase))
        if k != -1 and k <= i < k + len(phrase):
            return True
    return False


def sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    start = 0
    n = len(text)
    for i, ch in enumerate(text):
        if ch not in _SENTENCE_END:
            continue
        if ch == "." and i + 1 < n and (text[i + 1].isalnum() and not is_cjk(text[i + 1])):
            continue  # 3.5, e.g, www.x
        _push_sentence(text, start, i + 1, out)
        start = i + 1
    _push_sentence(text, start, n, out)
    return out


def _push_sentence(text: str, start: int, end: int, out: list[Sentence]) -> None:
    piece = text[start:end]
    stripped = piece.strip(" .!?;\n")
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip(" "))
    tail = _QUESTION_TAIL.search(stripped)
    question = "?" in piece or bool(tail and tail.group(1) in "吗呢么")
    out.append(Sentence(start + lead, end, question))


def clauses(text: str) -> list[Clause]:
    """The reply's clauses in order (normalised offsets)."""
    out: list[Clause] = []
    for index, sent in enumerate(sentences(text)):
        cuts: list[tuple[int, str]] = []  # (position, why): "sep" | "contrast" | "concessive"
        i = sent.start
        at_start = True
        while i < sent.end:
            ch = text[i]
            if ch in _CLAUSE_END:
                cuts.append((i, "sep"))
                at_start = True
                i += 1
                continue
            if ch == " " and at_start:
                i += 1
                continue
            found = None
            if ch in _FIRST:  # most characters start no contrast word: skip the look-ups (training splits thousands)
                for word in _CONCESSIVE:
                    if (at_start or word[0].isascii()) and _word_at(text, i, word):
                        found = (word, "concessive")
                        break
                if found is None:
                    for word in _CONTRAST_ANYWHERE:
                        if _word_at(text, i, word):
                            found = (word, "contrast")
                            break
                if found is None and at_start:
                    for word in _CONTRAST_AT_START:
                        if _word_at(text, i, word):
                            found = (word, "contrast")
                            break
                if found is not None and _masked(text, i):
                    found = None
            if found is not None:
                cuts.append((i, found[1]))
                i += len(found[0])
                at_start = False
                continue
            at_start = False
            i += 1
        bounds: list[tuple[int, int, str]] = []
        last, why = sent.start, "start"
        for pos, kind in cuts:
            if kind == "sep":
                bounds.append((last, pos, why))
                last, why = pos + 1, "start"
            else:
                if text[last:pos].strip():
                    bounds.append((last, pos, why))
                last, why = pos, kind
        bounds.append((last, sent.end, why))
        previous_concessive = False
        for a, b, kind in bounds:
            piece = text[a:b]
            lead = len(piece) - len(piece.lstrip(" "))
            trail = len(piece.rstrip(" .!?;\n"))
            if trail <= lead:
                continue
            a2, b2 = a + lead, a + trail
            concessive = kind == "concessive"
            contrast = kind == "contrast" or (previous_concessive and not concessive)
            out.append(Clause(a2, b2, index, contrast, concessive, sent.question,
                              bool(_ADDRESS.search(text, a2, b2))))
            if not concessive:
                previous_concessive = False
            if concessive:
                previous_concessive = True
    return out


def clause_at(all_clauses: list[Clause], offset: int) -> Clause | None:
    """The clause containing a normalised offset (or the nearest one before it)."""
    starts = [c.start for c in all_clauses]
    i = bisect_right(starts, offset) - 1
    return all_clauses[i] if i >= 0 else (all_clauses[0] if all_clauses else None)


def words(text: str) -> list[str]:
    return _WORD.findall(text)
