"""Detectors that learn from examples: features, the JSON weight cache, and the trainer's fix-a-miss loop."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from cxcoach.drill.clauses import clauses
from cxcoach.drill.learn import Learnt, features, fingerprint, learnt_for, train, training_set
from cxcoach.drill.matcher import ReplyContext
from cxcoach.drill.normalize import normalize
from cxcoach.playbook import load_playbook

from .conftest import write_playbook

SMALL = """
playbook: {id: small, title: {zh: 小, en: Small}, version: 1.0.0, locales: [zh, en]}
sources: [{id: "001", title: {zh: 来源, en: Source}}]
detectors:
  - id: apology
    title: {zh: 道歉, en: Apology}
    polarity: good
    match: {any: {zh: [抱歉], en: [sorry]}}
    examples: [真不好意思, 实在对不住您, 给您添麻烦了, "My apologies", "We got this wrong, sorry",
               "I apologise for that"]
    counter_examples: [我不会道歉, "I won't apologise"]
  - id: dismissive
    title: {zh: 轻视, en: Dismissive}
    polarity: bad
    match: {any: {zh: [多大点事], en: [no big deal]}}
    examples: [一点小钱而已, 就晚了一天嘛, 这算什么问题, "It's only a few dollars", "It's just a day late",
               "That's hardly a problem"]
    counter_examples: [这对您不是小事, "This is not a small thing"]
  - id: thanks
    title: {zh: 感谢, en: Thanks}
    polarity: good
    match: {any: {zh: [谢谢], en: [thank you]}}
    examples: [多谢您告诉我, 感谢您的耐心, 太感谢了, "Thanks for telling me", "I appreciate your patience",
               "Much obliged"]
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return load_playbook(write_playbook(tmp_path_factory.mktemp("small"), SMALL))


def test_features_mark_structure_and_fold_numbers():
    feats = features("您这么大声干什么", question=True)
    assert {"c:大声", "c:^您", "s:question", "s:you", "s:you?"} <= set(feats)
    en = features("it is only 300 more")
    assert "w:#" in en and "b:only #" in en and "w:300" not in en


def test_learnt_vectors_are_sklearn_tfidf(small):
    from sklearn.feature_extraction.text import TfidfVectorizer

    learnt = train(small.detectors)
    texts, _ = training_set(small.detectors)

    def analyse(sample: tuple[str, bool, bool]) -> list[str]:
        text, question, contrast = sample
        return features(text, question=question, contrast=contrast)

    vectorizer = TfidfVectorizer(analyzer=analyse, sublinear_tf=True, lowercase=False).fit(texts)
    probe = normalize("就迟了一天而已，至于吗？").text
    found = clauses(probe)
    sample = (probe, any(c.question for c in found), False)
    row = vectorizer.transform([sample])
    names = vectorizer.get_feature_names_out()[row.indices]
    expected = {learnt.vocabulary[f]: v for f, v in zip(names, row.data, strict=True)}
    got = learnt.vector(analyse(sample))
    assert got.keys() == expected.keys() and all(abs(got[k] - expected[k]) < 1e-6 for k in got)


def test_weights_are_cached_as_msgpack_and_follow_the_examples(small, tmp_path, monkeypatch):
    monkeypatch.setenv("CXCOACH_CACHE", str(tmp_path))
    first = learnt_for(small)
    (path,) = (tmp_path / "learnt").glob("*.msgpack")
    again = Learnt.from_bytes(path.read_bytes())
    assert again is not None and again.fingerprint == first.fingerprint and "dismissive" in again.detectors
    feats = features(normalize("就一点小事").text)
    assert again.probabilities(feats) == first.probabilities(feats)
    fewer = {k: v for k, v in small.detectors.items() if k != "thanks"}
    assert fingerprint(fewer) != fingerprint(small.detectors)


def test_the_cache_keeps_only_the_newest_entries(small, tmp_path, monkeypatch):
    import os

    from cxcoach.drill.learn import KEEP_ENTRIES, background_lines, learnt_from

    monkeypatch.setenv("CXCOACH_CACHE", str(tmp_path))
    folder = tmp_path / "learnt"
    folder.mkdir()
    for k in range(KEEP_ENTRIES + 2):  # weights of earlier examples, older than anything written now
        stale = folder / f"stale{k}.msgpack"
        stale.write_bytes(b"")
        os.utime(stale, (1_000_000 + k, 1_000_000 + k))
    (folder / "0123456789abcdef01234567.json").write_text("{}", encoding="utf-8")  # the JSON format of version 1
    first = learnt_from(small.detectors, background_lines(small))  # not memoised: reads or writes the cache
    kept = sorted(p.name for p in folder.glob("*.msgpack"))
    assert len(kept) == KEEP_ENTRIES and f"{first.fingerprint}.msgpack" in kept
    assert "stale0.msgpack" not in kept and f"stale{KEEP_ENTRIES + 1}.msgpack" in kept
    assert not list(folder.glob("*.json"))  # the oldest go first


def test_a_trainer_fixes_a_miss_by_adding_an_example(tmp_path):
    """The documented loop: a reply is missed; add it (in other words) as an example; it is caught."""
    miss = "犯得着这么较真吗"
    before = load_playbook(write_playbook(tmp_path / "before", SMALL))
    assert "dismissive" not in {b.detector for b in score_reply_any(before, miss)}
    fixed = SMALL.replace("这算什么问题,", "这算什么问题, 您也太较真了, 何必这么较真, 较什么真啊,")
    after = load_playbook(write_playbook(tmp_path / "after", fixed))
    found = {b.detector: b for b in score_reply_any(after, miss)}
    assert "dismissive" in found and found["dismissive"].learnt and 0 < found["dismissive"].confidence < 1


def score_reply_any(pb, reply):
    from cxcoach.drill.detectors import detect

    return detect(pb.detectors, ReplyContext.of(reply, pb.detectors, learnt=learnt_for(pb)))


def test_too_few_examples_learn_nothing(tiny):
    assert learnt_for(tiny) is None  # detectors without examples: phrases only, and no scikit-learn import


def test_score_with_warm_weights_does_not_import_scikit_learn():
    import os

    env_cache = os.environ["CXCOACH_CACHE"]  # the test run's own cache (conftest): often warm already
    code = textwrap.dedent("""
        import json, sys
        from cxcoach.playbook import default_playbook_path, load_playbook
        from cxcoach.drill import score_reply
        pb = load_playbook(default_playbook_path())
        score_reply(pb, "您这么大声干什么？")
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("sklearn", "numpy", "scipy"))))
    """)
    env = {"CXCOACH_CACHE": env_cache, "PATH": ""}
    run = lambda: subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,  # noqa: E731 - run twice below
                                 env=env)
    cold = run()
    assert cold.returncode == 0, cold.stderr
    warm = run()
    assert warm.returncode == 0, warm.stderr
    assert json.loads(warm.stdout.strip().splitlines()[-1]) == []


def test_a_damaged_cache_entry_is_trained_again(small, tmp_path, monkeypatch):
    from cxcoach.drill.learn import background_lines, learnt_from

    monkeypatch.setenv("CXCOACH_CACHE", str(tmp_path))
    first = learnt_from(small.detectors, background_lines(small))
    (path,) = (tmp_path / "learnt").glob("*.msgpack")
    path.write_bytes(path.read_bytes()[:100])  # a write cut short
    again = learnt_from(small.detectors, background_lines(small))
    feats = features(normalize("就一点小事").text)
    assert again.probabilities(feats) == first.probabilities(feats)  # what was trained, to the last bit
    assert Learnt.from_bytes(path.read_bytes()) is not None  # and written back whole


def test_cross_validation_never_trains_on_the_texts_it_reads(small, monkeypatch):
    from cxcoach.authoring import crossval
    from cxcoach.drill import learn

    seen: list[set[str]] = []
    real = learn.train

    def spy(detectors, background=()):
        seen.append({x for d in detectors.values() for x in (*d.examples, *d.counter_examples)})
        return real(detectors, background)

    monkeypatch.setattr(learn, "train", spy)
    cv = crossval.cross_validate(small.detectors, (), folds=3)
    every = {x for d in small.detectors.values() for x in (*d.examples, *d.counter_examples)}
    assert len(seen) == 3
    for f, trained in enumerate(seen):
        held = {x for x in every if crossval.fold_of(x, 3) == f}
        assert trained == every - held
    figures = {d.id: d for d in cv.detectors}
    assert figures["dismissive"].examples == len(small.detectors["dismissive"].examples)  # each held out once
    assert figures["dismissive"].counters == len(small.detectors["dismissive"].counter_examples)
    for d in cv.detectors:
        assert 0 <= d.found <= d.examples and d.learnt_caught <= d.phrase_missed <= d.examples
    assert "dismissive" in crossval.cross_validation_text(cv)


def test_question_and_addressee_marks_cross_the_ngrams_but_negation_does_not():
    asked = set(features("您这么大声干什么", question=True))
    assert {"xqy:大声", "xqy:^您"} <= asked  # 「大声」 in a question to the customer is its own feature
    assert not any(f.startswith("x") for f in features("这么大声干什么"))
    negated = set(features("oh no"))
    assert "s:neg" in negated and not any(f.startswith("x") for f in negated)
    said = features("you were complaining", question=False)
    assert "xy:complaining" in said and "xy:you" not in said  # stop words are not crossed
    assert not any(f.startswith("p:") for f in said)  # no word pieces: they cost recall in cross-validation


def _pooled(threshold: float = 0.5) -> Learnt:
    from cxcoach.drill.learnt import MISCONDUCT, LearntDetector

    return Learnt("fp", {}, (), {"rude": LearntDetector(0, 0.0, 0.6, True),
                                 "arguing": LearntDetector(1, 0.0, 0.6, True),
                                 "apology": LearntDetector(2, 0.0, 0.5),
                                 MISCONDUCT: LearntDetector(3, 0.0, threshold)})


def test_a_sentence_is_named_after_the_likeliest_bad_act_in_it_or_its_clauses():
    from cxcoach.drill.learnt import MISCONDUCT, SENTENCE_FLOOR, SENTENCE_THRESHOLD

    model = _pooled()
    sure = {MISCONDUCT: SENTENCE_THRESHOLD + 0.1, "rude": 0.1, "arguing": SENTENCE_FLOOR + 0.05, "apology": 0.9}
    assert model.sentence_misconduct(sure, [{"rude": SENTENCE_FLOOR + 0.1}]) == "rude"  # a clause names it
    assert model.sentence_misconduct(sure, []) == "arguing"  # a good act is never the name
    unsure = {**sure, MISCONDUCT: SENTENCE_THRESHOLD - 0.05}
    assert model.sentence_misconduct(unsure, [{"rude": 0.9}]) is None  # the sentence decides, not a clause
    ruled_out = {MISCONDUCT: 0.99, "rude": SENTENCE_FLOOR - 0.05, "arguing": 0.0}
    assert model.sentence_misconduct(ruled_out, [ruled_out]) is None  # no kind of misconduct is likely enough
    assert _pooled(threshold=0.99).sentence_misconduct(sure, []) is None  # never below the pooled threshold


def test_a_learnt_guess_yields_to_good_words_and_needs_three_words(default_pb):
    from cxcoach.drill.detectors import detect
    from cxcoach.drill.matcher import _too_short

    assert _too_short("oh no") and _too_short("算了") and not _too_short("算了吧您") and not _too_short("not my job")
    model = learnt_for(default_pb)
    # alone, the classifiers of 2026-12-06 read "oh no" as rude and "must have been so disappointing" as blame
    reply = "Oh no, I'm sorry! That must have been so disappointing."
    found = {b.detector for b in detect(default_pb.detectors, ReplyContext.of(reply, default_pb.detectors,
                                                                               learnt=model))}
    assert {"apology", "empathy"} <= found and not found & {"rude", "blame_customer"}
    rude = "Oh no, not this again."  # the same opening without good words is still read
    assert "rude" in {b.detector for b in detect(default_pb.detectors, ReplyContext.of(rude, default_pb.detectors,
                                                                                       learnt=model))}
