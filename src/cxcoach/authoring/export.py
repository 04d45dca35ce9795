"""`cxcoach export handbook`: a printable trainer handbook in one language, as Markdown or HTML.

The handbook is built once as a small list of blocks (headings, paragraphs,
lists, tables) and then rendered, so Markdown and HTML always say the same
thing. HTML is self-contained (inline CSS with print rules, no scripts, no
external assets) so trainers can mail it or print it; every piece of playbook
content passes through `html.escape` because playbooks are user-written, and
the finished document through `sanitize.printable`, so a control character or
bidi override in a playbook shows as a visible escape (`\\x1b`) in both
formats instead of reaching a terminal, a printer or a browser.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

import msgspec

from ..locale_words import punctuation, words_for
from ..playbook import model as m
from ..playbook.model import Duration, Playbook, Text
from ..sanitize import markdown_text, printable

FORMATS = ("md", "html")

# Headings and labels the handbook itself adds, per locale (content comes from the playbook).
_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "contents": "目录", "version": "版本", "procedures": "处理流程", "step": "步骤", "owner": "负责人",
        "due": "时限", "records": "记录", "deadlines": "默认时限与升级", "respond": "首次响应", "resolve": "解决",
        "escalation": "升级阶梯", "at": "进度", "to": "升级至", "warnings": "提醒",
        "scripts": "话术", "avoid": "禁忌与正确做法", "why": "原因", "instead": "正确做法", "phrases": "典型说法",
        "strategies": "客户类型策略", "applies_to": "适用", "interpretation": "注：此建议为本手册的解读",
        "drills": "情景演练", "difficulty": "难度", "persona": "顾客", "endings": "结局", "nodes": "回合节点",
        "sources": "资料来源", "step_scripts": "话术", "said_at": "使用步骤", "source": "出处",
        "elapsed": "截止时间已过", "none": "无", "easy": "易", "medium": "中", "hard": "难", "good": "好结局",
        "neutral": "中性结局", "bad": "坏结局", "rules": "处理规则一览", "rule": "规则", "when": "适用情形",
        "recommends": "建议步骤", "deadline": "时限", "and": " 且 ", "or": " 或 ", "not": "非", "is": "为",
        "one_of": "为以下之一", "not_one_of": "不为以下之一", "known": "已知", "unknown": "未知", "contains": "包含",
        "overdue": "已超时", "yes": "是", "no": "否", "sep": "、", "elapsed_minutes": "已用时（分钟）",
    },
    "en": {
        "contents": "Contents", "version": "Version", "procedures": "Procedures", "step": "Step", "owner": "Owner",
        "due": "Due", "records": "Records", "deadlines": "Default deadlines and escalation",
        "respond": "First response",
        "resolve": "Resolution", "escalation": "Escalation ladder", "at": "Share of deadline", "to": "Escalate to",
        "warnings": "Warnings", "scripts": "Scripts", "avoid": "Don'ts, and what to do instead", "why": "Why",
        "instead": "Instead", "phrases": "Typical wording", "strategies": "Customer-type strategies",
        "applies_to": "For", "interpretation": "Note: this advice is the playbook's interpretation",
        "drills": "Role-play drills", "difficulty": "Difficulty", "persona": "Customer", "endings": "Endings",
        "nodes": "Turns", "sources": "Sources", "step_scripts": "Scripts", "said_at": "Said at step",
        "source": "Source", "elapsed": "of the deadline elapsed", "none": "none", "easy": "easy", "medium": "medium",
        "hard": "hard", "good": "good", "neutral": "neutral", "bad": "bad", "rules": "Rules at a glance",
        "rule": "Rule", "when": "When", "recommends": "Steps", "deadline": "Deadlines", "and": " and ", "or": " or ",
        "not": "not ", "is": "is", "one_of": "is one of", "not_one_of": "is none of", "known": "is known",
        "unknown": "is unknown", "contains": "contains", "overdue": "overdue", "yes": "yes", "no": "no", "sep": ", ",
        "elapsed_minutes": "minutes elapsed",
    },
}


# --- blocks -------------------------------------------------------------------

class Heading(msgspec.Struct, frozen=True):
    level: int
    text: str
    anchor: str


class Para(msgspec.Struct, frozen=True):
    text: str
    css: str = ""


class Bullets(msgspec.Struct, frozen=True):
    items: tuple[str, ...]
    ordered: bool = False


class Table(msgspec.Struct, frozen=True):
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    css: str = ""


Block = Heading | Para | Bullets | Table


_UNITS = {
    "zh": {"m": "{n} 分钟", "h": "{n} 小时", "d": "{n} 天", "bh": "{n} 个工作小时", "bd": "{n} 个工作日",
           "end_of_business_day": "当日下班前"},
    "en": {"m": "{n} min", "h": "{n} h", "d": "{n} days", "bh": "{n} business hours", "bd": "{n} business days",
           "end_of_business_day": "end of the business day"},
}


def duration_text(duration: Duration | None, locale: str) -> str:
    """A deadline as a trainer reads it (`4bh` -> `4 business hours`)."""
    if duration is None:
        return ""
    units = _UNITS.get(locale, _UNITS["en"])
    return units[duration.unit.value].format(n=duration.amount)


_OPS = {"lt": "<", "le": "≤", "gt": ">", "ge": "≥"}


def condition_text(playbook: Playbook, cond: m.Condition, locale: str, lab: Mapping[str, str]) -> str:
    """A condition in the trainer's words: fact and value labels instead of ids."""
    marks = punctuation(locale)

    def fact(fid: str) -> str:
        f = playbook.facts.get(fid)
        return f.label.get(locale) if f else lab.get(fid, fid)

    def value(fid: str, v: object) -> str:
        f = playbook.facts.get(fid)
        if isinstance(v, bool):
            return lab["yes"] if v else lab["no"]
        if f is not None:
            for fv in f.values:
                if fv.id == v:
                    return fv.label.get(locale)
        return str(v)

    def walk(c: m.Condition, top: bool) -> str:
        if isinstance(c, m.FactTest):
            name, op = fact(c.fact), c.op.value
            if op == "exists":
                return f"{name} {lab['known'] if c.value is not False else lab['unknown']}"
            if op in ("eq", "ne"):
                return f"{'' if op == 'eq' else lab['not']}{name} {lab['is']} {value(c.fact, c.value)}"
            if op in ("in", "not_in") and isinstance(c.value, tuple):
                items = lab["sep"].join(value(c.fact, v) for v in c.value)
                return f"{name} {marks.labelled(lab['one_of'] if op == 'in' else lab['not_one_of'], items)}"
            if op == "between" and isinstance(c.value, tuple):
                lo, hi = c.value
                return f"{lo} ≤ {name} ≤ {hi}"
            if op == "contains":
                return f"{name} {lab['contains']} “{c.value}”"
            return f"{name} {_OPS.get(op, op)} {c.value}"
        if isinstance(c, m.Overdue):
            target = c.target
            target = playbook.steps[target].title.get(locale) if target in playbook.steps else lab.get(target, target)
            return f"{target} {lab['overdue']}"
        if isinstance(c, m.Not):
            return f"{lab['not']}{group(walk(c.item, True))}"
        joiner = lab["and"] if isinstance(c, m.All) else lab["or"]
        text = joiner.join(walk(i, False) for i in c.items)
        return text if top else group(text)

    def group(text: str) -> str:
        return f"{marks.open.strip()}{text}{marks.close}"

    return walk(cond, True)


def _labels(locale: str) -> Mapping[str, str]:
    return words_for(_LABELS, locale)


def handbook_blocks(playbook: Playbook, locale: str) -> list[Block]:
    """The handbook's content, in reading order, resolved to one locale.

    Labels are joined to their values with the locale's punctuation (`时限：30 分钟`, `Due: 30 min`):
    a Chinese handbook is held to the same full-width rule as the playbook text in it (lint L506)."""
    lab = _labels(locale)
    marks = punctuation(locale)
    labelled, listing = marks.labelled, marks.listing

    def t(text: Text | None) -> str:
        return "" if text is None else text.get(locale)

    def role(ident: str | None) -> str:
        if not ident:
            return ""
        r = playbook.roles.get(ident)
        return t(r.label) if r else ident

    def entry(title: Text, anchor: str, intro: Text | None = None) -> list[Block]:
        """One entry's heading (its anchor is what the contents link to) and its introduction, when written."""
        blocks: list[Block] = [Heading(3, t(title), anchor)]
        if intro:
            blocks.append(Para(t(intro)))
        return blocks

    out: list[Block] = [Heading(1, t(playbook.title), "top"), Para(f"{lab['version']} {playbook.version}", "meta")]
    if playbook.description:
        out.append(Para(t(playbook.description)))

    # procedures
    if playbook.procedures:
        out.append(Heading(2, lab["procedures"], "procedures"))
        for proc in playbook.procedures.values():
            out += entry(proc.title, f"procedure-{proc.id}", proc.description)
            rows = []
            for n, step in enumerate(proc.steps, 1):
                title = t(step.title) + (f" — {t(step.description)}" if step.description else "")
                records = listing.join(t(playbook.records[r].title) for r in step.records if r in playbook.records)
                scripts = listing.join(t(playbook.scripts[s].title) for s in step.scripts if s in playbook.scripts)
                rows.append((str(n), title, role(step.owner), duration_text(step.due, locale),
                             marks.semicolon.join(x for x in (records, scripts) if x)))
            out.append(Table(("#", lab["step"], lab["owner"], lab["due"], f"{lab['records']} / {lab['step_scripts']}"),
                             tuple(rows), "steps"))

    # deadlines and escalation
    d, esc = playbook.deadlines, playbook.escalation
    if d.respond or d.resolve or esc.levels:
        out.append(Heading(2, lab["deadlines"], "deadlines"))
        items = []
        if d.respond:
            items.append(labelled(lab["respond"], duration_text(d.respond, locale)))
        if d.resolve:
            items.append(labelled(lab["resolve"], duration_text(d.resolve, locale)))
        if esc.warnings:
            items.append(labelled(lab["warnings"], listing.join(f"{w:.0%}" for w in esc.warnings)))
        out.append(Bullets(tuple(items)))
        if esc.levels:
            out.append(Table((lab["escalation"], lab["at"], lab["to"]),
                             tuple((t(lv.label) or lv.id, f"{lv.at:.0%}", role(lv.to)) for lv in esc.levels)))

    # rules at a glance
    if playbook.rules:
        out.append(Heading(2, lab["rules"], "rules"))
        rule_rows: list[tuple[str, str, str, str]] = []
        for rule in sorted(playbook.rules, key=lambda r: (-r.priority, r.order)):
            steps = listing.join(t(playbook.steps[s].title) for s in rule.then.steps if s in playbook.steps)
            d = rule.then.deadlines
            times = marks.semicolon.join(labelled(lab[k], duration_text(getattr(d, k), locale))
                                         for k in ("respond", "resolve") if getattr(d, k) is not None)
            title = t(rule.title) or rule.id
            if rule.because:
                title += f" — {t(rule.because)}"
            rule_rows.append((title, condition_text(playbook, rule.when, locale, lab), steps, times))
        out.append(Table((lab["rule"], lab["when"], lab["recommends"], lab["deadline"]), tuple(rule_rows), "rules"))

    # scripts
    if playbook.scripts:
        out.append(Heading(2, lab["scripts"], "scripts"))
        for script in playbook.scripts.values():
            out += entry(script.title, f"script-{script.id}")
            if script.step and script.step in playbook.steps:
                out.append(Para(labelled(lab["said_at"], t(playbook.steps[script.step].title)), "meta"))
            out.append(Bullets(tuple(t(line.text) for line in script.lines)))

    # do's and don'ts
    if playbook.avoid:
        out.append(Heading(2, lab["avoid"], "avoid"))
        for item in playbook.avoid.values():
            out += entry(item.title, f"avoid-{item.id}")
            parts = [labelled(lab["why"], t(item.why))]
            if item.instead:
                parts.append(labelled(lab["instead"], t(item.instead)))
            phrases = item.phrases.get(locale, ())
            if phrases:
                parts.append(labelled(lab["phrases"], " / ".join(f"“{p}”" for p in phrases)))
            out.append(Bullets(tuple(parts)))

    # strategies
    if playbook.strategies:
        out.append(Heading(2, lab["strategies"], "strategies"))
        for strategy in playbook.strategies.values():
            out += entry(strategy.title, f"strategy-{strategy.id}")
            if strategy.applies_to:
                out.append(Para(labelled(lab["applies_to"], t(strategy.applies_to)), "meta"))
            out.append(Bullets(tuple(t(line.text) for line in strategy.advice)))
            if strategy.interpretation:
                out.append(Para(lab["interpretation"], "note"))

    # drills
    if playbook.drills:
        out.append(Heading(2, lab["drills"], "drills"))
        for drill in playbook.drills.values():
            out += entry(drill.title, f"drill-{drill.id}", drill.brief)
            persona = t(drill.persona.label) + (f" — {t(drill.persona.motive)}" if drill.persona.motive else "")
            endings = listing.join(t(e.title) + marks.aside(lab[e.kind.value]) for e in drill.endings.values())
            out.append(Bullets((labelled(lab["difficulty"], lab[drill.difficulty.value]),
                                labelled(lab["persona"], persona), labelled(lab["nodes"], str(len(drill.nodes))),
                                labelled(lab["endings"], endings))))

    # sources
    sources = _sources_shown(playbook)
    if sources:
        out.append(Heading(2, lab["sources"], "sources"))
        out.append(Bullets(tuple(f"[{s.id}] {t(s.title)}" for s in sources)))
    return out


def _sources_shown(playbook: Playbook) -> list[m.SourceDoc]:
    """The sources the handbook's chapters cite (a procedure, step, rule, script, don't, strategy or drill).

    A source only the rest of the playbook cites, or that comes with an included library (the shipped
    detectors a new playbook includes bring the shipped handbooks' list), is not this handbook's:
    listing it would credit documents no page of it draws on.
    """
    items = [*playbook.procedures.values(), *playbook.steps.values(), *playbook.rules, *playbook.scripts.values(),
             *playbook.avoid.values(), *playbook.strategies.values(), *playbook.drills.values()]
    cited = {ref.split()[0] for item in items for ref in getattr(item, "source", ()) if ref.split()}
    return [s for s in playbook.sources.values() if s.id in cited]


# --- rendering ----------------------------------------------------------------

def _md_text(text: str) -> str:
    """Playbook text shown as typed in Markdown: no markup, link, raw HTML or block of its own (a line break
    followed by `## ...` would open a chapter); controls as visible escapes, as in the HTML."""
    return markdown_text(printable(text))


def render_markdown(blocks: Iterable[Block], locale: str) -> str:
    blocks = list(blocks)
    lines: list[str] = []
    toc = [b for b in blocks if isinstance(b, Heading) and b.level == 2]
    pending_toc = bool(toc)
    for block in blocks:
        if isinstance(block, Heading):
            if block.level == 2 and pending_toc:
                lines += [f"**{_labels(locale)['contents']}**", ""]
                lines += [f"1. [{_md_text(h.text)}](#{h.anchor})" for h in toc]
                lines.append("")
                pending_toc = False
            lines += [f"{'#' * block.level} {_md_text(block.text)}", ""]
        elif isinstance(block, Para):
            text = f"*{_md_text(block.text)}*" if block.css in ("meta", "note") else _md_text(block.text)
            lines += [text, ""]
        elif isinstance(block, Bullets):
            lines += [f"{'1.' if block.ordered else '-'} {_md_text(item)}" for item in block.items]
            lines.append("")
        elif isinstance(block, Table):
            lines.append("| " + " | ".join(_md_text(h) for h in block.headers) + " |")
            lines.append("|" + "---|" * len(block.headers))
            lines += ["| " + " | ".join(_md_text(c) for c in row) + " |" for row in block.rows]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


_CSS = """
:root { --ink: #1d2430; --muted: #5b6472; --rule: #d5dae1; --accent: #1f5fa8; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); line-height: 1.55;
       max-width: 52rem; margin: 2rem auto; padding: 0 1.25rem; font-size: 15px; }
h1 { font-size: 1.9rem; border-bottom: 3px solid var(--accent); padding-bottom: .3rem; }
h2 { font-size: 1.4rem; color: var(--accent); border-bottom: 1px solid var(--rule); margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
p.meta { color: var(--muted); margin: .2rem 0 .6rem; }
p.note { color: var(--muted); font-style: italic; font-size: .9rem; }
nav.toc { background: #f4f6f9; border: 1px solid var(--rule); padding: .6rem 1.2rem; border-radius: 6px; }
nav.toc ol { margin: .3rem 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .93rem; }
th, td { border: 1px solid var(--rule); padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
tr:nth-child(even) td { background: #fafbfc; }
table.steps td:nth-child(1) { width: 2rem; }
table.steps td:nth-child(3), table.steps td:nth-child(4) { white-space: nowrap; }
table.rules { font-size: .86rem; }
table.rules td:nth-child(1) { width: 34%; }
table.rules td:nth-child(4) { white-space: nowrap; }
ul { padding-left: 1.3rem; }
li { margin: .15rem 0; }
a { color: var(--accent); text-decoration: none; }
@page { size: A4; margin: 18mm 16mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  nav.toc { background: none; }
  h2 { break-before: page; }
  h1 + p + nav + h2, h1 + p + p + nav + h2 { break-before: auto; }
  h2, h3 { break-after: avoid; }
  table, tr, li { break-inside: avoid; }
  a { color: inherit; }
}
""".strip()


def render_html(blocks: Iterable[Block], locale: str) -> str:
    blocks = list(blocks)
    esc = html.escape
    title = next((b.text for b in blocks if isinstance(b, Heading) and b.level == 1), "cxcoach")
    toc = [b for b in blocks if isinstance(b, Heading) and b.level == 2]
    body: list[str] = []
    pending_toc = bool(toc)
    for block in blocks:
        if isinstance(block, Heading):
            if block.level == 2 and pending_toc:
                items = "".join(f'<li><a href="#{esc(h.anchor)}">{esc(h.text)}</a></li>' for h in toc)
                body.append(f'<nav class="toc"><strong>{esc(_labels(locale)["contents"])}</strong>'
                            f'<ol>{items}</ol></nav>')
                pending_toc = False
            body.append(f'<h{block.level} id="{esc(block.anchor)}">{esc(block.text)}</h{block.level}>')
        elif isinstance(block, Para):
            css = f' class="{esc(block.css)}"' if block.css else ""
            body.append(f"<p{css}>{esc(block.text)}</p>")
        elif isinstance(block, Bullets):
            tag = "ol" if block.ordered else "ul"
            body.append(f"<{tag}>" + "".join(f"<li>{esc(i)}</li>" for i in block.items) + f"</{tag}>")
        elif isinstance(block, Table):
            head = "".join(f"<th>{esc(h)}</th>" for h in block.headers)
            rows = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in block.rows)
            css = f' class="{esc(block.css)}"' if block.css else ""
            body.append(f"<table{css}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    return (f'<!DOCTYPE html>\n<html lang="{esc(locale)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def export_handbook(playbook: Playbook, *, locale: str | None = None, fmt: str = "md") -> str:
    """The handbook as text; `locale` must be one of the playbook's locales (default: the first)."""
    loc = locale or playbook.default_locale
    if loc not in playbook.locales:
        raise ValueError(f"locale {loc!r} is not a locale of playbook {playbook.id!r} ({', '.join(playbook.locales)})")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (use md or html)")
    blocks = handbook_blocks(playbook, loc)
    return printable(render_html(blocks, loc) if fmt == "html" else render_markdown(blocks, loc))
