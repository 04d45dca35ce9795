"""Static checks of drill sections when a playbook loads: positions, codes and hints."""

from __future__ import annotations

from cxcoach.playbook import check_playbook

from .conftest import TINY, write_playbook


def problems_for(tmp_path, old, new, count=1):
    assert TINY.count(old) >= 1, old
    folder = write_playbook(tmp_path / "pb", TINY.replace(old, new, count))
    _, problems = check_playbook(folder)
    return problems


def codes(problems):
    return {p.code for p in problems if p.severity == "error"}


def test_tiny_playbook_is_valid(tiny_dir):
    _, problems = check_playbook(tiny_dir)
    assert [p.format() for p in problems if p.severity == "error"] == []


def test_next_must_name_a_node_or_ending(tmp_path):
    problems = problems_for(tmp_path, "next: done", "next: dnoe")
    (p,) = [p for p in problems if p.code == "E502"]
    assert "'dnoe'" in p.message and "did you mean 'done'" in (p.hint or "")
    assert p.path.endswith(".next")


def test_unknown_detector_reference_suggests_the_close_one(tmp_path):
    problems = problems_for(tmp_path, "match: {detector: remedy}", "match: {detector: remdy}")
    (p,) = [p for p in problems if p.code == "E202"]
    assert "remdy" in p.message and "remedy" in (p.hint or "")


def test_unknown_criterion_in_a_response(tmp_path):
    problems = problems_for(tmp_path, "criterion: c_feel", "criterion: c_feels")
    assert "E503" in codes(problems)


def test_regex_must_be_bounded(tmp_path):
    problems = problems_for(tmp_path, "match: {any: {zh: [您搞错了], en: [you are wrong]}}",
                            'match: {regex: "(a+)+$"}')
    (p,) = [p for p in problems if p.code == "E520"]
    assert "repeat inside a repeated group" in p.message


def test_detector_cycle_is_reported(tmp_path):
    problems = problems_for(tmp_path, "match: {any: {zh: [规定, 因为], en: [policy, because]}}",
                            "match: {any: [{detector: facts}]}")
    assert "E507" in codes(problems)


def test_two_default_rubrics_of_one_scope(tmp_path):
    problems = problems_for(tmp_path, "    scope: conversation\n    default: true",
                            "    scope: reply\n    default: true")
    assert "E505" in codes(problems)


def test_case_facts_are_checked(tmp_path):
    problems = problems_for(tmp_path, "case: {fault: company}", "case: {fault: compny}")
    (p,) = [p for p in problems if p.code == "E510"]
    assert "did you mean 'company'" in (p.hint or "")


def test_duplicate_response_id(tmp_path):
    problems = problems_for(tmp_path, "- id: open.feel2", "- id: open.feel")
    assert "E501" in codes(problems)


def test_k_larger_than_items(tmp_path):
    problems = problems_for(tmp_path, "match: {any: {zh: [抱歉, 对不起], en: [sorry]}}",
                            "match: {k_of_n: {k: 3, of: [抱歉, 对不起]}}")
    assert "E508" in codes(problems)
