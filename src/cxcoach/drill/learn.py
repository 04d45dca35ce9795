"""Detectors that generalise from the examples trainers write (Rasa NLU's recipe).

Each detector's `examples` and `counter_examples` train a linear classifier
over character n-grams (CJK runs) and words and word pairs (Latin text),
plus a few structural marks (question, addressed to the customer, negation,
contrast), the first two crossed with the n-grams (learnt.features). A clause
the phrase lists miss — 「一个月多三百块而已，至于吗」 — is still recognised
when it resembles the examples, with a confidence. A pooled classifier
learns "any misconduct" from every bad detector's examples; it judges whole
sentences too, and the per-detector classifiers name the act (matcher.py).

How well this generalises is measured, never assumed: `python bench/train.py
--against OLD_SRC --cv` (grouped cross-validation of two versions on this
checkout's playbook, and training time) and `python bench/learn_variants.py
[SETTINGS ...]` (the same for settings, plus the held-out calibration sets).

Training uses scikit-learn (TfidfVectorizer + LogisticRegression), imported
only when the learnt weights for a playbook's examples are not cached yet.
The weights are cached as msgpack (never pickle) under the playbook cache
folder, keyed by a fingerprint of the examples: one sparse matrix of the
weights that matter, packed arrays read back without decoding each number.
Reading a reply then needs only learnt.py's few lines of arithmetic, so
`cxcoach score` and drills start without numpy or scikit-learn once the cache
is warm.

Training is a few seconds, because a trainer pays it on the first score after
every edit of the examples: one vectoriser for every detector, liblinear's
dual solver (far fewer texts than features), and no matcher run over the
training texts. An earlier version asked each detector's phrases about every
text to leave out negatives they already find: that was 90% of a half-minute
training, and grouped cross-validation (`python bench/train.py --cv`) puts its
worth at 3 of 436 held-out misconduct examples (331 caught without it, 334
with; macro recall 0.814 against 0.817, precision 0.635 against 0.641, good
lines read as misconduct 32 of 556 either way).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from array import array
from collections.abc import Mapping, Sequence
from pathlib import Path

import msgspec

from ..playbook import drill_model as dm
from ..playbook.model import Playbook
from .clauses import clauses
from .learnt import (
    CONFIRM,
    MISCONDUCT,
    NEGLIGIBLE,
    POOLED_FLOOR,
    SENTENCE_FLOOR,
    SENTENCE_THRESHOLD,
    SURE,
    VERSION,
    Learnt,
    LearntDetector,
    features,
)
from .normalize import normalize

__all__ = ["Learnt", "LearntDetector", "features", "fingerprint", "learnt_for", "learnt_from", "train",
           "training_set"]

C = 20.0  # inverse regularisation: few examples per detector, so fit them closely
MIN_EXAMPLES = 4  # fewer examples than this teach a classifier nothing it can trust
MIN_NEGATIVES = 12  # nor do fewer counter-examples, other detectors' examples and good lines together
DEFAULT_THRESHOLD = 0.6  # a bad behaviour's own classifier
GOOD_THRESHOLD = 0.5  # a good one's (missing credit costs more than a doubtful one)
POOLED_THRESHOLD = 0.5  # "some misconduct" from the pooled classifier

# --- training data -----------------------------------------------------------------

def _learns(det: dm.Detector) -> bool:
    return det.learn is not False and len(det.examples) >= MIN_EXAMPLES


def _threshold(det: dm.Detector) -> float:
    if isinstance(det.learn, float):
        return det.learn
    return GOOD_THRESHOLD if det.polarity is dm.Polarity.GOOD else DEFAULT_THRESHOLD


def _related(detectors: Mapping[str, dm.Detector]) -> dict[str, set[str]]:
    """Detectors built from each other (excuse uses apology): their examples are not each other's negatives."""
    from ..playbook.drill_build import detector_refs

    rel: dict[str, set[str]] = {k: set() for k in detectors}
    for ident, det in detectors.items():
        for ref in detector_refs(det.match):
            if ref in rel:
                rel[ident].add(ref)
                rel[ref].add(ident)
    return rel


COUNTER_WEIGHT = 3.0  # a counter-example is written to be a near miss: it weighs more than an ordinary negative


Sample = tuple[str, bool, bool]  # a normalised text, and whether it is a question, a contrast: what features() reads


def training_set(detectors: Mapping[str, dm.Detector],
                 background: Sequence[str] = ()) -> tuple[list[Sample], dict[str, list[tuple[int, int, float]]]]:
    """Samples, and per learning detector the (sample index, label, weight) rows it trains on.

    Positives: the detector's examples. Negatives: its counter-examples and the
    examples of every other detector, except those of detectors built from it
    (excuse contains an apology). For bad behaviours, the playbook's own good
    lines (`background`: model answers and scripts) are negatives too:
    whatever they say is not misconduct. Counter-examples and good lines are
    read whole and clause by clause, as replies are; each text is split into
    clauses once, and its clauses keep their own question and contrast marks.
    """
    texts: list[Sample] = []
    index: dict[Sample, int] = {}

    def add(sample: Sample) -> int:
        if sample not in index:
            index[sample] = len(texts)
            texts.append(sample)
        return index[sample]

    def pieces(text: str, *, parts: bool = True) -> list[int]:
        """A text, and each of its clauses when it has several."""
        norm = normalize(text).text
        found = clauses(norm)
        whole = add((norm, any(c.question for c in found), any(c.contrast for c in found)))
        if not parts or len(found) < 2:
            return [whole]
        return [whole, *(add((c.text(norm), c.question, c.contrast)) for c in found)]

    owners: dict[int, set[str]] = {}
    counters: dict[int, set[str]] = {}
    for ident, det in detectors.items():
        for ex in det.examples:
            owners.setdefault(pieces(ex, parts=False)[0], set()).add(ident)
    for ident, det in detectors.items():
        for ex in det.counter_examples:  # a near miss is a near miss clause by clause too
            for k in pieces(ex):
                if ident not in owners.get(k, ()):
                    counters.setdefault(k, set()).add(ident)

    good_lines = {k for line in background for k in pieces(line)}
    related = _related(detectors)
    pairs: dict[str, list[tuple[int, int, float]]] = {}
    for ident, det in detectors.items():
        if not _learns(det):
            continue
        rows: list[tuple[int, int, float]] = []
        for k in range(len(texts)):
            mine = owners.get(k, set())
            if ident in mine:
                rows.append((k, 1, 1.0))
            elif ident in counters.get(k, ()):
                rows.append((k, 0, COUNTER_WEIGHT))
            elif mine & related[ident]:
                continue  # an example of a detector built from this one
            elif k in good_lines and not mine and det.polarity is not dm.Polarity.BAD:
                continue  # a good line may well show this good act without being its example
            else:
                rows.append((k, 0, 1.0))
        pairs[ident] = rows
    bad = {k for k in pairs if detectors[k].polarity is dm.Polarity.BAD}
    if bad:
        pooled: list[tuple[int, int, float]] = []
        for k in range(len(texts)):
            mine = owners.get(k, set())
            if mine & bad:
                pooled.append((k, 1, 1.0))
            elif mine and all(detectors[o].polarity is dm.Polarity.BAD for o in mine):
                continue  # an example of a bad detector with `learn: false`: say nothing
            else:
                pooled.append((k, 0, COUNTER_WEIGHT if counters.get(k, set()) & bad else 1.0))
        pairs[MISCONDUCT] = pooled
    return texts, pairs


_CODE = tuple(Path(__file__).with_name(name) for name in ("learn.py", "learnt.py", "clauses.py", "normalize.py"))


def fingerprint(detectors: Mapping[str, dm.Detector], background: Sequence[str] = ()) -> str:
    """Of everything the weights depend on: the examples, the good lines, and the code that reads them."""
    settings = (VERSION, C, NEGLIGIBLE, COUNTER_WEIGHT, DEFAULT_THRESHOLD, GOOD_THRESHOLD, POOLED_THRESHOLD,
                POOLED_FLOOR, CONFIRM, SENTENCE_THRESHOLD, SENTENCE_FLOOR, SURE)
    h = hashlib.sha256(":".join(map(str, settings)).encode())
    for path in _CODE:
        h.update(path.read_bytes())
    for ident, det in detectors.items():
        h.update(repr((ident, det.polarity.value, det.examples, det.counter_examples, det.learn,
                       det.match)).encode())
    h.update(repr(tuple(background)).encode())
    return h.hexdigest()[:24]


def train(detectors: Mapping[str, dm.Detector], background: Sequence[str] = ()) -> Learnt:
    """Fit one classifier per detector with examples (imports scikit-learn: keep it off start-up paths)."""

    texts, pairs = training_set(detectors, background)
    fp = fingerprint(detectors, background)
    if not pairs:
        return Learnt(fp, {}, (), {})
    import numpy
    import scipy.sparse  # type: ignore[import-untyped]  # scipy ships no stubs
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]  # scikit-learn ships no stubs
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]  # scikit-learn ships no stubs

    def analyse(sample: Sample) -> list[str]:
        text, question, contrast = sample
        return features(text, question=question, contrast=contrast)

    vectorizer = TfidfVectorizer(analyzer=analyse, sublinear_tf=True, lowercase=False)
    matrix = vectorizer.fit_transform(texts).tocsr()
    learnt: dict[str, LearntDetector] = {}
    coefs = []
    for ident, rows in pairs.items():
        labels = [y for _, y, _ in rows]
        if labels.count(0) < MIN_NEGATIVES:
            continue
        # the dual problem: far fewer texts than features, so it solves in a fraction of the primal's time
        model = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", dual=True, max_iter=2000,
                                   random_state=0)  # liblinear shuffles: the same examples, the same weights
        model.fit(matrix[[k for k, _, _ in rows]], labels, sample_weight=[w for _, _, w in rows])
        coefs.append(model.coef_[0])
        bias = float(model.intercept_[0])
        if ident == MISCONDUCT:
            learnt[ident] = LearntDetector(len(learnt), bias, POOLED_THRESHOLD)
        else:
            det = detectors[ident]
            learnt[ident] = LearntDetector(len(learnt), bias, _threshold(det), det.polarity is dm.Polarity.BAD)
    vocab = {str(f): int(i) for f, i in vectorizer.vocabulary_.items()}
    idf = array("f", vectorizer.idf_.tolist())  # single precision, as cached: a cold score reads like a warm one
    if not coefs:
        return Learnt(fp, vocab, idf, {})
    weights = numpy.vstack(coefs).T  # features x detectors
    weights[numpy.abs(weights) < NEGLIGIBLE] = 0.0
    rows_of = scipy.sparse.csr_matrix(weights)
    return Learnt(fp, vocab, idf, learnt, array("i", rows_of.indptr.tolist()), array("H", rows_of.indices.tolist()),
                  array("f", rows_of.data.tolist()))


# --- the cache -----------------------------------------------------------------------

_MEMO: dict[int, tuple[object, Learnt | None]] = {}


def _cache_file(fp: str) -> Path | None:
    from ..playbook.cache import cache_dir

    root = cache_dir()
    return None if root is None else root / "learnt" / f"{fp}.msgpack"


def background_lines(playbook: Playbook) -> tuple[str, ...]:
    """The playbook's own good lines: every drill node's model answer and every script line, in every locale."""
    lines: list[str] = []
    for drill in playbook.drills.values():
        for node in drill.nodes.values():
            if node.model is not None:
                lines += [node.model.get(loc) for loc in playbook.locales]
    for script in playbook.scripts.values():
        for line in script.lines:
            lines += [line.text.get(loc) for loc in playbook.locales]
    return tuple(dict.fromkeys(x for x in lines if x))


def learnt_for(playbook: Playbook) -> Learnt | None:
    """The learnt weights for a playbook's detectors (None if none has examples).

    Memoised per playbook; otherwise read from the cache, else trained
    now and cached.
    """
    memo = _MEMO.get(id(playbook))
    if memo is not None and memo[0] is playbook:
        return memo[1]
    detectors = playbook.detectors
    found = None
    if any(_learns(d) for d in detectors.values()):
        found = learnt_from(detectors, background_lines(playbook))
    if len(_MEMO) > 8:
        _MEMO.clear()
    _MEMO[id(playbook)] = (playbook, found)
    return found


def learnt_from(detectors: Mapping[str, dm.Detector], background: Sequence[str] = ()) -> Learnt:
    """Weights for these detectors and background lines: from the cache, else trained and cached."""
    fp = fingerprint(detectors, background)
    found = None
    path = _cache_file(fp)
    if path is not None and path.is_file():
        try:
            found = Learnt.from_bytes(path.read_bytes())
        except (OSError, msgspec.DecodeError):
            found = None
        if found is not None and found.fingerprint != fp:
            found = None
        if found is not None:
            with contextlib.suppress(OSError):  # a read-only cache still serves its entry
                os.utime(path)  # in use: the newest entries are the ones kept
    if found is None:
        found = train(detectors, background)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_bytes(found.to_bytes())
                os.replace(tmp, path)
                _prune(path.parent, path)
            except OSError:
                pass  # a read-only cache only costs a retrain next time
    return found


KEEP_ENTRIES = 8  # weights for several playbooks (or versions of one) in use at once


def _prune(folder: Path, keep: Path) -> None:
    """Drop all but the newest entries: each is megabytes, and an edit to the examples makes the last one dead."""
    def used(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:
            return 0.0

    for old in sorted(folder.glob("*.msgpack"), key=used, reverse=True)[KEEP_ENTRIES:]:
        if old != keep:
            old.unlink(missing_ok=True)
    for old in folder.glob("*.json"):  # entries of the JSON format before version 2: never read again
        old.unlink(missing_ok=True)
