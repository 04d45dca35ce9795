"""Scaffolds validate out of the box, lint clean, and their tests pass."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxcoach.authoring.lint import LintConfig, lint_playbook
from cxcoach.authoring.playbook_tests import collect, run
from cxcoach.authoring.scaffold import ScaffoldError, new_drill, new_playbook, new_rule
from cxcoach.cli import main
from cxcoach.playbook import check_playbook


def valid(root: Path) -> None:
    playbook, problems = check_playbook(root)
    assert playbook is not None and problems == [], [p.format() for p in problems]


@pytest.mark.parametrize("locales", [("zh", "en"), ("en",), ("en", "zh")])
def test_new_playbook_validates_lints_clean_and_tests_pass(tmp_path, locales):
    created = new_playbook("acme", tmp_path, locales=locales)
    valid(created.playbook)
    assert lint_playbook(created.playbook, config=LintConfig()).findings == ()
    result = run(collect([created.playbook]))
    assert result.ok and result.passed == 2, [o.mismatches or o.error for o in result.outcomes]


def test_a_new_playbook_scores_a_reply(tmp_path):
    """`cxcoach score` is among the first things a trainer tries: a new playbook has a reply rubric for it."""
    created = new_playbook("acme", tmp_path, locales=("zh", "en"))
    for reply in ("非常抱歉，我理解您的心情，这件事我来负责。", "I'm so sorry, I understand how upsetting this is; "
                                                    "I'll personally handle it."):
        result = CliRunner().invoke(main, ["score", "-p", str(created.playbook), "--reply", reply, "--format", "json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["score"] == 100


@pytest.mark.parametrize(("lang", "label"), [("zh", "顾客满意度："), ("en", "Customer satisfaction: ")])
def test_a_new_playbooks_drill_report_shows_no_empty_scale(tmp_path, lang, label):
    """A new playbook declares no satisfaction states: the report gives c and stops, no "(-); scale:" after it."""
    created = new_playbook("acme", tmp_path, locales=("zh", "en"))
    result = CliRunner().invoke(main, ["drill", "run", "acme_intro", "-p", str(created.playbook), "--model-answers",
                                       "--lang", lang])
    assert result.exit_code == 0, result.output
    (line,) = [x for x in result.stdout.splitlines() if x.startswith(label)]
    assert re.fullmatch(re.escape(label) + r"c = [0-9.]+/[0-9.]+ = [0-9.]+", line), line


def test_without_a_reply_rubric_score_says_what_to_add(make_playbook):
    result = CliRunner().invoke(main, ["score", "-p", str(make_playbook()), "--reply", "sorry"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "no reply rubric: add one with `scope: reply`" in result.output


def _schema_target(path: Path) -> Path:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema="), path
    ref = first.split("$schema=", 1)[1]
    assert not Path(ref).is_absolute(), ref
    return (path.parent / ref).resolve()


def test_new_files_name_their_schema_inside_the_playbook(tmp_path):
    created = new_playbook("acme", tmp_path)
    root = created.playbook.resolve()
    yaml_files = [p for p in created.files if p.suffix == ".yaml"]
    assert len(yaml_files) == 5
    for path in yaml_files:
        target = _schema_target(path)
        assert target.is_file() and target.is_relative_to(root / "schemas")
        assert not target.is_relative_to(Path(sys.prefix).resolve())  # never into the virtualenv
    assert json.loads((root / "schemas" / "playbook.schema.json").read_text(encoding="utf-8"))["title"]


def test_new_playbook_reuses_the_shipped_detectors(tmp_path):
    root = new_playbook("acme", tmp_path).playbook
    assert "include: [cxcoach:default/detectors.yaml]" in (root / "playbook.yaml").read_text(encoding="utf-8")
    assert not any("detectors:" in p.read_text(encoding="utf-8") for p in root.rglob("*.yaml"))
    playbook, _ = check_playbook(root)
    assert {"apology", "empathy", "blame_customer", "remedy"} <= set(playbook.detectors)


def test_new_drill_points_where_the_playbook_already_points(tmp_path):
    shared = tmp_path / "shared_schemas"
    shared.mkdir()
    from cxcoach.resources import schemas_dir

    for src in schemas_dir().glob("*.json"):
        (shared / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    root = new_playbook("acme", tmp_path).playbook
    for path in root.rglob("*.yaml"):  # repoint the scaffold at the shared copy, as an author might
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("$schema=schemas/", "$schema=../shared_schemas/")
                        .replace("$schema=../schemas/", "$schema=../../shared_schemas/"), encoding="utf-8")
    created = new_drill("late", root)
    assert created.files == (root / "drills" / "late.yaml",)
    assert _schema_target(created.files[0]) == (shared / "playbook.schema.json").resolve()


def test_new_drill_in_a_playbook_without_schemas_brings_a_copy(make_playbook):
    root = make_playbook()
    created = new_drill("second", root)
    assert _schema_target(created.files[0]) == (root / "schemas" / "playbook.schema.json").resolve()
    assert (root / "schemas" / "drill.schema.json").is_file()
    valid(root)


def test_new_drill_and_rule_in_the_scaffold(tmp_path):
    root = new_playbook("acme", tmp_path).playbook
    new_drill("late_parcel", root)
    new_rule("vip_first", root)
    valid(root)


def test_new_drill_brings_a_rubric_when_the_playbook_has_none(make_playbook, tmp_path):
    root = make_playbook(base=_without_scoring(), name="plain")
    valid(root)
    created = new_drill("first", root)
    assert "rubrics:" in created.files[0].read_text(encoding="utf-8")
    valid(root)


def test_new_drill_uses_an_existing_rubric(make_playbook):
    root = make_playbook()
    created = new_drill("second", root)
    assert "rubrics:" not in created.files[0].read_text(encoding="utf-8")
    valid(root)


def test_new_rule_uses_the_playbooks_own_facts_and_steps(make_playbook):
    root = make_playbook()
    text = new_rule("fresh", root).files[0].read_text(encoding="utf-8")
    assert "fact: severity" in text and re.search(r"steps: \[(listen|report)\]", text)
    valid(root)


def _lint_codes(root: Path) -> set[tuple[str, str]]:
    return {(p.code, p.message) for p in lint_playbook(root, config=LintConfig()).findings}


def test_cli_new_rule_in_a_new_playbook_is_lint_clean(tmp_path):
    """The first step and enum value are what the catch-all rule already covers: that rule was shadowed (L202)."""
    runner = CliRunner()
    assert runner.invoke(main, ["new", "playbook", "acme", "--dir", str(tmp_path)]).exit_code == 0
    root = tmp_path / "acme"
    for kind, name in (("rule", "vip_first"), ("rule", "second"), ("drill", "late"), ("tests", "generated")):
        result = runner.invoke(main, ["new", kind, name, "-p", str(root)])
        assert result.exit_code == 0, result.output
        assert lint_playbook(root, config=LintConfig()).findings == (), (kind, name)
        valid(root)
    text = (root / "rules" / "vip_first.yaml").read_text(encoding="utf-8")
    assert "Change `when`" in text and "steps: [" in text
    assert run(collect([root])).ok


def test_new_rule_never_shadows_nor_is_shadowed(make_playbook):
    """Every step is already recommended, one rule at any case: the scaffold still finds a pair lint accepts."""
    root = make_playbook("""\
        rules:
          - id: always
            when: {fact: severity, op: in, value: [major, general]}
            then: {steps: [listen]}
        """)
    before = _lint_codes(root)
    new_rule("fresh", root)
    valid(root)
    assert {f for f in _lint_codes(root) - before if f[0].startswith("L2")} == set()


def test_cli_new_rule_drill_tests_in_a_copy_of_the_shipped_playbook(tmp_path):
    import shutil

    from cxcoach.resources import default_playbook_path

    root = tmp_path / "default"
    shutil.copytree(default_playbook_path(), root)
    before = _lint_codes(root)
    runner = CliRunner()
    for kind, name in (("rule", "vip_first"), ("drill", "late"), ("tests", "fresh_cases")):
        result = runner.invoke(main, ["new", kind, name, "-p", str(root)])
        assert result.exit_code == 0, result.output
        valid(root)
    assert _lint_codes(root) - before == set()


def test_refuses_duplicates_and_bad_names(make_playbook, tmp_path):
    root = make_playbook()
    with pytest.raises(ScaffoldError, match="already has a drill"):
        new_drill("d1", root)
    with pytest.raises(ScaffoldError, match="not an id"):
        new_rule("1bad name", root)
    new_playbook("acme", tmp_path / "x")
    with pytest.raises(ScaffoldError, match="not empty"):
        new_playbook("acme", tmp_path / "x")


def test_invalid_target_playbook_is_refused(tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "p.yaml").write_text("rules: 3\n", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="fix the playbook"):
        new_rule("r", broken)
    assert not (broken / "rules").exists()


def test_cli_new(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["new", "playbook", "acme", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "created" in result.output
    result = runner.invoke(main, ["new", "drill", "d9", "-p", str(tmp_path / "acme")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["new", "drill", "d9", "-p", str(tmp_path / "acme")])
    assert result.exit_code == 1 and "error:" in result.output and "Traceback" not in result.output


def _without_scoring() -> str:
    from .conftest import BASE

    return BASE.split("detectors:")[0]


def test_new_tests_fire_every_rule_and_pass(make_playbook):
    from cxcoach.authoring.scaffold import new_tests

    root = make_playbook(SHADOW_FREE_RULES)
    created, missing = new_tests("generated", root)
    assert missing == ["impossible"]
    text = created.files[0].read_text(encoding="utf-8")
    assert "fired: [major_report]" in text and "fired: [angry_listen]" in text and "fired: [late_call]" in text
    assert "d1: model answers (en)" in text
    result = run(collect([root]))
    assert result.ok and result.passed == 5, [(o.test.name, o.mismatches, o.error) for o in result.outcomes]


SHADOW_FREE_RULES = """\
rules:
  - id: late_call
    when: {all: [{overdue: respond}, {fact: severity, op: ne, value: major}]}
    then: {steps: [listen]}
  - id: impossible
    when: {fact: anger, op: gt, value: 11}
    then: {steps: [listen]}
"""


def test_new_tests_refuses_to_overwrite_unless_forced(make_playbook):
    from cxcoach.authoring.scaffold import new_tests

    root = make_playbook()
    first = new_tests("generated", root)[0].files[0].read_text(encoding="utf-8")
    with pytest.raises(ScaffoldError, match="already exists"):
        new_tests("generated", root)
    again = new_tests("generated", root, force=True)[0].files[0].read_text(encoding="utf-8")
    assert again == first  # deterministic, so regenerating shows only real changes in a diff


@pytest.mark.parametrize(("locales", "message"), [
    (("zh", "fr"), "are written in zh, en, not fr: start with --locales zh, then write detectors of your own"),
    (("zh", "zh"), "locale 'zh' is given twice")])
def test_locales_the_scaffold_cannot_serve_are_refused_in_one_line(tmp_path, locales, message):
    """A locale the included detector library lacks was fifty 'missing translation' errors in shipped files."""
    with pytest.raises(ScaffoldError, match=re.escape(message)) as caught:
        new_playbook("acme", tmp_path, locales=locales)
    assert caught.value.problems == []
    assert not (tmp_path / "acme").exists()
