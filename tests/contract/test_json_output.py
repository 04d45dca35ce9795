"""What commands write for programs (`echo_json`): the document json.dumps gives, unsafe characters escaped."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cxcoach.cli._common import echo_json
from cxcoach.sanitize import UNSAFE

ROW = {"id": 7, "ref": "T-1042", "open": True, "facts": {"severity": "major", "n": 2.5, "empty": [], "none": {}},
       "due": None, "overdue": ["respond"], "title": "投诉"}


def _echo(data: object, **options: object) -> str:
    @click.command()
    def show() -> None:
        echo_json(data, **options)  # type: ignore[arg-type]

    res = CliRunner().invoke(show)
    assert res.exit_code == 0, res.output
    return res.stdout


@pytest.mark.parametrize("indent", [2, None])
def test_the_document_is_spelled_as_json_dumps_spells_it(indent):
    assert _echo([ROW, ROW], indent=indent) == json.dumps([ROW, ROW], ensure_ascii=False, indent=indent) + "\n"


def test_default_turns_what_json_cannot_hold_into_what_it_can():
    when = dt.datetime(2026, 3, 6, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert json.loads(_echo({"path": Path("/tmp/x"), "at": when}, default=str)) == {
        "path": "/tmp/x", "at": "2026-03-06T16:00:00+08:00"}


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                    | st.text(st.characters(codec=None)),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                    max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(JSON, st.sampled_from([2, None]))
def test_any_document_round_trips_with_every_unsafe_character_escaped(value, indent):
    text = _echo(value, indent=indent)
    text.encode("utf-8")  # strict: a lone surrogate is escaped, not written
    assert not UNSAFE.search(text.replace("\n", "")) and "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == value


@pytest.mark.parametrize("indent", [2, None])
def test_a_lone_surrogate_is_written_as_an_escape(indent):
    assert json.loads(_echo({"id": "x\ud800"}, indent=indent)) == {"id": "x\ud800"}


def test_a_result_with_a_lone_surrogate_id_renders_as_json():
    from cxcoach.engine import recommend
    from cxcoach.engine.render import render_json

    from ..engine.factory import case, playbook, rule, t

    pb = playbook(rule("r", t("severity", "eq", "major"), steps=["listen"]))
    result = recommend(pb, case({"severity": "major"}, id="T-\ud800"))
    assert json.loads(render_json(result))["case"] == "T-\ud800"
