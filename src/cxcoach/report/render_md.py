"""The report as Markdown (for a wiki, an e-mail, a pull request): the same tables as the HTML report."""

from __future__ import annotations

from ..sanitize import markdown_text as cell
from .model import MonthlyReport
from .tables import heading, tables, when


def render_markdown(report: MonthlyReport) -> str:
    loc, tz = report.locale, report.timezone
    lines = [f"# {cell(report.title)} {report.month}", "",  # the zone is the playbook's: an IANA name
             heading(loc, "period").format(start=when(report.start, tz), end=when(report.end, tz), tz=tz)
             + heading(loc, "then") + heading(loc, "as_of").format(at=when(report.as_of, tz))]
    if report.partial:
        lines += ["", f"> {heading(loc, 'partial')}"]
    lines += ["", heading(loc, "hours_note").format(h=f"{report.working_day_hours:g}")]
    for table in tables(report):
        lines += ["", f"## {cell(table.title)}", ""]
        if not table.rows:
            lines.append(f"_{heading(loc, 'none')}_")
            continue
        align = ["---:" if i in table.numeric else "---" for i in range(len(table.header))]
        lines.append("| " + " | ".join(cell(c) for c in table.header) + " |")
        lines.append("| " + " | ".join(align) + " |")
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in table.rows]
    if report.references:
        lines += ["", f"## {heading(loc, 'references')}", ""]
        lines += [f"- {cell(r.text)} ({cell(', '.join(r.source))})" for r in report.references]
    return "\n".join(lines) + "\n"
