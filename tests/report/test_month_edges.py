"""Which month a case belongs to is decided in the playbook's zone, on both backends: a complaint received at
23:30 on the last evening of November in Shanghai (15:30 UTC) is November's, one at 00:30 on 1 December (still
30 November in UTC) is December's; a month with holidays and make-up Saturdays counts business hours on them."""

from __future__ import annotations

import datetime as dt

from cxcoach.desk import Desk
from cxcoach.playbook import load_playbook
from cxcoach.report import Month, build_monthly
from cxcoach.store import Store

TZ = dt.timezone(dt.timedelta(hours=8))
UTC = dt.UTC


def figures(report) -> dict[str, object]:
    return {f.id: f.value for f in report.summary}


def test_the_month_of_a_case_is_taken_in_the_playbooks_zone(db_target: str) -> None:
    playbook = load_playbook()
    with Store.open(db_target) as store:
        desk = Desk(store, playbook, clock=lambda: dt.datetime(2027, 1, 5, tzinfo=UTC))
        desk.open(facts={"severity": "general", "channel": "web"}, external_id="LATE",
                  at=dt.datetime(2026, 11, 30, 15, 30, tzinfo=UTC))  # 23:30 in Shanghai
        desk.open(facts={"severity": "general", "channel": "web"}, external_id="EARLY",
                  at=dt.datetime(2026, 11, 30, 16, 30, tzinfo=UTC))  # 00:30 on 1 December in Shanghai
        desk.update("LATE", stage="resolved", at=dt.datetime(2026, 12, 1, 9, 30, tzinfo=TZ))
        nov = build_monthly(store.cases, playbook, Month(2026, 11), now=dt.datetime(2027, 1, 5, tzinfo=UTC))
        dec = build_monthly(store.cases, playbook, Month(2026, 12), now=dt.datetime(2027, 1, 5, tzinfo=UTC))
    assert figures(nov)["received"] == 1 and figures(nov)["resolved"] == 0 and figures(nov)["open_at_end"] == 1
    assert figures(dec)["received"] == 1 and figures(dec)["resolved"] == 1
    assert [d.date for d in nov.daily if d.received] == [dt.date(2026, 11, 30)]
    assert [d.date for d in dec.daily if d.received] == [dt.date(2026, 12, 1)]
    # received 23:30 Monday (after hours): the first business hour is 08:30 Tuesday, so one hour to resolve
    assert figures(dec)["resolve_mean_hours"] == 1.0


def test_spring_festival_counts_make_up_saturdays_and_skips_the_holiday(db_target: str) -> None:
    playbook = load_playbook()
    with Store.open(db_target) as store:
        desk = Desk(store, playbook, clock=lambda: dt.datetime(2026, 3, 5, tzinfo=TZ))
        # Friday 13 Feb 17:00; Saturday 14 Feb is a make-up workday, 15-23 Feb rest and holidays
        desk.open(facts={"severity": "general", "channel": "phone"}, external_id="SF",
                  at=dt.datetime(2026, 2, 13, 17, 0, tzinfo=TZ))
        desk.update("SF", stage="acknowledged", by="complaint_handler", at=dt.datetime(2026, 2, 14, 9, 0, tzinfo=TZ))
        desk.update("SF", stage="resolved", at=dt.datetime(2026, 2, 24, 10, 0, tzinfo=TZ))
        feb = build_monthly(store.cases, playbook, Month(2026, 2), now=dt.datetime(2026, 3, 5, tzinfo=TZ))
    # 17:00-17:30 Friday + 08:30-09:00 on the make-up Saturday; then a full Saturday and 08:30-10:00 on 24 Feb
    assert figures(feb)["respond_mean_hours"] == 1.0
    assert figures(feb)["resolve_mean_hours"] == 0.5 + 9 + 1.5
