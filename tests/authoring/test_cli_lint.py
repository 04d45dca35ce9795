"""`cxcoach lint` exit codes and formats; authoring commands never import textual."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cxcoach.cli import main

from .test_lint import UNUSED_FACT


def test_clean_playbook_exit_0(make_playbook):
    result = CliRunner().invoke(main, ["lint", "--fail-on-warnings", str(make_playbook())])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output


def test_warnings_fail_only_with_flag(make_playbook):
    root = str(make_playbook(UNUSED_FACT))
    runner = CliRunner()
    assert runner.invoke(main, ["lint", root]).exit_code == 0
    result = runner.invoke(main, ["lint", "--fail-on-warnings", root])
    assert result.exit_code == 1
    assert "pb/plant.yaml:2:5: warning L601: fact 'channel'" in result.output
    assert runner.invoke(main, ["lint", "--fail-on-warnings", "--ignore", "L601", root]).exit_code == 0
    assert runner.invoke(main, ["lint", "--fail-on-warnings", "--select", "L2", root]).exit_code == 0


def test_json_format(make_playbook):
    result = CliRunner().invoke(main, ["lint", "--format", "json", str(make_playbook(UNUSED_FACT))])
    data = json.loads(result.output)
    assert data["warnings"] == 1 and data["playbooks"][0]["findings"][0]["code"] == "L601"


def test_invalid_playbook_exit_1_without_traceback(make_playbook):
    root = make_playbook("rules:\n  - id: r\n    when: {fact: nope, op: eq, value: 1}\n    then: {steps: [listen]}\n")
    result = CliRunner().invoke(main, ["lint", str(root)])
    assert result.exit_code == 1 and "E301" in result.output and "Traceback" not in result.output


def test_bad_config_is_a_clean_error(make_playbook, tmp_path):
    (tmp_path / ".cxcoach.toml").write_text("[lint\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", str(make_playbook())])
    assert result.exit_code == 1 and "bad lint configuration" in result.output


def test_codes_listing():
    result = CliRunner().invoke(main, ["lint", "--codes"])
    assert result.exit_code == 0 and "L201" in result.output and "L607" in result.output


@pytest.mark.slow
def test_authoring_commands_do_not_import_textual():
    code = ("import sys\nfrom cxcoach.cli import lint, test, calibrate, explore, export, new\n"
            "import cxcoach.authoring.lint, cxcoach.authoring.playbook_tests, cxcoach.authoring.explore\n"
            "import cxcoach.authoring.calibrate, cxcoach.authoring.export, cxcoach.authoring.scaffold\n"
            "assert 'textual' not in sys.modules, 'textual imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True)
