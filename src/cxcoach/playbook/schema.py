"""JSON Schema validation whose errors point at the YAML line that caused them.

jsonschema is imported lazily: commands that only read an already validated
(cached) playbook never pay for it.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from ..problems import Problem, did_you_mean, path_str
from ..resources import schemas_dir
from .model import OP_SYNONYMS
from .yamlsource import Document

_TYPE_NAMES = {"string": "a string", "object": "a mapping", "array": "a list", "number": "a number",
               "integer": "a whole number", "boolean": "true or false", "null": "nothing"}


@cache
def _schema_documents() -> dict[str, dict[str, Any]]:
    docs = {}
    for path in sorted(schemas_dir().glob("*.schema.json")):
        docs[path.name] = json.loads(path.read_text(encoding="utf-8"))
    # Conditions are a small language with its own parser (`Builder.condition`), which gives
    # sharper, positioned errors and is ~30x faster than jsonschema walking the nested oneOf
    # for every rule. The published schema keeps the full definition for editors.
    playbook = docs.get("playbook.schema.json")
    if playbook is not None:
        playbook = {**playbook, "$defs": {**playbook["$defs"], "condition": {"type": "object"}}}
        docs["playbook.schema.json"] = playbook
    return docs


@cache
def validator(name: str = "playbook.schema.json") -> Any:
    """A compiled Draft 2020-12 validator with every shipped schema resolvable by relative $ref."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    docs = _schema_documents()
    resources = []
    for filename, schema in docs.items():
        resource = Resource.from_contents(schema)
        resources.append((filename, resource))  # refs between schemas are relative file names
    registry = Registry().with_resources(resources)
    return Draft202012Validator(_inline(docs[name], name, docs, frozenset()), registry=registry)


def _inline(node: Any, doc: str, docs: dict[str, Any], expanding: frozenset[tuple[str, str]]) -> Any:
    """Replace `$ref`s to `$defs` by their targets, keeping only cyclic ones.

    jsonschema resolves every `$ref` on every instance through `referencing`;
    for a playbook of thousands of rules that lookup is most of the cost, and
    inlining makes validation about three times faster. Cyclic refs (matchers
    nest) stay, rewritten relative to their file so they still resolve.
    """
    if isinstance(node, list):
        return [_inline(item, doc, docs, expanding) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        file, _, pointer = ref.partition("#")
        target_doc = file or doc
        key = (target_doc, pointer)
        if pointer.startswith("/$defs/") and target_doc in docs and key not in expanding:
            target = docs[target_doc]["$defs"][pointer[len("/$defs/"):]]
            out = _inline(target, target_doc, docs, expanding | {key})
            rest = {k: _inline(v, doc, docs, expanding) for k, v in node.items() if k != "$ref"}
            return {**out, **rest} if isinstance(out, dict) else out
        return {**node, "$ref": f"{target_doc}#{pointer}"}
    return {k: (v if k == "$defs" else _inline(v, doc, docs, expanding)) for k, v in node.items()}


def schema_problems(doc: Document, schema: str = "playbook.schema.json") -> list[Problem]:
    """Every schema violation in `doc`, each at the position of the offending node."""
    problems = []
    for error in validator(schema).iter_errors(doc.data):
        problems.append(_to_problem(doc, _most_specific(error)))
    return problems


def _most_specific(error: Any) -> Any:
    """For oneOf/anyOf, follow the branch that got furthest into the data.

    An author who wrote `{fact: x, op: gte}` meant a fact test; the error worth
    showing is the bad `op`, not that `all` or `any` is missing.
    """
    while error.context:
        branches: dict[Any, list[Any]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        deepest = max(branches.values(), key=lambda errs: (max(len(e.absolute_path) for e in errs), -len(errs)))
        best = max(deepest, key=lambda e: len(e.absolute_path))
        if len(best.absolute_path) <= len(error.absolute_path):
            break  # no branch got below this node: "not a valid <title>" says it best
        error = best
    return error


def _to_problem(doc: Document, error: Any) -> Problem:
    path = tuple(error.absolute_path)
    line, col = doc.position(path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    hint = schema.get("description") if isinstance(schema.get("description"), str) else None
    kind = error.validator
    message = error.message
    if kind == "additionalProperties":
        allowed = sorted((schema.get("properties") or {}).keys())
        extras = [k for k in error.instance if k not in allowed] if isinstance(error.instance, dict) else []
        if extras:
            key = extras[0]
            line, col = doc.position(path + (key,), key=True)
            path = path + (key,)
            message = f"unknown key {key!r}" + (f" (and {len(extras) - 1} more)" if len(extras) > 1 else "")
            hint = did_you_mean(key, allowed) or (f"allowed keys: {', '.join(allowed)}" if allowed else None)
            if key == "<<":
                hint = "YAML merge keys are not supported; write the fields out"
    elif kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        message = f"missing required key {missing!r}"
    elif kind == "enum":
        allowed = [str(v) for v in error.validator_value]
        message = f"{error.instance!r} is not one of: {', '.join(allowed)}"
        synonym = OP_SYNONYMS.get(str(error.instance).lower())
        hint = (f"did you mean {synonym!r}?" if synonym in allowed else None) \
            or did_you_mean(str(error.instance), allowed) or hint
    elif kind == "type":
        wanted = error.validator_value
        wanted = [wanted] if isinstance(wanted, str) else wanted
        message = f"expected {' or '.join(_TYPE_NAMES.get(w, w) for w in wanted)}, got {_describe(error.instance)}"
    elif kind in ("oneOf", "anyOf"):
        title = schema.get("title") or "value"
        message = f"{_describe(error.instance)} is not a valid {title.lower()}"
    elif kind == "pattern":
        message = f"{error.instance!r} has the wrong form"
    elif kind == "minItems" and error.validator_value == 1:
        message = "must not be empty"
    return Problem(doc.file, line, col, "E101", message, hint=hint, path=path_str(path))


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "nothing"
    return repr(value)
