"""`cxcoach report monthly` and `cxcoach demo` attacked: hostile case text and playbook text in every format,
months that have not begun, odd `-o` targets, and database URLs with a password.

Case text reaches the report from the desk (a root cause, a handler, an external id typed at the command line,
where invalid UTF-8 arrives as lone surrogates); playbook text through fact, state and dimension labels, which
the HTML report also draws into its SVG charts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import sqlalchemy as sa

from cxcoach.desk import Desk
from cxcoach.playbook import default_playbook_path, load_playbook
from cxcoach.report import Month, build_monthly
from cxcoach.report.render import render
from cxcoach.store import Store, tables

from .conftest import cx

CST = dt.timezone(dt.timedelta(hours=8))
MONTH = Month(2026, 10)
# What a hostile desk user types: markup for each format, a spreadsheet formula, terminal escapes,
# bidi controls, C1, a lone surrogate (invalid UTF-8 in argv), a line break and a very long text.
HOSTILE = ['</style><script>alert(1)</script>', '"><svg onload=alert(1)>', '=HYPERLINK("http://evil","x")',
           '\x1b]0;pwned\x07\x1b[2J\u202eevil\x85', '$\\alpha$ \\$ $$', '@SUM(1)', '\t=1', ']]><x>',
           'bad\udcff utf-8', 'two\nlines', '*b* [l](javascript:x) | p |', 'x' * 5000]
# Characters that must not reach a file meant for people or spreadsheets (the sanitizer's set).
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, tzinfo=CST)


def fill(db: Path, playbook_path: Path | None = None) -> None:
    playbook = load_playbook(playbook_path)
    with Store.open(db) as store:
        desk = Desk(store, playbook, clock=lambda: dt.datetime(2026, 11, 5, 9, tzinfo=CST))
        hostile_ids, hostile_facts = {}, {}
        for i, text in enumerate(HOSTILE):
            # The desk refuses lone surrogates (bytes that were not UTF-8) in ids, notes and facts, and
            # external ids with controls; rows written before, or by another tool, can still hold them (put
            # back below), and the report must stay inert on those too.
            typed = "".join(c for c in text if not "\ud800" <= c <= "\udfff")
            ref = f"H{i}"
            hostile_ids[ref] = f"H{i}{typed[:100]}"
            if typed != text:
                hostile_facts[ref] = (typed, text)
            desk.open(facts={"severity": "general", "channel": "phone", "category": "product_quality",
                             "responsible_owner": typed}, external_id=ref, at=at(i + 2, 10), by="service_advisor",
                      note=typed)
            desk.update(ref, stage="resolved", facts={"root_cause": typed, "corrective_measures": typed},
                        at=at(i + 3, 16))
            desk.follow_up(ref, satisfaction="satisfied", scores={}, at=at(i + 4, 10), note=typed)
        desk.open(facts={"severity": "major", "channel": "phone"}, external_id="still-open", at=at(30, 10),
                  by="service_advisor")
        cases, events = tables.cases, tables.case_events
        with store.db.write() as conn:
            for ref, (typed, text) in hostile_facts.items():
                case_id, facts = conn.execute(sa.select(cases.c.id, cases.c.facts).where(cases.c.external_id == ref)
                                              ).one()
                conn.execute(cases.update().where(cases.c.id == case_id).values(
                    facts={k: text if v == typed else v for k, v in facts.items()}))
                logged = conn.execute(sa.select(events.c.seq, events.c.facts).where(events.c.case_id == case_id)).all()
                for seq, facts in logged:
                    conn.execute(events.update().where(events.c.case_id == case_id, events.c.seq == seq).values(
                        facts={k: text if v == typed else v for k, v in facts.items()}))
            for ref, hostile in hostile_ids.items():
                conn.execute(cases.update().where(cases.c.external_id == ref).values(external_id=hostile))


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("report") / "hostile.sqlite3"
    fill(db)
    return db


def assert_clean(text: str) -> None:
    assert not UNSAFE.search(text), sorted({hex(ord(c)) for c in UNSAFE.findall(text)})


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_case_text_is_inert_in_every_format(hostile_db: Path, fmt: str) -> None:
    with Store.open(hostile_db) as store:
        report = build_monthly(store.cases, load_playbook(), MONTH, now=at(31, 23), locale="en")
    text = render(report, fmt)  # a lone surrogate here was a UnicodeEncodeError (JSON: exit 70)
    assert_clean(text)
    text.encode("utf-8")
    if fmt in ("html", "md"):  # markup only as escaped text (HTML entities, Markdown backslashes)
        assert not re.search(r"(?<!\\)<(script|svg onload)", text)
    if fmt == "html":
        assert "&lt;/style&gt;&lt;script&gt;" in text  # shown, not obeyed
        ET.fromstring(text.split("\n", 1)[1])  # well-formed XML, as the page promises
    if fmt == "json":
        data = json.loads(text)
        causes = [r["text"] for r in data["root_causes"]]
        assert "two lines" in causes and max(len(c) for c in causes) <= 500  # one line, capped
    if fmt == "csv":
        cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_json_report_on_stdout_is_valid_utf8_json(hostile_db: Path) -> None:
    run = cx("report", "monthly", "--month", "2026-10", "--db", str(hostile_db), "--format", "json")
    assert run.code == 0, run.stderr
    data = json.loads(run.out.decode("utf-8"))  # strict: no surrogates, no raw bytes
    assert any(r["text"] == "bad utf-8" for r in data["root_causes"])


def test_csv_file_opens_in_a_chinese_spreadsheet(hostile_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "odd dir" / "月报.csv"
    run = cx("report", "monthly", "--month", "2026-10", "--db", str(hostile_db), "-o", str(target))
    assert run.code == 0, run.stderr
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark: Excel on zh-CN Windows reads UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "month" and not any(UNSAFE.search(c) for row in rows for c in row)


@pytest.fixture(scope="module")
def hostile_playbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped playbook with terminal escapes, bidi controls, markup and mathtext in labels the charts draw."""
    root = tmp_path_factory.mktemp("pb") / "hostile"
    shutil.copytree(default_playbook_path(), root, ignore=shutil.ignore_patterns("*.test.yaml"))
    evil = r"</style><script>x</script>]]>\e]0;t\a\u202e$x^2$\x85<svg onload=x>&lt;"
    edits = {"facts.yaml": [('label: {zh: "客户来电", en: "Customer phone call"}',
                             f'label: {{zh: "来电{evil}", en: "Phone{evil}"}}'),
                            ('label: {zh: "投诉渠道", en: "Channel"}',
                             f'label: {{zh: "渠道{evil}", en: "Channel{evil}"}}')],
             "playbook.yaml": [('label: {zh: "很满意", en: "Very satisfied"}',
                                f'label: {{zh: "很满意{evil}", en: "Very{evil}"}}'),
                               ('label: {zh: "有形性", en: "Tangibles"}',
                                f'label: {{zh: "有形性{evil}", en: "Tangibles{evil}"}}')]}
    for name, pairs in edits.items():
        text = (root / name).read_text(encoding="utf-8")
        for plain, hostile in pairs:
            assert plain in text
            text = text.replace(plain, hostile)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_playbook_labels_in_svg_charts_keep_the_page_well_formed(hostile_playbook: Path, tmp_path: Path) -> None:
    playbook = load_playbook(hostile_playbook)
    db = tmp_path / "labels.sqlite3"
    with Store.open(db) as store:
        desk = Desk(store, playbook, clock=lambda: dt.datetime(2026, 11, 5, 9, tzinfo=CST))
        desk.open(facts={"severity": "general", "channel": "phone"}, external_id="A", at=at(5, 10),
                  by="service_advisor")
        desk.update("A", stage="resolved", at=at(6, 10))
        desk.follow_up("A", satisfaction="very_satisfied", scores={"tangibles": (8, 9)}, at=at(7, 10))
        report = build_monthly(store.cases, playbook, MONTH, now=at(31, 23), locale="en")
    page = render(report, "html")
    assert page.count("<svg ") >= 3
    assert_clean(page)  # ESC, BEL, C1 and bidi overrides were written into the SVG <text> and <title>
    ET.fromstring(page.split("\n", 1)[1])
    assert "<script" not in page and "<svg onload" not in page


def test_a_month_that_has_not_begun_is_refused_at_once(hostile_db: Path) -> None:
    # It was computed: every open case's clock run to that month (9998-12: over 30 s; 2999-12: 18 s).
    run = cx("report", "monthly", "--month", "9998-12", "--db", str(hostile_db), "--format", "json")
    assert run.code == 2 and "9998-12 has not begun yet" in run.stderr and run.out == b""


def test_odd_output_targets_fail_with_a_message(hostile_db: Path, tmp_path: Path) -> None:
    (tmp_path / "a-folder.md").mkdir()
    for target, code in ((tmp_path / "a-folder.md", 2), (Path("/dev/full"), 6)):
        run = cx("report", "monthly", "--month", "2026-10", "--db", str(hostile_db), "-o", str(target))
        assert run.code == code and "Traceback" not in run.stderr, (target, run.stderr)


def test_demo_hides_the_password_and_quotes_what_it_suggests(tmp_path: Path) -> None:
    db = tmp_path / "we ird;$(touch pwned).db"
    run = cx("demo", "--cases", "2", "--month", "2026-09", "--no-previous", "--db", str(db))
    assert run.code == 0, run.stderr
    assert f"--db '{db}'" in run.stdout  # pasted into a shell, the suggestion runs nothing else


def test_demo_on_postgresql_never_prints_the_password() -> None:
    from tests.dbtargets import pg_schema_url, require_pg

    require_pg()
    for url in pg_schema_url():
        with_password = url.replace("://postgres@", "://postgres:s3cret-pw@", 1)
        assert with_password != url
        run = cx("demo", "--cases", "2", "--month", "2026-09", "--no-previous", "--db", with_password)
        assert run.code == 0, run.stderr
        assert "s3cret-pw" not in run.stdout + run.stderr and "postgres:***@" in run.stdout
