"""Playbook folders with things in them that are not playbook files, and files that break in odd ways."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxcoach.cli import main
from cxcoach.errors import ExitCode
from cxcoach.playbook import check_playbook, default_playbook_path
from cxcoach.playbook.yamlsource import Limits, compose

from .conftest import cx


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A writable copy of the shipped playbook."""
    target = tmp_path / "pb"
    shutil.copytree(default_playbook_path(), target)
    return target


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def test_a_named_pipe_in_the_folder_is_reported_not_read(folder):
    os.mkfifo(folder / "x.yaml")  # reading it would block validate and recommend forever
    playbook, problems = check_playbook(folder)
    assert playbook is None and codes(problems) == ["E011"]
    assert "a named pipe, not a regular file" in problems[0].message and problems[0].file.endswith("x.yaml")
    result = CliRunner().invoke(main, ["recommend", "--playbook", str(folder), "--set", "emotion=angry"])
    assert result.exit_code == ExitCode.PLAYBOOK and "x.yaml:1:1: error E011" in result.output


def test_a_named_pipe_as_the_playbook_itself(tmp_path):
    os.mkfifo(tmp_path / "only.yaml")
    _, problems = check_playbook(tmp_path / "only.yaml")
    assert codes(problems) == ["E011"]


def test_link_loops_and_dangling_links_are_reported(folder):
    (folder / "a.yaml").symlink_to("b.yaml")
    (folder / "b.yaml").symlink_to("a.yaml")
    (folder / "gone.yaml").symlink_to("nowhere.yaml")
    (folder / "sub").symlink_to(folder, target_is_directory=True)  # a folder linking to itself
    playbook, problems = check_playbook(folder)
    assert playbook is None
    assert sorted((Path(p.file).name, p.code) for p in problems) == [("a.yaml", "E011"), ("b.yaml", "E011"),
                                                                     ("gone.yaml", "E011")]


def test_a_file_over_the_size_limit_is_reported_once_and_not_read(tmp_path):
    (tmp_path / "playbook.yaml").write_text("playbook: {}\n" + "#" * 5000 + "\n", encoding="utf-8")
    _, problems = check_playbook(tmp_path, limits=Limits(max_bytes=1000))
    assert codes(problems) == ["E010"] and "over the limit of 1,000" in problems[0].message


def test_one_syntax_error_does_not_hide_the_other_files_problems(folder):
    with (folder / "avoid.yaml").open("a", encoding="utf-8") as handle:
        handle.write("x: [\n")
    rules = folder / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("op: eq", "op: eqq", 1), encoding="utf-8")
    _, problems = check_playbook(folder)
    assert sorted(codes(problems)) == ["E001", "E307"]  # and no cascade of E202 for ids avoid.yaml declares


def test_a_tab_inside_a_literal_block_is_text():
    doc, problems = compose("a: |\n  first\n  \tindented with a tab\nb: 1\n", "t.yaml")
    assert problems == [] and doc.data == {"a": "first\n\tindented with a tab\n", "b": 1}


@pytest.mark.parametrize(("text", "where"), [("rules:\n\t- id: a\n", (2, 1)), ("a:\n  - b\n  \t- c\n", (3, 3)),
                                             ("a: |\n  \tx\n", (2, 3))])
def test_a_tab_in_indentation_is_E005(text, where):
    _, problems = compose(text, "t.yaml")
    assert [(p.code, p.line, p.col) for p in problems] == [("E005", *where)]


def test_a_late_syntax_error_names_the_block_to_check():
    text = textwrap.dedent("""\
        drills:
          - id: d
            persona:
              type: shrewd
              strategy: shrewd
            motive:
                zh: 今晚就要能用卡
                en: Needs a working card tonight
              expectation: 6
        """)  # the mistake: `motive:` (line 6) belongs under persona, two spaces further in
    _, problems = compose(text, "t.yaml")
    (problem,) = problems
    assert problem.code == "E001" and problem.line == 9  # where the parser noticed
    assert "line 6 ('motive:')" in problem.hint and "line 7" in problem.hint  # the block, and its first entry


@pytest.mark.parametrize(("value", "ok"), [("999999999d", False), ("3660d", True), ("3661d", False),
                                           ("500bd", True), ("501bd", False), ("4001bh", False),
                                           ("99999999999999999999m", False)])
def test_durations_the_engine_cannot_compute_with_fail_validation(folder, value, ok):
    path = folder / "playbook.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("resolve: 3d", f"resolve: {value}", 1), encoding="utf-8")
    playbook, problems = check_playbook(folder)
    assert (playbook is not None) is ok, [p.format() for p in problems]
    if not ok:
        assert codes(problems) == ["E402"] and "longer than deadlines are computed for" in problems[0].message


def test_integers_beyond_range_in_a_playbook(folder):
    path = folder / "facts.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n# huge\nextra: " + "1" * 4400 + "\n", encoding="utf-8")
    _, problems = check_playbook(folder)
    assert codes(problems) == ["E006"] and len(problems[0].format()) < 400


def test_every_command_survives_a_named_pipe_in_its_folder(folder):
    os.mkfifo(folder / "zz.yaml")
    os.mkfifo(folder / "zz.test.yaml")
    for args, code in ((["validate", str(folder)], ExitCode.INVALID), (["lint", str(folder)], ExitCode.INVALID),
                       (["test", str(folder)], ExitCode.INVALID),
                       (["export", "handbook", "-p", str(folder)], ExitCode.PLAYBOOK),
                       (["drill", "list", "--playbook", str(folder)], ExitCode.PLAYBOOK)):
        run = cx(*args)
        assert run.code == code and "zz" in run.stderr + run.stdout and "Traceback" not in run.stderr, (args, run)


def test_a_pipe_planted_as_the_cache_entry_is_passed_over(folder, tmp_path, monkeypatch):
    from cxcoach.playbook import cache, load_playbook
    from cxcoach.playbook.include import playbook_sources
    from cxcoach.playbook.loader import playbook_files
    from cxcoach.problems import ProblemList

    monkeypatch.setenv("CXCOACH_CACHE", str(tmp_path / "cache"))
    key = cache.cache_key(playbook_sources(playbook_files(folder, ProblemList())), folder)
    (tmp_path / "cache").mkdir()
    os.mkfifo(tmp_path / "cache" / f"{key.name}.msgpack")  # opened the usual way, this never returns
    assert load_playbook(folder).id == "default"


def test_folders_nested_a_thousand_deep(tmp_path):
    (tmp_path / "playbook.yaml").write_text("playbook: {}\n", encoding="utf-8")
    here = tmp_path
    for _ in range(1100):  # os.walk in Python 3.11 recursed once per level: a RecursionError
        here = here / "a"
        here.mkdir()
    (here / "x.yaml").write_text("roles: []\n", encoding="utf-8")
    (here / "x.test.yaml").write_text("cases: []\n", encoding="utf-8")
    try:
        _, problems = check_playbook(tmp_path)
        assert "E018" in codes(problems) and "nested more than 32 levels" in " ".join(p.message for p in problems)
        from cxcoach.authoring.playbook_tests import find_test_files

        assert find_test_files(tmp_path) == []
    finally:  # pytest's own clean-up (shutil.rmtree) recurses too: take the tower down from the top
        (here / "x.yaml").unlink()
        (here / "x.test.yaml").unlink()
        while here != tmp_path:
            here.rmdir()
            here = here.parent


@pytest.mark.parametrize("broken", sorted(p.name for p in default_playbook_path().glob("*.yaml")
                                          if not p.name.endswith(".test.yaml")))
def test_a_broken_file_causes_no_cascade_in_the_others(folder, broken):
    # Whichever file breaks, the others are still checked, and what they refer to in it is not "unknown"
    with (folder / broken).open("a", encoding="utf-8") as handle:
        handle.write("x: [\n")
    _, problems = check_playbook(folder)
    assert codes(problems) == ["E001"] and problems[0].file.endswith(broken)


def test_includes_that_loop_or_are_not_files(folder, tmp_path):
    (tmp_path / "a.yaml").symlink_to("b.yaml")
    (tmp_path / "b.yaml").symlink_to("a.yaml")
    os.mkfifo(tmp_path / "pipe.yaml")
    with (tmp_path / "big.yaml").open("wb") as big:
        big.truncate(Limits().max_bytes + 1)  # sparse: nothing is written, and nothing may be read
    path = folder / "avoid.yaml"
    path.write_text("include: [../a.yaml, ../pipe.yaml, ../big.yaml]\n" + path.read_text(encoding="utf-8"),
                    encoding="utf-8")
    _, problems = check_playbook(folder)
    assert sorted(codes(problems)) == ["E010", "E020", "E020"], [p.format() for p in problems]
    result = CliRunner().invoke(main, ["recommend", "--playbook", str(folder), "--set", "emotion=angry"])
    assert result.exit_code == ExitCode.PLAYBOOK and "E020" in result.output  # the cache path, too
