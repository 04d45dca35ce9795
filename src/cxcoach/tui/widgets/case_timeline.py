"""A case's log as a timeline: when (in the playbook's zone, offset shown), who, what changed, the note."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from textual.content import Content
from textual.widgets import Static

from ...desk.state import CaseState
from ...store.cases import EventRow
from ..labels import PlaybookWords
from ..text import assemble

TEXTS = {"opened": "opened", "note": "note", "follow_up": "follow-up", "paused": "clock paused", "now": "now",
         "closed": "closed", "empty": "No case selected."}


class CaseTimeline(Static):
    """Every event of one case, oldest first, then its pauses and follow-up.

    Everything shown comes from the case and the playbook and is assembled as
    literal text: nothing a customer or supervisor wrote is read as markup.
    """

    DEFAULT_CSS = """
    CaseTimeline { height: auto; padding: 0 1; }
    """

    def __init__(self, words: PlaybookWords, texts: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__("", markup=False, **kwargs)
        self.words = words
        self.texts = {**TEXTS, **(texts or {})}

    def clear_case(self) -> None:
        self.update(assemble((self.texts["empty"], "italic $text-muted")))

    def show(self, events: Sequence[EventRow], state: CaseState) -> None:
        self.update(self.render_log(events, state))

    def render_log(self, events: Sequence[EventRow], state: CaseState) -> Content:
        w, t = self.words, self.texts
        parts: list[tuple[object, str] | object] = []
        for e in events:
            parts += [(f"{e.seq:>2} ", "$text-muted"), (w.time(e.at), "bold"), "  "]
            what: list[str] = []
            if e.kind == "open":
                what.append(t["opened"])
            if e.stage:
                what.append(f"→ {w.stage(e.stage)}")
            if e.kind == "follow_up" and e.data:
                scored = ""
                fu = state.follow_up
                if fu is not None and fu.at == e.at and fu.ratio is not None:
                    scored = f" (c = {fu.ratio:.2f})"
                what.append(w.labelled(t["follow_up"], f"{w.satisfaction(str(e.data.get('satisfaction')))}{scored}"))
            if not what:
                what.append(t["note"] if e.note and not e.facts else "")
            parts.append((" ".join(x for x in what if x), "bold" if e.stage else ""))
            if e.by:
                parts.append((f" · {w.role(e.by)}", "$text-muted"))
            if e.facts:
                facts = w.separator.join(w.labelled(w.fact(k), w.value(k, v)) for k, v in e.facts.items())
                parts += ["\n      ", (facts, "$text-accent")]
            if e.note:
                parts += ["\n      ", (f"“{e.note}”", "italic")]
            parts.append("\n")
        for start, end in state.pauses:
            parts.append((w.labelled(t["paused"], f"{w.time(start)} – {w.time(end) if end else t['now']}") + "\n",
                          "$text-primary"))
        if state.closed_at is not None:
            closed = w.labelled(t["closed"], f"{w.time(state.closed_at)} · {w.role(state.closed_by)}")
            parts.append((closed + "\n", "bold"))
        return assemble(*parts)
