"""The playbook's ids as people read them in the UI language: stages, fact values, roles, satisfaction.

Playbook text is untrusted: callers put these strings in `Content`/`Text`
(see `text.py`), never in markup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..desk.times import show_time
from ..locale_words import punctuation
from ..playbook.model import FactType, Playbook


class PlaybookWords:
    """Labels for one playbook in one language (ids are shown as they are when the playbook has no label)."""

    def __init__(self, playbook: Playbook, lang: str) -> None:
        self.playbook = playbook
        self.lang = lang
        self.tz = playbook.calendar.timezone
        workflow = playbook.workflow
        self.stage_fact = workflow.fact if workflow is not None else "stage"
        # Chinese is punctuated full-width: 投诉渠道：客户来电；严重程度：重大投诉（超期一倍）
        punct = punctuation(lang)
        self.labelled = punct.labelled  # `label: value` as the UI language punctuates it
        self.aside = punct.aside  # a parenthetical remark after a word ("" when there is none)
        self.separator = punct.semicolon if lang == "zh" else punct.comma  # between facts

    def fact(self, fact_id: str) -> str:
        fact = self.playbook.facts.get(fact_id)
        return fact.label.get(self.lang) if fact is not None else fact_id

    def value(self, fact_id: str, value: Any) -> str:
        """A fact's value: the enum value's label, yes/no for booleans, the text otherwise."""
        fact = self.playbook.facts.get(fact_id)
        if fact is not None and fact.type is FactType.ENUM:
            for v in fact.values:
                if v.id == value:
                    return v.label.get(self.lang)
        if isinstance(value, bool):
            return ("是" if value else "否") if self.lang == "zh" else ("yes" if value else "no")
        if fact is not None and fact.type is FactType.DATETIME and isinstance(value, str):
            try:
                return show_time(dt.datetime.fromisoformat(value), self.tz)
            except ValueError:
                return value
        return "" if value is None else str(value)

    def stage(self, stage: str | None) -> str:
        return "—" if stage is None else self.value(self.stage_fact, stage)

    def role(self, role_id: str | None) -> str:
        if role_id is None:
            return "—"
        role = self.playbook.roles.get(role_id)
        return role.label.get(self.lang) if role is not None else role_id

    def satisfaction(self, state_id: str | None) -> str:
        for state in self.playbook.measurement.satisfaction_states:
            if state.id == state_id:
                return state.label.get(self.lang)
        return state_id or "—"

    def summary(self, facts: Mapping[str, Any], *, limit: int = 3) -> str:
        """What the case is about at a glance: its first few enum facts (other than the stage), by label."""
        out = []
        for fact in self.playbook.facts.values():
            if fact.type is FactType.ENUM and fact.id != self.stage_fact and fact.id in facts:
                out.append(self.value(fact.id, facts[fact.id]))
                if len(out) == limit:
                    break
        return " · ".join(out)

    def time(self, value: dt.datetime | None) -> str:
        """`2026-03-06 16:00 +08:00` in the playbook's zone."""
        return show_time(value, self.tz)
