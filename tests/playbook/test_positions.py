"""Positions come from a span tree, not a dict of path tuples: the same answers as before for every kind of node.

Expected values were taken from the former dict-based composer.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxcoach.playbook.builder import At
from cxcoach.playbook.yamlsource import compose

BLOCK = """\
playbook:
  id: demo
  locales: [en, zh]
rules:
  - id: r1
    when:
      all:
        - {fact: severity, op: eq, value: high}
        - fact: anger
          op: between
          value: [3, 7]
    then: {steps: [s1, s2]}
"""

ALIASES = """\
base: &b {x: 1, y: [1, 2, {z: 3}]}
use: *b
list: [*b, &s hello, *s]
keyed: {*s : 4}
"""


def doc_of(text):
    doc, problems = compose(text, "t.yaml")
    assert doc is not None, problems
    return doc


def test_values_and_keys_in_block_and_flow_style():
    doc = doc_of(BLOCK)
    assert doc.position(()) == (1, 1)
    assert doc.position(("playbook",)) == (2, 3)
    assert doc.position(("playbook",), key=True) == (1, 1)
    assert doc.position(("playbook", "locales", 1)) == (3, 17)
    assert doc.position(("rules", 0)) == (5, 5)
    assert doc.position(("rules", 0, "when", "all", 0, "value")) == (8, 43)
    assert doc.position(("rules", 0, "when", "all", 0, "value"), key=True) == (8, 36)
    assert doc.position(("rules", 0, "when", "all", 1, "value", 1)) == (11, 22)
    assert doc.position(("rules", 0, "then", "steps", 1)) == (12, 24)


def test_missing_paths_fall_back_to_the_nearest_ancestor():
    doc = doc_of(BLOCK)
    assert doc.position(("rules", 0, "when", "nope", 3)) == doc.position(("rules", 0, "when"))
    assert doc.position(("rules", 5)) == doc.position(("rules",))
    assert doc.position(("rules", "0")) == doc.position(("rules",))  # a list has no key "0"
    assert doc.position(("rules", -1)) == doc.position(("rules",))
    assert doc.position(("playbook", "id", "deeper")) == (2, 7)  # below a scalar
    assert doc.position(("absent",), key=True) == (1, 1)


def test_aliases_have_their_own_position_and_none_inside():
    doc = doc_of(ALIASES)
    assert doc.data["use"] is doc.data["base"]
    assert doc.position(("base", "y", 2, "z")) == (1, 31)
    assert doc.position(("use",)) == (2, 6)
    assert doc.position(("use", "y", 2, "z")) == (2, 6)  # stops at the alias, not at the anchor
    assert doc.position(("list", 0, "x")) == (3, 8)
    assert doc.position(("list", 2)) == (3, 22)
    assert doc.position(("keyed", "hello"), key=True) == (4, 9)


def test_position_views_behave_like_the_former_dicts():
    doc = doc_of(ALIASES)
    positions, keys = doc.positions, doc.key_positions
    assert positions[()] == (1, 1)
    assert positions[("base", "y", 2, "z")] == (1, 31)
    assert ("use", "x") not in positions  # inside an alias
    assert positions.get(("list", 9), (0, 0)) == (0, 0)
    assert keys[("base", "y")] == (1, 17)
    assert ("list", 0) not in keys and () not in keys  # list items and the root have no key
    assert len(positions) == len(list(positions)) == 15
    assert set(keys) == {p for p in positions if p and not isinstance(p[-1], int)}
    assert all(doc.position(p) == positions[p] for p in positions)
    assert all(doc.position(p, key=True) == keys[p] for p in keys)


def test_a_duplicate_key_keeps_the_first_value_and_its_positions():
    doc, problems = compose("a: 1\nb: {c: [1, 2]}\na: {d: 3}\n", "t.yaml")
    assert [p.code for p in problems] == ["E003"]
    assert doc.data["a"] == 1
    assert doc.position(("a",)) == (1, 4)  # the value kept, not the dropped duplicate
    assert doc.position(("a",), key=True) == (1, 1)


def test_build_locations_resolve_step_by_step_like_a_walk():
    doc = doc_of(BLOCK)
    rule = At(doc, ("rules",)) / 0
    deep = rule / "when" / "all" / 1 / "value" / 0
    assert deep.path == ("rules", 0, "when", "all", 1, "value", 0)
    assert (deep.pos.line, deep.pos.col) == doc.position(deep.path) == (11, 19)
    missing = rule / "when" / "any" / 0
    assert (missing.pos.line, missing.pos.col) == doc.position(("rules", 0, "when"))
    assert (missing.key_pos.line, missing.key_pos.col) == doc.position(missing.path, key=True)
    assert deep == At(doc, deep.path) and hash(deep) == hash(At(doc, deep.path))


def _marks(text):
    """(line, col) of every scalar event, as PyYAML's parser reports them, in document order."""
    import yaml

    parser = yaml.CSafeLoader(text) if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader(text)
    found = []
    try:
        while not isinstance(event := parser.get_event(), yaml.StreamEndEvent):
            if isinstance(event, yaml.ScalarEvent):
                found.append((event.start_mark.line + 1, event.start_mark.column + 1))
    finally:
        parser.dispose()
    return found


def _scalar_positions(doc):
    """(line, col) of every key and scalar value, in document order, from the span tree."""
    out = []

    def walk(path, value):
        if isinstance(value, dict):
            for key, child in value.items():
                out.append(doc.position((*path, key), key=True))
                walk((*path, key), child)
        elif isinstance(value, list):
            for index, child in enumerate(value):
                walk((*path, index), child)
        else:
            out.append(doc.position(path))

    walk((), doc.data)
    return out


BREAKS = ["\n", "\r\n", "\r", "\x85", "\u2028", "\u2029"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "键", "ключ", "k😀"]),
                          st.sampled_from(["1", "文本", "x y", "'q'", "[1, 二]"]),
                          st.sampled_from(BREAKS)), min_size=1, max_size=8, unique_by=lambda t: t[0]))
def test_offsets_give_the_parsers_own_lines_and_columns(entries):
    text = "".join(f"{key}{i}: {value}{brk}" for i, (key, value, brk) in enumerate(entries))
    doc, problems = compose(text, "t.yaml")
    assert doc is not None and not problems
    assert _scalar_positions(doc) == _marks(text)


@pytest.mark.parametrize("brk", BREAKS)
def test_every_line_break_counts(brk):
    doc = doc_of(f"a: 1{brk}b:{brk}  - x{brk}  - 文字: y{brk}")
    assert doc.position(("b", 1, "文字")) == (4, 9)
    assert doc.position(("b", 1, "文字"), key=True) == (4, 5)
