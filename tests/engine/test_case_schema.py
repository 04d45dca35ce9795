"""The published case schema accepts what `parse_case` accepts and names the same mistakes."""

from __future__ import annotations

import json

import pytest

from cxcoach.engine import parse_case
from cxcoach.resources import schemas_dir

from .factory import case, playbook

jsonschema = pytest.importorskip("jsonschema")
SCHEMA = json.loads((schemas_dir() / "case.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def test_schema_is_valid_and_its_example_validates():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    for example in SCHEMA["examples"]:
        assert list(VALIDATOR.iter_errors(example)) == []


def test_engine_cases_validate():
    raw = case({"channel": "phone", "anger": 7, "malicious": True, "note": None}, id="T-1",
               pauses=[{"from": "2026-03-04T10:01:00+08:00", "to": "2026-03-04T10:02:00+08:00"},
                       {"from": "2026-03-04T10:05:00Z"}])
    assert list(VALIDATOR.iter_errors(raw)) == []
    parse_case(playbook(), raw)


@pytest.mark.parametrize("raw", [
    {"received_at": "2026-03-04T10:00:00", "facts": {}},  # no offset
    {"received_at": "2026-03-04T10:00:00+08:00", "channel": "phone"},  # fact at the top level
    {"facts": {"elapsed_minutes": 3}},
    {"pauses": [{"to": "2026-03-04T10:00:00+08:00"}]},
])
def test_schema_rejects_what_the_engine_rejects(raw):
    assert list(VALIDATOR.iter_errors(raw))
