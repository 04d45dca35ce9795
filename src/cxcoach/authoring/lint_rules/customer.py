"""L11x: the simulated customer's words: repeats, a fixed name for the trainee, lines that assume too much.

The session never repeats a line verbatim on consecutive turns while another
candidate exists, and chooses lines by what the trainee said; these checks
find drills where it cannot: a node the customer can return to with one thing
to say, a model answer or a closing line that calls every trainee by one
fixed name, a line that rejects an offer the path to it may never have made.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...drill.authority import unguarded
from ...drill.matcher import ReplyContext, evaluate
from ...drill.normalize import normalize
from ...playbook import drill_model as dm
from ...playbook.line_slots import slots_in
from ...playbook.model import Playbook
from ...problems import Problem
from .base import LintContext, drill_edges, finding, leaves

CODES = {
    "L110": "the customer can say the same line on two consecutive turns",
    "L111": "a customer line calls the trainee by a fixed name (the model answer's) instead of {name}",
    "L112": "a customer line refers to something the trainee may not have said on the way to it",
    "L113": "no customer line of a node or ending can always be said",
    "L114": "a model answer promises what the drill's authority does not allow",
    "L115": "the customer does not react to rudeness (no reaction to a rude or blaming act)",
    "L116": "a model answer gives the trainee a fixed name, whatever name the trainee entered",
}

MEMORY_SLOTS = frozenset({"offer", "overpromise", "refused", "name", "quote"})

# Words with which a customer pushes back on something they were told or offered.
_REJECTING = re.compile(
    r"别跟我(说|提|讲)|少跟我(说|提|讲)|不要跟我(说|提|讲)|别再(说|提)|别拿.{1,8}(糊弄|敷衍|搪塞)|"
    r"\b(don't|do not) (tell|give) me (about )?|\bi (don't|do not) want to hear (about )?|\bspare me\b|"
    r"\b(don't|do not|stop) talk(ing)? (to me )?about\b|\bi said no\b", re.IGNORECASE)

# How a trainee names themselves in a model answer.
_ZH_SELF = re.compile(r"我(?:是|叫)([^，。,.!！?？；;：:、\s]{2,14})")
_ZH_TITLES = "经理|主管|师傅|老师|小姐|先生|女士|组长|顾问|工程师|店长|专员|姐|哥"
_ZH_ROLE = re.compile(r"^.*(?:经理|客服|主管|顾问|员|组长|店长|工程师|负责人|值班|售后|服务|领班|的)")
_EN_SELF = re.compile(r"\b(?:I'm|I am|my name is|this is|ask for me,)\s+((?:[A-Z][a-z]+)(?:\s[A-Z][a-z]+)?)")
_EN_NOT_NAMES = frozenset({"Sorry", "So", "Really", "Very", "Truly", "Glad", "Happy", "Here", "The", "Your", "Not",
                           "Afraid", "Calling", "Checking", "Going", "Looking", "Sure", "Still", "Just"})


def _lines(drill: dm.Drill) -> Iterator[tuple[str, dm.CustomerLine]]:
    """Every customer line of a drill, with where it belongs (node, ending, reaction or patience id)."""
    for node in drill.nodes.values():
        for line in node.say:
            yield node.id, line
    for ending in drill.endings.values():
        for line in ending.lines:
            yield ending.id, line
    for reaction in drill.reactions:
        for line in reaction.say:
            yield reaction.id, line
    if drill.patience is not None:
        for line in drill.patience.say:
            yield "patience", line


def _always_sayable(line: dm.CustomerLine, *, revisit: bool = False) -> bool:
    """Sayable whatever the trainee did: no listening test, no slot from memory, no mood test.

    On a revisit, a `visits` test that every later visit passes is allowed.
    """
    if any(slot in MEMORY_SLOTS for text in line.text.values.values() for slot in _safe_slots(text)):
        return False
    test = line.when
    if test is None:
        return True
    if test.listens or test.flags or test.not_flags or test.case is not None:
        return False
    for num in test.numbers:
        if num.subject != "visits" or not revisit:
            return False
        if not ((num.op is dm.NumOp.GE and num.value <= 2) or (num.op is dm.NumOp.GT and num.value < 2)):
            return False
    return True


def _safe_slots(text: str) -> tuple[str, ...]:
    try:
        return slots_in(text)
    except ValueError:
        return ()


def _repeats(drill: dm.Drill) -> Iterator[Problem]:
    edges = drill_edges(drill)
    for node in drill.nodes.values():
        if not any(target == node.id for target, _ in edges.get(node.id, [])):
            continue
        for loc in drill.locales or ("*",):
            texts = {line.text.get(loc) for line in node.say if _always_sayable(line, revisit=True)}
            if len(texts) < 2:
                yield finding(node.pos, "L110", f"node {node.id!r} of drill {drill.id!r} can follow itself but has "
                              f"{len(texts)} line(s) it can always say on a return ({loc}), so the customer repeats "
                              "a line word for word", "add a second variant for returns, e.g. "
                              "`when: {visits: {ge: 2}}`, worded differently")
                break
    for source, targets in edges.items():
        said = {line.text.get(loc) for line in drill.nodes[source].say for loc in drill.locales or ("*",)}
        for target, _ in targets:
            if target == source:
                continue
            follow = drill.nodes[target].say if target in drill.nodes else drill.endings[target].lines
            for line in follow:
                if any(line.text.get(loc) in said for loc in drill.locales or ("*",)):
                    yield finding(line.pos, "L110", f"line {line.id!r} of drill {drill.id!r} repeats a line of "
                                  f"{source!r}, which can come right before it", "word it differently")


def _self_names(text: str, persona: str) -> set[str]:
    """Names a trainee gives themselves in a model answer, with short forms (周敏: 小周, 周经理; Zhou Min: Zhou)."""
    names: set[str] = set()
    for m in _ZH_SELF.finditer(text):
        rest = _ZH_ROLE.sub("", m.group(1))
        if rest.startswith("小") and len(rest) == 2:
            surname, full = rest[1], rest
        elif 2 <= len(rest) <= 3 and all("\u4e00" <= ch <= "\u9fff" for ch in rest):
            surname, full = rest[0], rest
        else:
            continue
        names |= {full, "小" + surname} | {surname + t for t in _ZH_TITLES.split("|")}
    for m in _EN_SELF.finditer(text):
        names |= {w for w in m.group(1).split() if w not in _EN_NOT_NAMES}
    return {n for n in names if n and n not in persona}


def _fixed_names(drill: dm.Drill) -> Iterator[Problem]:
    persona = " ".join(drill.persona.label.values.values())
    names: set[str] = set()
    for node in drill.nodes.values():
        if node.model is not None:
            for loc, text in node.model.values.items():
                own = _self_names(text, persona)
                written = sorted((n for n in own if n in text), key=lambda n: (-len(n), n))
                if written:
                    yield finding(node.pos, "L116", f"the model answer of node {node.id!r} in drill {drill.id!r} "
                                  f"({loc}) calls the trainee {written[0]!r}, but whoever practises has their own name",
                                  "say the role without a name (我是这边的客服, I'm from customer service)")
                names |= own
    if not names:
        return
    latin = [n for n in names if n.isascii()]
    # Addressed, not merely present ("He" is also a pronoun): after a title, or set off by a comma.
    alt = "|".join(map(re.escape, latin))
    latin_re = (re.compile(rf"\b(?:Mr|Ms|Mrs|Miss|Dr)\.? ({alt})\b|(?:^|[,.!?]\s*)({alt}),|, ({alt})[.!?,]")
                if latin else None)
    cjk = sorted((n for n in names if not n.isascii()), key=len, reverse=True)
    for _where, line in _lines(drill):
        for text in line.text.values.values():
            found = next((n for n in cjk if n in text), None)
            if found is None and latin_re is not None:
                m = latin_re.search(text)
                found = next(g for g in m.groups() if g) if m else None
            if found is not None:
                yield finding(line.pos, "L111", f"line {line.id!r} of drill {drill.id!r} calls the trainee "
                              f"{found!r}, the name in the model answers, whoever is practising",
                              "write {name} (the trainee's name as entered) and add a variant without it")
                break


def _assumptions(drill: dm.Drill, playbook: Playbook) -> Iterator[Problem]:
    remedies = drill.authority.remedies if drill.authority else ()
    for where, line in _lines(drill):
        test = line.when
        remembers = test is not None and test.listens
        reaction = any(r.id == where for r in drill.reactions)
        for loc, text in line.text.values.items():
            ctx = ReplyContext.of(text, playbook.detectors)
            for remedy in remedies:
                negated = evaluate(unguarded(remedy.match), ctx) and not evaluate(remedy.match, ctx)
                covered = test is not None and (remedy.id in test.offered or remedy.id in test.refused)
                if negated and not covered:
                    yield finding(line.pos, "L112", f"line {line.id!r} of drill {drill.id!r} turns down "
                                  f"{remedy.title.get(loc)!r}, but it can be said when that was never offered",
                                  f"add `when: {{offered: [{remedy.id}]}}` (and a variant for when it was not)")
                    break
            else:
                if _REJECTING.search(text) and not remembers and not reaction:
                    yield finding(line.pos, "L112", f"line {line.id!r} of drill {drill.id!r} pushes back on "
                                  "something the trainee said, but is chosen whatever they said",
                                  "give it a `when` on what was said (`acts`, `reply`, `offered`, `refused`)")
                continue
            break


def _listened_for(matcher: dm.Matcher | None) -> frozenset[str]:
    """The words a response listens for itself (its phrases; detectors are the reader's business)."""
    if matcher is None:
        return frozenset()
    words = (leaf.text for leaf in leaves(matcher) if isinstance(leaf, dm.Phrase))
    return frozenset(w for w in words if len(w) >= (4 if w.isascii() else 2))


def _arrivals(drill: dm.Drill) -> dict[str, list[tuple[str, frozenset[str]]]]:
    """For each node and ending, every way in (response, fallback, authority, walk-out, time-out) and its words."""
    ways: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for node in drill.nodes.values():
        for resp in node.responses:
            if resp.next:
                ways.setdefault(resp.next, []).append((resp.id, _listened_for(resp.match)))
        ways.setdefault(node.fallback.next, []).append((node.fallback.id, frozenset()))
    for way, target in (("authority", drill.authority.next if drill.authority else None),
                        ("on_walkout", drill.on_walkout), ("on_timeout", drill.on_timeout)):
        if target:
            ways.setdefault(target, []).append((way, frozenset()))
    return ways


def _says(text: str, word: str) -> bool:
    return (re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text) is not None) if word.isascii() else word in text


def _echoes(drill: dm.Drill) -> Iterator[Problem]:
    """Lines that take up words one way in listens for, said also when the customer came another way.

    「上报是你们内部的事」 answers a trainee who escalated; said after a reply
    that never mentioned escalating, the customer answers something that did
    not happen. A line that tests what was said (`acts`, `reply`, ...) is
    chosen only when it was.
    """
    edges = drill_edges(drill)
    for target, ways in _arrivals(drill).items():
        lines = drill.nodes[target].say if target in drill.nodes else drill.endings[target].lines
        returns = [line for line in lines if line.when is not None and _always_sayable(line, revisit=True)]
        if len(returns) >= 2:  # a return picks one of these (they outrank a line without `when`): not the first words
            again = {way for source, way in edges.get(target, []) if source == target}
            ways = [(way, words) for way, words in ways if way not in again]
        heard = frozenset().union(*(words for _, words in ways))
        for line in lines:
            if line.when is not None and line.when.listens:
                continue
            for loc, raw in line.text.values.items():
                text = normalize(raw).text
                echo = next((w for w in sorted(heard) if _says(text, w)), None)
                if echo is None:
                    continue
                by = next(way for way, words in ways if echo in words)
                others = [way for way, words in ways if echo not in words]
                if others:
                    yield finding(line.pos, "L112", f"line {line.id!r} of drill {drill.id!r} ({loc}) takes up "
                                  f"{echo!r}, which {by!r} listens for, but the customer also comes here by "
                                  f"{', '.join(map(repr, others[:3]))}, where it need not have been said",
                                  f"give it `when: {{reply: {{any: [{echo}]}}}}` and a variant that does not "
                                  "assume it, or reword it")
                    break


def _sayable(drill: dm.Drill) -> Iterator[Problem]:
    for node in drill.nodes.values():
        if not any(_always_sayable(line) for line in node.say):
            yield finding(node.pos, "L113", f"every line of node {node.id!r} in drill {drill.id!r} depends on what "
                          "was said or on the mood, so some visits have nothing that fits",
                          "add a line without `when` and without {name}/{offer}/... slots")
    for ending in drill.endings.values():
        if ending.lines and not any(_always_sayable(line) for line in ending.lines):
            yield finding(ending.pos, "L113", f"every closing line of ending {ending.id!r} in drill {drill.id!r} "
                          "needs a slot or a condition", "add a variant without slots, e.g. one without {name}")


def _model_overpromises(drill: dm.Drill, playbook: Playbook) -> Iterator[Problem]:
    from ...drill import DrillError, DrillSession, ScoringError

    if drill.authority is None or not all(node.model is not None for node in drill.nodes.values()):
        return
    for loc in drill.locales or playbook.locales:
        session = DrillSession(playbook, drill, seed=0, locale=loc)
        try:
            session.play_model_answers()
        except (DrillError, ScoringError):
            continue
        for turn in session.turns:
            for offer in turn.overpromises:
                yield finding(drill.nodes[turn.node].pos, "L114", f"the model answer at node {turn.node!r} of drill "
                              f"{drill.id!r} ({loc}) promises {offer.span.text!r}, which is {offer.reason} the "
                              "drill's authority", "reword the model answer, or widen `authority: may_offer`")


def _rudeness(drill: dm.Drill, playbook: Playbook) -> Iterator[Problem]:
    hostile = {d.id for d in playbook.detectors.values()
               if d.polarity is dm.Polarity.BAD and d.effect is not None and d.effect.hostility > 0}
    if hostile and not any((hostile | {"upset"}) & set(r.to) for r in drill.reactions):
        yield finding(drill.pos, "L115", f"the customer of drill {drill.id!r} says nothing about rudeness or blame",
                      "add `reactions: [{id: ..., to: [upset], say: [...]}]` (`upset`: any act that raises hostility)")


def check(ctx: LintContext) -> Iterator[Problem]:
    for drill in ctx.playbook.drills.values():
        yield from _repeats(drill)
        yield from _fixed_names(drill)
        yield from _assumptions(drill, ctx.playbook)
        yield from _echoes(drill)
        yield from _sayable(drill)
        yield from _model_overpromises(drill, ctx.playbook)
        yield from _rudeness(drill, ctx.playbook)
