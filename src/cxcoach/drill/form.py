"""Is this a reply a person would say? Keyword lists, word salads and repeated phrases are not.

「抱歉 抱歉 理解 我来负责 今天 回电 感谢」 holds every word a rubric credits and
says nothing. Such a reply earns no credit for its good words, and the report
tells why. What gives it away, measured on the normalised text:

* Chinese written as space- or comma-separated scraps: most pieces are bare
  words of a few characters, without the pronouns and particles that hold a
  sentence together (people write 「非常抱歉让您久等了」 in one go);
* English that is a list of words: many pieces of one or two words, or hardly
  any function words (the, to, I, you, will ...) in a run of words;
* the same phrase over and over ("sorry sorry sorry", 「理解理解理解」).

A reply can be short and still fine (「非常抱歉。」, "I'm so sorry."): only
replies with enough pieces to judge are looked at.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from .normalize import is_cjk

_PIECE_SPLIT = re.compile(r"[\s,.!?;:~/|+&*#\-]+")
_FUNCTION = frozenset(
    "a an the to of and or but is are was were be been being am it its this that "  # noqa: SIM905 - a word list reads as prose
    "these those there here i me my we us our you your he she they them their for in on at by with from as so "
    "do does did have has had will would can could should shall may might must just not no if then than what "
    "when where why how who which please let let's up out about into over after before".split())
_GREETINGS = frozenset(("您好", "你好", "好的", "嗯", "是的", "对", "hi", "hello", "ok", "okay", "sure", "yes", "dear"))


# Words that hold a Chinese sentence together; a scrap without any of them is a bare keyword.
_GLUE = re.compile(r"[我您你他她它的了着过在给把让被吧吗呢啊呀就也都还又很太会要能可这那是有对]")


class Form(StrEnum):
    FINE = "fine"
    KEYWORDS = "keywords"  # a list of words, not sentences
    REPEATED = "repeated"  # the same phrase again and again


@dataclass(frozen=True, slots=True)
class FormVerdict:
    form: Form
    detail: str = ""  # the figures behind the verdict, for the report and calibrate

    @property
    def fine(self) -> bool:
        return self.form is Form.FINE


def _pieces(text: str) -> list[str]:
    return [p for p in _PIECE_SPLIT.split(text) if p and p not in _GREETINGS]


def _cjk_len(piece: str) -> int:
    return sum(1 for ch in piece if is_cjk(ch))


def read_form(text: str) -> FormVerdict:
    """The verdict on a normalised reply."""
    pieces = _pieces(text)
    if not pieces:
        return FormVerdict(Form.FINE)
    repeated = _repeated(pieces, text)
    if repeated:
        return FormVerdict(Form.REPEATED, repeated)
    cjk = [p for p in pieces if _cjk_len(p) >= max(1, len(p) // 2)]
    latin = [p for p in pieces if p not in cjk]
    if len(cjk) >= 4 and len(cjk) >= len(latin):
        bare = [p for p in cjk if _cjk_len(p) <= 4 and not _GLUE.search(p)]
        if len(bare) / len(cjk) >= 0.6:
            return FormVerdict(Form.KEYWORDS,
                               f"{len(bare)} of {len(cjk)} pieces are bare words of 4 characters or fewer")
    words = re.findall(r"[a-z]+(?:'[a-z]+)?", text)
    if len(words) >= 5 and len(latin) >= len(cjk):
        function = sum(w in _FUNCTION for w in words)
        if function / len(words) < 0.25:
            return FormVerdict(Form.KEYWORDS, f"{function} of {len(words)} words are function words")
        chunks = [c.strip() for c in re.split(r"[,.!?;:\n]+", text) if c.strip()]
        tiny = [c for c in chunks if len(c.split()) <= 2 and c not in _GREETINGS]
        if len(chunks) >= 5 and len(tiny) / len(chunks) >= 0.7:
            return FormVerdict(Form.KEYWORDS, f"{len(tiny)} of {len(chunks)} pieces have 2 words or fewer")
    return FormVerdict(Form.FINE)


def _repeated(pieces: list[str], text: str) -> str:
    """A word or scrap said three times or more that makes up a quarter of the reply, or back-to-back repeats."""
    units = [u for p in pieces for u in (p.split() if p.isascii() else [p])
             if u not in _FUNCTION and (len(u) >= 2 or _cjk_len(u) >= 1)]
    if units:
        unit, n = Counter(units).most_common(1)[0]
        if n >= 3 and n / len(units) >= 0.25:
            return f"'{unit}' {n} times"
    # 「理解理解理解」: the same few characters back to back
    m = re.search(r"(.{2,8}?)\1{2,}", text.replace(" ", ""))
    if m:
        return f"'{m.group(1)}' {len(m.group(0)) // len(m.group(1))} times"
    return ""
