"""What detectors learnt from their examples, read back: the features of a clause and the weights.

This is the half of learning a reply needs (learn.py trains and caches):
plain arithmetic over the cached weights (msgpack, packed arrays), so the matcher reads learnt detectors
without numpy or scikit-learn, and without depending on the training code
that itself asks the matcher what the phrase cues already find.
"""

from __future__ import annotations

import math
import re
import sys
from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from .normalize import is_cjk

VERSION = "3"  # bump when features or training change: old cache entries are then ignored
CONFIRM = 0.25  # a clause of a longer sentence counts only if the whole sentence is not clearly innocent
POOLED_FLOOR = 0.3  # ... if the kind it is named after also looks likely on its own
SURE = 0.9  # a learnt guess at misconduct where a good detector's phrase matches stands only when this sure
SENTENCE_THRESHOLD = 0.6  # the pooled classifier read over a whole sentence: sure it is misconduct ...
SENTENCE_FLOOR = 0.2  # ... and the kind it is named after is not ruled out in any of its clauses

_LATIN = re.compile(r"[a-z]+|[0-9]+")
_ADDRESS = re.compile(r"你|您|(?<![a-z])(you|your|yours|yourself)(?![a-z])")
_NEGATION = re.compile(r"不|没|别|无法|(?<![a-z])(not|no|never|nothing|nobody)(?![a-z])")
_STOP = frozenset((
    "a", "an", "the", "to", "of", "and", "or", "is", "are", "was", "were", "be", "been", "am", "it", "this", "that",
    "i", "we", "you", "he", "she", "they", "my", "our", "your", "for", "in", "on", "at", "by", "with", "so", "do",
    "does", "did", "have", "has", "had", "will", "would", "can", "could", "should", "just",
))


def features(text: str, *, question: bool = False, contrast: bool = False) -> list[str]:
    """The features of one normalised clause or sentence.

    CJK: character 1-3-grams inside each run of CJK characters, with the run's
    edges marked. Latin: each word and each pair of adjacent words. Digits
    become one mark: an amount is an amount. Then the clause's marks (a
    question, addressed to the customer, a negation); the first two also
    crossed with its character pairs and words: 「您」 and 「怎么」 are everyday
    words, a question to the customer with 「怎么」 in it is a challenge.
    Negation is not crossed ("oh no" then read as rude), and pieces of words
    ("complain" inside "complaining") were dropped: grouped cross-validation
    found they cost more misconduct recall than they gave (bench/train.py --cv).
    """
    out: list[str] = []
    run: list[str] = []
    tokens: list[str] = []
    pairs: list[str] = []  # CJK character pairs, edges marked, for the crossed features

    def flush() -> None:
        if run:
            padded = ["^", *run, "$"]
            for n in (1, 2, 3):
                for i in range(len(padded) - n + 1):
                    gram = "".join(padded[i:i + n])
                    if gram not in ("^", "$"):
                        out.append("c:" + gram)
            pairs.extend(padded[i] + padded[i + 1] for i in range(len(padded) - 1))
            run.clear()

    i = 0
    while i < len(text):
        ch = text[i]
        if is_cjk(ch):
            run.append(ch)
            i += 1
            continue
        flush()
        m = _LATIN.match(text, i)
        if m:
            word = m.group()
            tokens.append("#" if word.isdigit() else word)
            i = m.end()
            continue
        if ch.isdigit():
            run.append("#")
        i += 1
    flush()
    for k, word in enumerate(tokens):
        out.append("w:" + word)
        if k:
            out.append("b:" + tokens[k - 1] + " " + word)
    addressed = bool(_ADDRESS.search(text))
    negated = bool(_NEGATION.search(text))
    if question:
        out.append("s:question")
    if contrast:
        out.append("s:contrast")
    if addressed:
        out.append("s:you")
        if question:
            out.append("s:you?")
    if negated:
        out.append("s:neg")
    marks = ("q" if question else "") + ("y" if addressed else "")
    if marks:
        out.extend(f"x{marks}:{pair}" for pair in pairs)
        out.extend(f"x{marks}:{word}" for word in tokens if word not in _STOP)
    return out


@dataclass(frozen=True, slots=True)
class LearntDetector:
    column: int  # its column in the weight matrix (Learnt.weights)
    bias: float
    threshold: float
    bad: bool = False


MISCONDUCT = "*misconduct"  # the pooled classifier: any bad behaviour at all
NEGLIGIBLE = 0.01  # weights smaller than this are dropped: with an L2-normed vector, a logit moves by at most
# NEGLIGIBLE x (the vector's L1 norm) <= NEGLIGIBLE x sqrt(features in the clause), e.g. 0.06 for 40 features


class _Entry(msgspec.Struct, frozen=True, array_like=True):
    """The cache entry: msgpack, numbers as packed arrays (read back without decoding each one)."""

    version: str
    byteorder: str  # arrays are written in this machine's byte order
    fingerprint: str
    vocabulary: list[str]
    idf: bytes  # float32 per feature
    detectors: list[tuple[str, int, float, float, bool]]  # id, column, bias, threshold, bad
    indptr: bytes  # int32 per feature + 1 (CSR over features: weights of feature j at indptr[j]:indptr[j+1])
    columns: bytes  # uint16 per weight
    weights: bytes  # float32 per weight


@dataclass(frozen=True, slots=True)
class Learnt:
    """Learnt weights for the detectors that have enough examples.

    Besides one classifier per detector, a pooled one learns "any bad
    behaviour" from the examples of all of them together: it has many more
    examples than any single kind of misconduct, so it recognises misconduct in
    new words more often. When it is confident, the clause is named after the
    bad detector whose own classifier scores it highest.

    The weights are one sparse matrix, features x detectors, row by row
    (compressed sparse rows): a clause's few features pick their rows and add
    them up, and the arrays read straight from the cache entry's bytes.
    """

    fingerprint: str
    vocabulary: dict[str, int]
    idf: Sequence[float]
    detectors: dict[str, LearntDetector]
    indptr: Sequence[int] = ()
    columns: Sequence[int] = ()
    weights: Sequence[float] = ()

    def misconduct_in(self, probs: Mapping[str, float]) -> str | None:
        """The bad detector a clause is named after when the pooled classifier is confident, else None."""
        pooled = self.detectors.get(MISCONDUCT)
        if pooled is None or probs.get(MISCONDUCT, 0.0) < pooled.threshold:
            return None
        bad = [k for k, d in self.detectors.items() if d.bad]
        best = max(bad, key=lambda k: probs.get(k, 0.0)) if bad else None
        return best if best is not None and probs.get(best, 0.0) >= POOLED_FLOOR else None

    def sentence_misconduct(self, sentence: Mapping[str, float], parts: Sequence[Mapping[str, float]]) -> str | None:
        """The bad detector a whole sentence is named after when the pooled classifier is sure of it, else None.

        A sentence says more than any of its clauses, and a single clause of a
        long polite answer is the likeliest place for a false alarm: so here the
        pooled classifier reads the sentence, and the act is the bad detector
        scoring highest in the sentence or any of its clauses (`parts`).
        """
        pooled = self.detectors.get(MISCONDUCT)
        if pooled is None or sentence.get(MISCONDUCT, 0.0) < max(pooled.threshold, SENTENCE_THRESHOLD):
            return None
        best, p = None, SENTENCE_FLOOR
        for ident, det in self.detectors.items():
            if det.bad:
                q = max(probs.get(ident, 0.0) for probs in (sentence, *parts))
                if q >= p:
                    best, p = ident, q
        return best

    def vector(self, feats: Sequence[str]) -> dict[int, float]:
        """TF-IDF with sublinear tf and L2 norm, as TfidfVectorizer computes it."""
        counts = Counter(self.vocabulary[f] for f in feats if f in self.vocabulary)
        vec = {j: (1.0 + math.log(n)) * self.idf[j] for j, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {j: v / norm for j, v in vec.items()} if norm else {}

    def probabilities(self, feats: Sequence[str]) -> dict[str, float]:
        z = [0.0] * len(self.detectors)
        indptr, columns, weights = self.indptr, self.columns, self.weights
        for j, v in self.vector(feats).items():
            for p in range(indptr[j], indptr[j + 1]):
                z[columns[p]] += v * weights[p]
        return {ident: 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, det.bias + z[det.column]))))
                for ident, det in self.detectors.items()}

    def to_bytes(self) -> bytes:
        return msgspec.msgpack.encode(_Entry(
            VERSION, sys.byteorder, self.fingerprint, sorted(self.vocabulary, key=self.vocabulary.__getitem__),
            array("f", self.idf).tobytes(),
            [(k, d.column, d.bias, d.threshold, d.bad) for k, d in self.detectors.items()],
            array("i", self.indptr).tobytes(), array("H", self.columns).tobytes(),
            array("f", self.weights).tobytes()))

    @classmethod
    def from_bytes(cls, data: bytes) -> Learnt | None:
        """The weights in a cache entry, or None if it was written by another version or machine."""
        entry = msgspec.msgpack.decode(data, type=_Entry)
        if entry.version != VERSION or entry.byteorder != sys.byteorder:
            return None

        def unpack(code: str, raw: bytes) -> array[Any]:
            out = array(code)
            out.frombytes(raw)
            return out

        dets = {k: LearntDetector(column, bias, threshold, bad) for k, column, bias, threshold, bad in entry.detectors}
        return cls(entry.fingerprint, {f: i for i, f in enumerate(entry.vocabulary)}, unpack("f", entry.idf), dets,
                   unpack("i", entry.indptr), unpack("H", entry.columns), unpack("f", entry.weights))
