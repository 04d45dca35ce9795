"""The top-level command: help, version, completion and `python -m cxcoach`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from click.testing import CliRunner

from cxcoach.cli import COMMANDS, main


def test_help_lists_every_command_with_a_summary():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.output, name


def test_every_registered_command_imports():
    for name in COMMANDS:
        assert main.get_command(None, name) is not None, name  # type: ignore[arg-type]


def test_unknown_command_is_a_usage_error():
    result = CliRunner().invoke(main, ["recomend"])
    assert result.exit_code == 2 and "recommend" in result.output


def test_bash_completion_script_and_completions():
    env = {**os.environ, "_CXCOACH_COMPLETE": "bash_source"}
    script = subprocess.run([sys.executable, "-m", "cxcoach"], env=env, capture_output=True, text=True, timeout=60)
    assert "_cxcoach_completion" in script.stdout
    env = {**os.environ, "_CXCOACH_COMPLETE": "bash_complete", "COMP_WORDS": "cxcoach re", "COMP_CWORD": "1"}
    done = subprocess.run([sys.executable, "-m", "cxcoach"], env=env, capture_output=True, text=True, timeout=60)
    assert "recommend" in done.stdout


def test_python_dash_m_version():
    out = subprocess.run([sys.executable, "-m", "cxcoach", "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "0.1.0" in out.stdout


def test_the_console_command_tunes_the_collector_before_importing_the_cli():
    code = (
        "import gc, json, sys\n"
        "sys.argv = ['cxcoach', '--version']\n"
        "from cxcoach.command import run\n"
        "assert 'click' not in sys.modules\n"
        "try:\n"
        "    run()\n"
        "except SystemExit as exc:\n"
        "    print(json.dumps([exc.code, gc.get_threshold(), gc.get_freeze_count() > 0]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "version" in done.stdout
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [0, [50_000, 20, 100], True]
