"""Offers in a reply, held against what the drill lets the trainee offer.

A drill's `authority` lists remedies (how an offer of each is recognised, with
the usual matcher language and its negation guard) and whether the trainee may
offer them: never (`beyond`), only once a state test holds (`when`, e.g. after
the meter test; before it, only on that condition: "if the test confirms it,
I'll refund") or up to a sum (`max_amount`). An offer outside that is an
over-promise, the handbooks' "promising what cannot be delivered". A remedy
named only under a negation (「这个没法退款」) or refused later in the same
clause (「机票这类赔偿我答应不了」) is a refusal: the customer remembers both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from ..playbook import drill_model as dm
from .matcher import Hit, ReplyContext, Span, evaluate
from .memory import Heard, Offer
from .state import Situation, holds

_MONEY = re.compile(
    r"(?:[¥$]|rmb|cny|usd)\s?(?P<a>\d[\d,]*(?:\.\d+)?)"
    r"|(?P<b>\d[\d,]*(?:\.\d+)?)\s?(?P<wan>万)?\s?(?:元|块|圆|yuan|rmb|dollars?|bucks)"
    r"|(?P<c>[零〇一二两三四五六七八九十百千万]+)\s?(?:元|块|圆)")
_CLAUSE_END = re.compile(r"[,!?;:\n]|\.(?!\d)")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(text: str) -> int:
    """A number in Chinese numerals: 五百 500, 两千五 2500 (the spoken short form), 一万二千 12000."""
    total = section = digit = 0
    unit = 1
    spelled_zero = False  # 一百零五: the trailing digit is ones
    for ch in text:
        if ch in ("零", "〇"):
            spelled_zero = True
        elif ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            section += (digit or 1) * unit
            digit = 0
            spelled_zero = False
        elif ch == "万":
            total += (section + digit or 1) * 10000
            section = digit = 0
            unit = 10000
            spelled_zero = False
    if digit and unit >= 100 and not spelled_zero:
        digit *= unit // 10  # 两千五: the trailing digit counts in the next unit down
    return total + section + digit


def amounts(text: str) -> list[float]:
    """Sums of money named in (normalised) text: ¥500, 500元, 五百块, 1.5万元, 500 yuan."""
    found = []
    for m in _MONEY.finditer(text):
        if m.group("c"):
            found.append(float(chinese_number(m.group("c"))))
            continue
        raw = (m.group("a") or m.group("b") or "").replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        found.append(value * 10000 if m.group("wan") else value)
    return found


def clause_around(text: str, hit: Hit) -> str:
    """The clause (between punctuation) that holds a match: where a sum belongs to the offer."""
    start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, hit.start)), default=0)
    end_match = _CLAUSE_END.search(text, hit.end)
    return text[start:end_match.start() if end_match else len(text)]


# A refusal that comes after the remedy in the same clause: 「机票这类赔偿我答应不了」, "a refund is not possible".
_REFUSED_AFTER = re.compile(
    r"不了|不行|做不到|办不到|没法|没办法|无法|不能|不可能|不会|不予|不在.{0,4}权限|"
    r"\b(?:can not|cannot|not able|unable|will not|not possible|no way|not allowed|not something)\b")


# A condition earlier in the same sentence: 「如果校验确实多收了，我给您退」, "if the test shows ..., I'll refund".
_CONDITION = re.compile(r"如果|要是|假如|万一|若是|一旦|只要|\b(?:if|should|once|in case|provided|assuming)\b")
_SENTENCE_END = re.compile(r"[.!?;\n](?!\d)")


def conditional(text: str, hit: Hit) -> bool:
    """Whether the sentence makes the offer depend on something yet to happen (a remedy limited to
    a later moment may be promised this way: "if the test confirms it, I'll refund the difference")."""
    start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, hit.start)), default=0)
    return _CONDITION.search(text, start, hit.start) is not None


def refused_after(text: str, hit: Hit) -> bool:
    """Whether the clause goes on to refuse what was just named."""
    clause_end = _CLAUSE_END.search(text, hit.end)
    return _REFUSED_AFTER.search(text, hit.end, clause_end.start() if clause_end else len(text)) is not None


@lru_cache(maxsize=512)
def unguarded(m: dm.Matcher) -> dm.Matcher:
    """The matcher with its negation guards off: what it finds beyond the guarded one was named under a negation."""
    if isinstance(m, dm.Phrase):
        return dm.Phrase(m.text, None)
    if isinstance(m, dm.Regex):
        return dm.Regex(m.source, m.pattern, None)
    if isinstance(m, dm.AnyOf):
        return dm.AnyOf(tuple(unguarded(i) for i in m.items))
    if isinstance(m, dm.AllOf):
        return dm.AllOf(tuple(unguarded(i) for i in m.items))
    if isinstance(m, dm.KOfN):
        return dm.KOfN(m.k, tuple(unguarded(i) for i in m.items))
    if isinstance(m, dm.Near):
        return dm.Near(tuple(unguarded(i) for i in m.items), m.within, m.ordered)
    if isinstance(m, dm.Unless):
        return dm.Unless(unguarded(m.item), m.exclude)
    return m  # a detector keeps its own guard


def _judge(remedy: dm.Remedy, ctx: ReplyContext, hits: tuple[Hit, ...],
           before: Situation) -> tuple[Offer, tuple[Hit, ...]]:
    """The offer, and the hits that promise too much (none when it is within authority)."""
    first = hits[0]
    named = [a for h in hits for a in amounts(clause_around(ctx.text, h))]
    amount = max(named) if named else None
    reason = ""
    over: tuple[Hit, ...] = ()
    if not remedy.allowed:
        reason, over = "beyond", hits
    elif remedy.when is not None and not holds(remedy.when, before):
        outright = tuple(h for h in hits if not conditional(ctx.text, h))
        if outright:
            first, reason, over = outright[0], "not_yet", outright
    elif remedy.max_amount is not None and amount is not None and amount > remedy.max_amount:
        limit = remedy.max_amount
        reason = "amount"
        over = tuple(h for h in hits if any(a > limit for a in amounts(clause_around(ctx.text, h)))) or hits
    return Offer(remedy.id, ctx.span(first), not reason, reason, amount), over


def read_offers(authority: dm.Authority | None, ctx: ReplyContext, before: Situation) -> tuple[tuple[Offer, ...],
                                                                                               tuple[Offer, ...]]:
    """(offers, refusals) in one reply; `before` is the situation the reply answered (for `when`).

    The clauses that promise too much are held back on the reply (ReplyContext.hold_back): no good
    behaviour said in them is credited, so an over-promise never counts as a fair remedy, whatever
    the drill's branches test.
    """
    if authority is None:
        return (), ()
    offers, refusals = [], []
    over: list[Hit] = []
    for remedy in authority.remedies:
        named = evaluate(remedy.match, ctx)
        hits = tuple(h for h in named if not refused_after(ctx.text, h))
        if hits:
            offer, too_much = _judge(remedy, ctx, hits, before)
            offers.append(offer)
            over.extend(too_much)
            continue
        negated = named or evaluate(unguarded(remedy.match), ctx)
        if negated:
            refusals.append(Offer(remedy.id, ctx.span(negated[0])))
    if over:
        ctx.hold_back(over)
    return tuple(offers), tuple(refusals)


def hear(authority: dm.Authority | None, ctx: ReplyContext, acts: Mapping[str, tuple[Span, ...]],
         before: Situation) -> Heard:
    """The reply as the customer hears it: its acts, and the offers and refusals in it."""
    offers, refusals = read_offers(authority, ctx, before)
    return Heard(ctx, acts, offers, refusals)
