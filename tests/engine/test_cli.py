from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from cxcoach.cli import recommend as cli_mod
from cxcoach.cli.recommend import recommend
from cxcoach.errors import ExitCode

from .factory import all_, playbook, rule, t

PB = playbook(
    rule("major", all_(t("severity", "eq", "major"), t("anger", "ge", 5)), priority=90, steps=["listen", "propose"],
         because="Major and angry: listen first"),
    rule("regulator", t("channel", "eq", "regulator"), respond="30m", escalate_to=["legal"], steps=["record"]),
)
CASE = {"id": "T-1", "received_at": "2026-03-04T10:00:00+08:00", "now": "2026-03-04T10:40:00+08:00",
        "facts": {"severity": "major", "anger": 7, "channel": "regulator"}}


@pytest.fixture(autouse=True)
def inline_playbook(monkeypatch):
    monkeypatch.setattr(cli_mod, "_load_playbook", lambda path: PB)


def invoke(args, input=None):
    return CliRunner().invoke(recommend, args, input=input)


def stream(lines, *args):
    res = invoke(["--stream", "--lang", "en", *args], input="\n".join(lines) + "\n")
    return res, [json.loads(line) for line in res.stdout.splitlines()]


def test_json_output_shape(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE))
    res = invoke([str(path), "--format", "json", "--lang", "en"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert next(iter(data)) == "schema_version" and data["case"] == "T-1"
    assert [r["id"] for r in data["recommendations"]] == ["listen", "propose", "record"]
    first = data["recommendations"][0]
    assert first["because"] == ["major"] and first["scripts"] == ["listen_lines"]
    assert data["fired"][0] == {"rule": "major", "priority": 90, "facts": {"severity": "major", "anger": 7}}
    assert first["due"] == "2026-03-04T10:30:00+08:00"
    assert data["respond_by"] == "2026-03-04T10:30:00+08:00"
    assert data["resolve_by"] == "2026-03-07T10:00:00+08:00"
    assert data["escalate_to"] == ["director", "legal"]
    assert "texts" not in data  # the prose only when asked for


def test_overdue_lists_every_deadline_past_due():
    res = invoke(["-", "--format", "json"], input=json.dumps(CASE))
    data = json.loads(res.stdout)
    assert data["overdue"] == ["respond", "listen"]
    assert data["overdue"] == [d["target"] for d in data["deadlines"] if d.get("overdue")]


def test_fields_select_parts_and_add_the_texts():
    res = invoke(["-", "--format", "json", "--lang", "en", "--fields", "recommendations,overdue"],
                 input=json.dumps(CASE))
    data = json.loads(res.stdout)
    assert list(data) == ["schema_version", "case", "overdue", "recommendations"]
    res = invoke(["-", "--format", "json", "--lang", "en", "--fields", "+texts"], input=json.dumps(CASE))
    data = json.loads(res.stdout)
    assert data["texts"]["scripts"]["listen_lines"]["lines"][0]["text"] == "Take your time"
    assert data["texts"]["rules"] == {"major": "Major and angry: listen first"}
    assert "deadlines" in data
    everything = json.loads(invoke(["-", "--format", "json", "--fields", "all"], input=json.dumps(CASE)).stdout)
    assert set(everything) == set(data)


@pytest.mark.parametrize(("args", "needle"), [
    (["--fields", "recomendations", "--format", "json"], "did you mean 'recommendations'?"),
    (["--fields", ",", "--format", "json"], "name at least one field"),
    (["--fields", "recommendations"], "add --format json"),
])
def test_bad_fields_are_usage_errors(args, needle):
    res = invoke(["-", *args], input=json.dumps(CASE))
    assert res.exit_code == 2 and needle in res.output


def test_integer_case_id_stays_an_integer():
    res = invoke(["-", "--format", "json"], input=json.dumps({**CASE, "id": 1042}))
    assert json.loads(res.stdout)["case"] == 1042
    _, [out] = stream([json.dumps({**CASE, "id": 1042})])
    assert out["case"] == 1042 and out["line"] == 1


def test_times_are_in_the_playbook_time_zone_to_the_second():
    case = {**CASE, "received_at": "2026-03-04T02:00:00.123456Z", "now": "2026-03-04T02:40:00.5+00:00"}
    data = json.loads(invoke(["-", "--format", "json"], input=json.dumps(case)).stdout)
    assert data["received_at"] == "2026-03-04T10:00:00+08:00" and data["now"] == "2026-03-04T10:40:00+08:00"
    assert data["respond_by"] == "2026-03-04T10:30:00+08:00"  # microseconds dropped everywhere
    assert all(d["due"].endswith(":00+08:00") for d in data["deadlines"])


def test_yaml_case_on_stdin_text_output():
    case_yaml = textwrap.dedent("""\
        received_at: 2026-03-04T10:00:00+08:00
        now: 2026-03-04T10:10:00+08:00
        facts: {severity: major, anger: 6}
    """)
    res = invoke(["-", "--lang", "en"], input=case_yaml)
    assert res.exit_code == 0, res.output
    assert "1. LISTEN [listen]" in res.output and "because: major (severity=major, anger=6)" in res.output
    assert "say: Take your time" in res.output


def test_set_flags_and_now_and_explain():
    res = invoke(["--set", "severity=major", "--set", "anger=3", "--set", "received_at=2026-03-04T10:00+08:00",
                  "--now", "2026-03-04T10:05+08:00", "--format", "json", "--explain"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["recommendations"] == []
    assert data["near_misses"][0]["rule"] == "major" and data["near_misses"][0]["actual"] == {"anger": 3}
    assert data["now"] == "2026-03-04T10:05:00+08:00"


def test_markdown_output():
    res = invoke(["--set", "severity=major", "--set", "anger=9", "--format", "markdown",
                  "--now", "2026-03-04T10:05+08:00"])
    assert res.exit_code == 0 and res.output.startswith("# 案例")


def test_bad_case_exits_1_with_every_message_in_the_chosen_language():
    res = invoke(["--set", "severty=major", "--set", "channel=phnoe", "--lang", "en"])
    assert res.exit_code == 1 and res.stdout == ""
    assert "unknown fact 'severty' (did you mean 'severity'?)" in res.stderr
    assert "unknown value 'phnoe'; allowed: phone, email, web, regulator, media (did you mean 'phone'?)" in res.stderr
    assert "[C023 at $.facts.channel]" in res.stderr
    zh = invoke(["--set", "severty=major", "--lang", "zh"])
    assert "未知的事实 'severty'（是否想写 'severity'？）" in zh.stderr
    assert "Traceback" not in res.output + zh.output


def test_bad_case_with_format_json_is_an_error_object_on_stdout_and_text_on_stderr():
    res = invoke(["--set", "severty=major", "--set", "received_at=soon", "--format", "json", "--lang", "en"])
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    assert [(e["code"], e["path"]) for e in data["errors"]] == [("C010", "$.received_at"), ("C021", "$.facts.severty")]
    assert data["error"] == "; ".join(e["message"] for e in data["errors"])
    assert "line" not in data and "received_at: 'soon' is not an ISO-8601 timestamp" in res.stderr


def test_unreadable_case_file_with_format_json(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("received_at: [unclosed")
    res = invoke([str(path), "--format", "json"])
    assert res.exit_code == 1 and "E001" in res.stderr
    assert json.loads(res.stdout)["errors"][0]["code"] == "E001"


@pytest.mark.parametrize(("content", "needle"), [
    ("received_at: [unclosed", "E001"),
    ("received_at: 2026-03-04 10:00\nfacts: {}\n", "has no UTC offset"),
    ("- a list\n", "a case must be a mapping"),
])
def test_bad_case_files(tmp_path, content, needle):
    path = tmp_path / "case.yaml"
    path.write_text(content)
    res = invoke([str(path), "--lang", "en"])
    assert res.exit_code == 1 and needle in res.output and "Traceback" not in res.output


def test_missing_case_file_exits_4(tmp_path):
    res = invoke([str(tmp_path / "nope.yaml")])
    assert res.exit_code == ExitCode.INPUT == 4 and "cannot read case file" in res.output


@pytest.mark.parametrize("args", [
    [],  # nothing to evaluate
    ["--set", "novalue"],
    ["--now", "tomorrow", "--set", "severity=major"],
    ["--format", "pdf", "--set", "severity=major"],
    ["--lang", "fr", "--set", "severity=major"],
    ["case.yaml", "--stream"],
    ["--stream", "--format", "text"],
    ["--stream", "--format", "markdown"],
])
def test_usage_errors_exit_2(args):
    res = invoke(args, input="")
    assert res.exit_code == 2 and res.stdout == ""


def test_stream_mode_keeps_going_after_bad_lines():
    lines = [
        json.dumps(CASE),
        "{not json",
        json.dumps({"id": "T-3", "received_at": "2026-03-04T10:00+08:00", "facts": {"severity": "huge"}}),
        "",
        json.dumps([1, 2]),
        "[" * 100000,
        json.dumps({"received_at": "2026-03-04T10:00+08:00", "facts": {"severity": "general"}}),
    ]
    res, out = stream(lines, "--now", "2026-03-04T11:00+08:00")
    assert res.exit_code == 1  # some lines failed
    assert len(out) == 6 and [o["line"] for o in out] == [1, 2, 3, 5, 6, 7]
    assert out[0]["case"] == "T-1" and out[0]["recommendations"][0]["id"] == "listen"
    assert out[0]["now"] == "2026-03-04T11:00:00+08:00"
    assert out[1]["errors"][0]["code"] == "E001" and out[1]["error"].startswith("not valid JSON")
    assert out[2]["case"] == "T-3" and out[2]["errors"][0]["path"] == "$.facts.severity"
    assert "unknown value 'huge'" in out[2]["error"]
    assert out[3]["errors"][0]["code"] == "C001" and "got list" in out[3]["error"]
    assert out[4]["errors"] == [{"code": "E014", "path": "$", "message": "nesting deeper than 64 levels"}]
    assert out[5]["recommendations"] == [] and out[5]["respond_by"] == "2026-03-04T12:00:00+08:00"


def test_stream_exits_0_when_every_line_is_a_result_and_honours_format_json():
    res, out = stream([json.dumps(CASE), json.dumps(CASE)], "--format", "json")
    assert res.exit_code == 0 and [o["line"] for o in out] == [1, 2]


@pytest.mark.parametrize(("line", "code", "needle"), [
    (b'{"id": "a", "id": "b"}', "E003", "duplicate key 'id'"),
    (b'{"facts": {"severity": "major", "severity": "general"}}', "E003", "duplicate key 'severity'"),
    (b'{"id": "caf\xc3"}', "E002", "invalid UTF-8 byte 0xc3 at column 12"),
    (b"[" * 65 + b"]" * 65, "E014", "nesting deeper than 64 levels"),
    (b'{"facts": ' + b'{"a": ' * 70 + b"1" + b"}" * 71, "E014", "nesting deeper than 64 levels"),
    (b'{"id": 1' + b"0" * 5000 + b"}", "E001", "not valid JSON"),
])
def test_stream_lines_follow_the_rules_of_case_files(line, code, needle):
    res = CliRunner().invoke(recommend, ["--stream", "--lang", "en"], input=line + b"\n" + json.dumps(CASE).encode())
    first, second = (json.loads(row) for row in res.stdout_bytes.splitlines())
    assert first["errors"][0]["code"] == code and needle in first["error"], first
    assert second["line"] == 2 and second["case"] == "T-1"


def test_stream_line_over_the_limit_is_answered_and_the_stream_goes_on():
    huge = json.dumps({**CASE, "id": "x" * (1024 * 1024)})
    _, out = stream([huge, json.dumps(CASE)])
    assert out[0] == {"schema_version": out[0]["schema_version"], "line": 1, "error": out[0]["error"],
                      "errors": [{"code": "E010", "path": "$", "message": out[0]["error"]}]}
    assert f"{len(huge) + 1:,} bytes, over the limit of 1,048,576 bytes" in out[0]["error"]
    assert out[1]["line"] == 2 and out[1]["case"] == "T-1"


def test_an_error_line_echoes_little_whatever_the_input():
    facts = {f"{i}": 0 for i in range(100_000)}  # 100,000 unknown fact names, just under the line limit
    line = json.dumps({"id": "T-9", "received_at": "2026-03-04T10:00+08:00", "facts": facts}, separators=(",", ":"))
    assert 900_000 < len(line) < 1024 * 1024
    res, [out] = stream([line])
    assert len(res.stdout) < 20_000
    assert len(out["errors"]) == 20 and out["omitted"] == 99_980 and out["case"] == "T-9"
    assert out["errors"][0] == {"code": "C021", "path": "$.facts['0']", "message": out["errors"][0]["message"]}


def test_invalid_playbook_exits_3(monkeypatch, tmp_path):
    monkeypatch.undo()
    bad = tmp_path / "pb.yaml"
    bad.write_text("playbook: {id: x}\n")
    res = invoke(["--playbook", str(bad), "--set", "severity=major"])
    assert res.exit_code == ExitCode.PLAYBOOK == 3 and "is invalid" in res.output and "Traceback" not in res.output


def test_real_yaml_playbook_end_to_end(monkeypatch, tmp_path):
    monkeypatch.undo()
    pb = tmp_path / "pb.yaml"
    pb.write_text(textwrap.dedent("""\
        playbook: {id: tiny, title: Tiny, version: 1.0.0, locales: [en]}
        roles: [{id: advisor, label: Advisor}]
        facts:
          - id: severity
            type: enum
            label: Severity
            values: [{id: major, label: Major}, {id: general, label: General}]
        calendar:
          timezone: America/New_York
          working_hours: {start: "09:00", end: "17:00"}
          weekdays: [mon, tue, wed, thu, fri]
        deadlines: {respond: 2bh}
        procedures:
          - id: intake
            title: Intake
            steps: [{id: listen, title: Listen, owner: advisor, due: 1bh}]
        rules:
          - id: major_first
            when: {fact: severity, op: eq, value: major}
            then: {steps: [listen]}
    """))
    res = invoke(["--playbook", str(pb), "--set", "severity=major", "--set", "received_at=2026-03-06T16:30-05:00",
                  "--now", "2026-03-06T16:45-05:00", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["playbook"] == "tiny" and data["playbook_version"] == "1.0.0"
    assert data["recommendations"][0]["due"] == "2026-03-09T09:30:00-04:00"  # over the weekend and the DST change
    assert data["respond_by"] == "2026-03-09T10:30:00-04:00"


def test_import_is_light():
    code = ("import sys, cxcoach.cli.recommend; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('jsonschema', 'textual')]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(("case_id", "code"), [
    (True, "C004"), (1.5, "C004"), ("x" * 257, "C005"), (2**53, "C006"), (-(2**60), "C006")])
def test_unusable_case_ids_are_errors_and_not_echoed(case_id, code):
    res, [out] = stream([json.dumps({**CASE, "id": case_id})])
    assert out["errors"] == [{"code": code, "path": "$.id", "message": out["error"]}]
    assert "case" not in out and len(res.stdout) < 1000
