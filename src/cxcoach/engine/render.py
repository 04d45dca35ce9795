"""Result -> text (terminal), markdown or JSON.

Playbook and case text reaches a terminal here, so every string goes through
`clean`: C0/C1 control characters (ESC sequences could recolour or retitle
the terminal, move the cursor or hide lines), DEL and Unicode bidi overrides
(which can make text read differently from what it is) are removed, and line
breaks inside a field become spaces so one field cannot fake another line.
Markdown additionally escapes the characters that would change structure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from ..jsonsafe import to_json_bytes, to_json_text
from ..locale_words import punctuation, words_for
from ..sanitize import strip_controls
from .result import DEFAULT_FIELDS, Reason, Result

# A run of line breaks and tabs. Two classes, not one: a class mixing Latin-1 and wider characters
# makes re build a 64K-character bitmap, which every start-up would pay for.
_BREAKS = re.compile("(?:[\t\n\r]+|[\u2028\u2029]+)+")
_MD_SPECIAL = r"([\\`*_\[\]<>|])"  # Markdown only: compiled on first use (re caches it)

_HEADINGS = {
    "en": {
        "case": "Case", "received": "received", "now": "now", "elapsed": "elapsed", "paused": "paused",
        "paused_now": "clock paused", "deadlines": "Deadlines", "respond": "respond by", "resolve": "resolve by",
        "steps": "Next steps", "owner": "owner", "due": "due", "overdue": "OVERDUE", "say": "say",
        "avoid": "avoid", "because": "because", "strategies": "Strategies", "escalate": "Escalate to",
        "near": "Near misses", "none": "No rule matched this case.", "scripts": "Also say", "warning": "warning",
        "level": "level", "min": "min", "unknown": "unknown", "failed": "failed", "missing": "missing",
        "instead": "instead", "notes": "Notes", "used": "used", "status": "status", "met": "met",
        "calendar": "calendar", "overdue_target": "overdue",
        "source_playbook": "playbook", "source_step": "step",
    },
    "zh": {
        "case": "案例", "received": "受理", "now": "现在", "elapsed": "已用", "paused": "暂停",
        "paused_now": "计时已暂停", "deadlines": "时限", "respond": "响应时限", "resolve": "解决时限",
        "steps": "下一步", "owner": "负责", "due": "截止", "overdue": "已超时", "say": "话术",
        "avoid": "避免", "because": "依据", "strategies": "应对策略", "escalate": "升级至",
        "near": "差一点触发的规则", "none": "没有规则匹配此案例。", "scripts": "其他话术", "warning": "预警",
        "level": "级别", "min": "分钟", "unknown": "未知", "failed": "不满足", "missing": "缺少",
        "instead": "改为", "notes": "备注", "used": "已用", "status": "状态", "met": "已完成",
        "calendar": "日历", "overdue_target": "已超时",
        "source_playbook": "手册默认", "source_step": "步骤",
    },
}


def clean(value: object) -> str:
    """A single-line, terminal-safe rendering of user or playbook text."""
    text = value if isinstance(value, str) else str(value)
    return _BREAKS.sub(" ", strip_controls(text)).strip()


def _md(value: object) -> str:
    return re.sub(_MD_SPECIAL, r"\\\1", clean(value))


def _code(value: object) -> str:
    """An id as inline code: nothing inside needs escaping, backticks cannot occur in ids."""
    return "`" + clean(value).replace("`", "") + "`"


def _labels(locale: str) -> Mapping[str, str]:
    return words_for(_HEADINGS, locale.split("-")[0])


def _when(value: dt.datetime | None) -> str:
    return "-" if value is None else value.isoformat(timespec="minutes")


def _fact_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, dt.datetime):
        return v.isoformat()
    return str(v)


def _reason(r: Reason, result: Result) -> str:
    """`rule (fact=value, overdue target): why`, punctuated and worded in the result's locale."""
    L, P = _labels(result.locale), punctuation(result.locale)
    facts = [f"{k}={_fact_value(v)}" for k, v in r.facts.items()]
    facts += [f"{L['overdue_target']} {t}" for t in r.overdue]
    text = r.rule + P.aside(P.comma.join(facts))
    why = result.texts.rules.get(r.rule) if result.texts is not None else None
    return P.labelled(text, why) if why else text


def _source(source: str, labels: Mapping[str, str]) -> str:
    """Where a deadline's duration came from: a rule id as it is, the playbook's default or a step in words."""
    return labels.get(f"source_{source}", source)


def _advice(result: Result, strategy_id: str) -> tuple[str, ...]:
    return result.texts.strategies.get(strategy_id, ()) if result.texts is not None else ()


def _reasons(result: Result, rule_ids: tuple[str, ...]) -> list[Reason]:
    fired = {r.rule: r for r in result.fired}
    return [fired[r] for r in rule_ids if r in fired]


def render_json(result: Result, *, fields: tuple[str, ...] = DEFAULT_FIELDS) -> str:
    """The result as indented JSON text: the contract (docs/integration.md), for people to read."""
    return to_json_text(result.select(fields))


def encode_line(value: object) -> bytes:
    """One `--stream` output line: compact JSON and a newline."""
    return to_json_bytes(value) + b"\n"


def render_text(result: Result) -> str:
    L = _labels(result.locale)
    P = punctuation(result.locale)  # 话术：… in Chinese, say: … in English
    out: list[str] = []
    head = f"{L['case']} {clean(result.case_id)}" if result.case_id else L["case"]
    clock = (
        f"{head} · {L['received']} {_when(result.received_at)} · {L['now']} {_when(result.now)}"
        f" · {L['elapsed']} {result.elapsed_minutes:.0f} {L['min']}"
    )
    if result.paused_minutes:
        clock += P.aside(f"{L['paused']} {result.paused_minutes:.0f} {L['min']}")
    if result.paused:
        clock += f" · {L['paused_now']}"
    out.append(clean(clock))
    for note in result.notes:
        out.append("  " + P.labelled(L["notes"], clean(note)))

    if result.deadlines:
        out += ["", L["deadlines"]]
        for d in result.deadlines:
            name = L.get(d.target, d.target) if d.target in ("respond", "resolve") else f"{L['due']} {clean(d.target)}"
            used = f"{clean(d.duration)}{P.comma}{clean(_source(d.source, L))}{P.semicolon}{d.fraction:.0%}"
            line = "  " + P.labelled(name, _when(d.due) + P.aside(used))
            if d.met:
                line += f"  {L['met']}"
            elif d.overdue:
                line += f"  {L['overdue']}"
            elif d.warning is not None:
                line += f"  {L['warning']} {d.warning:.0%}"
            if d.level:
                line += f"  {L['level']} {clean(d.level)} -> {clean(result.role(d.to or ''))}"
            out.append(line)
        out += ["  " + P.labelled(L["calendar"], clean(note.text)) for note in result.calendar_notes]

    if result.escalate_to:
        out += ["", P.labelled(L["escalate"], P.comma.join(clean(result.role(r)) for r in result.escalate_to))]

    out += ["", L["steps"]]
    if not result.recommendations:
        out.append(f"  {L['none']}")
    for n, rec in enumerate(result.recommendations, 1):
        meta = []
        if rec.owner:
            meta.append(f"{L['owner']} {clean(result.role(rec.owner))}")
        if rec.due:
            meta.append(f"{L['due']} {_when(rec.due)}")
        if rec.overdue:
            meta.append(L["overdue"])
        aside = "  " + P.aside(P.comma.join(meta)).strip() if meta else ""
        out.append(f"  {n}. {clean(rec.title)} [{clean(rec.id)}]{aside}")
        out += ["     " + P.labelled(L["say"], clean(said.text)) for said in result.lines(rec.scripts)]
        out += ["     " + P.labelled(L["avoid"], f"{clean(a.title)} — {clean(a.why)}")
                for a in result.avoid_entries(rec.avoid)]
        if rec.escalate_to:
            roles = P.comma.join(clean(result.role(r)) for r in rec.escalate_to)
            out.append("     " + P.labelled(L["escalate"], roles))
        for r in _reasons(result, rec.because):
            out.append("     " + P.labelled(L["because"], clean(_reason(r, result))))

    if result.also_say:
        out += ["", L["scripts"]]
        out += [f"  - {clean(line.text)}" for line in result.lines(result.also_say)]
    if result.strategies:
        out += ["", L["strategies"]]
        for s in result.strategies:
            out.append(f"  {clean(s.title)} [{clean(s.id)}]")
            out += [f"    - {clean(a)}" for a in _advice(result, s.id)]
    if result.also_avoid:
        out += ["", L["avoid"]]
        for a in result.avoid_entries(result.also_avoid):
            line = f"  - {clean(a.title)} — {clean(a.why)}"
            if a.instead:
                line += " " + P.aside(P.labelled(L["instead"], clean(a.instead))).strip()
            out.append(line)
    if result.near_misses is not None:
        out += ["", L["near"]]
        for nm in result.near_misses:
            detail = L[nm.state]
            if nm.missing:
                detail += f", {L['missing']} " + ", ".join(clean(m) for m in nm.missing)
            if nm.actual:
                detail += ": " + ", ".join(f"{clean(k)}={clean(_fact_value(v))}" for k, v in nm.actual.items())
            out.append(f"  {clean(nm.rule)}: {clean(nm.condition)} ({detail})")
    return "\n".join(out) + "\n"


def render_markdown(result: Result) -> str:
    L = _labels(result.locale)
    P = punctuation(result.locale)
    title = f"# {L['case']} {_md(result.case_id)}" if result.case_id else f"# {L['case']}"
    out: list[str] = [title, ""]
    out.append(
        f"{L['received']} {_when(result.received_at)} · {L['now']} {_when(result.now)} · "
        f"{L['elapsed']} {result.elapsed_minutes:.0f} {L['min']}" + (f" · {L['paused_now']}" if result.paused else "")
    )
    if result.notes:  # as the text rendering shows them
        out += [""] + ["> " + P.labelled(L["notes"], _md(note)) for note in result.notes]
    if result.deadlines:
        out += ["", f"## {L['deadlines']}", "", f"| | {L['due']} | {L['used']} | {L['status']} |", "|---|---|---|---|"]
        for d in result.deadlines:
            warned = f"{L['warning']} {d.warning:.0%}" if d.warning else ""
            state = L["met"] if d.met else L["overdue"] if d.overdue else warned
            if d.level:
                state += f" {L['level']} {_md(d.level)} → {_md(result.role(d.to or ''))}"
            out.append(f"| {_code(d.target)} | {_when(d.due)} | {d.fraction:.0%} | {state.strip()} |")
        if result.calendar_notes:
            out.append("")
            out += ["> " + P.labelled(L["calendar"], _md(note.text)) for note in result.calendar_notes]
    if result.escalate_to:
        roles = P.comma.join(_md(result.role(r)) for r in result.escalate_to)
        out += ["", f"**{L['escalate']}{P.colon.strip()}** {roles}"]
    out += ["", f"## {L['steps']}", ""]
    if not result.recommendations:
        out.append(L["none"])
    for n, rec in enumerate(result.recommendations, 1):
        meta = [f"{L['owner']} {_md(result.role(rec.owner))}"] if rec.owner else []
        if rec.due:
            meta.append(f"{L['due']} {_when(rec.due)}")
        if rec.overdue:
            meta.append(f"**{L['overdue']}**")
        out.append(f"{n}. **{_md(rec.title)}**{P.aside(_code(rec.id))}" + (" — " + P.comma.join(meta) if meta else ""))
        for line in result.lines(rec.scripts):
            out.append("   - " + P.labelled(L["say"], f"“{_md(line.text)}”"))
        for a in result.avoid_entries(rec.avoid):
            out.append("   - " + P.labelled(L["avoid"], f"{_md(a.title)} — {_md(a.why)}"))
        for r in _reasons(result, rec.because):
            out.append("   - " + P.labelled(L["because"], _md(_reason(r, result))))
    if result.strategies:
        out += ["", f"## {L['strategies']}", ""]
        for s in result.strategies:
            out.append(f"- **{_md(s.title)}**: " + " ".join(_md(a) for a in _advice(result, s.id)))
    if result.also_avoid:
        out += ["", f"## {L['avoid']}", ""]
        out += [f"- {_md(a.title)} — {_md(a.why)}" for a in result.avoid_entries(result.also_avoid)]
    if result.near_misses is not None:
        out += ["", f"## {L['near']}", ""]
        for nm in result.near_misses:
            missing = f" ({L['missing']} {', '.join(_md(m) for m in nm.missing)})" if nm.missing else ""
            out.append(f"- {_code(nm.rule)}: {_md(nm.condition)} — {L[nm.state]}{missing}")
    return "\n".join(out) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
