"""Playbook `include:` attacked: loops, long chains, files that are not regular files, paths that leave the
playbook or the shipped playbooks, and names that would forge lines in `cxcoach validate`'s output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cxcoach.playbook import check_playbook

from .conftest import cx

META = "playbook: {id: inc, title: {zh: 包含, en: Inc}, version: 1.0.0, locales: [zh, en]}\n"


def playbook_with(root: Path, more: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "playbook.yaml").write_text(META, encoding="utf-8")
    (root / "more.yaml").write_text(more, encoding="utf-8")
    return root


def problems(root: Path) -> list[str]:
    _, found = check_playbook(root)
    return [f"{p.code} {p.message}" for p in found]


def test_a_named_pipe_included_is_named_as_one(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    root = playbook_with(tmp_path / "pb", "include: [../pipe.yaml]\n")
    found = problems(root)  # never opened: a reader would block on it
    assert found == [f"E020 included file '../pipe.yaml' is a named pipe, not a regular file "
                     f"({tmp_path / 'pipe.yaml'})"]


@pytest.mark.parametrize("ref", ["/dev/zero", "../../../../../../etc/passwd", "cxcoach:../../../../etc/x.yaml",
                                 "cxcoach:/etc/x.yaml"])
def test_devices_and_paths_out_of_bounds_are_refused(tmp_path: Path, ref: str) -> None:
    root = playbook_with(tmp_path / "pb", f'include: ["{ref}"]\n')
    found = problems(root)
    assert len(found) == 1 and found[0].startswith(("E020", "E101")), found


def test_a_line_break_in_an_include_cannot_forge_a_line_of_output(tmp_path: Path) -> None:
    root = playbook_with(tmp_path / "pb", 'include: ["x.yaml\\npb/more.yaml:1:1: ok \\e[2J.yaml"]\n')
    run = cx("validate", str(root), cwd=tmp_path)
    assert run.code == 1
    lines = run.stdout.splitlines()
    assert not [line for line in lines if line.startswith("pb/more.yaml:1:1: ok")], lines
    assert "\x1b" not in run.stdout


def test_loops_and_a_long_chain_of_includes_end(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    count = 400
    for i in range(count):  # each file includes the next (the last the first), the first and itself
        (lib / f"f{i}.yaml").write_text(f"include: [f{(i + 1) % count}.yaml, f0.yaml, f{i}.yaml]\n", encoding="utf-8")
    root = playbook_with(tmp_path / "pb", "include: [../lib/f0.yaml, more.yaml]\n")
    playbook, found = check_playbook(root)
    assert playbook is not None and not found
