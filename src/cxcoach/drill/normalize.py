"""Normalise replies (and phrases) so one phrase list covers many ways of typing it.

Trainees type on phones and PCs, in Chinese and English, with full-width or
half-width characters and with or without contractions. Matching runs on a
normalised copy; every normalised character remembers which characters of the
original produced it, so a match can always be reported as a span of what the
trainee actually wrote.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import msgspec

# Punctuation that NFKC leaves alone, mapped to the ASCII form authors write.
_PUNCT = {
    "。": ".", "｡": ".", "、": ",", "､": ",", "，": ",", "．": ".",
    "「": '"', "」": '"', "『": '"', "』": '"', "“": '"', "”": '"', "„": '"',
    "‘": "'", "’": "'", "‚": "'", "′": "'", "`": "'",
    "【": "[", "】": "]", "〔": "(", "〕": ")", "《": '"', "》": '"', "〈": '"', "〉": '"',
    "—": "-", "–": "-", "―": "-", "‐": "-", "‑": "-", "・": " ", "·": " ",
    "～": "~", "〜": "~",
}

# English contractions expanded so authors write one form ("i will" also matches "I'll").
_CONTRACTIONS = {
    "can't": "can not", "cannot": "can not", "won't": "will not", "shan't": "shall not",
    "i'm": "i am", "i'll": "i will", "i've": "i have", "i'd": "i would",
    "we're": "we are", "we'll": "we will", "we've": "we have", "we'd": "we would",
    "you're": "you are", "you'll": "you will", "you've": "you have", "you'd": "you would",
    "it's": "it is", "that's": "that is", "there's": "there is", "let's": "let us",
    "they're": "they are", "they'll": "they will", "he's": "he is", "she's": "she is",
    "what's": "what is", "here's": "here is", "who's": "who is", "where's": "where is",
    "should've": "should have", "could've": "could have", "would've": "would have", "must've": "must have",
    "name's": "name is",
}
_CONTRACTION_RE = re.compile(
    r"(?<![a-z0-9])(" + "|".join(re.escape(k) for k in sorted(_CONTRACTIONS, key=len, reverse=True))
    + r"|[a-z]+n't)(?![a-z0-9])"
)


def is_word_char(ch: str) -> bool:
    """Letters and digits of alphabetic scripts; CJK characters are not 'word' characters.

    Used for word boundaries: an English phrase must not match inside a longer
    word, while a Chinese character next to an English word is a boundary.
    """
    return ch.isalnum() and ord(ch) < 0x2E80


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FA1F or 0x3040 <= o <= 0x30FF


class Normalized(msgspec.Struct, frozen=True):
    """A normalised text plus, per character, the original range it came from."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span [start, end) to a span of the original text."""
        if not self.text:
            return (0, 0)
        start = min(max(start, 0), len(self.text))
        end = min(max(end, start), len(self.text))
        if end == start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return (pos, pos)
        return (self.starts[start], self.ends[end - 1])

    def quote(self, start: int, end: int) -> str:
        a, b = self.to_original(start, end)
        return self.original[a:b]


def _char_form(ch: str) -> str:
    out = unicodedata.normalize("NFKC", ch)
    out = "".join(_PUNCT.get(c, c) for c in out)
    out = out.casefold()
    return "".join(" " if c.isspace() else c for c in out)


def normalize(text: str) -> Normalized:
    """NFKC, width, punctuation, case, whitespace and contractions, with an offset map."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, ch in enumerate(text):
        cat = unicodedata.category(ch)
        if cat == "Cf" or (cat == "Cc" and not ch.isspace()):
            continue  # zero-width and control characters carry no meaning for matching
        for piece in _char_form(ch):
            if piece == " " and (not chars or chars[-1] == " "):
                continue  # collapse runs of whitespace, drop leading space
            chars.append(piece)
            starts.append(index)
            ends.append(index + 1)
    while chars and chars[-1] == " ":
        chars.pop(), starts.pop(), ends.pop()
    joined = "".join(chars)
    if "'" in joined or "cannot" in joined:
        joined, starts, ends = _expand_contractions(joined, starts, ends)
    return Normalized(text, joined, tuple(starts), tuple(ends))


def _expand_contractions(text: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    last = 0
    for m in _CONTRACTION_RE.finditer(text):
        a, b = m.span()
        out.append(text[last:a])
        new_starts.extend(starts[last:a])
        new_ends.extend(ends[last:a])
        word = m.group(1)
        repl = _CONTRACTIONS.get(word) or word[:-3] + " not"
        out.append(repl)
        new_starts.extend([starts[a]] * len(repl))
        new_ends.extend([ends[b - 1]] * len(repl))
        last = b
    out.append(text[last:])
    new_starts.extend(starts[last:])
    new_ends.extend(ends[last:])
    return "".join(out), new_starts, new_ends


@lru_cache(maxsize=8192)
def normalize_phrase(phrase: str) -> str:
    """The normalised form of an author's phrase (cached: phrases repeat across replies)."""
    return normalize(phrase).text
