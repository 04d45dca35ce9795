"""`include:` pulls files from elsewhere into a playbook: the shipped detector library, or a shared file."""

from __future__ import annotations

import textwrap

from cxcoach.playbook import check_playbook, load_playbook

META = "playbook: {id: mine, title: {zh: 我的, en: Mine}, version: 1.0.0, locales: [zh, en]}\n"


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors(problems):
    return [p for p in problems if p.severity == "error"]


def test_the_shipped_detector_library_with_the_sources_it_cites(tmp_path):
    write(tmp_path / "pb", "playbook.yaml", "include: [cxcoach:default/detectors.yaml]\n" + META)
    playbook, problems = check_playbook(tmp_path / "pb")
    assert errors(problems) == [] and playbook is not None
    assert {"apology", "blame_customer", "ownership"} <= set(playbook.detectors)
    assert "000" in playbook.sources  # detectors.yaml includes sources.yaml in turn


def test_relative_and_nested_includes_each_read_once(tmp_path):
    write(tmp_path / "shared", "a.yaml", """\
        include: [b.yaml, a.yaml]
        roles: [{id: clerk, label: {zh: 职员, en: Clerk}}]
    """)
    write(tmp_path / "shared", "b.yaml", """\
        include: [a.yaml]
        roles: [{id: boss, label: {zh: 老板, en: Boss}}]
    """)
    write(tmp_path / "pb", "playbook.yaml", "include: [../shared/a.yaml]\n" + META)
    playbook, problems = check_playbook(tmp_path / "pb")
    assert errors(problems) == [] and set(playbook.roles) == {"clerk", "boss"}


def test_a_missing_file_is_positioned_with_a_suggestion(tmp_path):
    write(tmp_path / "pb", "playbook.yaml", META + "include:\n  - cxcoach:default/detector.yaml\n  - gone.yaml\n")
    playbook, problems = check_playbook(tmp_path / "pb")
    assert playbook is None
    found = [p for p in problems if p.code == "E020"]
    assert [(p.line, p.path) for p in found] == [(3, "$.include[0]"), (4, "$.include[1]")]
    assert "detectors.yaml" in (found[0].hint or "") and "relative to this file" in (found[1].hint or "")


def test_only_yaml_files_are_included(tmp_path):
    write(tmp_path / "pb", "playbook.yaml", META + "include: [notes.txt]\n")
    _, problems = check_playbook(tmp_path / "pb")
    assert [p.path for p in errors(problems)] == ["$.include[0]"]  # the schema asks for .yaml


def test_no_escape_from_the_shipped_playbooks(tmp_path):
    write(tmp_path / "pb", "playbook.yaml", META + "include: [cxcoach:../../../etc/passwd.yaml]\n")
    _, problems = check_playbook(tmp_path / "pb")
    assert [p.code for p in errors(problems)] == ["E020"] and "leaves" in errors(problems)[0].message


def test_an_error_in_an_included_file_is_reported_in_that_file(tmp_path):
    shared = write(tmp_path / "shared", "roles.yaml", "roles: [{id: clerk}]\n")
    write(tmp_path / "pb", "playbook.yaml", "include: [../shared/roles.yaml]\n" + META)
    _, problems = check_playbook(tmp_path / "pb")
    assert errors(problems) and all(p.file.endswith("roles.yaml") for p in errors(problems))
    assert str(shared.name) in errors(problems)[0].file


def test_the_cache_notices_a_change_in_an_included_file(tmp_path):
    shared = write(tmp_path / "shared", "roles.yaml", "roles: [{id: clerk, label: {zh: 职员, en: Clerk}}]\n")
    write(tmp_path / "pb", "playbook.yaml", "include: [../shared/roles.yaml]\n" + META)
    assert set(load_playbook(tmp_path / "pb").roles) == {"clerk"}
    assert set(load_playbook(tmp_path / "pb").roles) == {"clerk"}  # from the cache
    shared.write_text("roles: [{id: boss, label: {zh: 老板, en: Boss}}]\n", encoding="utf-8")
    assert set(load_playbook(tmp_path / "pb").roles) == {"boss"}
