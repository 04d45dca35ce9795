"""Holiday sources: the `holidays` package's data against the official notice, estimated and
uncovered years and their notes, the playbook's own days overriding the source, other countries."""

from __future__ import annotations

import datetime as dt
import functools
import textwrap
from pathlib import Path

import pytest
import yaml

from cxcoach.engine import recommend
from cxcoach.engine.calendar import add_duration, business_minutes_between
from cxcoach.engine.calendar_days import DayKind, calendar_notes, coverage, describe_day, year_status
from cxcoach.playbook import PlaybookError, check_playbook, default_playbook_path, load_playbook
from cxcoach.playbook.holiday_data import resolve
from cxcoach.playbook.model import Calendar, Duration, HolidaySource, SourceYear, Text, YearStatus

NOTICE = yaml.safe_load((Path(__file__).parent / "fixtures" / "cn_2026_notice.yaml").read_text(encoding="utf-8"))
D = dt.date.fromisoformat


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def days(first: str, last: str) -> list[dt.date]:
    return [D(first) + dt.timedelta(days=n) for n in range((D(last) - D(first)).days + 1)]


def notice_working_day(day: dt.date) -> bool:
    """Whether the notice (and the weekend rule) makes `day` a working day."""
    for item in NOTICE["notice"]:
        if day in days(*item["days_off"]):
            return False
        if day.isoformat() in item["worked"]:
            return True
    return day.weekday() < 5


def pb(write, calendar: str, *, deadlines: str = "{respond: end_of_business_day, resolve: 2bd}",
       name: str = "pb/playbook.yaml"):
    path = write(name, "playbook: {id: t, title: T, version: 1.0.0, locales: [zh, en]}\n"
                 f"calendar:\n{textwrap.indent(calendar.strip(), '  ')}\n"
                 f"deadlines: {deadlines}\n")
    return load_playbook(path, cache=False)


CN = """\
timezone: Asia/Shanghai
working_hours: {start: "08:30", end: "17:30"}
weekdays: [mon, tue, wed, thu, fri]
"""


# -- China 2026: the source against the State Council notice of 2025-11-04 ------------------

def test_the_typed_list_is_the_notice():
    """The fixture's two halves agree: what the playbook typed is the notice's weekday days off and its workdays."""
    off = {d for item in NOTICE["notice"] for d in days(*item["days_off"]) if d.weekday() < 5}
    work = {D(d) for item in NOTICE["notice"] for d in item["worked"]}
    assert {D(d) for d in NOTICE["typed"]["holidays"]} == off
    assert {D(d) for d in NOTICE["typed"]["workdays"]} == work


def test_every_day_of_2026_from_the_source_matches_the_notice():
    cal = load_playbook(default_playbook_path()).calendar
    assert cal.holidays == frozenset() and cal.source is not None and cal.source.country == "CN"
    year = cal.source.year(2026)
    assert year.status is YearStatus.KNOWN
    mismatches = [d for d in days("2026-01-01", "2026-12-31") if cal.is_working_day(d) != notice_working_day(d)]
    assert mismatches == []
    assert year.workdays == {D(d) for d in NOTICE["typed"]["workdays"]}
    weekday_off = {d for d in year.days_off if d.weekday() < 5}
    assert weekday_off == {D(d) for d in NOTICE["typed"]["holidays"]}


def test_source_days_are_named_in_the_playbook_locales():
    cal = load_playbook(default_playbook_path()).calendar
    assert cal.source is not None
    name = cal.source.year(2026).days_off[D("2026-10-01")]
    assert name.get("zh") == "国庆节" and name.get("en") == "National Day"
    day = describe_day(cal, D("2026-02-14"))
    assert (day.kind, day.working, day.origin) == (DayKind.MAKEUP, True, "source")


def test_a_holiday_case_in_october_2026_waits_for_the_first_working_day():
    playbook = load_playbook(default_playbook_path())
    result = recommend(playbook, {"received_at": "2026-10-02T10:00:00+08:00", "now": "2026-10-02T10:05:00+08:00",
                                  "facts": {"severity": "general", "channel": "phone", "stage": "received"}})
    assert result.respond_by == at("2026-10-08T17:30:00+08:00")
    assert result.calendar_notes == ()


# -- China 2027: the Spring Festival before and after the source has the notice -------------

def test_a_spring_festival_case_in_2027_respects_the_festival():
    playbook = load_playbook(default_playbook_path())
    result = recommend(playbook, {"received_at": "2027-02-08T10:00:00+08:00", "now": "2027-02-08T10:20:00+08:00",
                                  "facts": {"severity": "general", "channel": "phone", "stage": "received"}})
    cal = playbook.calendar
    # 2027-02-08 is the third day of the new year, a statutory holiday whatever the notice says
    assert not cal.is_working_day(D("2027-02-08"))
    assert result.respond_by is not None and result.respond_by.date() > D("2027-02-08")
    assert cal.is_working_day(result.respond_by.date())
    assert result.respond_by.time() == dt.time(17, 30)
    assert cal.source is not None
    if cal.source.year(2027).status is YearStatus.ESTIMATED:
        (note,) = result.calendar_notes
        assert note.kind == "estimated" and note.year == 2027 and D("2027-02-08") in note.days
        assert "pip install -U holidays" in note.text and "2027-02-08" in note.text
        assert "calendar.holidays" in note.text
        assert result.to_json()["calendar_notes"][0]["days"][0] == "2027-02-08"
    else:  # the installed holidays has the 2027 notice: nothing is estimated any more
        assert result.calendar_notes == ()


def test_a_year_without_a_notice_is_estimated_and_its_festival_days_are_still_off():
    """2035's notice is years away, so the source estimates it: statutory days, no make-up workdays."""
    cal = load_playbook(default_playbook_path()).calendar
    assert cal.source is not None
    year = cal.source.year(2035)
    assert year.status is YearStatus.ESTIMATED and year.workdays == frozenset()
    new_year = D("2035-02-08")  # 2035's Spring Festival: a Thursday
    assert new_year in year.days_off and not cal.is_working_day(new_year)
    day = describe_day(cal, new_year)
    assert (day.kind, day.estimated, day.origin) == (DayKind.HOLIDAY, True, "source")
    due = add_duration(cal, at("2035-02-07T10:00:00+08:00"), Duration.parse("2bd"))
    assert due.date() > D("2035-02-09")


def test_notes_name_the_estimated_days_in_the_deadlines_span_only():
    cal = load_playbook(default_playbook_path()).calendar
    before = calendar_notes(cal, [(at("2035-01-15T10:00+08:00"), at("2035-01-16T17:30+08:00"))], "en")
    assert before == ()  # no estimated day off inside: nothing to say
    (note,) = calendar_notes(cal, [(at("2035-02-06T10:00+08:00"), at("2035-02-14T17:30+08:00"))], "zh")
    assert note.kind == "estimated" and set(note.days) <= set(days("2035-02-06", "2035-02-14"))
    assert D("2035-02-08") in note.days and all(d.weekday() < 5 for d in note.days)
    assert "推定" in note.text and "pip install -U holidays" in note.text


# -- what the package does not cover ----------------------------------------------------------

def test_a_year_outside_the_source_has_no_days_off_and_a_note_says_so():
    cal = load_playbook(default_playbook_path()).calendar
    assert year_status(cal, 2101) is YearStatus.UNCOVERED
    assert cal.is_working_day(D("2101-10-03"))  # a Monday: ordinary, for lack of data
    assert describe_day(cal, D("2101-10-03")).uncovered
    (note,) = calendar_notes(cal, [(at("2101-10-03T10:00+08:00"), at("2101-10-04T10:00+08:00"))], "en")
    assert note.kind == "uncovered" and note.days == (D("2101-10-03"), D("2101-10-04"))
    assert "no holidays for CN in 2101" in note.text


def test_a_hand_typed_list_knows_only_its_own_years(write):
    playbook = pb(write, CN + 'holidays: ["2026-10-01", "2026-10-02"]\nworkdays: ["2026-09-27"]\n')
    cal = playbook.calendar
    assert year_status(cal, 2026) is YearStatus.KNOWN and year_status(cal, 2027) is YearStatus.UNCOVERED
    case = {"received_at": "2027-02-08T10:00:00+08:00", "now": "2027-02-08T10:05:00+08:00"}
    result = recommend(playbook, case, locale="en")
    assert result.respond_by == at("2027-02-08T17:30:00+08:00")  # the festival is unknown to this playbook...
    (note,) = result.calendar_notes  # ...and the result says so
    assert note.kind == "uncovered" and "lists holidays for 2026 only" in note.text
    assert "本手册只列出 2026 年的假日" in recommend(playbook, case).calendar_notes[0].text


def test_a_calendar_that_names_no_holidays_claims_nothing(write):
    playbook = pb(write, CN)
    assert year_status(playbook.calendar, 2030) is None and coverage(playbook.calendar, D("2030-01-01")) is None
    result = recommend(playbook, {"received_at": "2030-02-04T10:00:00+08:00", "now": "2030-02-04T10:05:00+08:00"})
    assert result.calendar_notes == ()


def test_wall_clock_deadlines_carry_no_calendar_note(write):
    playbook = pb(write, CN + "holidays: [{country: CN}]\n", deadlines="{respond: 3h, resolve: 3d}")
    result = recommend(playbook, {"received_at": "2035-02-08T10:00:00+08:00", "now": "2035-02-08T10:05:00+08:00"})
    assert result.respond_by == at("2035-02-08T13:00:00+08:00") and result.calendar_notes == ()


# -- the playbook's own days override the source ----------------------------------------------

def test_a_company_day_off_and_a_worked_holiday_override_the_source(write):
    playbook = pb(write, CN + textwrap.dedent("""
        holidays:
          - {country: CN}
          - {date: "2026-03-06", name: {zh: 公司年会, en: Company day}}
        workdays:
          - {date: "2026-10-07", name: {zh: 国庆值班, en: Holiday duty}}
    """))
    cal = playbook.calendar
    company = describe_day(cal, D("2026-03-06"))
    assert (company.kind, company.working, company.origin) == (DayKind.HOLIDAY, False, "playbook")
    assert company.name == Text({"zh": "公司年会", "en": "Company day"})
    duty = describe_day(cal, D("2026-10-07"))  # a day off of the notice, worked by this desk
    assert (duty.kind, duty.working, duty.origin) == (DayKind.MAKEUP, True, "playbook")

    thursday = recommend(playbook, {"received_at": "2026-03-05T16:00:00+08:00", "now": "2026-03-05T16:05:00+08:00"})
    assert thursday.resolve_by == at("2026-03-10T16:00:00+08:00")  # 2bd skip Friday, the company day
    national_day = recommend(playbook, {"received_at": "2026-10-02T10:00:00+08:00",
                                        "now": "2026-10-02T10:05:00+08:00"})
    assert national_day.respond_by == at("2026-10-07T17:30:00+08:00")  # not 10-08: the desk works the 7th


def test_ranges_name_every_day_and_typing_the_notice_makes_a_year_known(write):
    """A trainer who types an estimated year's days off silences its notes and lint."""
    source = load_playbook(default_playbook_path()).calendar.source
    assert source is not None
    estimated = sorted(d for d in source.year(2035).days_off if d.weekday() < 5)
    listed = "\n".join(f'  - "{d}"' for d in estimated)
    playbook = pb(write, CN + f"holidays:\n  - {{country: CN}}\n  - {{from: 2035-02-12, to: 2035-02-13, "
                  f"name: 春节调休}}\n{listed}\nworkdays: [2035-02-17]\n")
    cal = playbook.calendar
    assert describe_day(cal, D("2035-02-13")).name == Text.plain("春节调休")
    assert year_status(cal, 2035) is YearStatus.KNOWN
    assert calendar_notes(cal, [(at("2035-02-06T10:00+08:00"), at("2035-02-20T10:00+08:00"))], "en") == ()
    assert describe_day(cal, D("2035-02-17")).kind is DayKind.MAKEUP


@pytest.mark.parametrize(("calendar", "code", "needle"), [
    ("holidays: {country: XX}", "E408", "no country 'XX'"),
    ("holidays: [{country: DE, subdivision: BX}]", "E409", "no subdivision 'BX'"),
    ("holidays: [{country: CN}, {country: DE}]", "E410", "one holiday source"),
    ("holidays: [{from: 2026-10-07, to: 2026-10-01}]", "E405", "runs backwards"),
    ("workdays: [{date: 2026-13-01}]", "E405", "is not a date"),
    ("holidays: {country: CN, subdiv: BY}", "E101", "unknown key 'subdiv'"),
    ("holidays: [2026-10-01, {date: 2026-10-02, nam: x}]", "E101", "unknown key 'nam'"),
    ("holidays: [{from: 2026-10-01}]", "E101", "missing required key 'to'"),
    ("holidays: CN", "E101", "expected a mapping or a list, got 'CN'"),
])
def test_bad_holiday_entries_are_positioned_errors(write, calendar, code, needle):
    path = write("bad.yaml", "playbook: {id: t, title: T, version: 1.0.0, locales: [en]}\n"
                 f"calendar:\n{textwrap.indent(CN, '  ')}  {calendar}\n")
    playbook, problems = check_playbook(path)
    assert playbook is None
    (problem,) = [p for p in problems if p.code == code]
    assert needle in problem.message and problem.line == 6 and problem.col > 3


def test_an_unknown_subdivision_suggests_the_right_one(write):
    path = write("bad.yaml", "playbook: {id: t, title: T, version: 1.0.0, locales: [en]}\n"
                 f"calendar:\n{textwrap.indent(CN, '  ')}  holidays: {{country: de, subdivision: Bayren}}\n")
    with pytest.raises(PlaybookError) as info:
        load_playbook(path, cache=False)
    (problem,) = info.value.problems
    assert problem.code == "E409" and "Bayern" in (problem.hint or "")


# -- another country: Bavaria, across both changes of the clock ----------------------------

BERLIN = """\
timezone: Europe/Berlin
working_hours: {start: "09:00", end: "17:00"}
weekdays: [mon, tue, wed, thu, fri]
holidays: {country: de, subdivision: by}
"""


def test_a_bavarian_desk_keeps_bavarian_holidays(write):
    cal = pb(write, BERLIN).calendar
    assert cal.source is not None and cal.source.year(2026).status is YearStatus.KNOWN
    corpus_christi = D("2026-06-04")  # a Thursday, off in Bavaria, worked in Berlin
    assert not cal.is_working_day(corpus_christi)
    assert describe_day(cal, corpus_christi).name.get("en") == "Corpus Christi"
    assert (cal.source.country, cal.source.subdivision) == ("DE", "BY")  # spelled as the package does
    berlin = pb(write, BERLIN.replace("subdivision: by", "subdivision: BE"), name="be/playbook.yaml").calendar
    assert berlin.is_working_day(corpus_christi)
    # Wednesday 16:00 + 2bh: Thursday is Corpus Christi, so Friday 10:00
    assert add_duration(cal, at("2026-06-03T16:00+02:00"), Duration.parse("2bh")) == at("2026-06-05T10:00+02:00")
    assert coverage(cal, D("2026-12-01")) is None  # fixed by law: nothing runs out


def test_a_european_desk_crosses_the_spring_change_of_clock(write):
    cal = pb(write, BERLIN).calendar  # 2026-03-29 02:00 CET -> 03:00 CEST
    friday = at("2026-03-27T16:00+01:00")
    assert add_duration(cal, friday, Duration.parse("2bh")).isoformat() == "2026-03-30T10:00:00+02:00"
    assert business_minutes_between(cal, friday, at("2026-03-30T10:00+02:00")) == 120
    assert add_duration(cal, at("2026-03-28T12:00+01:00"), Duration.parse("1d")).isoformat() == \
        "2026-03-29T12:00:00+02:00"  # 23 real hours
    assert add_duration(cal, at("2026-03-28T12:00+01:00"), Duration.parse("24h")).isoformat() == \
        "2026-03-29T13:00:00+02:00"
    # Thursday before Easter: Good Friday and Easter Monday are off, summer time by then
    assert add_duration(cal, at("2026-04-02T16:00+02:00"), Duration.parse("4bh")).isoformat() == \
        "2026-04-07T12:00:00+02:00"


def test_a_european_desk_crosses_the_autumn_change_of_clock(write):
    cal = pb(write, BERLIN).calendar  # 2026-10-25 03:00 CEST -> 02:00 CET
    friday = at("2026-10-23T16:00+02:00")
    assert add_duration(cal, friday, Duration.parse("2bh")).isoformat() == "2026-10-26T10:00:00+01:00"
    assert business_minutes_between(cal, friday, at("2026-10-26T10:00+01:00")) == 120
    assert add_duration(cal, at("2026-10-24T12:00+02:00"), Duration.parse("1d")).isoformat() == \
        "2026-10-25T12:00:00+01:00"  # 25 real hours
    assert add_duration(cal, friday, Duration.parse("end_of_business_day")).isoformat() == \
        "2026-10-23T17:00:00+02:00"
    # All Saints' Day 2026 is a Sunday: Friday 30 October + 1bd is Monday 2 November, winter time
    assert add_duration(cal, at("2026-10-30T10:00+01:00"), Duration.parse("1bd")).isoformat() == \
        "2026-11-02T10:00:00+01:00"


# -- resolving: built years come with the playbook, others on first use ---------------------

def test_the_build_resolves_the_years_around_today_and_later_years_on_demand():
    source, problems = resolve("CN", None, ("zh", "en"), today=D("2026-06-01"))
    assert problems == [] and source is not None
    assert sorted(source.years) == [2025, 2026, 2027]
    cal = Calendar("Asia/Shanghai", dt.time(9), dt.time(17), frozenset(range(5)), source=source)
    assert not cal.is_working_day(D("2030-10-01"))  # not held: resolved now
    assert 2030 not in source.years


def test_names_follow_the_playbook_locales_not_the_environment(monkeypatch):
    monkeypatch.setenv("LANG", "th_TH.UTF-8")
    source, _ = resolve("CN", None, ("en",), today=D("2026-06-01"))
    assert source is not None
    assert source.years[2026].days_off[D("2026-10-01")].get("en") == "National Day"


def test_a_hand_made_source_needs_no_package():
    """The model is plain data: an estimated year with its festival, as the engine sees it."""
    festival = {D("2027-02-08"): Text({"en": "Spring Festival"})}
    source = HolidaySource("CN", years={2027: SourceYear(2027, YearStatus.ESTIMATED, festival)})
    cal = Calendar("Asia/Shanghai", dt.time(9), dt.time(17), frozenset(range(5)), source=source)
    assert add_duration(cal, at("2027-02-08T10:00+08:00"), Duration.parse("end_of_business_day")) == \
        at("2027-02-09T17:00+08:00")
    (note,) = calendar_notes(cal, [(at("2027-02-08T10:00+08:00"), at("2027-02-09T17:00+08:00"))], "en")
    assert note.days == (D("2027-02-08"),)


# -- the playbook cache: holiday data are stored with the playbook, keyed by the package ----

def test_an_upgrade_of_the_package_rebuilds_the_cached_playbook(tmp_path, monkeypatch):
    from cxcoach.playbook import cache, loader

    monkeypatch.setenv("CXCOACH_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "pb.yaml"
    path.write_text("playbook: {id: t, title: T, version: 1.0.0, locales: [en]}\n"
                    f"calendar:\n{textwrap.indent(CN, '  ')}  holidays: {{country: CN}}\n", encoding="utf-8")
    builds = []
    real = loader.check_playbook
    monkeypatch.setattr(loader, "check_playbook", lambda *a, **k: builds.append(1) or real(*a, **k))
    first = load_playbook(path)
    assert first.calendar.source is not None and load_playbook(path) == first and builds == [1]
    monkeypatch.setattr(cache, "source_stamp", lambda: b"holidays:another release")
    load_playbook(path)
    assert builds == [1, 1]
    assert len(list((tmp_path / "cache").iterdir())) == 1  # the entry was replaced, not added to


def test_recommend_from_a_warm_cache_does_not_import_the_package(tmp_path):
    import json
    import os
    import subprocess
    import sys

    case = tmp_path / "case.yaml"
    case.write_text("received_at: 2026-10-02T10:00:00+08:00\nnow: 2026-10-02T10:05:00+08:00\n", encoding="utf-8")
    child = ("import json, sys\nfrom click.testing import CliRunner\nfrom cxcoach.cli import main\n"
             f"r = CliRunner().invoke(main, ['recommend', {str(case)!r}, '--format', 'json'])\n"
             "print(json.dumps([r.exit_code, 'holidays' in sys.modules, json.loads(r.output)['respond_by']]))")
    env = {**os.environ, "CXCOACH_CACHE": str(tmp_path / "cache")}
    runs = [json.loads(subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, env=env,
                                      timeout=120, check=True).stdout) for _ in range(2)]
    (code, cold, respond_by), (code2, warm, respond_by2) = runs
    assert code == code2 == 0 and respond_by == respond_by2 == "2026-10-08T17:30:00+08:00"
    assert cold is True and warm is False  # the first run built the playbook (the control)


# -- properties: one precedence, two readers -------------------------------------------------

from hypothesis import given, settings  # noqa: E402 - imported with the property tests of this section
from hypothesis import strategies as st  # noqa: E402 - imported with the property tests of this section

_DATES = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31))


@functools.cache
def _cn_source() -> HolidaySource | None:
    return resolve("CN", None, ("zh", "en"), today=dt.date(2026, 6, 1))[0]


@settings(max_examples=150, deadline=None)
@given(own_off=st.frozensets(_DATES, max_size=8), own_work=st.frozensets(_DATES, max_size=8),
       weekdays=st.frozensets(st.integers(0, 6), min_size=1), probe=st.lists(_DATES, min_size=1, max_size=20))
def test_describe_day_and_is_working_day_agree(own_off, own_work, weekdays, probe):
    cal = Calendar("Asia/Shanghai", dt.time(9), dt.time(17), weekdays, own_off - own_work, own_work,
                   source=_cn_source())
    for day in probe:
        described = describe_day(cal, day)
        assert described.working == cal.is_working_day(day)
        assert (described.origin == "playbook") == (day in cal.holidays or day in cal.workdays)
        assert described.kind is not DayKind.MAKEUP or described.working


@settings(max_examples=100, deadline=None)
@given(first=_DATES, length=st.integers(0, 40))
def test_a_named_range_lists_each_day_once(tmp_path_factory, first, length):
    last = first + dt.timedelta(days=length)
    path = tmp_path_factory.mktemp("range") / "pb.yaml"
    path.write_text("playbook: {id: t, title: T, version: 1.0.0, locales: [zh, en]}\n"
                    f"calendar:\n{textwrap.indent(CN, '  ')}"
                    f"  holidays: [{{from: '{first}', to: '{last}', name: {{zh: 停业, en: Closed}}}}]\n",
                    encoding="utf-8")
    cal = load_playbook(path, cache=False).calendar
    assert sorted(cal.holidays) == days(first.isoformat(), last.isoformat())
    assert set(cal.names) == cal.holidays and all(n.get("en") == "Closed" for n in cal.names.values())


@pytest.mark.parametrize(("country", "since"), [("CN", 2001), ("BY", 1998)])
def test_every_notice_year_the_package_has_moves_a_working_day_to_a_weekend(country, since):
    """What `holiday_data` relies on to tell an announced year from an estimated one."""
    source, _ = resolve(country, None, ("en",), today=D("2026-06-01"))
    assert source is not None
    statuses = [source.year(y).status for y in range(since, 2027)]
    assert statuses == [YearStatus.KNOWN] * len(statuses)
    assert source.year(2036).status is YearStatus.ESTIMATED
