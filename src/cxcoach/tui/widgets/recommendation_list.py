"""The ranked next steps for a case, with due times, overdue highlighting and the why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...engine.result import Recommendation, Result
from ..text import assemble, remaining, safe
from .countdown import say


class RecommendationList(OptionList):
    """One option per recommended step, best first; the highlighted one is "current".

    The list is rebuilt on every case change and clock tick but keeps the
    highlighted step, so a supervisor can keep reading while time passes.
    Its border title says in words whether the reasons are shown.

    | Key | Does |
    | :- | :- |
    | `w` | show or hide why each step is recommended (rules and the facts that fired them) |
    | `s` | copy the highlighted step's first script line to the clipboard |
    | up / down | move between steps |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "toggle_why", "Why", tooltip="Show the rules and facts behind each step"),
        Binding("s", "copy_script", "Copy script", tooltip="Copy the step's script line"),
    ]

    DEFAULT_CSS = """
    RecommendationList {
        height: 1fr;
        border: round $primary;
    }
    """

    show_why: reactive[bool] = reactive(False)

    class ScriptCopied(Message):
        """A script line was put on the clipboard (or there was none: `text` is None)."""

        def __init__(self, step: str, text: str | None) -> None:
            super().__init__()
            self.step = step
            self.text = text

    def __init__(self, words: Mapping[str, str] | None = None, *, roles: Mapping[str, str] | None = None,
                 title: str = "", why_words: tuple[str, str] = ("why: shown", "why: hidden"), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.words = dict(words or {})
        self.roles = dict(roles or {})  # role id -> label in the current language
        self.title = title
        self.why_words = why_words  # (shown, hidden): the toggle's state in words
        self.result: Result | None = None
        self.now: dt.datetime | None = None
        self.empty_text = self.words.get("none", "")
        self._title()

    def _title(self) -> None:
        state = self.why_words[0 if self.show_why else 1]
        self.border_title = assemble(*([self.title, " · "] if self.title else []), state)

    def _word(self, key: str, default: str) -> str:
        return self.words.get(key, default)

    def _prompt(self, rank: int, rec: Recommendation) -> Content:
        parts: list[tuple[object, str] | object] = [(f"{rank}. ", "bold"),
                                                     (rec.title, "bold $error" if rec.overdue else "bold")]
        if rec.owner:
            parts.append((f"  · {self.roles.get(rec.owner, rec.owner)}", "$text-muted"))
        if rec.due is not None and self.now is not None:
            left = rec.due - self.now
            local = rec.due.astimezone(self.now.tzinfo).strftime("%m-%d %H:%M")
            if left.total_seconds() < 0:
                late = say(self._word("overdue", "overdue"), remaining(left), before=True)
                parts.append((f"\n   {local}  {late}", "bold $error"))
            else:
                parts.append((f"\n   {local}  {say(self._word('left', 'left'), remaining(left), before=False)}",
                              "$text-muted"))
        lines = self.result.lines(rec.scripts) if self.result is not None else []
        if lines:
            parts.append((f"\n   “{lines[0].text}”", "italic"))
        if self.show_why and self.result is not None:
            for rule_id in rec.because:
                reason = self.result.reason(rule_id)
                facts = ", ".join(f"{k}={v}" for k, v in reason.facts.items()) if reason else ""
                extra = f" ({facts})" if facts else ""
                why = self._word("why", "why") + self._word("colon", ": ")
                parts.append((f"\n   {why}{rule_id}{extra}", "$text-accent"))
                text = self.result.texts.rules.get(rule_id) if self.result.texts is not None else None
                if text:
                    parts.append((f"\n     {text}", "$text-accent"))
        return assemble(*parts)

    def show(self, result: Result | None, now: dt.datetime) -> None:
        """Display `result` at time `now`, keeping the highlighted step if it is still there.

        When the same steps come back in the same order (every clock tick) only their texts are
        replaced, so a supervisor who scrolled the list to read it is not thrown back to the top.
        """
        keep = None
        if self.highlighted is not None and self.option_count:
            keep = self.get_option_at_index(self.highlighted).id
        self.result, self.now = result, now
        recs = result.recommendations if result else ()
        if not recs:
            self.set_options([Option(assemble((self.empty_text, "italic")), disabled=True)])
            return
        ids: list[str] = []
        for rank, rec in enumerate(recs, start=1):  # by step, so the highlight follows a step that moves
            ident = f"rec-{rec.id}"
            ids.append(ident if ident not in ids else f"{ident}-{rank}")
        prompts = [self._prompt(i, rec) for i, rec in enumerate(recs, start=1)]
        if ids == [option.id for option in self.options]:
            for index, prompt in enumerate(prompts):
                self.replace_option_prompt_at_index(index, prompt)
            return
        self.set_options([Option(prompt, id=ident) for ident, prompt in zip(ids, prompts, strict=True)])
        self.highlighted = ids.index(keep) if keep in ids else 0

    @property
    def current(self) -> Recommendation | None:
        if self.result is None or self.highlighted is None:
            return None
        recs = self.result.recommendations
        return recs[self.highlighted] if 0 <= self.highlighted < len(recs) else None

    def watch_show_why(self) -> None:
        self._title()
        if self.now is not None:
            self.show(self.result, self.now)

    def action_toggle_why(self) -> None:
        self.show_why = not self.show_why

    def action_copy_script(self) -> None:
        rec = self.current
        if rec is None:
            return
        lines = self.result.lines(rec.scripts) if self.result is not None else []
        text = lines[0].text if lines else None
        if text is not None:
            self.app.copy_to_clipboard(safe(text))
        self.post_message(self.ScriptCopied(rec.id, text))
