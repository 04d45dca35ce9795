"""`cxcoach test`: case and drill tests, pytest-like output, exit codes, coverage."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner

from cxcoach.authoring.playbook_tests import collect, run
from cxcoach.cli import main

CASES = """\
tests:
  - name: major goes first
    case:
      received_at: 2026-03-02T09:00:00+08:00
      now: 2026-03-02T09:10:00+08:00
      facts: {severity: major, anger: 7}
    expect:
      first: report
      order: [report, listen]
      steps: [listen]
      fired: [major_report, angry_listen]
      respond_by: 2026-03-02T09:30:00+08:00
      due: {report: 2026-03-02T09:30:00+08:00}
      overdue: []
  - name: calm general case
    case:
      received_at: 2026-03-02T09:00:00+08:00
      now: 2026-03-02T09:10:00+08:00
      facts: {severity: general, anger: 1}
    expect:
      absent: [report, listen]
      not_fired: [major_report]
      respond_by: 2026-03-02T12:00:00+08:00
"""

DRILLS = """\
tests:
  - name: apology resolves
    drill: d1
    replies: ["非常抱歉让您久等了"]
    expect:
      path: [open, done]
      ending: done
      behaviours: [apology]
      responses: [open.sorry]
      criteria: [cv_apology]
      score: {min: 100}
      passed: true
  - name: model answers
    drill: d1
    model_answers: true
    expect: {ending: done, ending_kind: good}
  - name: silence loses
    drill: d1
    replies: ["嗯"]
    locale: en
    expect: {path: [open, lost], not_behaviours: [apology], passed: false}
"""

FAILING = """\
tests:
  - name: wrong first step
    case:
      received_at: 2026-03-02T09:00:00+08:00
      now: 2026-03-02T09:10:00+08:00
      facts: {severity: general, anger: 9}
    expect:
      first: report
      steps: [listen, report]
  - name: wrong ending
    drill: d1
    replies: ["随便"]
    expect: {ending: done, score: {min: 50}}
  - name: clockless
    case: {facts: {severity: major}}
    expect: {first: report}
"""


@pytest.fixture
def tested(make_playbook):
    def _make(*files: str):
        root = make_playbook()
        for i, text in enumerate(files):
            (root / f"t{i}.test.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return _make


def test_passing_tests(tested):
    result = run(collect([tested(CASES, DRILLS)]))
    assert [o.status for o in result.outcomes] == ["passed"] * 5, [(o.mismatches, o.error) for o in result.outcomes]
    assert result.ok


def test_cli_output_like_pytest(tested):
    root = tested(CASES, FAILING)
    result = CliRunner().invoke(main, ["test", str(root)])
    out = result.output
    assert result.exit_code == 1
    assert "t0.test.yaml .." in out and "t1.test.yaml FFE" in out
    assert "FAILURES" in out and "t1.test.yaml:2: wrong first step" in out
    assert "expect.first\n  - first: report\n  + first: listen" in out
    assert "expect.steps  (missing ['report'])" in out
    assert "  - ending: done\n  + ending: lost" in out
    assert "E   the case needs `now`" in out
    assert "2 passed, 3 failed" in out
    assert "Traceback" not in out


def test_cli_passes_with_exit_0_and_coverage(tested):
    result = CliRunner().invoke(main, ["test", str(tested(CASES, DRILLS)), "--coverage"])
    assert result.exit_code == 0, result.output
    assert "5 passed, 0 failed" in result.output
    assert "rules         2/2" in result.output
    assert "nodes         3/3" in result.output


def test_coverage_lists_what_is_never_exercised(tested):
    result = run(collect([tested(CASES)]))
    table = {kind: (hit, total, missing) for kind, hit, total, missing in result.coverage.table()}
    assert table["rules"][:2] == (2, 2)
    assert table["nodes"] == (0, 3, ["d1.done", "d1.lost", "d1.open"])
    assert "d1: open -> done" in table["edges"][2]
    assert "d1.open.sorry" in table["responses"][2]
    assert table["criteria"][2] == ["conv.cv_apology"]


def test_keyword_filter(tested):
    result = run(collect([tested(CASES, DRILLS)]), keyword="model")
    assert [o.test.name for o in result.outcomes] == ["model answers"]


def test_schema_errors_in_a_test_file_are_reported(tested):
    root = tested("tests:\n  - name: x\n    case: {}\n    expect: {frist: a}\n")
    result = CliRunner().invoke(main, ["test", str(root)])
    assert result.exit_code == 1
    assert "cannot run this file" in result.output and "t0.test.yaml:4" in result.output


def test_no_tests_exit_5(make_playbook):
    result = CliRunner().invoke(main, ["test", str(make_playbook())])
    assert result.exit_code == 5


def test_too_many_replies_is_an_error(tested):
    root = tested("tests:\n  - name: x\n    drill: d1\n    replies: [非常抱歉, 还有]\n    expect: {ending: done}\n")
    outcome = run(collect([root])).outcomes[0]
    assert outcome.status == "error" and "ended after 1 replies" in outcome.error


def test_test_file_may_name_its_playbook(make_playbook, tmp_path):
    root = make_playbook()
    elsewhere = tmp_path / "tests" / "x.test.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(f"playbook: ../{root.name}\n" + textwrap.dedent(DRILLS), encoding="utf-8")
    result = run(collect([elsewhere]))
    assert result.ok and result.passed == 3


def test_invalid_playbook_is_reported_once(tested):
    root = tested(CASES, DRILLS)
    (root / "broken.yaml").write_text("rules: [\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["test", str(root)])
    assert result.exit_code == 1
    assert result.output.count("playbook is invalid") == 1 and "broken.yaml:" in result.output
    assert "0 passed, 0 failed, 1 file error(s)" in result.output


def test_an_empty_test_file_is_told_what_a_test_file_holds(tmp_path):
    """The reader's own hint for an empty file speaks of playbook sections; a test file holds `tests:`."""
    from cxcoach.authoring.playbook_tests import read_test_file

    (tmp_path / "x.test.yaml").write_text("", encoding="utf-8")
    (problem,) = read_test_file(tmp_path / "x.test.yaml", tmp_path).problems
    assert problem.code == "E004" and problem.hint is not None and problem.hint.startswith("a test file holds `tests:`")
