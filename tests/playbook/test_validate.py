"""Schema and semantic problems point at the node that caused them and suggest a fix."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cxcoach.cli import main
from cxcoach.playbook import PlaybookError, check_playbook, load_playbook
from cxcoach.playbook import model as m


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def codes(problems):
    return [(p.code, p.line, p.col, p.message) for p in problems]


def test_mini_playbook_loads_into_the_model(mini_dir):
    pb = load_playbook(mini_dir)
    assert pb.id == "mini" and pb.locales == ("zh", "en")
    assert pb.facts["severity"].value_ids == ("major", "general")
    assert pb.steps["listen"].due == m.Duration(30, m.DurationUnit.MINUTES)
    rule = pb.rules[0]
    assert isinstance(rule.when, m.All) and rule.when.items[1] == m.FactTest("anger", m.Op.GE, 5)
    assert (rule.pos.file.endswith("content.yaml"), rule.pos.line, rule.pos.col) == (True, 23, 5)
    assert pb.calendar.is_working_day(__import__("datetime").date(2026, 10, 1)) is False
    assert pb.scripts["listen_script"].lines[0].text.get("en") == "Take your time, I'm listening."


def test_unknown_key_points_at_the_key_with_suggestion(mini_dir):
    edit(mini_dir / "content.yaml", "        owner: advisor", "        ownr: advisor")
    _, problems = check_playbook(mini_dir)
    (p,) = problems
    assert (p.code, p.line, p.col) == ("E101", 8, 9)
    assert p.message == "unknown key 'ownr'" and p.hint == "did you mean 'owner'?"
    assert p.path == "$.procedures[0].steps[0].ownr"


def test_all_problems_in_a_file_are_reported_at_once(mini_dir):
    edit(mini_dir / "content.yaml", "due: 30m", "due: 30 minutes")
    edit(mini_dir / "content.yaml", "priority: 90", "priority: high")
    _, problems = check_playbook(mini_dir)
    assert [(p.line, p.message) for p in problems] == [
        (9, "'30 minutes' is not a valid duration"),
        (24, "expected a whole number, got 'high'"),
    ]


def test_a_bad_duration_says_how_to_write_one(mini_dir):
    edit(mini_dir / "content.yaml", "due: 30m", "due: 30 min")
    (p,) = check_playbook(mini_dir)[1]
    assert p.message == "'30 min' is not a valid duration" and "`30m`, `3h`" in (p.hint or "")


def test_schema_errors_do_not_hide_the_files_other_problems(mini_dir):
    """A file with a schema error is still built without the items in error: a reference mistake in the same
    file is reported in the same run, with the did-you-mean its left-out part would give."""
    edit(mini_dir / "content.yaml", "        due: 30m\n", "        due: 30 min\n")  # procedure `intake` in error
    edit(mini_dir / "content.yaml", "priority: 90", "priority: high")  # rule `major_first` in error
    edit(mini_dir / "content.yaml", "    step: listen\n", "    step: solv\n")  # the script is fine but for this
    _, problems = check_playbook(mini_dir)
    assert [(p.code, p.line, p.message, p.hint) for p in problems] == [
        ("E101", 9, "'30 min' is not a valid duration", problems[0].hint),
        ("E202", 18, "unknown step 'solv'", "did you mean 'solve'? (it is in a part left out for its errors)"),
        ("E101", 24, "expected a whole number, got 'high'", "Higher ranks first (default 50)."),
    ]


def test_a_reference_into_a_part_left_out_is_not_reported(mini_dir):
    """The step `listen` is in the procedure left out, so the script and rule that name it are not wrong."""
    edit(mini_dir / "content.yaml", "        due: 30m\n", "        due: 30 min\n")
    assert [(p.code, p.line) for p in check_playbook(mini_dir)[1]] == [("E101", 9)]


def test_after_a_syntax_error_references_are_left_alone(mini_dir):
    """Anything may be declared in a file that cannot be parsed, so no unknown reference is reported."""
    (mini_dir / "broken.yaml").write_text("roles:\n  - id: [\n", encoding="utf-8")
    edit(mini_dir / "content.yaml", "priority: 90", "priority: high")
    edit(mini_dir / "content.yaml", "    step: listen\n", "    step: solv\n")
    assert [p.code for p in check_playbook(mini_dir)[1]] == ["E001", "E101"]


def test_bad_operator_is_named(mini_dir):
    edit(mini_dir / "content.yaml", "op: ge", "op: gte")
    _, problems = check_playbook(mini_dir)
    (p,) = problems
    assert (p.line, p.col) == (28, 29) and "'gte' is not one of" in p.message and p.hint == "did you mean 'ge'?"


def test_unresolved_reference_with_did_you_mean(mini_dir):
    edit(mini_dir / "content.yaml", "steps: [listen]", "steps: [lisen]")
    _, problems = check_playbook(mini_dir)
    (p,) = problems
    assert (p.code, p.message, p.hint) == ("E202", "unknown step 'lisen'", "did you mean 'listen'?")
    assert (p.line, p.col) == (30, 15)


def test_unknown_fact_and_value(mini_dir):
    edit(mini_dir / "content.yaml", "{fact: severity, op: eq, value: major}", "{fact: severty, op: eq, value: major}")
    edit(mini_dir / "content.yaml", "{fact: anger, op: ge, value: 5}", "{fact: anger, op: ge, value: 50}")
    _, problems = check_playbook(mini_dir)
    assert codes(problems)[0][:1] == ("E301",) and problems[0].hint == "did you mean 'severity'?"
    assert problems[1].code == "W305" and "outside the range" in problems[1].message


def test_enum_value_not_allowed(mini_dir):
    edit(mini_dir / "content.yaml", "value: major}", "value: majr}")
    _, problems = check_playbook(mini_dir)
    (p,) = problems
    assert p.code == "E302" and p.hint == "did you mean 'major'?" and (p.line, p.col) == (27, 43)


def test_operator_must_fit_the_fact_type(mini_dir):
    edit(mini_dir / "content.yaml", "{fact: severity, op: eq, value: major}", "{fact: severity, op: gt, value: 3}")
    _, problems = check_playbook(mini_dir)
    assert problems[0].code == "E303" and "does not apply to enum fact" in problems[0].message


def test_missing_translation(mini_dir):
    edit(mini_dir / "content.yaml", "title: {zh: 倾听, en: Listen}", "title: {zh: 倾听}")
    _, problems = check_playbook(mini_dir)
    (p,) = problems
    assert (p.code, p.message) == ("E203", "missing translation for en") and (p.line, p.col) == (7, 16)


def test_duplicate_ids_across_files(mini_dir):
    (mini_dir / "more.yaml").write_text(
        "scripts:\n  - id: listen_script\n    title: x\n    lines: [{id: other.1, text: hi}]\n", encoding="utf-8")
    _, problems = check_playbook(mini_dir)
    (p,) = problems
    assert p.code == "E201" and "first defined at" in p.message and p.file.endswith("more.yaml")


def test_invalid_working_hours_rejected_at_load(mini_dir):
    edit(mini_dir / "playbook.yaml", 'end: "17:30"', 'end: "07:30"')
    _, problems = check_playbook(mini_dir)
    assert problems[0].code == "E401"


def test_unknown_timezone(mini_dir):
    edit(mini_dir / "playbook.yaml", "Asia/Shanghai", "Asia/Shanghia")
    _, problems = check_playbook(mini_dir)
    assert problems[0].code == "E403"


def test_no_metadata(mini_dir):
    (mini_dir / "playbook.yaml").unlink()
    _, problems = check_playbook(mini_dir)
    assert problems[0].code == "E206"


def test_load_playbook_raises_with_all_problems(mini_dir):
    edit(mini_dir / "content.yaml", "steps: [listen]", "steps: [nope]")
    try:
        load_playbook(mini_dir)
    except PlaybookError as exc:
        assert exc.problems[0].code == "E202"
    else:  # pragma: no cover
        raise AssertionError("expected PlaybookError")


def test_cli_json_format(mini_dir):
    edit(mini_dir / "content.yaml", "steps: [listen]", "steps: [nope]")
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(mini_dir)])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["ok"] is False and data["errors"] == 1
    assert data["playbooks"][0]["problems"][0]["code"] == "E202"


def test_cli_ok(mini_dir):
    result = CliRunner().invoke(main, ["validate", str(mini_dir)])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_help_texts():
    runner = CliRunner()
    assert "validate" in runner.invoke(main, ["--help"]).output
    assert "FILE:LINE:COL" in runner.invoke(main, ["validate", "--help"]).output


def test_between_checks_each_bound(mini_dir):
    edit(mini_dir / "content.yaml", "{fact: anger, op: ge, value: 5}", "{fact: anger, op: between, value: [3, 7]}")
    assert check_playbook(mini_dir)[1] == []
    edit(mini_dir / "content.yaml", "value: [3, 7]", "value: [7, 3]")
    _, problems = check_playbook(mini_dir)
    assert [p.code for p in problems] == ["E304"] and "empty range" in problems[0].message


def test_one_file_of_a_folder_given_alone_is_told_to_check_the_folder(mini_dir):
    """An editor or hook that passes the file being edited: the hint names the folder, not "add `playbook:`"."""
    (p,) = check_playbook(mini_dir / "content.yaml")[1]
    assert p.code == "E206" and p.hint == f"a playbook is a folder of files read together: check it whole with " \
                                          f"`cxcoach validate {mini_dir}`"


def test_a_test_file_given_as_a_playbook_is_named_as_one(mini_dir):
    (mini_dir / "cases.test.yaml").write_text("tests: []\n", encoding="utf-8")
    (p,) = check_playbook(mini_dir / "cases.test.yaml")[1]
    assert (p.code, p.message, p.hint) == ("E021", "this is a playbook test file, not a playbook",
                                           f"run its tests with `cxcoach test {mini_dir}`")


def test_blank_text_is_an_error_in_every_locale(mini_dir):
    """Only spaces (a full-width one, a tab) pass the schema's "not empty"; a trainee would see a blank line."""
    edit(mini_dir / "content.yaml", "text: {zh: 您慢慢说，我在听。, en: \"Take your time, I'm listening.\"}",
         "text: {zh: \"\u3000\", en: \"\\t \"}")
    problems = check_playbook(mini_dir)[1]
    assert [(p.code, p.path) for p in problems] == [("E208", "$.scripts[0].lines[0].text.zh"),
                                                    ("E208", "$.scripts[0].lines[0].text.en")]
    assert problems[0].message == "the text is blank (only spaces)"


def test_each_missing_key_is_named_once(mini_dir):
    """Two missing keys are two problems, each naming its own key (both used to say the first)."""
    (mini_dir / "more.yaml").write_text("rules:\n  - id: half\n    title: t\n", encoding="utf-8")
    problems = check_playbook(mini_dir)[1]
    assert [(p.message, p.hint) for p in problems] == [("missing required key 'when'", "add `when:`"),
                                                       ("missing required key 'then'", "add `then:`")]
