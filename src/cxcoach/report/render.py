"""One entry point for every format; each renderer is imported only when its format is asked for."""

from __future__ import annotations

from .model import MonthlyReport

FORMATS = ("html", "md", "json", "csv")


def render(report: MonthlyReport, fmt: str) -> str:
    if fmt == "html":
        from .render_html import render_html

        return render_html(report)
    if fmt == "md":
        from .render_md import render_markdown

        return render_markdown(report)
    if fmt == "json":
        from .render_json import render_json

        return render_json(report)
    if fmt == "csv":
        from .render_csv import render_csv

        return render_csv(report)
    raise ValueError(f"unknown report format {fmt!r}; formats: {', '.join(FORMATS)}")
