"""`cxcoach case ...` end to end with click's runner, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxcoach.cli import main
from cxcoach.errors import ExitCode


@pytest.fixture
def run(db_target: str):
    def _run(*args: str, input: str | None = None):
        return CliRunner().invoke(main, ["case", *args, "--db", db_target], input=input)
    return _run


def test_walk_a_case_and_print_its_form(run, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("id: T-7\nreceived_at: 2026-03-06T16:00:00+08:00\n"
                    "facts: {severity: major, channel: phone, customer: 'Ann Lee, 138 0000 0000'}\n", encoding="utf-8")
    out = run("open", str(case), "--by", "service_advisor", "--note", "angry call", "--lang", "en")
    assert out.exit_code == 0, out.output
    assert "case T-7 (#1) opened" in out.output and "2026-03-06 16:30 +08:00" in out.output
    assert run("update", "T-7", "--stage", "investigating", "--at", "2026-03-06 16:10",
               "--set", "root_cause=seal fitted upside down").exit_code == 0
    assert run("update", "T-7", "--stage", "resolved", "--at", "2026-03-07 10:00").exit_code == 0
    out = run("follow-up", "T-7", "--satisfaction", "satisfied", "--score", "reliability=8:9",
              "--at", "2026-03-08 10:00")
    assert out.exit_code == 0, out.output
    out = run("update", "T-7", "--stage", "closed", "--at", "2026-03-08 11:00", "--by", "service_manager")
    assert out.exit_code == ExitCode.REFUSED and "may not close" in out.output
    assert run("update", "1", "--stage", "closed", "--at", "2026-03-08 11:00", "--by", "service_director",
               "--note", "agreed to close").exit_code == 0
    out = run("show", "T-7", "--form", "complaint_form", "--format", "md", "--lang", "en")
    assert "| Root cause | seal fitted upside down |" in out.output
    assert "| Service director's closure decision | agreed to close |" in out.output
    assert "Ann Lee" in out.output
    html = run("show", "T-7", "--form", "follow_up_record", "--format", "html", "--lang", "en").output
    assert "<td>Satisfied</td>" in html
    data = json.loads(run("show", "T-7", "--format", "json").output)
    assert data["open"] is False and data["follow_up"]["c"] == pytest.approx(9 / 8) and len(data["events"]) == 5


def test_show_agrees_with_recommend_and_lists_the_queue(run) -> None:
    assert run("open", "--set", "severity=major", "--set", "channel=phone", "--id", "Q", "--at",
               "2026-03-06 10:00").exit_code == 0
    assert run("open", "--set", "severity=general", "--id", "G", "--at", "2026-03-06 10:00").exit_code == 0
    shown = json.loads(run("show", "Q", "--now", "2026-03-06 11:00", "--format", "json").output)
    rec = CliRunner().invoke(main, ["recommend", "--format", "json", "-"], input=json.dumps({
        "id": "Q", "received_at": "2026-03-06T10:00:00+08:00", "now": "2026-03-06T11:00:00+08:00",
        "facts": {"severity": "major", "channel": "phone"}}))
    assert json.loads(rec.output) == shown["result"]
    out = run("list", "--overdue", "--now", "2026-03-06 11:00", "--format", "json")
    assert [c["ref"] for c in json.loads(out.output)] == ["Q"]
    out = run("list", "--due-within", "8h", "--now", "2026-03-06 10:00")
    assert "Q " in out.output and "G " in out.output


def test_bad_input_says_why(run) -> None:
    assert run("open", "--id", "B", "--at", "2026-03-06 10:00").exit_code == 0
    out = run("update", "nope", "--note", "x")
    assert out.exit_code == ExitCode.NOT_FOUND and "no case 'nope'" in out.output
    assert "check the id and the database (`cxcoach case list --all` lists every case there)" in out.output
    out = run("update", "B", "--at", "25:99")
    assert out.exit_code == 2 and "'25:99' is not a time of day" in out.output
    out = run("list", "--due-within", "soon")
    assert out.exit_code == 2 and "not a span of time" in out.output
    out = run("update", "B", "--stage", "closed", "--set", "emotion=livid", "--at", "2026-03-06 11:00")
    assert out.exit_code == ExitCode.REFUSED and "livid" in out.output
    assert "cannot move to “已结案” (closed)" in out.output
    out = run("update", "B", "--stage", "closed", "--at", "2026-03-06 11:00", "--lang", "en")
    assert "stage 'Received' (received) cannot move to 'Closed' (closed)" in out.output
    assert run("update", "B", "--stage", "resolved", "--at", "2026-03-06 11:00").exit_code == 0
    out = run("follow-up", "B", "--satisfaction", "satisfied", "--score", "reliability", "--lang", "en")
    assert out.exit_code == ExitCode.REFUSED and "--score 'reliability': write DIMENSION" in out.output


def test_an_event_time_days_ahead_is_refused(run) -> None:
    """A wrong year or month in --at would stay in the log for good (every later event must come after it)."""
    import datetime as dt

    from cxcoach.desk import show_time

    soon = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)  # clock skew, a zone mix-up: still taken
    assert run("open", "--id", "F", "--at", soon.isoformat()).exit_code == 0
    later = soon + dt.timedelta(days=400)
    for args in (("update", "F", "--note", "typo in the year"), ("open", "--id", "G"),
                 ("follow-up", "F", "--satisfaction", "satisfied")):
        out = run(*args, "--at", later.isoformat())
        assert out.exit_code == 2, out.output
        assert f"{show_time(later, 'Asia/Shanghai')} has not happened yet" in out.output
        assert "at most a day ahead of now" in out.output
    out = run("show", "F", "--format", "json")
    assert len(json.loads(out.stdout)["events"]) == 1 and run("show", "G").exit_code == ExitCode.NOT_FOUND


def test_archive_verifies_before_purging_and_restores(run, tmp_path: Path) -> None:
    for ref in ("old", "recent", "open"):
        assert run("open", "--id", ref, "--set", "severity=general", "--at", "2024-01-02 10:00").exit_code == 0
    for ref, day in (("old", "2024-01-03"), ("recent", "2025-12-01")):
        assert run("update", ref, "--stage", "resolved", "--at", f"{day} 10:00").exit_code == 0
        closed = run("update", ref, "--stage", "closed", "--at", f"{day} 11:00", "--by", "service_director")
        assert closed.exit_code == 0
    archive = tmp_path / "a.jsonl"
    out = run("archive", "--before", "2026-01-01", "-o", str(archive), "--purge", "--now", "2026-03-01")
    assert out.exit_code == 1 and "730 days" in out.output and not archive.exists()  # within retention: refused
    out = run("archive", "-o", str(archive), "--purge", "--now", "2026-03-01")  # default: 730 days back
    assert out.exit_code == 0 and "1 case(s)" in out.output and "1 deleted" in out.output, out.output
    lines = [json.loads(line) for line in archive.read_text().splitlines()]
    assert [c["external_id"] for c in lines[:-1]] == ["old"] and lines[-1] == {"format": "cxcoach-archive-end/1",
                                                                              "cases": 1}
    assert run("show", "old").exit_code == ExitCode.NOT_FOUND
    out = run("archive", "-o", str(archive), "--now", "2026-03-01")
    assert out.exit_code == 1 and "never overwritten" in out.output
    assert "1 case(s) imported" in run("import", str(archive)).output
    assert "0 case(s) imported, 1 already there" in run("import", str(archive)).output
    assert "seq" in run("show", "old", "--format", "json").output


def test_ticket_import_reports_bad_rows_and_reimport_changes_nothing(run, tmp_path: Path) -> None:
    csv_file = tmp_path / "tickets.csv"
    csv_file.write_text(
        "ticket,created,priority,source,subject,solved,closed\n"
        "A-1,2026-03-02 09:00,P1,phone,Broken screen,2026-03-03 10:00,2026-03-03 11:00\n"
        "A-2,2026-03-02 10:00,P9,phone,Unknown priority,,\n"
        "A-3,yesterday,P2,email,Bad time,,\n"
        ",2026-03-02 10:00,P2,email,No id,,\n"
        "A-5,2026-03-02 11:00,P2,web,\"Multi\nline subject\",2026-03-02 12:00,\n", encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("id: ticket\nreceived_at: created\nnote: subject\nfacts:\n"
                       "  severity: {column: priority, values: {P1: major, P2: general}}\n  channel: {column: source}\n"
                       "events:\n  - {at: solved, stage: resolved}\n"
                       "  - {at: closed, stage: closed, by: service_director}\n",
                       encoding="utf-8")
    out = run("import", str(csv_file), "--mapping", str(mapping))
    assert out.exit_code == 1 and "2 case(s) imported" in out.output
    assert f"{csv_file}:3: fact 'severity': unknown value 'P9'" in out.output
    assert f"{csv_file}:4:" in out.output and f"{csv_file}:5: no 'ticket'" in out.output
    again = run("import", str(csv_file), "--mapping", str(mapping), "--format", "json")
    assert json.loads(again.stdout)["imported"] == 0
    shown = json.loads(run("show", "A-1", "--format", "json").output)
    assert shown["stage"] == "closed" and [e["kind"] for e in shown["events"]] == ["open", "update", "update"]
    assert json.loads(run("show", "A-5", "--format", "json").output)["events"][0]["note"] == "Multi\nline subject"
    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text('{"ticket": "J-1", "created": "2026-03-02T09:00:00+08:00"}\nnot json\n', encoding="utf-8")
    out = run("import", str(jsonl), "--mapping", str(mapping))
    assert "1 case(s) imported" in out.output and f"{jsonl}:2: not valid JSON" in out.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: ticket\ncolumns: {}\n", encoding="utf-8")
    out = run("import", str(jsonl), "--mapping", str(bad))
    assert out.exit_code == 1 and "bad.yaml:2:1: unknown key 'columns'" in out.output and "bad.yaml" in out.output


def test_import_refuses_event_times_that_have_not_happened(run, tmp_path: Path) -> None:
    """The same check as `--at`: a row or an archived case dated days ahead is reported with its line and
    skipped; the other rows are imported."""
    import datetime as dt

    ahead = (dt.datetime.now(dt.UTC) + dt.timedelta(days=400)).astimezone(dt.timezone(dt.timedelta(hours=8))).replace(
        second=0, microsecond=0)
    typo = ahead.strftime("%Y-%m-%d %H:%M")
    csv_file = tmp_path / "tickets.csv"
    csv_file.write_text("ticket,created,priority,solved\n"
                        "N-1,2026-03-02 09:00,P2,2026-03-02 12:00\n"
                        f"N-2,{typo},P2,\n"
                        f"N-3,2026-03-02 09:00,P2,{typo}\n", encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("id: ticket\nreceived_at: created\n"
                       "facts:\n  severity: {column: priority, values: {P2: general}}\n"
                       "events:\n  - {at: solved, stage: resolved}\n", encoding="utf-8")
    out = run("import", str(csv_file), "--mapping", str(mapping))
    assert out.exit_code == 1 and "1 case(s) imported" in out.output, out.output
    for line, column in ((3, "created"), (4, "solved")):
        assert f"{csv_file}:{line}: {column}: {typo} +08:00 has not happened yet" in out.output
    assert "at most a day ahead of now" in out.output
    assert run("show", "N-2").exit_code == ExitCode.NOT_FOUND and run("show", "N-3").exit_code == ExitCode.NOT_FOUND

    def case_line(ext: str, at: str) -> str:
        return json.dumps({"format": "cxcoach-case/1", "uid": f"u{ext}", "external_id": ext, "playbook": "default",
                           "received_at": "2026-03-02T09:00:00+08:00",
                           "events": [{"seq": 1, "at": "2026-03-02T09:00:00+08:00", "kind": "open", "by": None,
                                       "note": "", "stage": None, "facts": {"severity": "general"}},
                                      {"seq": 2, "at": at, "kind": "update", "by": None, "note": "later",
                                       "stage": None, "facts": {}}]})
    archive = tmp_path / "a.jsonl"
    archive.write_text("\n".join([case_line("R-1", "2026-03-02T10:00:00+08:00"), case_line("R-2", ahead.isoformat()),
                                  json.dumps({"format": "cxcoach-archive-end/1", "cases": 2})]) + "\n",
                       encoding="ascii")
    out = run("import", str(archive))
    assert out.exit_code == 1 and "1 case(s) imported" in out.output, out.output
    assert f"{archive}:2: event 2: {typo} +08:00 has not happened yet" in out.output
    assert run("show", "R-2").exit_code == ExitCode.NOT_FOUND and run("show", "R-1").exit_code == 0


def test_show_prints_the_calendar_notes_in_text_and_json(run, db_target: str) -> None:
    """2101 is beyond the holiday data: a business-time deadline running over it says so."""
    from cxcoach.desk import Desk, parse_time
    from cxcoach.playbook import load_playbook
    from cxcoach.store import Store

    with Store.open(db_target) as store:  # through the library: `case open --at` refuses a time not yet come
        Desk(store, load_playbook()).open(facts={"severity": "general", "channel": "phone"}, external_id="Y",
                                          at=parse_time("2101-10-03 10:00", "Asia/Shanghai"))
    text = run("show", "Y", "--now", "2101-10-03 11:00", "--lang", "en").output
    assert "calendar: " in text and "no holidays for CN in 2101" in text
    data = json.loads(run("show", "Y", "--now", "2101-10-03 11:00", "--format", "json", "--lang", "en").output)
    (note,) = data["result"]["calendar_notes"]
    assert note["kind"] == "uncovered" and "2101-10-03" in note["days"] and note["text"] in text


def test_list_says_when_a_rule_moves_deadlines_with_time_alone(db_target: str, edited_playbook) -> None:
    folder = edited_playbook(rules="""
  - id: slow_general_case
    when: {all: [{fact: severity, op: eq, value: general}, {fact: elapsed_minutes, op: gt, value: 120}]}
    then: {deadlines: {respond: 30m}}
""").path
    runner = CliRunner()
    assert runner.invoke(main, ["case", "open", "--set", "severity=general", "--db", db_target]).exit_code == 0
    for playbook, note in ((None, False), (folder, True)):
        args = ["case", "list", "--db", db_target, *(["--playbook", playbook] if playbook else [])]
        out = runner.invoke(main, args)
        assert out.exit_code == 0, out.output
        assert ("slow_general_case set deadlines that move with elapsed time" in out.stderr) is note


def test_list_shows_whole_ids_in_one_aligned_column(run) -> None:
    """Ticket ids share long prefixes ("DEMO-202611-04…"): each is shown whole, the next column aligned."""
    from rich.cells import cell_len

    ids = ["DEMO-202611-0417", "DEMO-202611-0418", "工单-2026-11-长号码-0001", "S"]
    for ext in ids:
        assert run("open", "--id", ext, "--set", "severity=general", "--at", "2026-03-06 10:00").exit_code == 0
    out = run("list", "--now", "2026-03-06 10:05", "--lang", "en")
    assert out.exit_code == 0, out.output
    header, *rows = out.output.splitlines()
    stage_column = cell_len(header[:header.index("stage")])
    assert stage_column == cell_len("工单-2026-11-长号码-0001") + 1
    assert sorted(row.split()[0] for row in rows) == sorted(ids)
    for row in rows:
        ref, stage = row.split()[:2]
        assert cell_len(row[:row.index(stage, len(ref))]) == stage_column


def test_reimport_names_rows_whose_content_changed_and_changes_nothing(run, tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("id: ticket\nreceived_at: created\nnote: subject\nfacts:\n  channel: {column: source}\n"
                       "events:\n  - {at: solved, stage: resolved}\n", encoding="utf-8")
    first = tmp_path / "tickets.csv"
    first.write_text("ticket,created,source,subject,solved\n"
                     "R-1,2026-03-02 09:00,phone,Broken screen,2026-03-03 10:00\n"
                     "R-2,2026-03-02 10:00,email,Late parcel,\n", encoding="utf-8")
    assert "2 case(s) imported" in run("import", str(first), "--mapping", str(mapping)).output
    assert run("update", "R-2", "--note", "called back", "--at", "2026-03-02 11:00").exit_code == 0
    def shown() -> list[str]:
        return [run("show", ref, "--now", "2026-03-04 10:00", "--format", "json").output for ref in ("R-1", "R-2")]

    before = shown()
    # the same rows: already there, even after the desk added an event to R-2
    same = run("import", str(first), "--mapping", str(mapping))
    assert same.exit_code == 0 and "0 case(s) imported, 2 already there, 0 skipped" in same.stdout, same.output
    assert "differs" not in same.stderr
    edited = tmp_path / "edited.csv"
    edited.write_text("ticket,created,source,subject,solved\n"
                      "R-2,2026-03-02 10:00,email,Late parcel,\n"
                      "R-1,2026-03-02 09:00,web,Broken screen (reopened),2026-03-03 10:00\n", encoding="utf-8")
    out = run("import", str(edited), "--mapping", str(mapping))
    assert out.exit_code == 0, out.output
    assert f"{edited}:3: case 'R-1' already imported, content differs — not changed" in out.stderr
    assert f"{edited}:2:" not in out.stderr
    assert "2 already there (1 of them differ from this file, not changed)" in out.stdout
    data = json.loads(run("import", str(edited), "--mapping", str(mapping), "--format", "json").stdout)
    assert data["unchanged"] == 1 and data["differs"] == [
        f"{edited}:3: case 'R-1' already imported, content differs — not changed"]
    assert shown() == before


@pytest.mark.parametrize("args", [["update", "T-1", "--note", "called"],
                                  ["follow-up", "T-1", "--satisfaction", "satisfied"]])
def test_a_change_to_a_mistyped_db_creates_nothing(tmp_path: Path, args: list[str]) -> None:
    """An update can only name a case already stored: a new empty file at a typo would hide the mistake."""
    target = tmp_path / "typo" / "desk.sqlite3"
    out = CliRunner().invoke(main, ["case", *args, "--db", str(target)])
    assert out.exit_code == ExitCode.INPUT and "no database at" in out.stderr, out.output
    assert not (tmp_path / "typo").exists()


def test_list_columns_line_up_whether_or_not_a_time_has_seconds(run) -> None:
    assert run("open", "--id", "S", "--at", "2026-03-06 10:00:07", "--set", "channel=web").exit_code == 0
    assert run("open", "--id", "M", "--at", "2026-03-06 10:00", "--set", "channel=web").exit_code == 0
    assert run("update", "M", "--stage", "solution_proposed", "--at", "2026-03-06 10:05").exit_code == 0
    lines = run("list", "--now", "2026-03-06 11:00", "--lang", "en").output.splitlines()
    assert [line.split()[0] for line in lines] == ["case", "S", "M"]
    assert "solution_proposed" in lines[2]  # a stage id is shown whole: it is what --stage takes
    for column in ("stage", "received", "next due"):
        starts = {line.index(column) if n == 0 else None for n, line in enumerate(lines)} - {None}
        (start,) = starts
        assert all(line[start - 1] == " " and line[start] != " " for line in lines), lines


def test_list_one_owners_queue_and_filter_by_facts(run) -> None:
    for ref, owner, severity, urgent in (("O-1", "周敏", "major", "true"), ("O-2", "陈涛", "major", "false"),
                                         ("O-3", "周敏", "general", "false")):
        assert run("open", "--id", ref, "--at", "2026-03-06 10:00", "--set", f"severity={severity}",
                   "--set", "channel=phone", "--set", f"urgent={urgent}").exit_code == 0
        assert run("update", ref, "--set", f"responsible_owner={owner}", "--at", "2026-03-06 10:05").exit_code == 0
    assert run("update", "O-3", "--set", "responsible_owner=陈涛", "--at", "2026-03-06 10:10").exit_code == 0

    def refs(*args: str) -> list[str]:
        out = run("list", "--now", "2026-03-06 11:00", "--format", "json", *args)
        assert out.exit_code == 0, out.output
        return sorted(c["ref"] for c in json.loads(out.stdout))

    assert refs("--owner", "周敏") == ["O-1"]  # O-3 was handed to 陈涛: the current owner counts
    assert refs("--owner", "陈涛", "--where", "severity=major") == ["O-2"]
    assert refs("--where", "urgent=true") == ["O-1"] and refs("--where", "urgent=no") == ["O-2", "O-3"]
    assert refs("--owner", "nobody") == []
    out = run("list", "--where", "severity=huge", "--lang", "en")
    assert out.exit_code == ExitCode.INVALID and "fact 'severity': unknown value 'huge'" in out.stderr, out.output
    out = run("list", "--where", "colour=red", "--format", "json")
    assert out.exit_code == ExitCode.INVALID and "unknown fact 'colour'" in json.loads(out.stdout)["error"]
    out = run("list", "--owner", "A", "--where", "responsible_owner=B", "--lang", "zh")
    assert out.exit_code == 2 and "互相矛盾" in out.output


def test_a_dimension_scored_twice_differently_is_refused(run) -> None:
    """As with any option given twice: 'the last wins' would record a score the customer may not have given."""
    assert run("open", "--id", "D", "--at", "2026-03-06 10:00", "--set", "channel=web").exit_code == 0
    assert run("update", "D", "--stage", "resolved", "--at", "2026-03-06 11:00").exit_code == 0
    out = run("follow-up", "D", "--satisfaction", "neutral", "--score", "reliability=9:4", "--score",
              "reliability=9:5", "--at", "2026-03-06 12:00", "--lang", "en")
    assert out.exit_code == ExitCode.REFUSED
    assert "--score 'reliability' is given twice, as 9:4 and 9:5; give it once" in out.output
    assert json.loads(run("show", "D", "--format", "json").output)["follow_up"] is None
    out = run("follow-up", "D", "--satisfaction", "neutral", "--score", "reliability=9:4", "--score",
              "reliability=9.0:4", "--at", "2026-03-06 12:00", "--format", "json")
    assert out.exit_code == 0 and json.loads(out.stdout)["satisfaction"] == "neutral"


def test_opening_a_ticket_already_on_the_desk_says_how_to_add_to_it(run) -> None:
    assert run("open", "--id", "T 9", "--at", "2026-03-06 10:00", "--set", "channel=web").exit_code == 0
    out = run("open", "--id", "T 9", "--at", "2026-03-06 11:00", "--set", "channel=web", "--lang", "en")
    assert out.exit_code == ExitCode.INVALID
    assert ("case T 9 already exists (external id 'T 9'); record what happened next with "
            "`cxcoach case update 'T 9'`, or give a new complaint its own --id") in out.stderr, out.output


def test_show_now_before_the_case_was_received_is_refused(run) -> None:
    """The deadlines were shown as of the receipt, under the --now asked for: a silent answer to another question."""
    assert run("open", "--id", "N", "--at", "2026-03-06 10:00", "--set", "channel=web").exit_code == 0
    out = run("show", "N", "--now", "2026-03-05 10:00", "--lang", "en")
    assert out.exit_code == 2 and "2026-03-05 10:00 +08:00 is before the case was received (2026-03-06 10:00 +08:00)" \
        in out.output
    out = run("show", "N", "--now", "2026-03-05 10:00", "--format", "json")
    assert out.exit_code == 2 and json.loads(out.stdout)["exit_code"] == 2
    assert run("show", "N", "--now", "2026-03-06 10:00").exit_code == 0
