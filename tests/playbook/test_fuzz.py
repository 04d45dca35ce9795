"""Property tests: the YAML reader never raises, and positions are always inside the text."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cxcoach.inputs import MAX_INT
from cxcoach.playbook.yamlsource import Limits, parse_yaml_bytes

YAMLISH = st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|<>='\"#\n\t ,?%@`\\0123456789中文\x00\x1b")), max_size=120)


@settings(max_examples=400, deadline=None)
@given(YAMLISH)
def test_reader_never_raises_and_positions_are_sane(text):
    raw = text.encode("utf-8")
    doc, problems = parse_yaml_bytes(raw, "fuzz.yaml", limits=Limits(max_depth=8, max_nodes=500, max_aliases=20))
    lines = text.count("\n") + 1
    for problem in problems:
        assert 1 <= problem.line <= lines + 1
        assert problem.col >= 1
        assert problem.message
    assert (doc is None) == any(p.severity == "error" for p in problems)


@pytest.mark.parametrize(("text", "expected"), [
    ("=", "="),  # PyYAML resolves these two to tags it has no constructor for
    ("<<", "<<"),
    ("a: =", {"a": "="}),
    ("[<<, =, 1, ~]", ["<<", "=", 1, None]),
])
def test_scalars_with_unconstructed_implicit_tags_are_text(text, expected):
    doc, problems = parse_yaml_bytes(text.encode(), "tags.yaml")
    assert problems == []
    assert doc.data == expected


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64))
def test_arbitrary_bytes_never_raise(raw):
    parse_yaml_bytes(raw, "bytes.yaml")


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-MAX_INT, MAX_INT), st.text(max_size=8)),
                    lambda inner: st.one_of(st.lists(inner, max_size=4),
                                            st.dictionaries(st.text(min_size=1, max_size=6), inner, max_size=4)),
                    max_leaves=20))
def test_round_trip_of_plain_data(value):
    import yaml

    text = yaml.safe_dump({"root": value}, allow_unicode=True)
    doc, problems = parse_yaml_bytes(text.encode("utf-8"), "rt.yaml")
    assert doc is not None, problems
    expected = yaml.safe_load(text)
    assert doc.data == _yaml12(expected)


def _yaml12(value):
    """What we return differs from PyYAML only for dates (kept as text)."""
    return value


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(alphabet="0123456789_+-.xob:eE", min_size=1, max_size=8), st.integers().map(str),
                 st.text(alphabet="0٣²", min_size=1, max_size=3)))
@example("0b_")
@example("-0x__")
def test_plain_numbers_read_as_pyyaml_reads_them(text):
    import yaml

    from cxcoach.playbook import yamlsource

    yamlsource._PLAIN_CACHE.pop(text, None)  # the shortcut, not an earlier answer
    doc, problems = parse_yaml_bytes(f"v: {text}\n".encode(), "n.yaml")
    try:
        expected = yaml.safe_load(f"v: {text}\n")["v"]
    except yaml.YAMLError:
        return
    except ValueError:  # PyYAML's int() of a prefix with no digits (`0b_`): no number, so text
        assert doc is not None and doc.data["v"] == text, problems
        return
    if isinstance(expected, int) and abs(expected) > MAX_INT:
        assert doc is None and [(p.code, p.line, p.col) for p in problems] == [("E006", 1, 4)]
        return
    assert doc is not None, problems
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        assert doc.data["v"] == expected or (expected != expected and doc.data["v"] != doc.data["v"])
        assert type(doc.data["v"]) is type(expected)
    elif isinstance(expected, str):
        assert doc.data["v"] == expected
