"""The negation guard: 「我们不能为您退款」 must not count as offering a refund.

A phrase match is negated when a negation cue (不/没/别/无法/未/not/never/...)
stands within a window of tokens before it *in the same clause*. Clauses end
at punctuation and at contrast words (但是/but), so 「不能退款，但我可以为您换货」
still counts as offering an exchange. Fixed expressions that contain a cue but
do not negate what follows (不好意思, 不客气, 没问题, no problem, no later than)
are masked first. All work happens on normalised text (see normalize.py).
"""

from __future__ import annotations

import re
from bisect import bisect_left

import msgspec

from .normalize import is_cjk, is_word_char

# Cues: Chinese ones match as substrings, English ones as whole words.
_ZH_CUES = ("不", "没", "沒", "别", "別", "无法", "無法", "未", "莫", "勿", "拒绝", "甭", "休想")
_EN_CUES = ("not", "no", "never", "cannot", "unable", "refuse", "refused")

# Expressions containing a cue that do not negate what follows them.
_EXEMPT = (
    # zh
    "不好意思", "不客气", "没问题", "没有问题", "没关系", "没事", "不用担心", "别担心", "不要担心", "不必担心",
    "别着急", "不要着急", "别急", "不用急", "不管", "无论", "不仅", "不但", "不只", "不断", "不久", "不少", "不错",
    "毫不", "不便", "不满", "不快", "不愉快", "不舒服", "不开心", "不高兴", "不方便", "不耐烦", "不公平", "不周",
    "不到位", "不对", "不够好", "不停", "马不停蹄", "不辞", "未来", "不得不", "不超过", "最迟不", "不晚于",
    "不一会", "没想到", "不必要的", "不必要", "义不容辞", "不遗余力", "不会再", "不再让", "没错", "不同",
    "不论", "不如", "不妨", "要不", "莫名",
    # characters that contain a cue inside an ordinary word
    "特别", "别人", "区别", "分别", "个别", "级别", "类别", "告别", "识别", "别的", "别处", "别家",
    # A-not-A questions ask, they do not negate: 能不能给您换一个?
    "能不能", "要不要", "可不可以", "是不是", "好不好", "行不行", "对不对", "有没有", "会不会", "方不方便",
    # en (normalised: contractions expanded)
    "no problem", "no problems", "no worries", "not a problem", "not only", "no later than", "not later than",
    "no matter", "do not worry", "not worry", "do not hesitate", "not hesitate", "no doubt", "no longer",
    "not happy", "not satisfied", "no extra", "no charge", "no cost", "at no", "never again", "not again",
    "no more than", "not more than", "whether or not", "not to worry", "never mind", "why do not i",
    "why do not we", "would not you like",
)

_BOUNDARY_CHARS = set(",.!?;:\n()[]\"~")
_BOUNDARY_WORDS_ZH = ("但是", "但", "不过", "可是", "然而", "而且", "并且",
                      "所以", "因此", "同时", "然后", "另外", "如果")
_BOUNDARY_WORDS_EN = ("but", "however", "although", "though", "and", "so", "because", "if", "then", "also", "instead")

_EN_CUE_RE = re.compile(r"(?<![a-z0-9])(" + "|".join(_EN_CUES) + r")(?![a-z0-9])")
_EN_BOUNDARY_RE = re.compile(r"(?<![a-z0-9])(" + "|".join(_BOUNDARY_WORDS_EN) + r")(?![a-z0-9])")


class NegationIndex(msgspec.Struct, frozen=True):
    """Per-reply tables so each match's check is a couple of bisects."""

    text: str
    cue_ends: tuple[int, ...]  # sorted end offsets of unmasked cues
    cue_starts: tuple[int, ...]  # start offset for each entry of cue_ends
    boundaries: tuple[int, ...]  # sorted offsets where a clause boundary sits
    token_starts: tuple[int, ...]  # sorted start offsets of tokens

    def negated(self, start: int, window: int | None) -> bool:
        """Is a match starting at `start` preceded by a cue in its clause, within `window` tokens?"""
        if window is None or start <= 0:
            return False
        # the clause begins after the last boundary before the match
        bi = bisect_left(self.boundaries, start) - 1
        clause_start = self.boundaries[bi] + 1 if bi >= 0 else 0
        ti = bisect_left(self.token_starts, start)
        window_start = self.token_starts[ti - window] if ti - window >= 0 else 0
        lo = max(clause_start, window_start)
        # any cue lying entirely inside [lo, start)?
        ci = bisect_left(self.cue_ends, start + 1) - 1
        while ci >= 0 and self.cue_ends[ci] > lo:
            if self.cue_starts[ci] >= lo:
                return True
            ci -= 1
        return False


def build_index(text: str) -> NegationIndex:
    masked = [False] * len(text)
    for phrase in _EXEMPT:
        begin = text.find(phrase)
        while begin != -1:
            end = begin + len(phrase)
            word_ok = not (phrase[0].isascii() and begin > 0 and is_word_char(text[begin - 1])) and \
                not (phrase[-1].isascii() and end < len(text) and is_word_char(text[end]))
            if word_ok:
                for k in range(begin, end):
                    masked[k] = True
            begin = text.find(phrase, begin + 1)
    cues: list[tuple[int, int]] = []
    for cue in _ZH_CUES:
        begin = text.find(cue)
        while begin != -1:
            if not any(masked[begin:begin + len(cue)]):
                cues.append((begin, begin + len(cue)))
            begin = text.find(cue, begin + 1)
    for m in _EN_CUE_RE.finditer(text):
        if not any(masked[m.start():m.end()]):
            cues.append(m.span())
    cues.sort(key=lambda c: c[1])
    bounds = {i for i, ch in enumerate(text) if ch in _BOUNDARY_CHARS}
    for word in _BOUNDARY_WORDS_ZH:
        begin = text.find(word)
        while begin != -1:
            if not any(masked[begin:begin + len(word)]):
                bounds.add(begin + len(word) - 1)
            begin = text.find(word, begin + 1)
    for m in _EN_BOUNDARY_RE.finditer(text):
        bounds.add(m.end() - 1)
    tokens: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if is_word_char(ch):
            tokens.append(i)
            while i < n and is_word_char(text[i]):
                i += 1
            continue
        if is_cjk(ch):
            tokens.append(i)
        i += 1
    return NegationIndex(text, tuple(c[1] for c in cues), tuple(c[0] for c in cues), tuple(sorted(bounds)),
                         tuple(tokens))


# --- refusals: the remedy named, then turned down -----------------------------------
# 「重做是不可能的」, 「退款就别想了」, "a refund is out of the question": the negation comes
# after the offer, so the guard above (which looks back) misses it.
_REFUSAL_AFTER = re.compile(
    r"不可能|不行|没办法|没有办法|办不到|做不到|没门|别想|休想|不能|不可以|不予|不支持|不提供|无法|免谈|没戏|不接受|"
    r"不给|不会给|不存在|(?<=[退换修赔补做发])不了|"
    r"(?<![a-z])(not possible|impossible|out of the question|no way|not an option|not available|not something|"
    r"can not|cannot|is not going to happen|not going to happen|not happening|not allowed|"
    r"off the table|forget it|forget about it|we do not do)(?![a-z])")
_REFUSAL_ALONE = re.compile(
    r"^\W*(不可能|不行|没门|没办法|做不到|办不到|想都别想|别想了|免谈|不存在的|no|nope|no way|not possible|"
    r"impossible|not a chance|out of the question|forget it)\W*$")


def refusal_after(text: str, end: int, clause_end: int) -> bool:
    """Does the clause turn down what stands before `end` (「重做是不可能的」)?"""
    return _REFUSAL_AFTER.search(text, end, clause_end) is not None


def refusal_clause(text: str) -> bool:
    """A clause that is nothing but a refusal: 「免单？不可能。」"""
    return _REFUSAL_ALONE.match(text) is not None
