"""A file that fails the schema is built without the items in error: its other problems show, and nothing cascades."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxcoach.playbook import check_playbook
from cxcoach.playbook.build import LIST_SECTIONS
from cxcoach.playbook.partial import parse_path
from cxcoach.playbook.yamlsource import parse_yaml_bytes
from cxcoach.problems import path_str

from ..conftest import FIXTURES
from ..drill.conftest import TINY

_PARTS = st.lists(st.one_of(st.integers(0, 10**6), st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,12}", fullmatch=True)),
                  max_size=8)


@given(_PARTS)
def test_paths_read_back_as_written(parts):
    assert parse_path(path_str(parts)) == tuple(parts)


def test_what_path_str_never_writes_is_refused():
    assert [parse_path(p) for p in ("", "rules[0]", "$.rules[x]", "$..a", "$.a[0]junk")] == [None] * 5


def _read(path: Path) -> dict:
    doc, _ = parse_yaml_bytes(path.read_bytes(), path.name)
    assert doc is not None
    return doc.data


def _items(folder: Path) -> list[tuple[str, str, int]]:
    """(file, section, index) of every list-section item in a playbook folder."""
    found = []
    for path in sorted(folder.glob("*.yaml")):
        data = _read(path)
        for section in LIST_SECTIONS:
            found += [(path.name, section, i) for i in range(len(data.get(section) or []))]
    return found


def _break_item(path: Path, section: str, index: int) -> None:
    """Give one item an unknown key, written back as YAML (so only that item is in error)."""
    data = _read(path)
    data[section][index]["titel"] = "typo"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _folders(tmp: Path) -> dict[str, Path]:
    shutil.copytree(FIXTURES / "mini", tmp / "mini")
    (tmp / "tiny").mkdir()
    (tmp / "tiny" / "playbook.yaml").write_text(textwrap.dedent(TINY), encoding="utf-8")
    return {"mini": tmp / "mini", "tiny": tmp / "tiny"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_one_item_in_error_is_the_only_problem_reported(tmp_path_factory, data):
    """Whichever item of a valid playbook is broken, the report is that one error: what the left-out item
    declares (a step, a detector, a fact ...) is never called unknown where it is used."""
    folders = _folders(tmp_path_factory.mktemp("pb"))
    name = data.draw(st.sampled_from(sorted(folders)))
    folder = folders[name]
    assert [p for p in check_playbook(folder)[1] if p.severity.value == "error"] == []
    file, section, index = data.draw(st.sampled_from(_items(folder)))
    _break_item(folder / file, section, index)
    errors = [p for p in check_playbook(folder)[1] if p.severity.value == "error"]
    assert [(p.code, p.message, p.path) for p in errors] == [
        ("E101", "unknown key 'titel'", f"$.{section}[{index}].titel")]


def test_names_written_with_more_are_found_in_the_part_left_out(tmp_path):
    """Records name facts as `fact.<id>` and citations add a remark (`001 篇1`): in the shipped playbook,
    a fact left out for its error makes no record field's `fill` unknown."""
    from cxcoach.resources import default_playbook_path

    folder = tmp_path / "pb"
    shutil.copytree(default_playbook_path(), folder)
    facts = _read(folder / "facts.yaml")["facts"]
    _break_item(folder / "facts.yaml", "facts", next(i for i, f in enumerate(facts) if f["id"] == "root_cause"))
    errors = [p for p in check_playbook(folder)[1] if p.severity.value == "error"]
    assert [(p.code, p.message) for p in errors] == [("E101", "unknown key 'titel'")]
