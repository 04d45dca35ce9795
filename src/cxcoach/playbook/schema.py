"""JSON Schema validation whose errors point at the YAML line that caused them.

jsonschema is imported lazily: commands that only read an already validated
(cached) playbook never pay for it, and a valid file is recognised without it
(see "fast acceptance" below); it runs only to explain what is wrong.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from ..gc_pause import gc_paused
from ..problems import Problem, ProblemList, Severity, did_you_mean, path_str
from ..resources import schemas_dir
from ..sanitize import brief
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
    if _fast_accepts(schema, doc.data):
        return []  # jsonschema would find nothing: see "fast acceptance" below
    problems = []
    with gc_paused():
        for error in validator(schema).iter_errors(doc.data):
            problems.append(_to_problem(doc, _most_specific(error)))
    return problems


def passes_schema(doc: Document, problems: ProblemList) -> bool:
    """Record the schema problems of one playbook file; True when none is an error, so the file may be used.

    The top-level files and the files they include are admitted by this same test.
    """
    found = schema_problems(doc)
    problems.extend(found)
    return not any(p.severity is Severity.ERROR for p in found)


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


@cache
def _forms() -> dict[str, tuple[str, str]]:
    """Pattern -> (title, description) of each titled definition with a pattern (a duration, an identifier)."""
    forms = {}
    for schema in _schema_documents().values():
        for definition in schema.get("$defs", {}).values():
            if isinstance(definition, dict) and {"pattern", "title", "description"} <= definition.keys():
                forms[definition["pattern"]] = (definition["title"], definition["description"])
    return forms


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
            line, col = doc.position((*path, key), key=True)
            path = (*path, key)
            message = f"unknown key {brief(key)}" + (f" (and {len(extras) - 1} more)" if len(extras) > 1 else "")
            hint = did_you_mean(key, allowed) or (f"allowed keys: {', '.join(allowed)}" if allowed else None)
            if key == "<<":
                hint = "YAML merge keys are not supported; write the fields out"
    elif kind == "required":  # one error per missing key, each naming its key first
        present = error.instance if isinstance(error.instance, dict) else {}
        absent = [key for key in error.validator_value if key not in present] or ["?"]
        missing = next((key for key in absent if error.message.startswith(repr(key))), absent[0])
        message = f"missing required key {missing!r}"
        field = (schema.get("properties") or {}).get(missing)
        about = field.get("description") if isinstance(field, dict) else None
        hint = f"add `{missing}:`" + (f" ({about})" if isinstance(about, str) else "")
    elif kind == "enum":
        allowed = [str(v) for v in error.validator_value]
        message = f"{brief(error.instance)} is not one of: {', '.join(allowed)}"
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
        form = _forms().get(error.validator_value)
        if form is None:
            message = f"{brief(error.instance)} has the wrong form"
        else:  # the field's own description says what it is for; the definition says how to write one
            message = f"{brief(error.instance)} is not a valid {form[0].lower()}"
            hint = form[1]
    elif kind in _BOUNDS:
        message = _BOUNDS[kind](error.instance, error.validator_value)
    return Problem(doc.file, line, col, "E101", message, hint=hint, path=path_str(path))


# Our own words for every other keyword the schemas use, so no message (and no test) depends on
# jsonschema's wording; error.message stays the fallback for a keyword added later.
_BOUNDS: dict[str, Callable[[Any, Any], str]] = {
    "minimum": lambda value, limit: f"{brief(value)} is below the minimum {limit}",
    "maximum": lambda value, limit: f"{brief(value)} is above the maximum {limit}",
    "exclusiveMinimum": lambda value, limit: f"{brief(value)} must be more than {limit}",
    "exclusiveMaximum": lambda value, limit: f"{brief(value)} must be less than {limit}",
    "minLength": lambda value, limit: "must not be empty" if limit == 1 else f"needs at least {limit} characters",
    "maxLength": lambda value, limit: f"is longer than {limit} characters",
    "minItems": lambda value, limit: "must not be empty" if limit == 1 else f"needs at least {limit} items",
    "maxItems": lambda value, limit: f"has more than {limit} items",
    "minProperties": lambda value, limit: "must not be empty" if limit == 1 else f"needs at least {limit} keys",
    "uniqueItems": lambda value, limit: "lists the same item twice",
    "const": lambda value, limit: f"must be {limit!r}",
    "not": lambda value, limit: f"{_describe(value)} is not allowed here",
}


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "nothing"
    return brief(value)


# --- fast acceptance ----------------------------------------------------------
#
# Nearly every file is valid, and jsonschema spends ~60 us per rule proving it
# (plus ~0.1 s to import). `_accepts` compiles a schema into plain closures that
# answer only "valid?" for the keywords our schemas use. When it says yes,
# there is nothing to report; otherwise jsonschema runs as before and produces
# the errors, so messages and positions never depend on this code. A check
# that cannot decide exactly raises _Unsure, and a schema using a keyword not
# handled here is not compiled at all: either way jsonschema decides.

Check = Callable[[Any], bool]


class _Unsure(Exception):
    """The fast check cannot decide this instance exactly."""


class _Unsupported(Exception):
    """The schema uses a keyword the fast check does not implement."""


# Keywords that never make an instance invalid (format is not asserted: jsonschema's default).
_ANNOTATIONS = frozenset({"title", "description", "examples", "default", "$comment", "$schema", "$defs",
                          "format", "deprecated", "readOnly", "writeOnly"})
_OBJECT_KEYWORDS = frozenset({"properties", "additionalProperties", "required", "minProperties", "maxProperties",
                              "propertyNames"})
_ARRAY_KEYWORDS = frozenset({"items", "minItems", "maxItems", "uniqueItems"})
_OTHER_KEYWORDS = frozenset({"type", "enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum",
                             "exclusiveMinimum", "exclusiveMaximum", "allOf", "anyOf", "oneOf", "not", "if",
                             "then", "else", "$ref"})
_KEYWORDS = _ANNOTATIONS | _OBJECT_KEYWORDS | _ARRAY_KEYWORDS | _OTHER_KEYWORDS


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


@cache
def _accepts(name: str) -> Check | None:
    """The fast acceptance check for schema `name`, or None when it uses keywords not handled here."""
    docs = _schema_documents()
    try:
        return _Compiler(docs).compile(_inline(docs[name], name, docs, frozenset()), name)
    except _Unsupported:
        return None


def _fast_accepts(name: str, data: Any) -> bool:
    """True only when `data` is certainly valid against schema `name`."""
    accepts = _accepts(name)
    if accepts is None:
        return False
    try:
        return accepts(data)
    except (_Unsure, RecursionError):
        return False


class _Compiler:
    """Turns a (mostly inlined) schema into one closure per subschema."""

    def __init__(self, docs: dict[str, dict[str, Any]]) -> None:
        self.docs = docs
        self.refs: dict[tuple[str, str], Check] = {}

    def compile(self, schema: Any, doc: str) -> Check:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict) or not schema.keys() <= _KEYWORDS:
            raise _Unsupported(schema)
        checks = []
        if "type" in schema:
            checks.append(self._type(schema["type"]))
        if "enum" in schema:
            checks.append(_one_of(schema["enum"]))
        if "const" in schema:
            checks.append(_one_of([schema["const"]]))
        checks += self._string(schema) + self._number(schema)
        if schema.keys() & _OBJECT_KEYWORDS:
            checks.append(self._object(schema, doc))
        if schema.keys() & _ARRAY_KEYWORDS:
            checks.append(self._array(schema, doc))
        checks += self._combinators(schema, doc)
        if "$ref" in schema:
            checks.append(self._ref(schema["$ref"], doc))
        return _all(checks)

    @staticmethod
    def _type(names: str | list[str]) -> Check:
        tests = [_TYPES[n] for n in ([names] if isinstance(names, str) else names)]
        return tests[0] if len(tests) == 1 else lambda v: any(t(v) for t in tests)

    @staticmethod
    def _string(schema: dict[str, Any]) -> list[Check]:
        checks: list[Check] = []
        if "pattern" in schema:
            search = re.compile(schema["pattern"]).search  # jsonschema uses re.search too
            checks.append(lambda v: not isinstance(v, str) or search(v) is not None)
        if "minLength" in schema:
            low = schema["minLength"]
            checks.append(lambda v: not isinstance(v, str) or len(v) >= low)
        if "maxLength" in schema:
            high = schema["maxLength"]
            checks.append(lambda v: not isinstance(v, str) or len(v) <= high)
        return checks

    @staticmethod
    def _number(schema: dict[str, Any]) -> list[Check]:
        # Each bound as jsonschema tests it (`instance < minimum` fails ...), which also decides NaN alike.
        fails = [(schema[k], op) for k, op in (("minimum", operator.lt), ("maximum", operator.gt),
                                               ("exclusiveMinimum", operator.le), ("exclusiveMaximum", operator.ge))
                 if k in schema]
        if not fails:
            return []
        return [lambda v: not _is_number(v) or not any(op(v, limit) for limit, op in fails)]

    def _object(self, schema: dict[str, Any], doc: str) -> Check:
        properties = {k: self.compile(v, doc) for k, v in schema.get("properties", {}).items()}
        additional = self.compile(schema["additionalProperties"], doc) if "additionalProperties" in schema else _always
        names = self.compile(schema["propertyNames"], doc) if "propertyNames" in schema else None
        required = tuple(schema.get("required", ()))
        low, high = schema.get("minProperties", 0), schema.get("maxProperties")

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for key in required:
                if key not in value:
                    return False
            if len(value) < low or (high is not None and len(value) > high):
                return False
            for key, item in value.items():
                if not properties.get(key, additional)(item) or (names is not None and not names(key)):
                    return False
            return True

        return check

    def _array(self, schema: dict[str, Any], doc: str) -> Check:
        items = self.compile(schema["items"], doc) if "items" in schema else _always
        low, high = schema.get("minItems", 0), schema.get("maxItems")
        unique = schema.get("uniqueItems", False)

        def check(value: Any) -> bool:
            if not isinstance(value, list):
                return True
            if len(value) < low or (high is not None and len(value) > high):
                return False
            if unique and not _unique(value):
                return False
            return all(map(items, value))

        return check

    def _combinators(self, schema: dict[str, Any], doc: str) -> list[Check]:
        checks: list[Check] = []
        if "allOf" in schema:
            checks.append(_all([self.compile(s, doc) for s in schema["allOf"]]))
        if "anyOf" in schema:
            branches = [self.compile(s, doc) for s in schema["anyOf"]]
            checks.append(lambda v: any(b(v) for b in branches))
        if "oneOf" in schema:
            choices = [self.compile(s, doc) for s in schema["oneOf"]]
            checks.append(lambda v: sum(1 for c in choices if c(v)) == 1)
        if "not" in schema:
            negated = self.compile(schema["not"], doc)
            checks.append(lambda v: not negated(v))
        if "if" in schema:
            test = self.compile(schema["if"], doc)
            then = self.compile(schema.get("then", True), doc)
            otherwise = self.compile(schema.get("else", True), doc)
            checks.append(lambda v: then(v) if test(v) else otherwise(v))
        return checks

    def _ref(self, ref: str, doc: str) -> Check:
        """A `$ref` left by `_inline` (a cycle): compiled once, looked up when first used."""
        file, _, pointer = ref.partition("#")
        key = (file or doc, pointer)
        if not pointer.startswith("/$defs/") or key[0] not in self.docs:
            raise _Unsupported(ref)
        if key not in self.refs:
            self.refs[key] = _never  # placeholder while compiling a cycle
            target = self.docs[key[0]]["$defs"][pointer[len("/$defs/"):]]
            self.refs[key] = self.compile(target, key[0])
        refs = self.refs
        return lambda v: refs[key](v)


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


def _all(checks: list[Check]) -> Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]

    def check(value: Any) -> bool:
        for test in checks:  # noqa: SIM110 - runs per value validated: a plain loop makes no generator
            if not test(value):
                return False
        return True

    return check


def _one_of(allowed: list[Any]) -> Check:
    """enum/const over scalars, compared as jsonschema does (true is not 1); containers are not compiled."""
    if not all(a is None or isinstance(a, (str, int, float)) for a in allowed):
        raise _Unsupported(allowed)
    if all(isinstance(a, str) for a in allowed):
        strings = frozenset(allowed)
        return lambda v: isinstance(v, str) and v in strings
    return lambda v: any(_equal_scalar(v, a) for a in allowed)


def _equal_scalar(value: Any, allowed: Any) -> bool:
    """jsonschema's `equal` when `allowed` is a scalar."""
    if value is allowed:
        return True
    if isinstance(value, str) or isinstance(allowed, str):
        return bool(value == allowed)
    if isinstance(value, (bool, list, dict)) or isinstance(allowed, bool):
        return False  # booleans equal only themselves; containers never equal a scalar
    return bool(value == allowed)


def _unique(items: list[Any]) -> bool:
    if all(isinstance(item, str) for item in items):
        return len(set(items)) == len(items)
    raise _Unsure  # jsonschema tells 1 from true and compares containers its own way
