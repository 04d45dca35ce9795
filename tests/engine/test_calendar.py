from __future__ import annotations

import datetime as dt

import pytest

from cxcoach.engine.calendar import (
    add_duration,
    business_minutes_between,
    check_calendar,
    end_of_business_day,
)
from cxcoach.playbook.model import Calendar, Duration

SH = Calendar("Asia/Shanghai", dt.time(9), dt.time(17), frozenset(range(5)),
              holidays=frozenset({dt.date(2026, 10, 1), dt.date(2026, 10, 2)}),
              workdays=frozenset({dt.date(2026, 9, 27)}))  # a Sunday make-up day
NY = Calendar("America/New_York", dt.time(9), dt.time(17), frozenset(range(5)))


def at(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s)


def add(cal, start, duration):
    return add_duration(cal, at(start), Duration.parse(duration))


@pytest.mark.parametrize(("start", "duration", "expected"), [
    # Friday 16:00 + 1bh lands exactly at closing, not Monday morning
    ("2026-03-06T16:00+08:00", "1bh", "2026-03-06T17:00+08:00"),
    # Friday 17:00 sharp: nothing left today, Monday 09:00 + 1h
    ("2026-03-06T17:00+08:00", "1bh", "2026-03-09T10:00+08:00"),
    ("2026-03-06T16:30+08:00", "2bh", "2026-03-09T10:30+08:00"),
    # weekend arrival starts counting Monday 09:00
    ("2026-03-07T11:00+08:00", "4bh", "2026-03-09T13:00+08:00"),
    # before opening / after midnight
    ("2026-03-04T00:00+08:00", "1bh", "2026-03-04T10:00+08:00"),
    ("2026-03-03T23:59+08:00", "30m", "2026-03-04T00:29+08:00"),
    # holiday (Thu 1 + Fri 2 Oct) skipped
    ("2026-09-30T16:00+08:00", "2bh", "2026-10-05T10:00+08:00"),
    # Sunday 27 Sep is a make-up workday
    ("2026-09-26T12:00+08:00", "1bh", "2026-09-27T10:00+08:00"),
    # business days are whole working-day lengths of business time
    ("2026-03-04T10:00+08:00", "1bd", "2026-03-05T10:00+08:00"),
    ("2026-03-06T10:00+08:00", "2bd", "2026-03-10T10:00+08:00"),
    ("2026-03-07T10:00+08:00", "1bd", "2026-03-09T17:00+08:00"),
    # end of business day
    ("2026-03-04T10:00+08:00", "end_of_business_day", "2026-03-04T17:00+08:00"),
    ("2026-03-04T17:00+08:00", "end_of_business_day", "2026-03-05T17:00+08:00"),
    ("2026-03-06T18:00+08:00", "end_of_business_day", "2026-03-09T17:00+08:00"),
    ("2026-03-04T07:00+08:00", "end_of_business_day", "2026-03-04T17:00+08:00"),
    # wall-clock units ignore the calendar
    ("2026-03-06T16:00+08:00", "3h", "2026-03-06T19:00+08:00"),
    ("2026-03-06T16:00+08:00", "2d", "2026-03-08T16:00+08:00"),
])
def test_shanghai_deadlines(start, duration, expected):
    assert add(SH, start, duration) == at(expected)


def test_results_are_in_the_calendar_time_zone():
    due = add(SH, "2026-03-06T08:00:00+00:00", "1bh")  # 16:00 Shanghai
    assert due.isoformat() == "2026-03-06T17:00:00+08:00"


def test_dst_spring_forward_new_york():
    # 2026-03-08 02:00 EST -> 03:00 EDT
    assert add(NY, "2026-03-07T12:00-05:00", "1d").isoformat() == "2026-03-08T12:00:00-04:00"  # 23 real hours
    assert add(NY, "2026-03-07T12:00-05:00", "24h").isoformat() == "2026-03-08T13:00:00-04:00"
    assert add(NY, "2026-03-08T01:30-05:00", "1h").isoformat() == "2026-03-08T03:30:00-04:00"
    # Friday 16:00 EST + 2bh -> Monday 10:00 EDT: working hours stay local wall times
    assert add(NY, "2026-03-06T16:00-05:00", "2bh").isoformat() == "2026-03-09T10:00:00-04:00"
    assert business_minutes_between(NY, at("2026-03-06T16:00-05:00"), at("2026-03-09T10:00-04:00")) == 120


def test_dst_fall_back_new_york():
    assert add(NY, "2026-10-31T12:00-04:00", "1d").isoformat() == "2026-11-01T12:00:00-05:00"
    assert add(NY, "2026-10-30T16:00-04:00", "2bh").isoformat() == "2026-11-02T10:00:00-05:00"


def test_business_minutes_between_skips_nights_weekends_and_holidays():
    assert business_minutes_between(SH, at("2026-03-06T16:00+08:00"), at("2026-03-09T10:00+08:00")) == 120
    assert business_minutes_between(SH, at("2026-09-30T16:00+08:00"), at("2026-10-05T10:00+08:00")) == 120
    assert business_minutes_between(SH, at("2026-03-09T10:00+08:00"), at("2026-03-06T10:00+08:00")) == 0


def test_midnight_end_means_24_00():
    late = Calendar("UTC", dt.time(18), dt.time(0), frozenset(range(7)))
    assert check_calendar(late) == []
    assert add(late, "2026-03-04T23:00+00:00", "2bh").isoformat() == "2026-03-05T19:00:00+00:00"
    assert end_of_business_day(late, at("2026-03-04T20:00+00:00")).isoformat() == "2026-03-05T00:00:00+00:00"


@pytest.mark.parametrize(("cal", "needle"), [
    (Calendar("UTC", dt.time(17), dt.time(9), frozenset(range(5))), "end (09:00) before they start (17:00)"),
    (Calendar("UTC", dt.time(9), dt.time(9), frozenset(range(5))), "start and end at the same time"),
    (Calendar("Mars/Olympus", dt.time(9), dt.time(17), frozenset(range(5))), "unknown time zone 'Mars/Olympus'"),
    (Calendar("UTC", dt.time(9), dt.time(17), frozenset()), "no working weekday"),
    (Calendar("UTC", dt.time(9), dt.time(17), frozenset({7})), "weekdays must be 0 (Monday) to 6"),
    (Calendar("UTC", dt.time(9), dt.time(17), frozenset(range(5)), frozenset({dt.date(2026, 1, 1)}),
              frozenset({dt.date(2026, 1, 1)})), "both holidays and make-up workdays: 2026-01-01"),
])
def test_invalid_calendars_are_reported(cal, needle):
    problems = check_calendar(cal)
    assert any(needle in p for p in problems), problems


def test_valid_calendar_has_no_problems():
    assert check_calendar(SH) == [] and check_calendar(NY) == []


def test_a_calendar_with_no_working_day_raises_instead_of_hanging():
    from cxcoach.engine.calendar import CalendarError

    never = Calendar("UTC", dt.time(9), dt.time(17), frozenset())
    with pytest.raises(CalendarError):
        add(never, "2026-03-04T10:00+00:00", "1bh")


def test_invalid_working_hours_are_rejected_at_load(tmp_path):
    """The loader (playbook/build.py) refuses what check_calendar calls invalid."""
    from cxcoach.playbook import PlaybookError, load_playbook

    path = tmp_path / "pb.yaml"
    path.write_text(
        "playbook: {id: x, title: X, version: 1.0.0, locales: [en]}\n"
        "calendar: {timezone: Asia/Shanghai, working_hours: {start: '18:00', end: '09:00'}, weekdays: [mon]}\n"
    )
    with pytest.raises(PlaybookError) as info:
        load_playbook(path)
    assert any("working hours" in p.message for p in info.value.problems)
    assert check_calendar(Calendar("Asia/Shanghai", dt.time(18), dt.time(9), frozenset({0})))


def test_holiday_arrival_waits_for_the_next_working_day():
    assert add(SH, "2026-10-01T10:00+08:00", "end_of_business_day") == at("2026-10-05T17:00+08:00")
    assert add(SH, "2026-10-02T23:30+08:00", "30m") == at("2026-10-03T00:00+08:00")


from hypothesis import given, settings  # noqa: E402 - imported with the property tests of this section
from hypothesis import strategies as st  # noqa: E402 - imported with the property tests of this section

from cxcoach.engine.calendar import add_business_minutes  # noqa: E402 - imported with the property tests of this section


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 12, 31),
                       timezones=st.just(dt.UTC)),
    minutes=st.integers(min_value=1, max_value=5 * 8 * 60),
    cal=st.sampled_from([SH, NY]),
)
def test_adding_business_minutes_round_trips(start, minutes, cal):
    due = add_business_minutes(cal, start, minutes)
    assert due > start
    assert business_minutes_between(cal, start, due) == pytest.approx(minutes)
    # the deadline never falls outside working hours
    local = due.astimezone(cal_zone(cal))
    assert cal.start <= local.time() <= cal.end or local.time() == dt.time(0)


def cal_zone(cal):
    from zoneinfo import ZoneInfo

    return ZoneInfo(cal.timezone)
