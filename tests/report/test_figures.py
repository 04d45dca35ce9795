"""The report's figures on a month worked out by hand (tests/report/handchecked.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from cxcoach.desk import Desk
from cxcoach.playbook import load_playbook
from cxcoach.report import Month, MonthlyReport, build_monthly
from cxcoach.store import Store

from .handchecked import H1, H2, record, t

OCT = Month(2026, 10)
NOV_1 = t(11, 1, 0)


@pytest.fixture(scope="module")
def playbook():
    pb = load_playbook()
    cal = pb.calendar
    # the calendar the sums below assume
    assert not cal.is_working_day(dt.date(2026, 10, 1)) and not cal.is_working_day(dt.date(2026, 10, 7))
    assert not cal.is_working_day(dt.date(2026, 9, 25)) and cal.is_working_day(dt.date(2026, 10, 10))
    assert cal.is_working_day(dt.date(2026, 10, 8))
    return pb


@pytest.fixture
def report(db_target: str, playbook) -> MonthlyReport:
    with Store.open(db_target) as store:
        record(Desk(store, playbook, clock=lambda: t(11, 5, 9)))
        return build_monthly(store.cases, playbook, OCT, now=t(11, 5, 9), locale="en")


def value(report: MonthlyReport, key: str) -> tuple[float | None, float | None]:
    f = report.figure(key)
    return f.value, f.previous


def test_counts_rates_and_month_over_month(report: MonthlyReport) -> None:
    assert report.as_of == NOV_1 and not report.partial and report.previous_month == "2026-09"
    assert value(report, "received") == (3, 2)  # A, C, D | F, B
    assert value(report, "resolved") == (3, 1)  # A, B (Oct 8), D (final resolution Oct 23) | F
    assert value(report, "closed") == (2, 1)
    assert value(report, "open_at_end") == (2, 1)  # B (resolved, not closed), C | B
    assert value(report, "resolution_rate") == (pytest.approx(2 / 3), pytest.approx(1 / 2))
    assert report.figure("resolution_rate").n == 3
    assert value(report, "reopen_rate") == (pytest.approx(1 / 3), 0.0)  # D reopened, over {A, B, D}
    assert value(report, "overdue_open") == (1, 0)  # C; at the end of September B's resolve was not due yet
    assert report.figure("received").change == 1
    assert report.figure("resolve_mean_hours").change == pytest.approx(38 / 3 - 9)


def test_times_in_business_hours_across_weekend_holiday_and_pause(report: MonthlyReport) -> None:
    # respond: A 16:00->16:30 = 0.5 h; D 10:00->11:00 = 1 h | F 1 h; B 17:00->17:45 but work ends 17:30 = 0.5 h
    assert value(report, "respond_mean_hours") == (pytest.approx(0.75), pytest.approx(0.75))
    assert value(report, "respond_median_hours") == (pytest.approx(0.75), pytest.approx(0.75))
    # resolve: A Fri 16:00 -> Mon 11:00 = 1.5 + 9 (make-up Saturday) + 2.5 = 13 h, less the pause Fri 17:00 -> Mon 10:00
    #            (0.5 + 9 + 1.5 = 11 h) = 2 h;
    #          B Wed Sep 30 17:00 -> Thu Oct 8 12:00 across National Day = 0.5 + 3.5 = 4 h;
    #          D Tue 10:00 -> Fri 15:00 (reopened in between) = 7.5 + 9 + 9 + 6.5 = 32 h
    #        | F Thu Sep 24 10:00 -> Mon Sep 28 10:00, Friday a holiday = 7.5 + 1.5 = 9 h
    assert value(report, "resolve_mean_hours") == (pytest.approx(38 / 3), pytest.approx(9.0))
    assert value(report, "resolve_median_hours") == (pytest.approx(4.0), pytest.approx(9.0))
    by_severity = {(d.measure, d.group): (d.n, d.mean_hours) for d in report.durations}
    assert by_severity[("resolve", None)] == (3, pytest.approx(38 / 3))
    assert by_severity[("resolve", "major")] == (1, pytest.approx(4.0))
    assert by_severity[("resolve", "general")] == (2, pytest.approx(17.0))
    assert by_severity[("respond", "general")] == (2, pytest.approx(0.75))
    assert report.working_day_hours == 9


def test_deadlines_decided_in_the_month(report: MonthlyReport) -> None:
    stats = {d.target: d for d in report.deadlines}
    # respond: A and D on time, C overdue and unanswered (B's was missed on Sep 30, a September figure)
    assert (stats["respond"].on_time, stats["respond"].late, stats["respond"].open) == (2, 0, 1)
    assert stats["respond"].on_time_rate == pytest.approx(2 / 3)
    assert stats["respond"].previous_on_time_rate == pytest.approx(1 / 2)  # F on time, B 15 minutes late
    # resolve: A on time (its 3 days pushed by the 65-hour pause), B due Oct 3 17:00, D due Fri 10:00, C open
    assert (stats["resolve"].on_time, stats["resolve"].late, stats["resolve"].open) == (1, 2, 1)
    assert stats["resolve"].on_time_rate == pytest.approx(1 / 4)
    assert stats["resolve"].previous_on_time_rate == 0.0  # F due Sun Sep 27 10:00, resolved Monday


def test_overdue_list(report: MonthlyReport) -> None:
    rows = [(o.case, o.target, o.status, o.due, o.met_at, round(o.hours_past_due, 2)) for o in report.overdue]
    assert rows == [
        ("C", "respond", "open", t(10, 12, 17, 30), None, 462.5),  # to Nov 1 00:00
        ("C", "resolve", "open", t(10, 15, 9), None, 399.0),
        ("B", "resolve", "late", t(10, 3, 17), t(10, 8, 12), 115.0),
        ("D", "resolve", "late", t(10, 23, 10), t(10, 23, 15), 5.0),
    ]
    assert report.overdue[0].handler == H1 and report.overdue[0].facts["channel"] == "Website or online form"


def test_satisfaction_and_c_by_dimension(report: MonthlyReport) -> None:
    assert value(report, "follow_ups") == (2, 1)
    assert value(report, "satisfaction_rate") == (0.5, 1.0)  # A satisfied, D dissatisfied | F satisfied
    # c per case = sum b / sum a: A 15/16, D 6/9
    assert value(report, "mean_ratio") == (pytest.approx((15 / 16 + 6 / 9) / 2), None)
    states = {s.state: (s.count, s.previous) for s in report.satisfaction}
    assert states == {"very_satisfied": (0, 0), "satisfied": (1, 1), "neutral": (0, 0), "dissatisfied": (1, 0),
                      "very_dissatisfied": (0, 0)}
    dims = {d.dimension: d for d in report.dimensions}
    reliability = dims["reliability"]
    assert (reliability.n, reliability.mean_expected, reliability.mean_perceived) == (2, 8.5, 7.5)
    assert dims["reliability"].mean_ratio == pytest.approx((9 / 8 + 6 / 9) / 2)
    assert dims["responsiveness"].mean_ratio == pytest.approx(0.75) and dims["empathy"].n == 0
    assert dims["empathy"].mean_ratio is None


def test_breakdowns_root_causes_and_handlers(report: MonthlyReport) -> None:
    channel = {r.value: (r.count, r.previous) for r in next(b for b in report.breakdowns if b.fact == "channel").rows}
    assert channel == {"phone": (1, 2), "web": (1, 0), "hotline": (1, 0)}
    category = next(b for b in report.breakdowns if b.fact == "category")
    assert [(r.value, r.count, r.share) for r in category.rows] == [
        ("product_quality", 0, 0.0),
        ("after_sales", 1, pytest.approx(1 / 3)), ("logistics", 1, pytest.approx(1 / 3)),
        ("billing", 1, pytest.approx(1 / 3))]
    causes = [(r.text, r.count, r.recurring, r.cases, r.with_measures) for r in report.root_causes]
    assert causes == [("Meter misread", 2, True, ["B", "A"], 1), ("Part out of stock", 1, False, ["D"], 0)]
    handlers = {h.handler: h for h in report.handlers}
    assert list(handlers) == [H1, H2, None]
    h1 = handlers[H1]
    assert (h1.received, h1.resolved, h1.mean_resolve_hours, h1.overdue_open, h1.follow_ups) == (2, 1, 2.0, 1, 1)
    assert (h1.respond_on_time_rate, h1.resolve_on_time_rate, h1.satisfaction_rate) == (0.5, 0.5, 1.0)
    h2 = handlers[H2]
    assert (h2.received, h2.resolved, h2.mean_resolve_hours, h2.respond_on_time_rate, h2.resolve_on_time_rate) == (
        0, 1, 4.0, None, 0.0)
    none = handlers[None]
    assert (none.received, none.reopened, none.satisfaction_rate, none.mean_resolve_hours) == (1, 1, 0.0, 32.0)


def test_an_empty_month_and_a_month_not_over(db_target: str, playbook) -> None:
    with Store.open(db_target) as store:
        empty = build_monthly(store.cases, playbook, OCT, now=t(11, 5, 9))
        assert value(empty, "received") == (0, 0) and value(empty, "resolution_rate") == (None, None)
        assert empty.overdue == [] and empty.root_causes == [] and empty.handlers == []
        assert all(d.count == 0 for d in empty.satisfaction) and len(empty.daily) == 31
        record(Desk(store, playbook, clock=lambda: t(11, 5, 9)))
        # December: nothing received, but B and C are still open (C overdue since October)
        december = build_monthly(store.cases, playbook, Month(2026, 12), now=t(12, 10, 12))
        assert december.partial and december.as_of == t(12, 10, 12)
        assert value(december, "received") == (0, 0) and value(december, "open_at_end") == (2, 2)
        assert [(o.case, o.target) for o in december.overdue] == [("C", "respond"), ("C", "resolve")]
        # October seen on Oct 16 (before D arrived): only what happened by then counts
        early = build_monthly(store.cases, playbook, OCT, now=t(11, 5, 9), as_of=t(10, 16, 0))
        assert early.partial and value(early, "received")[0] == 2 and value(early, "resolved")[0] == 2
