"""`validate --format json` and `lint --format json` write what schemas/problems.schema.json says, clean or not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from cxcoach.cli import main

from ..conftest import FIXTURES

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "problems.schema.json").read_text(encoding="utf-8"))


@pytest.fixture
def folders(tmp_path: Path) -> list[str]:
    """A valid playbook, one with schema and reference errors, one with a syntax error, a missing one."""
    good, bad, broken = tmp_path / "good", tmp_path / "bad", tmp_path / "broken"
    for folder in (good, bad, broken):
        shutil.copytree(FIXTURES / "mini", folder)
    content = (bad / "content.yaml").read_text(encoding="utf-8")
    (bad / "content.yaml").write_text(content.replace("due: 30m", "due: 30 min").replace("step: listen", "step: x"),
                                      encoding="utf-8")
    (broken / "extra.yaml").write_text("rules: [\n", encoding="utf-8")
    return [str(good), str(bad), str(broken), str(tmp_path / "missing")]


@pytest.mark.parametrize("command", [["validate"], ["lint"], ["validate", "--strict"], ["lint", "--fail-on-warnings"]])
def test_reports_match_the_schema(folders, command):
    runner = CliRunner()
    for paths in ([folders[0]], folders[:3]):
        result = runner.invoke(main, [*command, "--format", "json", *paths])
        report = json.loads(result.stdout)
        jsonschema.Draft202012Validator(SCHEMA).validate(report)
        assert result.exit_code == (0 if report["ok"] else 1)
        key = "problems" if command[0] == "validate" else "findings"
        assert [key in entry for entry in report["playbooks"]] == [True] * len(paths)
    codes = {p["code"] for entry in report["playbooks"] for p in entry[key]}
    assert {"E101", "E202", "E001"} <= codes and report["errors"] >= 3


def test_the_schema_refuses_what_neither_command_writes():
    problem = {"file": "a.yaml", "line": 1, "col": 1, "code": "E101", "severity": "error", "message": "m",
               "hint": None, "path": "$"}
    ok = {"ok": True, "errors": 0, "warnings": 0, "playbooks": [{"path": "p", "valid": True, "id": "x",
                                                                   "problems": [problem]}]}
    jsonschema.Draft202012Validator(SCHEMA).validate(ok)
    entry = {"path": "p", "valid": True, "id": "x"}
    for bad in ({**ok, "extra": 1}, {**ok, "playbooks": [{**entry, "findings": []}]},
                {**ok, "playbooks": [{**entry, "problems": [{**problem, "code": "X1"}]}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.Draft202012Validator(SCHEMA).validate(bad)
