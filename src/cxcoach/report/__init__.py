"""The monthly complaint analysis: the handbook's monthly report, computed from the desk's case logs.

Modules, one job each: `period` (the month as instants), `cases` (one case's
figures from its log: durations in business hours, deadline outcomes),
`compute` (pure functions from case figures to the report), `model` (the
typed report, its JSON shape), `source` (reading a month from the store),
and one renderer per format: `render_md`, `render_html` (+ `charts`, which
imports matplotlib only when an HTML report is drawn), `render_json`,
`render_csv`. See docs/report.md for what every figure means.
"""

from __future__ import annotations

from .cases import CaseFigures, Deadline, active_hours, case_figures, reopened_by
from .compute import Options, Scope, monthly_report
from .model import SCHEMA_VERSION, MonthlyReport
from .period import Month, ReportError
from .source import build_monthly, month_figures

__all__ = ["SCHEMA_VERSION", "CaseFigures", "Deadline", "Month", "MonthlyReport", "Options", "ReportError", "Scope",
           "active_hours", "build_monthly", "case_figures", "month_figures", "monthly_report", "reopened_by"]
