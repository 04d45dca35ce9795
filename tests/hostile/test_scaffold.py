"""`cxcoach new` attacked: planted pipes and links in the target playbook, a disk that fills up mid-scaffold,
and folder names that would forge lines of output."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from cxcoach.authoring.scaffold import ScaffoldError, new_playbook, new_tests, schema_home

from .conftest import TIMEOUT, Run, child_env, cx


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return new_playbook("acme", tmp_path_factory.mktemp("new")).playbook


def test_pipes_planted_where_the_loader_does_not_look_cannot_hang_a_scaffold(acme: Path) -> None:
    hidden = acme / ".hidden"
    hidden.mkdir(exist_ok=True)
    os.mkfifo(hidden / "a.yaml")  # the loader skips hidden folders and test files; schema_home read them all
    os.mkfifo(acme / "a.test.yaml")
    try:
        run = cx("new", "drill", "piped", "-p", str(acme))  # it blocked forever on the first pipe
        assert run.code == 0, run.stderr
        assert schema_home(acme) == acme / "schemas"
    finally:
        (hidden / "a.yaml").unlink()
        (acme / "a.test.yaml").unlink()


def test_a_planted_link_is_never_written_through(acme: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.test.yaml"
    (acme / "gen.test.yaml").symlink_to(outside)  # dangling: exists() said no, and the write followed it
    try:
        with pytest.raises(ScaffoldError, match="already exists"):
            new_tests("gen", acme)
        assert not outside.exists()
    finally:
        (acme / "gen.test.yaml").unlink()


def _limited(*args: str, cwd: Path) -> Run:
    """`cxcoach ARGS` whose files may not grow past 2 KiB, as on a disk that fills up."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    proc = subprocess.run([sys.executable, "-m", "cxcoach", *args], capture_output=True, env=child_env(), cwd=cwd,
                          timeout=TIMEOUT, preexec_fn=limit)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def test_a_scaffold_that_cannot_be_written_leaves_nothing_behind(tmp_path: Path) -> None:
    run = _limited("new", "playbook", "full", cwd=tmp_path)
    assert run.code == 1 and "File too large; nothing was written" in run.stderr, run.stderr
    assert not (tmp_path / "full").exists()  # it left a half playbook that blocked the next try


def test_a_line_break_in_a_folder_name_cannot_forge_output(tmp_path: Path) -> None:
    run = cx("new", "playbook", "acme", "--dir", "x\nnext: cxcoach validate /etc \x1b[2J", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert all(line.startswith(("created ", "next: cxcoach validate 'x\\x0anext")) for line in run.stdout.splitlines())
    assert "\x1b" not in run.stdout
