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


def test_json_output_shape(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE))
    res = invoke([str(path), "--format", "json", "--lang", "en"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert [r["id"] for r in data["recommendations"]] == ["listen", "propose", "record"]
    first = data["recommendations"][0]
    assert {"id", "title", "owner", "due", "script", "avoid", "because"} <= set(first)
    assert first["because"] == [{"rule": "major", "facts": {"severity": "major", "anger": 7},
                                 "text": "Major and angry: listen first"}]
    assert first["due"] == "2026-03-04T10:30:00+08:00"
    assert data["deadlines"]["respond_by"] == "2026-03-04T10:30:00+08:00"
    assert data["deadlines"]["resolve_by"] == "2026-03-07T10:00:00+08:00"
    assert data["escalate_to"] == ["director", "legal"]
    assert data["overdue"] == ["listen"]


def test_yaml_case_on_stdin_text_output():
    case_yaml = textwrap.dedent("""\
        received_at: 2026-03-04T10:00:00+08:00
        now: 2026-03-04T10:10:00+08:00
        facts: {severity: major, anger: 6}
    """)
    res = invoke(["-", "--lang", "en"], input=case_yaml)
    assert res.exit_code == 0, res.output
    assert "1. LISTEN [listen]" in res.output and "because: major (severity=major, anger=6)" in res.output


def test_set_flags_and_now_and_explain():
    res = invoke(["--set", "severity=major", "--set", "anger=3", "--set", "received_at=2026-03-04T10:00+08:00",
                  "--now", "2026-03-04T10:05+08:00", "--format", "json", "--explain"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["recommendations"] == []
    assert data["near_misses"][0]["rule"] == "major" and data["near_misses"][0]["actual"] == {"anger": 3}
    assert data["now"] == "2026-03-04T10:05:00+08:00"


def test_markdown_output():
    res = invoke(["--set", "severity=major", "--set", "anger=9", "--format", "markdown", "--now", "2026-03-04T10:05+08:00"])
    assert res.exit_code == 0 and res.output.startswith("# 案例")


def test_bad_case_exits_1_with_every_message_and_no_traceback():
    res = invoke(["--set", "severty=major", "--set", "channel=phnoe"])
    assert res.exit_code == 1
    assert "unknown fact 'severty' (did you mean 'severity'?)" in res.output
    assert "unknown value 'phnoe'; allowed: phone, email, web, regulator, media (did you mean 'phone'?)" in res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize(("content", "needle"), [
    ("received_at: [unclosed", "E001"),
    ("received_at: 2026-03-04 10:00\nfacts: {}\n", "has no UTC offset"),
    ("- a list\n", "a case must be a mapping"),
])
def test_bad_case_files(tmp_path, content, needle):
    path = tmp_path / "case.yaml"
    path.write_text(content)
    res = invoke([str(path)])
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
])
def test_usage_errors_exit_2(args):
    assert invoke(args).exit_code == 2


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
    res = invoke(["--stream", "--now", "2026-03-04T11:00+08:00"], input="\n".join(lines) + "\n")
    assert res.exit_code == 0
    out = [json.loads(line) for line in res.output.splitlines()]
    assert len(out) == 6
    assert out[0]["case"] == "T-1" and out[0]["recommendations"][0]["id"] == "listen"
    assert out[0]["now"] == "2026-03-04T11:00:00+08:00"
    assert out[1]["line"] == 2 and out[1]["error"].startswith("not JSON")
    assert out[2] == {"line": 3, "case": "T-3", "error": out[2]["error"], "errors": out[2]["errors"]}
    assert "unknown value 'huge'" in out[2]["error"]
    assert out[3]["line"] == 5 and "expected a JSON object" in out[3]["error"]
    assert out[4]["line"] == 6 and out[4]["error"]  # absurd nesting: reported, not fatal
    assert out[5]["recommendations"] == [] and out[5]["deadlines"]["respond_by"] == "2026-03-04T12:00:00+08:00"


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
          - {id: severity, type: enum, label: Severity, values: [{id: major, label: Major}, {id: general, label: General}]}
        calendar: {timezone: America/New_York, working_hours: {start: "09:00", end: "17:00"}, weekdays: [mon, tue, wed, thu, fri]}
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
    assert data["recommendations"][0]["due"] == "2026-03-09T09:30:00-04:00"  # over the weekend and the DST change
    assert data["deadlines"]["respond_by"] == "2026-03-09T10:30:00-04:00"


def test_import_is_light():
    code = ("import sys, cxcoach.cli.recommend; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('jsonschema', 'textual')]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
