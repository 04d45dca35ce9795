"""The fast acceptance check agrees with jsonschema, so skipping jsonschema for valid files changes nothing."""

from __future__ import annotations

import copy
import random
from pathlib import Path

import pytest

from cxcoach.playbook import schema
from cxcoach.playbook.loader import playbook_files
from cxcoach.playbook.yamlsource import read_yaml_file
from cxcoach.problems import ProblemList
from cxcoach.resources import default_playbook_path

SCHEMAS = ["playbook.schema.json", "drill.schema.json", "case.schema.json", "playbook-test.schema.json",
           "calibration.schema.json"]


def shipped_documents() -> list:
    files = playbook_files(Path(default_playbook_path()), ProblemList())
    return [read_yaml_file(path)[0].data for path in files]


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_shipped_schema_compiles(name):
    assert schema._accepts(name) is not None


def test_shipped_playbook_is_accepted_without_jsonschema():
    for data in shipped_documents():
        assert schema._fast_accepts("playbook.schema.json", data)
        assert schema.validator().is_valid(data)


# Values that probe each keyword's edge: bool is not a number, 1.0 is an integer, NaN, empties.
ODD_VALUES = [None, True, False, 0, 1, 1.0, 1.5, -3, 10**6, float("nan"), "", "x", "mon", "eq", "in", "between",
              "enum", "2026-01-01", "08:30", "24:00", "1.0.0", "Bad Id", [], ["a", "a"], ["a", "b"], [1, 2], {},
              {"zh": "x"}, {"en": "x", "zh": "y"}, {"fact": "a", "op": "eq", "value": 1}]


def mutate(data, rng: random.Random):
    """One random edit somewhere in `data`: replace, delete or add a value."""
    data = copy.deepcopy(data)
    node, steps = data, rng.randint(1, 8)
    for _ in range(steps):
        children = (list(node.items()) if isinstance(node, dict)
                    else list(enumerate(node)) if isinstance(node, list) else [])
        containers = [(k, v) for k, v in children if isinstance(v, (dict, list)) and v]
        if not containers or rng.random() < 0.2:
            break
        _, node = rng.choice(containers)
    action = rng.choice(["replace", "delete", "add"])
    if isinstance(node, dict) and node:
        key = rng.choice(list(node))
        if action == "replace":
            node[key] = rng.choice(ODD_VALUES)
        elif action == "delete":
            del node[key]
        else:
            node[rng.choice([key + "_x", "id", "type", "op", "value", "values", "min"])] = rng.choice(ODD_VALUES)
    elif isinstance(node, list) and node:
        index = rng.randrange(len(node))
        if action == "replace":
            node[index] = rng.choice(ODD_VALUES)
        elif action == "delete":
            del node[index]
        else:
            node.append(copy.deepcopy(rng.choice(node)))
    return data


def test_fast_check_matches_jsonschema_on_mutated_playbooks():
    rng = random.Random(7)
    validator = schema.validator()
    accepts = schema._accepts("playbook.schema.json")
    documents = shipped_documents()
    decided = 0
    for _ in range(150):
        data = mutate(rng.choice(documents), rng)
        try:
            fast = accepts(data)
        except schema._Unsure:  # allowed to give up (then jsonschema decides), never to be wrong
            continue
        assert fast == validator.is_valid(data), data
        decided += 1
    assert decided > 120


def test_scalar_constants_compare_like_jsonschema():
    check = schema._one_of([True, 1, None])
    assert check(True) and check(1) and check(1.0) and check(None)
    assert not check(False) and not check(0) and not check("1") and not check([1])
    assert not schema._one_of([1])(True)


def test_schema_problems_still_come_from_jsonschema(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("playbook: {id: x, title: T, version: 1.0.0, locales: [en]}\n"
                    "rules:\n  - {id: r, when: {}, thn: {}}\n")
    doc, _ = read_yaml_file(path)
    problems = schema.schema_problems(doc)
    assert problems and all(p.code == "E101" for p in problems)
    assert [(p.line, p.col, p.message) for p in problems] == [
        (3, 23, "unknown key 'thn'"), (3, 5, "missing required key 'then'")]
