"""Is this a reply a person would say? Keyword lists, word salads and repeated phrases are not.

「抱歉 抱歉 理解 我来负责 今天 回电 感谢」 holds every word a rubric credits and
says nothing. Such a reply earns no credit for its good words, and the report
tells why. What gives it away, measured on the normalised text:

* Chinese written as space- or comma-separated scraps: most pieces are bare
  words of a few characters, without the pronouns and particles that hold a
  sentence together (people write 「非常抱歉让您久等了」 in one go);
* English that is a list of words: many pieces of one or two words, hardly
  any function words (the, to, I, you, will ...) in a run of words, or few of
  them, no one speaking (no I, we or you), no is/will/can and no punctuation
  to make sentences;
* the same phrase over and over ("sorry sorry sorry", 「理解理解理解」), or
  several phrases each said twice in a row ("so sorry so sorry, ... thanks
  thanks", 「马上马上，补偿补偿」): one doubling is how people talk ("thank
  you, thank you"), two are padding;
* a list that says it is one: a reply that opens with a label such as
  "Keywords:", "Key points:" or 「关键词：」「要点：」 and goes on to list items is
  notes about a reply, not the reply (a customer is never told "Key points:");
* credited words strung together: most of the reply is a run of three or more
  good-behaviour phrases with nothing between them but other bare words or
  spaces ("sorry understand I will handle today call back refund thank you",
  「抱歉理解负责今天回电退款感谢」). People join what they say with words that
  carry no credit (the, and, to, 让您, 给您, 了); a run that has none of them
  is a list, whether or not it has separators.

A reply can be short and still fine (「非常抱歉。」, "I'm so sorry."): only
replies with enough pieces to judge are looked at.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise

from .normalize import is_cjk

_PIECE_SPLIT = re.compile(r"[\s,.!?;:~/|+&*#\-]+")
_FUNCTION = frozenset(
    "a an the to of and or but is are was were be been being am it its this that "  # noqa: SIM905 - a word list reads as prose
    "these those there here i me my we us our you your he she they them their for in on at by with from as so "
    "do does did have has had will would can could should shall may might must just not no if then than what "
    "when where why how who which please let let's up out about into over after before".split()) | frozenset(
    "it'll that'll there'll they'll he'll she'll who'll it'd that'd they'd he'd she'd there'd "  # noqa: SIM905
    "that's there's here's what's who's they've".split())  # normalisation leaves these contracted
# Someone speaking: a reply with none of these is a list of nouns and verbs, not a person talking to a person.
_SPEAKER = frozenset(("i", "me", "my", "mine", "we", "us", "our", "ours", "you", "your", "yours", "let's", "let",
                      "please"))
# ... or a verb that makes a statement ("Power will be back within two hours" has no speaker but is a sentence)
_AUXILIARY = frozenset(("am", "is", "are", "was", "were", "be", "been", "will", "would", "can", "could", "shall",
                        "should", "may", "might", "must", "has", "have", "had", "do", "does", "did",
                        "it'll", "that'll", "there'll", "they'll", "he'll", "she'll", "it'd", "that's", "there's"))
SPEAKERLESS_SHARE = 0.25  # ... and a run of words without either, this thin in function words, is a list
# A reply that opens by naming itself a list ("Keywords: sorry, ...", 「要点：道歉、负责、回电」), then lists items.
_LIST_LABEL = re.compile(r"(key ?words?|key (?:phrases?|points?|terms?)|tags?|checklist|bullet points?|talking points?"
                         r"|关键词|关键字|关键句|关键语|要点|标签|清单|话术要点) ?:")
LABELLED_ITEMS = 3  # items after such a label before it reads as a list
_GREETINGS = frozenset(("您好", "你好", "好的", "嗯", "是的", "对", "hi", "hello", "ok", "okay", "sure", "yes", "dear"))


# Words that hold a Chinese sentence together; a scrap without any of them is a bare keyword.
_GLUE = re.compile(r"[我您你他她它的了着过在给把让被吧吗呢啊呀就也都还又很太会要能可这那是有对]")


_SENTENCE_STOP = re.compile(r"[.!?;\n]")
_CLAUSE_STOP = re.compile(r"[,:]")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[0-9]+|[\u3400-\u9fff\uf900-\ufaff]")
FUNCTION_SHARE = 0.12  # English words with fewer function words than this are a list (terse sentences have more)
RUN_MIN = 3  # credited phrases in a row before a run can be a list
RUN_SHARE = 0.6  # ... and the share of the reply's words the run must cover
RUN_GLUE = 0.2  # ... and, in Chinese, at most this share of 我/您/给/了… inside it
DOUBLED_MIN = 2  # phrases each said twice in a row before a reply is padding, not speech
_INTENSIFIERS = frozenset(("very", "so", "really", "truly", "much", "非常", "特别", "十分", "真的"))


class Form(StrEnum):
    FINE = "fine"
    KEYWORDS = "keywords"  # a list of words, not sentences
    REPEATED = "repeated"  # the same phrase again and again


# What gave a verdict away, worded per language with its figures as named fields: one home for the
# wording, so a Chinese report says it in Chinese with the same numbers as the English one and the JSON.
WHY = {
    "bare": {"en": "{bare} of {pieces} pieces are bare words of 4 characters or fewer",
             "zh": "{pieces} 段里有 {bare} 段是不超过 4 个字的单独词语"},
    "function": {"en": "{function} of {words} words are function words",
                 "zh": "{words} 个词里只有 {function} 个虚词"},
    "speakerless": {"en": "one run of {words} words with no I, we, you or verb like is/will, "
                          "and {function} of them function words",
                    "zh": "一串 {words} 个词，没有 I、we、you，也没有 is/will 之类的动词，其中虚词 {function} 个"},
    "tiny": {"en": "{tiny} of {pieces} pieces have 2 words or fewer",
             "zh": "{pieces} 段里有 {tiny} 段不超过 2 个词"},
    "run": {"en": "{run} credited phrases in a row with no words to join them ({inside} of {tokens} words)",
            "zh": "{run} 个得分说法连在一起，中间没有把它们连成句子的词（占 {tokens} 个字词中的 {inside} 个）"},
    "label": {"en": "it opens with '{label}:' and lists {items} items",
              "zh": "以「{label}：」开头，列了 {items} 项"},
    "repeat": {"en": "'{unit}' {times} times", "zh": "「{unit}」出现 {times} 次"},
    "doubled": {"en": "{count} phrases each said twice in a row ({units})",
                "zh": "{count} 个说法各连说两遍（{units}）"},
}


# What a turn whose form fails is told, before the figures (the report and the practice feedback say the same).
SAYS = {
    "keywords": {"zh": "这读起来像一串关键词，不是一句话", "en": "this reads as a list of keywords, not a sentence"},
    "repeated": {"zh": "同一个说法反复出现，只算一次，整句不计分",
                 "en": "the same phrase over and over: it counts once, and the reply earns nothing"},
}


def verdict_text(form: str, why: str, figures: dict[str, int | str], locale: str) -> str:
    """`this reads as a list of keywords, not a sentence (0 of 7 words are function words)`, in `locale`."""
    says = SAYS[form]
    head = says.get(locale, says["en"])
    detail = explain(why, figures, locale)
    if not detail:
        return head
    return f"{head}（{detail}）" if locale == "zh" else f"{head} ({detail})"


def explain(why: str, figures: dict[str, int | str], locale: str) -> str:
    """The figures behind a verdict in `locale` (English when the language has no wording)."""
    words = WHY.get(why)
    if words is None:
        return ""
    return words.get(locale, words["en"]).format(**figures)


@dataclass(frozen=True, slots=True)
class FormVerdict:
    form: Form
    why: str = ""  # a key of WHY: which test gave the reply away
    figures: dict[str, int | str] = field(default_factory=dict)  # the figures behind the verdict

    @property
    def fine(self) -> bool:
        return self.form is Form.FINE

    def detail(self, locale: str = "en") -> str:
        """The figures behind the verdict in words, for the report and calibrate."""
        return explain(self.why, self.figures, locale)


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
        unit, times = repeated
        return FormVerdict(Form.REPEATED, "repeat", {"unit": unit, "times": times})
    labelled = _LIST_LABEL.match(text.lstrip())
    if labelled:
        items = [i for i in re.split(r"[,;/|\n]+", text.lstrip()[labelled.end():]) if i.strip()]
        if len(items) >= LABELLED_ITEMS:
            return FormVerdict(Form.KEYWORDS, "label", {"label": labelled.group(1), "items": len(items)})
    doubled = _doubled(text)
    if len(doubled) >= DOUBLED_MIN:
        units = ", ".join(f"'{u}'" for u in doubled)
        return FormVerdict(Form.REPEATED, "doubled", {"count": len(doubled), "units": units})
    cjk = [p for p in pieces if _cjk_len(p) >= max(1, len(p) // 2)]
    latin = [p for p in pieces if p not in cjk]
    if len(cjk) >= 4 and len(cjk) >= len(latin):
        bare = [p for p in cjk if _cjk_len(p) <= 4 and not _GLUE.search(p)]
        if len(bare) / len(cjk) >= 0.6:
            return FormVerdict(Form.KEYWORDS, "bare", {"bare": len(bare), "pieces": len(cjk)})
    words = re.findall(r"[a-z]+(?:'[a-z]+)?", text)
    if len(words) >= 5 and len(latin) >= len(cjk):
        function = sum(w in _FUNCTION for w in words)
        if function / len(words) < FUNCTION_SHARE:
            return FormVerdict(Form.KEYWORDS, "function", {"function": function, "words": len(words)})
        chunks = [c.strip() for c in re.split(r"[,.!?;:\n]+", text) if c.strip()]
        if (len(chunks) == 1 and len(words) >= 6 and function / len(words) < SPEAKERLESS_SHARE
                and not _SPEAKER.intersection(words) and not _AUXILIARY.intersection(words)):
            return FormVerdict(Form.KEYWORDS, "speakerless", {"words": len(words), "function": function})
        tiny = [c for c in chunks if len(c.split()) <= 2 and c not in _GREETINGS]
        if len(chunks) >= 5 and len(tiny) / len(chunks) >= 0.7:
            return FormVerdict(Form.KEYWORDS, "tiny", {"tiny": len(tiny), "pieces": len(chunks)})
    return FormVerdict(Form.FINE)


def _joined(gap: str, cjk: bool) -> bool:
    """Does the stretch between two credited phrases hold the words that make them one sentence?"""
    if _SENTENCE_STOP.search(gap):
        return True  # a new sentence: the tiny-sentence rule of read_form judges those
    if cjk and _CLAUSE_STOP.search(gap):
        return True  # Chinese clauses separated by commas: the scrap rule of read_form judges those
    if _GLUE.search(gap):
        return True
    return any(w in _FUNCTION for w in re.findall(r"[a-z]+(?:'[a-z]+)?", gap))


def keyword_run(text: str, credited: Sequence[tuple[int, int, str]]) -> FormVerdict:
    """The verdict on a normalised reply given where good-behaviour phrases matched in it (start, end, detector).

    A list of keywords is a run of phrases of different good behaviours joined
    by nothing but spaces, commas or bare words, covering most of the reply,
    with hardly any of the small words that make a sentence inside it. Pieces
    of one behaviour's match (a time and the action it is for) are one phrase.
    """
    units: list[tuple[int, int, set[str]]] = []
    for a, b, ident in sorted(credited):
        if units and a < units[-1][1]:
            last = units[-1]
            units[-1] = (last[0], max(b, last[1]), last[2] | {ident})
        else:
            units.append((a, b, {ident}))
    if not units:
        return FormVerdict(Form.FINE)
    best, best_span = 1, (units[0][0], units[0][1])
    length, start, group = 1, units[0][0], units[0][2]
    for (a1, b1, _), (a2, b2, who) in pairwise(units):
        cjk = bool(_CJK_CHAR.search(text, a1, b2))
        # 「两个小时之内我给您回话」: a Chinese phrase that starts or ends on 我/您/给… is held in a sentence
        edge = cjk and bool(_GLUE.match(text[a2]) or _GLUE.match(text[b1 - 1]))
        if edge or _joined(text[b1:a2], cjk):
            length, start, group = 1, a2, who
            continue
        if who & group:
            group = group | who  # the same behaviour goes on: one phrase
        else:
            length, group = length + 1, who
        if length > best or (length == best and b2 - start > best_span[1] - best_span[0]):
            best, best_span = length, (start, b2)
    if best < RUN_MIN:
        return FormVerdict(Form.FINE)
    tokens = [m.group() for m in _TOKEN.finditer(text)]
    inside = [m.group() for m in _TOKEN.finditer(text, best_span[0], best_span[1])]
    cjk_inside = [t for t in inside if _CJK_CHAR.fullmatch(t)]
    glue = sum(1 for t in cjk_inside if _GLUE.fullmatch(t))
    if tokens and len(inside) / len(tokens) >= RUN_SHARE and glue <= RUN_GLUE * len(cjk_inside):
        return FormVerdict(Form.KEYWORDS, "run", {"run": best, "inside": len(inside), "tokens": len(tokens)})
    return FormVerdict(Form.FINE)


def _doubled(text: str) -> list[str]:
    """Phrases said twice back to back ("so sorry so sorry", 「补偿补偿」), punctuation between them ignored.

    A doubled Chinese character (谢谢, 看看) or an intensifier (very very, 非常非常) is
    ordinary speech, and so is a doubled Chinese verb inside a sentence (「我帮您检查检查」):
    a Chinese pair counts only when it stands alone between separators, as in a list.
    A unit of function words alone says nothing and does not count either.
    """
    found_tokens = list(_TOKEN.finditer(text))
    tokens = [m.group() for m in found_tokens]
    found: list[str] = []
    i = 0
    while i < len(tokens):
        for n in range(1, 5):
            unit = tokens[i:i + n]
            if len(unit) < n or tokens[i + n:i + 2 * n] != unit:
                continue
            cjk = all(_CJK_CHAR.fullmatch(t) for t in unit)
            content = [t for t in unit if t not in _FUNCTION and t not in _INTENSIFIERS]
            if not content or "".join(unit) in _INTENSIFIERS:
                continue
            if cjk and (n < 2 or not _alone(text, found_tokens[i].start(), found_tokens[i + 2 * n - 1].end())):
                continue
            found.append(("" if cjk else " ").join(unit))
            i += 2 * n - 1
            break
        i += 1
    return found


def _alone(text: str, start: int, end: int) -> bool:
    """Does text[start:end] stand between separators (or the reply's ends), as an item of a list?"""
    before, after = text[:start].rstrip(" "), text[end:].lstrip(" ")
    return (not before or bool(_PIECE_SPLIT.fullmatch(before[-1]))) and (
        not after or bool(_PIECE_SPLIT.fullmatch(after[0])))


def _repeated(pieces: list[str], text: str) -> tuple[str, int] | None:
    """A word or scrap said three times or more that makes up a quarter of the reply, or back-to-back repeats."""
    units = [u for p in pieces for u in (p.split() if p.isascii() else [p])
             if u not in _FUNCTION and (len(u) >= 2 or _cjk_len(u) >= 1)]
    if units:
        unit, n = Counter(units).most_common(1)[0]
        if n >= 3 and n / len(units) >= 0.25:
            return unit, n
    # 「理解理解理解」: the same few characters back to back
    m = re.search(r"(.{2,8}?)\1{2,}", text.replace(" ", ""))
    if m:
        return m.group(1), len(m.group(0)) // len(m.group(1))
    return None
