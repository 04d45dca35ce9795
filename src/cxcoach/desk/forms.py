"""The playbook's forms (records.yaml) filled from a case: the handbook's paper form, printed.

A record field with `fill: SOURCE` takes its value from the case (see
docs/desk.md for the sources); a field without one is left blank to be
written by hand. Markdown and HTML escape everything that came from people.
"""

from __future__ import annotations

import html
from typing import Any

from ..errors import CxcoachError
from ..playbook.model import Playbook, Record
from ..problems import did_you_mean
from ..sanitize import markdown_text
from ..sanitize import strip_controls as clean_text
from .service import CaseView
from .times import show_time


class FormError(CxcoachError):
    """An unknown form id."""


def _fact(playbook: Playbook, name: str, value: Any, locale: str) -> str:
    fact = playbook.facts.get(name)
    if fact is not None:
        for v in fact.values:
            if v.id == value:
                return v.label.get(locale)
    if isinstance(value, bool):
        return {"zh": "是", "en": "yes"}.get(locale, "yes") if value else {"zh": "否", "en": "no"}.get(locale, "no")
    return "" if value is None else str(value)


def _source(playbook: Playbook, view: CaseView, source: str, locale: str) -> str:
    tz = playbook.calendar.timezone
    state = view.state
    fu = state.follow_up

    def role(rid: str | None) -> str:
        return playbook.roles[rid].label.get(locale) if rid is not None and rid in playbook.roles else (rid or "")

    if source.startswith("fact."):
        name = source[5:]
        value = state.facts.get(name)
        if value is None and name in playbook.facts:
            value = playbook.facts[name].default
        return _fact(playbook, name, value, locale)
    values: dict[str, Any] = {
        "received_at": show_time(state.received_at, tz),
        "opened_by": role(state.opened_by),
        "stage": _fact(playbook, "stage", state.stage, locale),
        "responded_at": show_time(state.responded_at, tz) if state.responded_at else "",
        "resolved_at": show_time(state.resolved_at, tz) if state.resolved_at else "",
        "closed_at": show_time(state.closed_at, tz) if state.closed_at else "",
        "closed_by": role(state.closed_by) if state.closed_at else "",
        "closure_note": state.closure_note if state.closed_at else "",
        "timeline": "; ".join(f"{show_time(e.at, tz)} {e.note}".strip() for e in view.events if e.note),
        "follow_up.at": show_time(fu.at, tz) if fu else "",
        "follow_up.by": role(fu.by) if fu else "",
        "follow_up.note": fu.note if fu else "",
        "follow_up.satisfaction": next((s.label.get(locale) for s in playbook.measurement.satisfaction_states
                                        if fu and s.id == fu.satisfaction), ""),
        "follow_up.ratio": f"{fu.ratio:.2f}" if fu and fu.ratio is not None else "",
    }
    return str(values.get(source, ""))


def form(playbook: Playbook, form_id: str) -> Record:
    record = playbook.records.get(form_id)
    if record is None:
        hint = did_you_mean(form_id, playbook.records)
        raise FormError(f"no form {form_id!r} in playbook {playbook.id!r}" + (f" ({hint})" if hint else "")
                        + f"; forms: {', '.join(playbook.records)}")
    return record


def fill(playbook: Playbook, form_id: str, view: CaseView, locale: str) -> list[tuple[str, str]]:
    """(label, value) for every field of the form; value "" where the case has nothing for it."""
    record = form(playbook, form_id)
    sources = record.fill or (None,) * len(record.fields)
    return [(label.get(locale), _source(playbook, view, src, locale) if src else "")
            for label, src in zip(record.fields, sources, strict=True)]


def render_markdown(playbook: Playbook, form_id: str, view: CaseView, locale: str) -> str:
    record = form(playbook, form_id)
    esc = markdown_text  # case text shown as typed: no markup, links or raw HTML in a Markdown viewer
    lines = [f"# {esc(record.title.get(locale))}", "", f"{esc(view.ref)}", "", "| | |", "| --- | --- |"]
    lines += [f"| {esc(label)} | {esc(value)} |" for label, value in fill(playbook, form_id, view, locale)]
    return "\n".join(lines) + "\n"


def render_html(playbook: Playbook, form_id: str, view: CaseView, locale: str) -> str:
    record = form(playbook, form_id)

    def esc(s: str) -> str:
        return html.escape(clean_text(s))

    rows = "\n".join(f"<tr><th>{esc(label)}</th><td>{esc(value)}</td></tr>"
                     for label, value in fill(playbook, form_id, view, locale))
    title = esc(record.title.get(locale))
    return (f'<!doctype html>\n<html lang="{esc(locale)}"><head><meta charset="utf-8"><title>{title}</title>\n'
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
            "th,td{border:1px solid #444;padding:.5em;text-align:left;vertical-align:top}th{width:30%}"
            "</style></head>\n"
            f"<body><h1>{title}</h1><p>{esc(view.ref)}</p>\n<table>\n{rows}\n</table></body></html>\n")
