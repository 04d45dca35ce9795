"""`cxcoach explore DRILL`: automated playthroughs of a drill, hit counts per node and edge, a Mermaid graph.

Two kinds of runs, both through the real `DrillSession` (so they see exactly
what a trainee would):

* a systematic walk, breadth first from the start and from every node on the
  model answers' path, that forks at every node on one reply per response,
  built from the response's own matcher (a detector's first example, the
  phrases of `any`, all parts of `all` ...), plus the node's model answer
  and a neutral reply that should take the fallback. Customer states already
  seen (node, mood, flags, visits) are not explored twice.
* N random conversations: seeded, each turn picking one of those replies.

Replies are built for the session's locale; a response whose matcher we
cannot turn into a reply (a bare regex) is reported rather than guessed.
"""

from __future__ import annotations

import random
import re
from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, assert_never

from ..playbook import drill_model as dm
from ..playbook.model import Playbook

if TYPE_CHECKING:
    from ..drill.session import DrillSession

NEUTRAL = {"zh": "嗯嗯。", "en": "Okay."}
MAX_SESSIONS = 400  # replays per systematic walk; breadth first, so shallow forks come first
_CJK = re.compile(r"[\u3400-\u9fff]")


def _fits(text: str, locale: str) -> bool:
    has_cjk = bool(_CJK.search(text))
    return has_cjk if locale.startswith("zh") else not has_cjk


def example_reply(m: dm.Matcher, detectors: Mapping[str, dm.Detector], locale: str, depth: int = 0) -> str | None:
    """A reply the matcher should match, in the locale's script where possible; None when we cannot tell."""
    if depth > 12:
        return None
    d = depth + 1
    sep = "，" if locale.startswith("zh") else ", "
    if isinstance(m, dm.Phrase):
        return m.text
    if isinstance(m, dm.Regex):
        return None
    if isinstance(m, dm.DetectorRef):
        det = detectors.get(m.id)
        if det is None:
            return None
        for ex in det.examples:
            if _fits(ex, locale):
                return ex
        return example_reply(det.match, detectors, locale, d) or (det.examples[0] if det.examples else None)
    if isinstance(m, dm.AnyOf):
        options = [x for x in (example_reply(i, detectors, locale, d) for i in m.items) if x]
        return next((o for o in options if _fits(o, locale)), options[0] if options else None)
    if isinstance(m, (dm.AllOf, dm.Near)):
        parts = [example_reply(i, detectors, locale, d) for i in m.items]
        found = [p for p in parts if p]
        joiner = "" if isinstance(m, dm.Near) and locale.startswith("zh") else (" " if isinstance(m, dm.Near) else sep)
        return joiner.join(found) if parts and len(found) == len(parts) else None
    if isinstance(m, dm.KOfN):
        found = [p for p in (example_reply(i, detectors, locale, d) for i in m.items) if p]
        return sep.join(found[: m.k]) if len(found) >= m.k else None
    if isinstance(m, (dm.Unless, dm.InPart)):
        return example_reply(m.item, detectors, locale, d)
    assert_never(m)


@dataclass
class Exploration:
    drill: str
    locale: str
    node_hits: Counter[str] = field(default_factory=Counter)
    edge_hits: Counter[tuple[str, str]] = field(default_factory=Counter)  # (from, to)
    response_hits: Counter[str] = field(default_factory=Counter)
    endings: Counter[str] = field(default_factory=Counter)
    runs: int = 0
    best_score: int | None = None
    best_replies: tuple[str, ...] = ()
    no_example: list[str] = field(default_factory=list)  # responses we could not build a reply for
    truncated: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "drill": self.drill, "locale": self.locale, "runs": self.runs, "truncated": self.truncated,
            "nodes": dict(self.node_hits),
            "edges": [{"from": a, "to": b, "hits": n} for (a, b), n in self.edge_hits.items()],
            "responses": dict(self.response_hits), "endings": dict(self.endings), "best_score": self.best_score,
            "best_replies": list(self.best_replies), "no_example": self.no_example,
        }


def _candidates(pb: Playbook, node: dm.Node, locale: str) -> list[str]:
    out: list[str] = []
    for resp in node.responses:
        reply = example_reply(resp.match, pb.detectors, locale)
        if reply:
            out.append(reply)
    if node.model is not None:
        out.append(node.model.get(locale))
    out.append(NEUTRAL.get(locale[:2], NEUTRAL["en"]))
    return list(dict.fromkeys(out))


def _play(pb: Playbook, drill: dm.Drill, replies: list[str], seed: int, locale: str) -> DrillSession:
    from ..drill import DrillSession

    session = DrillSession(pb, drill, seed=seed, locale=locale)
    for reply in replies:
        if session.finished:
            break
        session.reply(reply)
    return session


def _model_prefixes(pb: Playbook, drill: dm.Drill, seed: int, locale: str) -> list[list[str]]:
    """[], [model 1], [model 1, model 2], ... along the model answers' path (as far as nodes have models)."""
    from ..drill import DrillSession

    session = DrillSession(pb, drill, seed=seed, locale=locale)
    replies: list[str] = []
    prefixes: list[list[str]] = [[]]
    while not session.finished and session.node is not None and session.node.model is not None:
        replies.append(session.node.model.get(locale))
        session.reply(replies[-1])
        prefixes.append(list(replies))
    return prefixes


def _record(ex: Exploration, session: DrillSession, replies: list[str]) -> None:
    ex.runs += 1
    path = [t.node for t in session.turns] + ([session.ending.id] if session.ending else [])
    ex.node_hits.update(path)
    ex.edge_hits.update((t.node, t.next) for t in session.turns)
    ex.response_hits.update(r for t in session.turns for r in t.responses)
    if session.ending is not None:
        ex.endings[session.ending.id] += 1
        score = session.score().score
        if ex.best_score is None or score > ex.best_score:
            ex.best_score, ex.best_replies = score, tuple(replies)


def explore(pb: Playbook, drill_id: str, *, locale: str | None = None, random_runs: int = 20,
            seed: int = 0) -> Exploration:
    """Walk the drill systematically and at random; raises DrillError for an unknown drill."""
    from ..drill import DrillError

    drill = pb.drills.get(drill_id)
    if drill is None:
        raise DrillError(f"unknown drill {drill_id!r} (known: {', '.join(sorted(pb.drills)) or 'none'})")
    loc = locale or (drill.locales[0] if drill.locales else pb.default_locale)
    ex = Exploration(drill.id, loc)
    for node in drill.nodes.values():
        for resp in node.responses:
            if example_reply(resp.match, pb.detectors, loc) is None:
                ex.no_example.append(resp.id)

    seen: set[tuple[object, ...]] = set()
    # Fork from every node on the model answers' path too, so deep nodes are explored within the budget.
    queue: deque[list[str]] = deque(_model_prefixes(pb, drill, seed, loc))
    sessions = 0
    while queue:
        replies = queue.popleft()
        session = _play(pb, drill, replies, seed, loc)
        sessions += 1
        if session.finished or session.node is None:
            _record(ex, session, replies)
            continue
        # a coarse state: where we are, the customer's mood and flags, and whether this node was seen before
        key = (session.node.id, session.state, min(session.visits.get(session.node.id, 0), 3))
        if key in seen:
            continue
        seen.add(key)
        if sessions >= MAX_SESSIONS:
            ex.truncated = True
            break
        for reply in _candidates(pb, session.node, loc):
            queue.append([*replies, reply])

    rng = random.Random(seed)
    for run in range(random_runs):
        said: list[str] = []
        session = _play(pb, drill, [], seed + run, loc)
        while not session.finished and session.node is not None:
            reply = rng.choice(_candidates(pb, session.node, loc))
            said.append(reply)
            session.reply(reply)
        _record(ex, session, said)
    return ex


# --- Mermaid ----------------------------------------------------------------------------

def _mermaid_text(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return (text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
            .replace("|", "#124;").replace("[", "#91;").replace("]", "#93;"))


def mermaid(pb: Playbook, drill_id: str, *, locale: str | None = None, hits: Exploration | None = None) -> str:
    """A `flowchart TD` of the drill: nodes (first customer line), endings (by kind), labelled edges."""
    drill = pb.drills[drill_id]
    loc = locale or (drill.locales[0] if drill.locales else pb.default_locale)
    ids = {name: f"n{i}" for i, name in enumerate([*drill.nodes, *drill.endings])}
    lines = ["flowchart TD"]
    for node in drill.nodes.values():
        first = node.say[0].text.get(loc) if node.say else ""
        count = f" ×{hits.node_hits[node.id]}" if hits else ""
        lines.append(f'    {ids[node.id]}["{_mermaid_text(node.id)}{count}<br/>{_mermaid_text(first)}"]')
    for ending in drill.endings.values():
        count = f" ×{hits.node_hits[ending.id]}" if hits else ""
        lines.append(f'    {ids[ending.id]}(["{_mermaid_text(ending.id)} ({ending.kind.value}){count}"])')
    lines.append(f"    start((start)) --> {ids[drill.start]}")
    for node in drill.nodes.values():
        for resp in node.responses:
            if resp.next:
                lines.append(f'    {ids[node.id]} -->|"{_mermaid_text(resp.id)}"| {ids[resp.next]}')
        lines.append(f'    {ids[node.id]} -.->|"{_mermaid_text(node.fallback.id)}"| {ids[node.fallback.next]}')
    for kind, style in (("good", "fill:#d8f5d0,stroke:#2e7d32"), ("bad", "fill:#fbd5d5,stroke:#c62828"),
                        ("neutral", "fill:#eeeeee,stroke:#616161")):
        members = [ids[e.id] for e in drill.endings.values() if e.kind.value == kind]
        if members:
            lines.append(f"    classDef {kind} {style}")
            lines.append(f"    class {','.join(members)} {kind}")
    return "\n".join(lines) + "\n"
