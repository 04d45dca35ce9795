"""The report as one self-contained HTML page: tables, inline SVG charts, print CSS; no script, no network.

The page is well-formed XML as well as HTML (void elements closed, no named
entities), so it can be checked and post-processed with any XML tool. Every
text from cases and playbooks is escaped; a Content-Security-Policy forbids
scripts and outside resources even if something slipped through.
"""

from __future__ import annotations

import html

from ..sanitize import strip_controls
from . import charts
from .labels import word
from .model import MonthlyReport
from .tables import Table, figure_change, figure_value, heading, tables, when

CSS = """
:root { --ink: #1b1b1b; --muted: #666; --line: #d9d9d9; --accent: #1f6fb2; --bad: #c0392b; --good: #3a8f4b; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; color: var(--ink);
       margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.45; font-size: 14px; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .6rem; border-bottom: 2px solid var(--accent); padding-bottom: .2rem; }
.meta, .note { color: var(--muted); margin: .2rem 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .6rem; margin: 1rem 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .7rem; }
.card .v { font-size: 1.35rem; font-weight: 600; }
.card .l, .card .c { color: var(--muted); font-size: .85rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .9rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f6f9; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: .5rem 0 1rem; }
figure svg { max-width: 100%; height: auto; }
.none { color: var(--muted); font-style: italic; }
ul.refs { color: var(--muted); }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  table, figure, .cards { break-inside: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  th { background: none; }
  .card { border-color: #999; }
  a { color: inherit; text-decoration: none; }
}
"""


def esc(text: object) -> str:
    return html.escape(strip_controls(str(text)), quote=True)


def _table(table: Table, loc: str) -> str:
    if not table.rows:
        return f'<p class="none">{esc(heading(loc, "none"))}</p>'

    def cls(i: int) -> str:
        return ' class="n"' if i in table.numeric else ""

    head = "".join(f"<th{cls(i)}>{esc(c)}</th>" for i, c in enumerate(table.header))
    body = "\n".join("<tr>" + "".join(f"<td{cls(i)}>{esc(c)}</td>" for i, c in enumerate(row)) + "</tr>"
                     for row in table.rows)
    return f"<table><thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>"


def _charts(report: MonthlyReport) -> dict[str, str]:
    """section key -> inline SVG placed above that section's table."""
    loc = report.locale
    names = (report.month, report.previous_month)
    out: dict[str, str] = {}
    if any(d.received or d.resolved for d in report.daily):
        out["summary"] = charts.daily(heading(loc, "daily"), [d.date.isoformat() for d in report.daily],
                                      [d.received for d in report.daily], [d.resolved for d in report.daily],
                                      (heading(loc, "received"), heading(loc, "resolved")))
    for b in report.breakdowns:
        if any(r.count or r.previous for r in b.rows):
            out[f"breakdown-{b.fact}"] = charts.bars(b.label, [r.label for r in b.rows], [r.count for r in b.rows],
                                                     [r.previous for r in b.rows], names)
    if report.deadlines:
        out["deadlines"] = charts.bars(heading(loc, "deadlines"), [d.label for d in report.deadlines],
                                       [d.on_time_rate or 0.0 for d in report.deadlines],
                                       [d.previous_on_time_rate or 0.0 for d in report.deadlines], names, percent=True)
    if any(s.count or s.previous for s in report.satisfaction):
        before = sum(s.previous for s in report.satisfaction)
        out["satisfaction"] = charts.bars(heading(loc, "satisfaction"), [s.label for s in report.satisfaction],
                                          [s.share or 0.0 for s in report.satisfaction],
                                          [s.previous / before for s in report.satisfaction] if before else None,
                                          names, percent=True)
    if any(d.n for d in report.dimensions):
        out["dimensions"] = charts.bars(heading(loc, "dimensions"), [d.label for d in report.dimensions],
                                        [d.mean_ratio or 0.0 for d in report.dimensions],
                                        [d.previous_mean_ratio or 0.0 for d in report.dimensions], names,
                                        reference=1.0)
    return out


def render_html(report: MonthlyReport) -> str:
    loc, tz = report.locale, report.timezone
    title = f"{report.title} {report.month}"
    svg = _charts(report)
    period = heading(loc, "period").format(start=when(report.start, tz), end=when(report.end, tz), tz=tz)
    parts = [
        "<!DOCTYPE html>",
        f'<html xmlns="http://www.w3.org/1999/xhtml" lang="{esc(loc)}"><head><meta charset="utf-8" />',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />',
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">{esc(period)}'
        f" · {esc(heading(loc, 'as_of').format(at=when(report.as_of, tz)))} · {esc(report.playbook)}</p>",
    ]
    if report.partial:
        parts.append(f'<p class="note"><strong>{esc(heading(loc, "partial"))}</strong></p>')
    parts.append(f'<p class="note">{esc(heading(loc, "hours_note").format(h=f"{report.working_day_hours:g}"))}</p>')
    cards = "".join(
        f'<div class="card"><div class="l">{esc(f.label)}</div><div class="v">{esc(figure_value(f.unit, f.value))}'
        f'</div><div class="c">{esc(heading(loc, "previous"))} {esc(figure_value(f.unit, f.previous))} · '
        f"{esc(figure_change(f))}</div></div>" for f in report.summary)
    parts.append(f'<section id="cards"><div class="cards">{cards}</div></section>')
    for table in tables(report):
        parts.append(f'<section id="{esc(table.key)}"><h2>{esc(table.title)}</h2>')
        if table.key in svg:
            parts.append(f"<figure>{svg[table.key]}</figure>")
        parts.append(_table(table, loc) + "</section>")
    if report.references:
        items = "".join(f"<li>{esc(r.text)} ({esc(', '.join(r.source))})</li>" for r in report.references)
        parts.append(f'<section id="references"><h2>{esc(heading(loc, "references"))}</h2>'
                     f'<ul class="refs">{items}</ul></section>')
    parts.append(f'<p class="meta">cxcoach · {esc(word(loc, "title_fallback"))} · schema {report.schema_version}</p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
