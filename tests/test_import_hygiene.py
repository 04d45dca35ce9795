"""Headless commands never import textual (start-up time, and servers without a terminal library).

Each command runs in a fresh interpreter through click's test runner, then the
child reports whether `textual` (or any `cxcoach.tui` module) got imported.
The idea is Harlequin's tests/unit_tests/test_import_hygiene.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

COACH = Path(__file__).parent / "tui" / "fixtures" / "coach"

CHILD = textwrap.dedent("""
    import json, sys
    from click.testing import CliRunner
    from cxcoach.cli import main
    args = json.loads(sys.argv[1])
    stdin = sys.argv[2] if len(sys.argv) > 2 else None
    result = CliRunner().invoke(main, args, input=stdin, catch_exceptions=True)
    leaked = sorted(m for m in sys.modules if m == "textual" or m.startswith(("textual.", "cxcoach.tui")))
    error = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        error = repr(result.exception)
    print(json.dumps({"code": result.exit_code, "leaked": leaked, "error": error, "output": result.output[-2000:],
                      "modules": sorted(sys.modules)}))
""")


def _run(args: list[str], stdin: str | None = None) -> dict:
    cmd = [sys.executable, "-c", CHILD, json.dumps(args)] + ([stdin] if stdin is not None else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


CASE = "received_at: 2026-03-06T10:00:00+08:00\nnow: 2026-03-06T10:20:00+08:00\nfacts: {severity: major, anger: 7}\n"

COMMANDS = {
    "help": (["--help"], None),
    "validate": (["validate", str(COACH)], None),
    "recommend": (["recommend", "--playbook", str(COACH), "--format", "json", "-"], CASE),
    "score": (["score", "--reply", "非常抱歉，我理解您的心情"], None),
    "drill run": (["drill", "run", "late_parcel", "--model-answers", "--playbook", str(COACH)], None),
    "drill list": (["drill", "list", "--playbook", str(COACH)], None),
    "calendar": (["calendar", "--month", "2026-10", "--playbook", str(COACH)], None),
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_headless_command_never_imports_textual(name: str) -> None:
    args, stdin = COMMANDS[name]
    out = _run(args, stdin)
    assert out["error"] is None, out
    assert out["code"] in (0, 1), out  # 1: a finding (e.g. invalid shipped playbook), never a crash
    assert out["leaked"] == [], f"`cxcoach {name}` imported {out['leaked']}"


def test_tui_command_help_does_not_import_textual() -> None:
    out = _run(["tui", "--help"])
    assert out["code"] == 0 and "--playbook" in out["output"] and "--db" in out["output"]
    assert out["leaked"] == []


def test_the_tui_module_is_importable_and_does_import_textual() -> None:
    """The control: the check above would notice a leak."""
    code = "import sys, cxcoach.tui.app; print('textual' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "True", proc.stderr


LEAN = ("cxcoach.playbook.drill", "cxcoach.drill", "jsonschema", "hashlib", "pickle")  # (the harness itself needs json)


def test_recommend_from_a_warm_cache_skips_validation_drills_and_hashing(tmp_path: Path, monkeypatch) -> None:
    """What keeps `cxcoach recommend` quick to start (bench/cold_start.py) stays off its path."""
    monkeypatch.setenv("CXCOACH_CACHE", str(tmp_path / "cache"))
    args = ["recommend", "--playbook", str(COACH), "-"]
    cold, warm = _run(args, CASE), _run(args, CASE)  # two fresh interpreters: the first fills the cache
    assert cold["code"] == warm["code"] == 0, (cold, warm)
    assert "cxcoach.playbook.schema" in cold["modules"]  # the control: the first one validated
    assert [m for m in warm["modules"] if m.startswith(LEAN)] == []


# Off the start-up path of a cached `cxcoach recommend` (bench/cold_start.py times it): validation,
# the drill and learning stack, storage, reports, the app, holiday data, code generation (dataclasses),
# and whatever only a cache miss needs (tempfile, hashing); the app's command (`cxcoach tui`, built only
# when it runs) and importlib.util (finding `holidays` for the cache key needs only importlib.machinery).
HEAVY = ("cxcoach.cli.tui", "importlib.util",
         "jsonschema", "sqlalchemy", "alembic", "psycopg", "textual", "rich", "holidays", "sklearn", "numpy",
         "matplotlib", "dataclasses", "tempfile", "hashlib", "pickle", "cxcoach.playbook.schema",
         "cxcoach.playbook.build", "cxcoach.playbook.drill_model", "cxcoach.playbook.drill_build", "cxcoach.drill",
         "cxcoach.authoring", "cxcoach.store", "cxcoach.desk", "cxcoach.report", "cxcoach.tui", "cxcoach.engine.stream")


def _imported(args: list[str], cache: Path) -> tuple[int, list[str]]:
    """Run the console entry point as installed scripts do, in a fresh interpreter, and list every module
    it imported (from `-X importtime`, which reports each module when it is first loaded)."""
    code = "from cxcoach.command import run; run()"
    env = {**os.environ, "CXCOACH_CACHE": str(cache)}
    env.pop("CXCOACH_NO_CACHE", None)
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code, *args], input=CASE, capture_output=True,
                          text=True, timeout=120, env=env)
    lines = [line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")]
    return proc.returncode, lines[1:]  # the first line is the header


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_cached_recommend_imports_nothing_heavy(tmp_path: Path, fmt: str) -> None:
    args = ["recommend", "--playbook", str(COACH), "--format", fmt, "-"]
    cold_code, cold = _imported(args, tmp_path / "cache")  # fills the cache
    warm_code, warm = _imported(args, tmp_path / "cache")
    assert cold_code == warm_code == 0
    assert {"cxcoach.playbook.schema", "cxcoach.playbook.build", "cxcoach.engine.recommend"} <= set(cold)  # the control
    assert "cxcoach.engine.recommend" in warm
    assert [name for name in warm if any(name == heavy or name.startswith(heavy + ".") for heavy in HEAVY)] == []
