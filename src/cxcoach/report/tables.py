"""The report as named tables of display cells: one layout shared by the Markdown and HTML renderers.

Cells are plain text (formatted numbers, labels as written); each renderer
escapes them for its own format. Numbers are formatted here once, so the
Markdown and HTML reports always say the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..engine.calendar import zone
from ..locale_words import word as locale_word
from .labels import word
from .model import Figure, MonthlyReport

HEADINGS: dict[str, dict[str, str]] = {
    "zh": {
        "summary": "关键指标", "figure": "指标", "value": "本月", "previous": "上月", "change": "环比变化",
        "breakdown": "分布", "count": "件数", "share": "占比", "durations": "响应与解决时长（工作小时，不含暂停）",
        "measure": "时长", "group": "范围", "n": "件数", "mean": "平均", "median": "中位数",
        "previous_mean": "上月平均", "deadlines": "时限达成", "deadline": "时限", "on_time": "按时",
        "late": "超期后完成", "open": "超期未完成", "rate": "按时率", "previous_rate": "上月按时率",
        "overdue": "超期案件", "case": "案件", "received_at": "受理时间", "due": "到期时间",
        "met_at": "完成时间", "status": "状态", "past_due": "超期（小时）", "stage": "当前阶段", "handler": "责任人",
        "satisfaction": "回访满意度", "state": "满意程度", "dimensions": "服务质量维度 c = b / a",
        "dimension": "维度", "expected": "期望 a", "perceived": "感知 b", "ratio": "c = b / a",
        "previous_ratio": "上月 c", "root_causes": "根本原因（本月解决的案件）", "root_cause": "根本原因",
        "cases": "案件", "categories": "类别", "measures": "纠正措施", "with_measures": "已写措施",
        "recurring": "重复出现", "handlers": "按责任人", "received": "受理", "resolved": "解决",
        "mean_resolve": "平均解决时长", "respond_rate": "按时响应率", "resolve_rate": "按时解决率",
        "overdue_open": "月末超期", "reopened": "重开", "follow_ups": "回访", "satisfaction_rate": "满意率",
        "mean_ratio": "平均 c", "references": "手册中的参考数字", "daily": "每日受理与解决",
        "date": "日期", "period": "统计期间：{start} – {end}（{tz}）", "as_of": "截至 {at}", "then": "；",
        "partial": "本月尚未结束，数字截至上述时间。",
        "none": "无", "hours_note": "工作小时按手册的营业日历计算（每个工作日 {h} 小时）；客户等待期间暂停计时。",
        "yes": "是", "no": "否", "skipped": "未计入任何统计的案件（存储记录已损坏，无法读取）", "number": "编号",
        "reason": "原因",
    },
    "en": {
        "summary": "Key figures", "figure": "Figure", "value": "This month", "previous": "Last month",
        "change": "Change", "breakdown": "Breakdown", "count": "Cases", "share": "Share",
        "durations": "Time to respond and to resolve (business hours, pauses excluded)", "measure": "Time to",
        "group": "Cases", "n": "n", "mean": "Mean", "median": "Median", "previous_mean": "Mean last month",
        "deadlines": "Deadlines", "deadline": "Deadline", "on_time": "On time", "late": "Met late",
        "open": "Still open", "rate": "On-time rate", "previous_rate": "Last month", "overdue": "Overdue cases",
        "case": "Case", "received_at": "Received", "due": "Due", "met_at": "Met", "status": "Status",
        "past_due": "Hours past due", "stage": "Stage now", "handler": "Handler",
        "satisfaction": "Follow-up satisfaction", "state": "State",
        "dimensions": "Service-quality dimensions, c = b / a", "dimension": "Dimension", "expected": "Expected a",
        "perceived": "Perceived b", "ratio": "c = b / a", "previous_ratio": "c last month",
        "root_causes": "Root causes (cases resolved this month)", "root_cause": "Root cause", "cases": "Cases",
        "categories": "Categories", "measures": "Corrective measures", "with_measures": "With measures",
        "recurring": "Recurring", "handlers": "By handler", "received": "Received", "resolved": "Resolved",
        "mean_resolve": "Mean time to resolve", "respond_rate": "On-time response",
        "resolve_rate": "On-time resolution",
        "overdue_open": "Overdue at end", "reopened": "Reopened", "follow_ups": "Follow-ups",
        "satisfaction_rate": "Satisfaction rate", "mean_ratio": "Mean c", "references": "Figures from the handbooks",
        "daily": "Received and resolved per day", "date": "Date", "period": "Period: {start} – {end} ({tz})",
        "as_of": "As of {at}", "then": "; ",
        "partial": "The month is not over: figures as of the time above.", "none": "none",
        "hours_note": "Business hours on the playbook's calendar ({h} hours a working day); "
                      "time spent waiting on the customer is not counted.",
        "yes": "yes", "no": "no", "skipped": "Cases left out of every figure (their stored records are damaged)",
        "number": "Number", "reason": "Why",
    },
}


def heading(locale: str, key: str) -> str:
    return locale_word(HEADINGS, locale, key)


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def hours(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} h"


def ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def number(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def figure_value(unit: str, value: float | None) -> str:
    if unit == "rate":
        return pct(value)
    if unit == "hours":
        return hours(value)
    if unit == "ratio":
        return ratio(value)
    return "–" if value is None else str(int(value))


def figure_change(f: Figure) -> str:
    if f.change is None:
        return "–"
    sign = "+" if f.change > 0 else ("±" if f.change == 0 else "−")
    size = abs(f.change)
    if f.unit == "rate":
        text = f"{size * 100:.1f} pp"
    elif f.unit == "hours":
        text = f"{size:.1f} h"
    elif f.unit == "ratio":
        text = f"{size:.2f}"
    else:
        text = str(int(size))
    relative = ""
    if f.unit in ("count", "hours") and f.previous:
        relative = f" ({f.change / f.previous * 100:+.0f}%)".replace("-", "−")
    return f"{sign}{text}{relative}"


def when(value: dt.datetime | None, tz: str) -> str:
    if value is None:
        return "–"
    return value.astimezone(zone(tz)).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True, slots=True)
class Table:
    key: str  # the section it belongs to (HTML ids, chart placement)
    title: str
    header: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()  # columns to right-align


def tables(report: MonthlyReport) -> list[Table]:
    """Every table of the report, in reading order."""
    loc, tz = report.locale, report.timezone

    def h(key: str) -> str:
        return heading(loc, key)

    out = []
    if report.skipped_cases:  # first: every figure below is short of these cases, and the reader must know why
        out.append(Table("skipped", f"{h('skipped')} ({len(report.skipped_cases)})",
                         [h("case"), h("number"), h("reason")],
                         [[s.ref, f"#{s.id}", s.reason] for s in report.skipped_cases]))
    out.append(Table("summary", h("summary"), [h("figure"), h("value"), h("previous"), h("change")],
                     [[f.label, figure_value(f.unit, f.value), figure_value(f.unit, f.previous), figure_change(f)]
                      for f in report.summary], frozenset({1, 2, 3})))
    for b in report.breakdowns:
        out.append(Table(f"breakdown-{b.fact}", b.label, [b.label, h("count"), h("share"), h("previous")],
                         [[r.label, str(r.count), pct(r.share), str(r.previous)] for r in b.rows],
                         frozenset({1, 2, 3})))
    out.append(Table("durations", h("durations"),
                     [h("measure"), h("group"), h("n"), h("mean"), h("median"), h("previous_mean")],
                     [[word(loc, f"{d.measure}_time"), d.label, str(d.n), hours(d.mean_hours), hours(d.median_hours),
                       hours(d.previous_mean_hours)] for d in report.durations], frozenset({2, 3, 4, 5})))
    out.append(Table("deadlines", h("deadlines"),
                     [h("deadline"), h("on_time"), h("late"), h("open"), h("rate"), h("previous_rate")],
                     [[d.label, str(d.on_time), str(d.late), str(d.open), pct(d.on_time_rate),
                       pct(d.previous_on_time_rate)] for d in report.deadlines], frozenset({1, 2, 3, 4, 5})))
    facts = list(report.overdue[0].facts) if report.overdue else []
    fact_labels = {b.fact: b.label for b in report.breakdowns}
    out.append(Table("overdue", f"{h('overdue')} ({len({o.id for o in report.overdue})})",
                     [h("case"), h("received_at"), h("deadline"), h("due"), h("met_at"), h("status"), h("past_due"),
                      h("stage"), h("handler"), *[fact_labels.get(f, f) for f in facts]],
                     [[o.case, when(o.received_at, tz), word(loc, o.target), when(o.due, tz), when(o.met_at, tz),
                       word(loc, o.status), f"{o.hours_past_due:.1f}", o.stage, o.handler or "–",
                       *[o.facts.get(f, "") for f in facts]] for o in report.overdue], frozenset({6})))
    out.append(Table("satisfaction", h("satisfaction"), [h("state"), h("count"), h("share"), h("previous")],
                     [[s.label, str(s.count), pct(s.share), str(s.previous)] for s in report.satisfaction],
                     frozenset({1, 2, 3})))
    out.append(Table("dimensions", h("dimensions"),
                     [h("dimension"), h("n"), h("expected"), h("perceived"), h("ratio"), h("previous_ratio")],
                     [[d.label, str(d.n), number(d.mean_expected), number(d.mean_perceived), ratio(d.mean_ratio),
                       ratio(d.previous_mean_ratio)] for d in report.dimensions], frozenset({1, 2, 3, 4, 5})))
    out.append(Table("root_causes", h("root_causes"),
                     [h("root_cause"), h("count"), h("recurring"), h("categories"), h("with_measures"), h("measures"),
                      h("cases")],
                     [[r.text, str(r.count), h("yes") if r.recurring else h("no"), ", ".join(r.categories),
                       str(r.with_measures), " / ".join(r.measures), ", ".join(r.cases[:10])
                       + (" …" if len(r.cases) > 10 else "")] for r in report.root_causes], frozenset({1, 4})))
    if report.handler_fact is not None:
        out.append(Table("handlers", h("handlers"),
                         [h("handler"), h("received"), h("resolved"), h("mean_resolve"), h("respond_rate"),
                          h("resolve_rate"), h("overdue_open"), h("reopened"), h("follow_ups"),
                          h("satisfaction_rate"), h("mean_ratio")],
                         [[x.handler or word(loc, "unassigned"), str(x.received), str(x.resolved),
                           hours(x.mean_resolve_hours), pct(x.respond_on_time_rate), pct(x.resolve_on_time_rate),
                           str(x.overdue_open), str(x.reopened), str(x.follow_ups), pct(x.satisfaction_rate),
                           ratio(x.mean_ratio)] for x in report.handlers], frozenset(range(1, 11))))
    return out
