"""L5xx: words on the page: missing translations, and scripts that say what the playbook forbids.

Translations are checked on the raw YAML because the model folds a plain
string into "the same text in every locale" and forgets that it was plain.
Avoided phrases are found with the drill matcher (same normalisation and
negation guard as scoring), so "这不是您的错" does not trip "您的错".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...playbook.model import Line, Pos, Text
from ...playbook.yamlsource import JsonPath
from ...problems import Problem
from .base import LintContext, finding

CODES = {
    "L501": "missing translation: a plain string where the playbook declares several locales",
    "L502": "script or advice line uses a phrase the playbook lists under `avoid`",
    "L503": "model answer uses a phrase the playbook lists under `avoid`",
    "L504": "a space between Chinese characters, usually from a YAML line fold",
    "L505": "a line the report suggests for a missed criterion has a placeholder nothing can fill",
    "L506": "Chinese text uses half-width punctuation (,:;?!()) next to a Chinese character",
}

_CJK_GAP = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef] +[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")

# Half-width punctuation with a Chinese character (or Chinese punctuation, or Chinese quotes) on either side;
# 10:30, 3.5, a URL's "https:" and English in parentheses have none, so they stay as written.
_CJK = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019"
_HALF_WIDTH = re.compile(f"(?<=[{_CJK}])[,:;?!()]|[,:;?!()](?=[{_CJK}])")
FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")  # {姓名}: filled in by the speaker, left exactly as written

_NOT_TEXT = frozenset({"case", "when", "na_when", "pause_when", "facts"})
TEXT_KEYS = frozenset({"title", "label", "description", "why", "instead", "text", "hint", "model", "brief", "motive",
                       "applies_to", "formula", "feedback", "met", "missed", "say"})


def _plain_texts(data: Any, path: JsonPath, locales: tuple[str, ...]) -> Iterator[tuple[JsonPath, str]]:
    if isinstance(data, dict):
        if path[:1] == ("drills",) and len(path) == 2 and isinstance(data.get("locales"), list):
            locales = tuple(data["locales"])
        if len(locales) < 2:
            return
        for key, value in data.items():
            here = (*path, key)
            if key in _NOT_TEXT:
                continue  # fact values and conditions: `motive: compensation` is a fact, not a sentence
            if key in TEXT_KEYS and isinstance(value, str):
                yield here, key
            elif key == "fields" and isinstance(value, list):
                yield from (((*here, i), key) for i, v in enumerate(value) if isinstance(v, str))
            else:
                yield from _plain_texts(value, here, locales)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _plain_texts(item, (*path, i), locales)


def _cjk_gaps(data: Any, path: JsonPath) -> Iterator[tuple[JsonPath, str]]:
    """Chinese text values (under a zh* key) with a space between two CJK characters."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and key.startswith("zh") and isinstance(value, str):
                found = _CJK_GAP.search(value)
                if found:
                    yield (*path, key), found.group(0)
            else:
                yield from _cjk_gaps(value, (*path, key))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _cjk_gaps(item, (*path, i))


def half_width_spans(text: str) -> list[tuple[int, str]]:
    """(offset, character) of each half-width mark that Chinese text should write full-width.

    Placeholders are left alone, and a bracket pair changes together: in 客户(VIP) the `)`
    touches no Chinese character, but its `(` does.
    """
    hidden = _PLACEHOLDER.sub(lambda m: "\0" * len(m.group()), text)  # same length: offsets stay true
    found = {m.start() for m in _HALF_WIDTH.finditer(hidden)}
    opened: list[int] = []
    for i, ch in enumerate(hidden):
        if ch in "(（":
            opened.append(i)
        elif ch in ")）" and opened:
            start = opened.pop()
            if (start in found or hidden[start] == "（") != (i in found or ch == "）"):
                found |= {j for j in (start, i) if hidden[j] in "()"}
    return sorted((i, text[i]) for i in found)


def full_width(text: str) -> str:
    """`text` with the marks `half_width_spans` finds written full-width (the fix L506 suggests).

    Until none is left: a mark made full-width can make its neighbour's turn, as in 调查(…):35%.
    """
    spans = half_width_spans(text)
    while spans:
        chars = list(text)
        for i, ch in spans:
            chars[i] = FULL_WIDTH[ch]
        text = "".join(chars)
        spans = half_width_spans(text)
    return text


def _half_width(data: Any, path: JsonPath) -> Iterator[tuple[JsonPath, str, list[tuple[int, str]]]]:
    """Chinese text values (under a zh* key) that use half-width punctuation, with where."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and key.startswith("zh") and isinstance(value, str):
                spans = half_width_spans(value)
                if spans:
                    yield (*path, key), value, spans
            else:
                yield from _half_width(value, (*path, key))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _half_width(item, (*path, i))


def _mark_position(source: list[str], line: int, col: int, value: str, at: int) -> tuple[int, int]:
    """Line and column of the mark at offset `at` of `value`, found in the source from the value's start
    by its context (a value may be quoted or span lines); the value's own position if not found."""
    context = value[max(at - 3, 0):at + 1]
    for i in range(line - 1, min(line + 30, len(source))):
        found = source[i].find(context, col - 1 if i == line - 1 else 0)
        if found >= 0:
            return i + 1, found + len(context)
    return line, col


def _source_lines(file: str) -> list[str]:
    try:
        with open(file, encoding="utf-8", errors="replace") as handle:
            return handle.read().splitlines()
    except OSError:
        return []


def _folded(lines: list[str], start: int, gap: str) -> bool:
    """Does the gap sit where the value breaks across two source lines?"""
    left, right = gap[0], gap[-1]
    for i in range(max(start - 1, 0), min(start + 40, len(lines) - 1)):
        if lines[i].rstrip().endswith(left) and lines[i + 1].lstrip().startswith(right):
            return True
    return False


def _avoid_hits(ctx: LintContext, text: Text) -> Iterator[tuple[str, str, str]]:
    """(avoid id, locale, phrase) for every avoided phrase the text uses; each text is normalised once."""
    from ...drill.matcher import ReplyContext, evaluate
    from ...playbook import drill_model as dm

    contexts: dict[str, ReplyContext] = {}
    for item in ctx.playbook.avoid.values():
        for loc, phrases in item.phrases.items():
            if loc not in text.values and not text.is_plain:
                continue
            if loc not in contexts:
                contexts[loc] = ReplyContext.of(text.get(loc))
            for phrase in phrases:
                if evaluate(dm.Phrase(phrase), contexts[loc]):
                    yield item.id, loc, phrase


def _lines(ctx: LintContext) -> Iterator[tuple[str, Line]]:
    for script in ctx.playbook.scripts.values():
        for line in script.lines:
            yield f"script {script.id!r}", line
    for strategy in ctx.playbook.strategies.values():
        for line in strategy.advice:
            yield f"strategy {strategy.id!r}", line


def check(ctx: LintContext) -> Iterator[Problem]:
    pb = ctx.playbook
    for doc in ctx.docs:
        for path, key in _plain_texts(doc.data, (), pb.locales):
            lineno, col = doc.position(path)
            yield finding(Pos(doc.file, lineno, col), "L501", f"`{key}` is a plain string, so every locale "
                          f"({', '.join(pb.locales)}) shows the same words", "write {" + ", ".join(
                              f"{loc}: ..." for loc in pb.locales) + "}")
        source = _source_lines(doc.file)
        for path, gap in _cjk_gaps(doc.data, ()):
            lineno, col = doc.position(path)
            if not _folded(source, lineno, gap):
                continue  # a space the author typed on one line (第十一章 客户关系管理) is deliberate
            yield finding(Pos(doc.file, lineno, col), "L504", f"Chinese text has a space in {gap!r}: a YAML line "
                          "fold joins lines with a space, which shows up in Chinese", "write the text on one line, "
                          "or in a double-quoted string end each line with a backslash")
        for path, value, spans in _half_width(doc.data, ()):
            lineno, col = _mark_position(source, *doc.position(path), value, spans[0][0])
            at, mark = spans[0]
            more = f" (and {len(spans) - 1} more)" if len(spans) > 1 else ""
            yield finding(Pos(doc.file, lineno, col), "L506", f"Chinese text uses half-width {mark!r} in "
                          f"{value[max(at - 6, 0):at + 7]!r}{more}", "write Chinese punctuation full-width: "
                          + " ".join(f"{half} -> {full}" for half, full in FULL_WIDTH.items()))
    for owner, line in _lines(ctx):
        for avoid_id, loc, phrase in _avoid_hits(ctx, line.text):
            yield finding(line.pos, "L502", f"line {line.id!r} of {owner} says {phrase!r} ({loc}), which avoid "
                          f"item {avoid_id!r} forbids", f"reword the line; see avoid {avoid_id!r} `instead`")
    for drill in pb.drills.values():
        for node in drill.nodes.values():
            if node.model is None:
                continue
            for avoid_id, loc, phrase in _avoid_hits(ctx, node.model):
                yield finding(node.pos, "L503", f"the model answer of node {node.id!r} (drill {drill.id!r}) says "
                              f"{phrase!r} ({loc}), which avoid item {avoid_id!r} forbids", "reword the model answer")
    for rubric in pb.rubrics.values():
        for crit in rubric.criteria:
            if crit.model is None:
                continue
            for avoid_id, loc, phrase in _avoid_hits(ctx, crit.model):
                yield finding(crit.pos, "L503", f"the model of criterion {crit.id!r} says {phrase!r} ({loc}), which "
                              f"avoid item {avoid_id!r} forbids", "reword the model")
    yield from _unfillable(ctx)


def _unfillable(ctx: LintContext) -> Iterator[Problem]:
    """Placeholders in suggested lines that reports can neither fill nor name (line_slots.SUGGESTED): a report
    would show them as `〈方案二〉`, the placeholder's own word, which may not tell a trainee what to say."""
    from ...drill.report import model_template
    from ...playbook.line_slots import SUGGESTED, SlotSyntaxError, slots_in

    pb = ctx.playbook
    for rubric in pb.rubrics.values():
        for crit in rubric.criteria:
            for loc in pb.locales:
                line = model_template(pb, crit, loc)
                try:
                    names = slots_in(line) if line else ()
                except SlotSyntaxError:
                    continue
                for name in dict.fromkeys(n for n in names if n not in SUGGESTED):
                    yield finding(crit.pos, "L505", f"the line suggested for criterion {crit.id!r} of rubric "
                                  f"{rubric.id!r} ({loc}) has {{{name}}}, which nothing fills: reports show it as "
                                  f"a bare hint", "reword the line without it, set the criterion's `model`, or use a "
                                  "placeholder reports know: " + ", ".join(sorted(SUGGESTED)))
