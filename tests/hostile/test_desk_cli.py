"""`cxcoach case` attacked as a hostile user and a careless integrator would: ids, times, case files, argv.

Every bad input must end in one clear error, a code from `ExitCode`, no
traceback, nothing written, and no raw control or bidi character from case
text on the terminal; with `--format json` the error is also a JSON object
on stdout.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cxcoach.cli import main
from cxcoach.errors import ExitCode
from cxcoach.sanitize import UNSAFE

UNSAFE_ID = "T-1\x1b[31m\u202e"


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "desk.sqlite3")


def case(db: str, *args: str, input: str | bytes | None = None) -> Result:
    out = CliRunner().invoke(main, ["case", *args, "--db", db], input=input)
    assert out.exception is None or isinstance(out.exception, SystemExit), repr(out.exception)  # never a traceback
    assert UNSAFE.search(out.stdout.replace("\n", "").replace("\t", "")) is None, out.stdout
    assert UNSAFE.search(out.stderr.replace("\n", "").replace("\t", "")) is None, out.stderr
    return out


def count(db: str) -> int:
    if not Path(db).exists():
        return 0
    return len(json.loads(case(db, "list", "--all", "--format", "json").stdout))


def opened(db: str, *args: str) -> Result:
    out = case(db, "open", "--set", "severity=general", "--at", "2026-03-06 10:00", *args)
    assert out.exit_code == 0, out.output
    return out


# -- external ids ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["", "   ", UNSAFE_ID, "T-\u200b1", "Ｔ-1", "x" * 201, "#5", "T-1\n2"])
def test_an_external_id_is_one_plain_line(db: str, bad: str) -> None:
    out = case(db, "open", "--set", "severity=general", "--id", bad)
    assert out.exit_code == ExitCode.INVALID, out.output
    assert "external id" in out.stderr and len(out.stderr.strip().splitlines()) <= 2
    assert count(db) == 0


def test_an_id_in_a_case_file_must_be_text_or_a_whole_number(db: str, tmp_path: Path) -> None:
    for text, line in (("id: [1]\n", 1), ("facts: {severity: general}\nid: true\n", 2), ("id: 1.5\n", 1)):
        path = tmp_path / "c.yaml"
        path.write_text(text, encoding="utf-8")
        out = case(db, "open", str(path))
        assert out.exit_code == ExitCode.INVALID and f"{path}:{line}:" in out.stderr, out.output
    assert count(db) == 0


def test_an_external_id_that_looks_like_a_case_number_never_hides_another_case(db: str) -> None:
    opened(db)  # case #1
    opened(db, "--id", "1")  # case #2, whose ticket number is "1"
    out = case(db, "show", "1")
    assert out.exit_code == ExitCode.INVALID and "#1" in out.stderr and "#2" in out.stderr, out.output
    assert json.loads(case(db, "show", "#1", "--format", "json").stdout)["id"] == 1
    assert json.loads(case(db, "show", "#2", "--format", "json").stdout)["external_id"] == "1"
    out = case(db, "update", "1", "--note", "which one?")
    assert out.exit_code == ExitCode.INVALID
    assert [len(json.loads(case(db, "show", f"#{n}", "--format", "json").stdout)["events"]) for n in (1, 2)] == [1, 1]


def test_a_duplicate_external_id_is_refused_and_nothing_changes(db: str) -> None:
    opened(db, "--id", "T-9")
    out = case(db, "open", "--set", "severity=major", "--id", "T-9", "--format", "json")
    assert out.exit_code == ExitCode.INVALID and "already exists" in out.stderr
    assert "already exists" in json.loads(out.stdout)["error"]
    assert count(db) == 1


# -- times ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["25:99", "2026-02-30 10:00", "0001-01-01T00:00Z", "9999-12-31T23:59Z", "yesterday",
                                 "2026-03-06T10:00.5", "２０２６-03-06 10:00", "2026-03-06 10:00 +25:00", " "])
def test_a_bad_time_is_one_clear_line(db: str, bad: str) -> None:
    out = case(db, "open", "--set", "severity=general", "--at", bad)
    assert out.exit_code == ExitCode.USAGE, out.output
    assert out.stderr.count("--at") == 1 and "Traceback" not in out.stderr
    assert count(db) == 0


def test_times_the_desk_prints_can_be_typed_back(db: str) -> None:
    out = opened(db, "--id", "P", "--lang", "en")
    shown = out.stdout.split("next due ")[1].strip()  # e.g. '2026-03-06 17:30 +08:00'
    assert case(db, "update", "P", "--at", shown, "--note", "pasted").exit_code == 0


@pytest.mark.parametrize("args", [["list", "--due-within", "999999d"], ["list", "--now", "0001-01-01 00:00"],
                                  ["archive", "--before", "0001-01-01", "-o", "a.jsonl"],
                                  ["archive", "--now", "9999-12-31 23:00", "-o", "a.jsonl"],
                                  ["show", "1", "--now", "0001-01-01 00:00"]])
def test_far_past_and_future_are_refused_not_crashed(db: str, args: list[str], tmp_path: Path) -> None:
    opened(db)
    args = [str(tmp_path / a) if a == "a.jsonl" else a for a in args]
    out = case(db, *args)
    assert out.exit_code == ExitCode.USAGE, out.output
    assert not (tmp_path / "a.jsonl").exists()


def test_an_event_before_the_last_is_refused(db: str) -> None:
    opened(db, "--id", "B")
    assert case(db, "update", "B", "--at", "2026-03-06 12:00", "--note", "later").exit_code == 0
    out = case(db, "update", "B", "--at", "2026-03-06T03:59+00:00", "--note", "earlier", "--format", "json")
    assert out.exit_code == ExitCode.REFUSED and "never go backwards" in json.loads(out.stdout)["error"]


# -- case files and stdin -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, line", [
    ("facts: [1]\n", 1), ("facts: 5\n", 1), ("received_at: 2026-03-06T10:00:00+08:00\nfacts: x\n", 2),
    ("received_at: 5\n", 1), ("facts: {severity: general}\nreceived_at: yesterday\n", 2),
    ("facts: {}\nwhatever: 1\n", 2), ("pauses: []\n", 1),
])
def test_a_bad_case_file_is_positioned(db: str, tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    out = case(db, "open", str(path))
    assert out.exit_code == ExitCode.INVALID, out.output
    assert f"{path}:{line}:" in out.stderr, out.stderr
    assert count(db) == 0


BOMB = b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
    b"%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n" % ((k, k) + (k - 1,) * 9)
    for k in range(ord("b"), ord("k")))


@pytest.mark.parametrize("data", [b"", b"\x00\xff\xfe garbage", b"- 1\n", b"facts: [\n", b"a: &a [1]\nb: *a\n" * 3,
                                  BOMB, b"facts: " + b"[" * 5000 + b"]" * 5000 + b"\n",
                                  b'{"facts": {"severity": "general"}, "facts": {}}'])
def test_garbage_on_stdin(db: str, data: bytes) -> None:
    out = case(db, "open", "-", "--format", "json", input=data)
    assert out.exit_code in (ExitCode.INVALID, ExitCode.INPUT), out.output
    assert json.loads(out.stdout)["error"] and out.stderr.startswith("error:")
    assert "a playbook file is a mapping" not in out.stderr  # it is a case, whatever the YAML reader usually reads
    assert count(db) == 0


# -- argv -----------------------------------------------------------------------------------------------------------

def test_conflicting_repeated_sets_are_refused(db: str) -> None:
    out = case(db, "open", "--set", "severity=major", "--set", "severity=general")
    assert out.exit_code == ExitCode.USAGE and "severity" in out.stderr
    assert case(db, "open", "--set", "severity=major", "--set", "severity=major").exit_code == 0


def test_set_without_equals_is_a_usage_error_and_json_says_so(db: str) -> None:
    out = case(db, "open", "--set", "severity", "--format", "json")
    assert out.exit_code == ExitCode.USAGE and "fact=value" in json.loads(out.stdout)["error"]


def test_notes_and_facts_cannot_forge_timeline_lines(db: str) -> None:
    opened(db, "--id", "N")
    forged = "ok\n  9. 2026-03-07 10:00 +08:00 [service_director] -> closed"
    assert case(db, "update", "N", "--note", forged, "--set", "description=a\x1b]0;t\x07\nb",
                "--at", "2026-03-06 11:00").exit_code == 0
    text = case(db, "show", "N", "--lang", "en").stdout
    timeline = text.split("Timeline\n")[1].split("\n\n")[0].splitlines()
    assert len(timeline) == 2 and "9. 2026-03-07" not in "\n".join(line.split("—")[0] for line in timeline)
    data = case(db, "show", "N", "--format", "json").stdout
    assert "\x1b" not in data and json.loads(data)["events"][1]["note"] == forged


def test_json_errors_are_objects_on_stdout_for_every_subcommand(db: str) -> None:
    assert case(db, "open", "--set", "severity=general").exit_code == 0  # update and follow-up need a database
    for args, code in ((["update", "nope", "--note", "x"], ExitCode.NOT_FOUND),
                       (["show", "nope"], ExitCode.NOT_FOUND),
                       (["follow-up", "nope", "--satisfaction", "satisfied"], ExitCode.NOT_FOUND),
                       (["list", "--due-within", "soon"], ExitCode.USAGE),
                       (["open", "--set", "severity=huge"], ExitCode.REFUSED)):
        out = case(db, *args, "--format", "json")
        assert out.exit_code == code, (args, out.output)
        error = json.loads(out.stdout)
        assert error["exit_code"] == code and error["error"] and out.stderr.startswith(("error:", "Usage", "Error"))


# -- --db targets ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("target, words", [
    ("", "--db"), ("sqlite://", "sqlite"), ("postgresql://[::1", "URL"), ("mysql://u@h/d", "postgresql://"),
])
def test_bad_db_targets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, words: str) -> None:
    monkeypatch.chdir(tmp_path)
    out = case(target, "list")
    assert out.exit_code == (ExitCode.USAGE if not target else ExitCode.INVALID) and words in out.stderr, out.output
    assert list(tmp_path.iterdir()) == []  # no stray file such as ./sqlite:


def test_a_read_command_does_not_create_a_database_at_a_mistyped_path(tmp_path: Path) -> None:
    target = tmp_path / "typo" / "desk.sqlite3"
    for args in (["list"], ["show", "1"]):
        out = case(str(target), *args)
        assert out.exit_code == ExitCode.INPUT and "no database" in out.stderr, out.output
    assert not (tmp_path / "typo").exists()


def test_a_folder_or_a_text_file_as_database(tmp_path: Path) -> None:
    assert "folder" in case(str(tmp_path), "list").stderr
    text = tmp_path / "notes.db"
    text.write_text("not a database\n" * 100, encoding="utf-8")
    out = case(str(text), "open", "--set", "severity=general")
    assert out.exit_code == ExitCode.INVALID and "not a cxcoach" in out.stderr
    assert text.read_text(encoding="utf-8") == "not a database\n" * 100


def test_a_local_time_the_zone_skips_or_repeats_needs_its_offset() -> None:
    from cxcoach.desk import TimeError, parse_time

    with pytest.raises(TimeError, match=r"does not exist in America/New_York.*2026-03-08T03:30-04:00"):
        parse_time("2026-03-08 02:30", "America/New_York")
    with pytest.raises(TimeError, match=r"happens twice.*01:30-04:00 \(the first\).*01:30-05:00"):
        parse_time("2026-11-01 01:30", "America/New_York")
    assert parse_time("2026-11-01 01:30-05:00", "America/New_York").utcoffset().total_seconds() == -5 * 3600
    assert parse_time("2026-03-08 03:30", "America/New_York").utcoffset().total_seconds() == -4 * 3600


@pytest.mark.parametrize("args", [["--note", "bad\udcff"], ["--set", "description=bad\udcff"], ["--by", "x\udcff"],
                                  ["--stage", "\udcff"]])
def test_argv_bytes_that_are_not_utf8(db: str, args: list[str]) -> None:
    opened(db, "--id", "U")
    out = case(db, "update", "U", *args, "--format", "json")
    assert out.exit_code == ExitCode.USAGE and "not UTF-8" in json.loads(out.stdout)["error"], out.output
    assert len(json.loads(case(db, "show", "U", "--format", "json").stdout)["events"]) == 1



@pytest.mark.parametrize("args", [["--stage", "resolved", "--stage", "closed"], ["--at", "11:00", "--at", "12:00"],
                                  ["--by", "service_director", "--by", "service_manager"],
                                  ["--format", "json", "--format", "text"]])
def test_an_option_given_twice_with_different_values_is_refused(db: str, args: list[str]) -> None:
    opened(db, "--id", "R")
    out = case(db, "update", "R", *args)
    assert out.exit_code == ExitCode.USAGE and "give it once" in out.stderr, out.output
    assert case(db, "update", "R", "--note", "same twice", "--note", "same twice").exit_code == 0


def test_contradicting_flags(db: str) -> None:
    opened(db)
    out = case(db, "list", "--open", "--all")
    assert out.exit_code == ExitCode.USAGE and "contradict" in out.stderr


def test_an_unreachable_postgresql_is_one_line() -> None:
    out = case("postgresql://postgres@127.0.0.1:1/nothing", "list", "--format", "json")
    assert out.exit_code == ExitCode.INVALID and "cannot connect" in json.loads(out.stdout)["error"]
    assert len(out.stderr.strip().splitlines()) == 1


def test_a_case_file_over_the_size_limit(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXCOACH_MAX_INPUT_BYTES", "1000")
    path = tmp_path / "case.yaml"
    path.write_text("facts: {severity: general}\n# " + "x" * 5000 + "\n", encoding="utf-8")
    out = case(db, "open", str(path))
    assert out.exit_code == ExitCode.INPUT and "size limit" in out.stderr
    assert count(db) == 0


def test_an_export_given_without_its_mapping(db: str, tmp_path: Path) -> None:
    export = tmp_path / "tickets.csv"
    export.write_text("ticket,created\nA-1,2026-03-02 09:00\n", encoding="utf-8")
    out = case(db, "import", str(export))
    assert out.exit_code == ExitCode.INVALID and "--mapping" in out.stderr, out.output


@pytest.mark.slow
@pytest.mark.parametrize("args", [["show", "H"], ["show", "H", "--format", "json"], ["list"],
                                  ["list", "--format", "json"],
                                  ["show", "H", "--form", "complaint_form", "--format", "md"],
                                  ["show", "\x1b[2J\u202eH"], ["show", "\x1b[2J", "--format", "json"]])
def test_case_text_on_a_real_terminal(tmp_path: Path, args: list[str]) -> None:
    """Notes and fact values full of escapes, shown by the real `cxcoach` on a pseudo-terminal."""
    from .conftest import on_terminal
    from .test_terminal import REPLY, shown_safely

    db = str(tmp_path / "desk.sqlite3")
    hostile = REPLY.replace("\x00", "")  # NUL is refused (PostgreSQL cannot keep it)
    opened(db, "--id", "H", "--note", hostile)
    assert case(db, "update", "H", "--set", f"root_cause={hostile}", "--note", hostile).exit_code == 0
    _, shown = on_terminal("case", *args, "--db", db)
    shown_safely(shown)


def test_a_limit_no_database_can_hold(db: str) -> None:
    opened(db)
    out = case(db, "list", "--limit", "99999999999999999999")
    assert out.exit_code == ExitCode.USAGE and "--limit" in out.stderr, out.output


def test_a_case_read_under_another_playbook(db: str, tiny_dir: Path) -> None:
    opened(db, "--id", "P")
    for args in (["show", "P"], ["update", "P", "--note", "x"], ["follow-up", "P", "--satisfaction", "happy"]):
        out = case(db, *args, "--playbook", str(tiny_dir))
        assert out.exit_code == ExitCode.INVALID and "recorded under playbook 'default'" in out.stderr, out.output


def test_a_markdown_form_shows_case_text_as_typed(db: str) -> None:
    opened(db, "--id", "M")
    evil = "<script>alert(1)</script> [click](javascript:x) *bold* | cell"
    assert case(db, "update", "M", "--set", f"root_cause={evil}", "--at", "2026-03-06 11:00").exit_code == 0
    md = case(db, "show", "M", "--form", "complaint_form", "--format", "md", "--lang", "en").stdout
    assert "<script>" not in md and "*bold*" not in md and not re.search(r"(?<!\\)\]\(javascript", md)
    assert "\\<script\\>alert(1)\\</script\\> \\[click\\](javascript:x) \\*bold\\* \\| cell" in md
    html = case(db, "show", "M", "--form", "complaint_form", "--format", "html", "--lang", "en").stdout
    assert "<script>" not in html and "&lt;script&gt;" in html
