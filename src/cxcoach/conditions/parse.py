"""YAML data to the condition AST, with every structural problem reported at its node.

Conditions appear in rules, clocks, drill state tests and rubric criteria; the
playbook's builder hands each one here with its location. Problems are
reported through the builder (so an author sees all of them at once), never
raised; a playbook with errors is not built, so what stands in for a broken
condition is never run.

A large playbook has tens of thousands of fact tests, so the usual one (well
formed, over a declared fact, its values fitting) is built without making a
location for each check; anything else takes the full path and gets its
precise errors (`tests/conditions/test_parse.py` checks that the two agree).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any as AnyValue
from typing import Protocol, Self, TypeVar

from ..problems import did_you_mean
from .model import DERIVED_FACTS, OP_SYNONYMS, All, Any, Condition, FactTest, FactType, Not, Op, Overdue
from .operators import OPS_BY_TYPE, is_number

DEADLINE_NAMES = ("respond", "resolve")  # `overdue:` names these or a step id


class Where(Protocol):
    """A location in the YAML; `where / key` is a child."""

    def __truediv__(self, part: str | int) -> Self: ...


W = TypeVar("W", bound=Where)
W_contra = TypeVar("W_contra", bound=Where, contravariant=True)


class DeclaredFact(Protocol):
    """What the parser needs of a declared fact."""

    @property
    def id(self) -> str: ...
    @property
    def type(self) -> FactType: ...
    @property
    def value_ids(self) -> tuple[str, ...]: ...
    @property
    def min(self) -> float | None: ...
    @property
    def max(self) -> float | None: ...


class Context(Protocol[W_contra]):
    """What the parser needs of the playbook's builder: the declared facts, problem and reference reporting."""

    @property
    def facts(self) -> Mapping[str, DeclaredFact]: ...

    def error(self, at: W_contra, code: str, message: str, hint: str | None = None, *, key: bool = False) -> None: ...

    def warning(self, at: W_contra, code: str, message: str, hint: str | None = None, *, key: bool = False) -> None: ...

    def ref(self, kind: str, ident: str, at: W_contra, *parts: str | int) -> None: ...


class ConditionParser:
    """Parses the conditions of one playbook build, reporting through `context` (its builder).

    The parser keeps no reference to the builder, so that a build leaves no reference cycle behind.
    """

    def __init__(self) -> None:
        self._enum_values: dict[str, frozenset[str]] = {}

    def parse(self, context: Context[W], raw: AnyValue, at: W) -> Condition:
        """Parse the condition language, reporting every structural problem at its node."""
        test = self._plain_test(context, raw)
        if test is not None:
            return test
        if raw.__class__ is dict and len(raw) == 1:  # a well-formed all/any needs no shape check
            form = next(iter(raw))
            combine, items = _COMBINE.get(form), raw[form]
            if combine is not None and items.__class__ is list and items:
                return combine(tuple(self._item(context, item, at, form, i) for i, item in enumerate(items)))
        if not self._condition_shape_ok(context, raw, at):
            return _INVALID  # every all/any that passes the shape check was built above
        if "not" in raw:
            return Not(self.parse(context, raw["not"], at / "not"))
        if "overdue" in raw:
            target = raw["overdue"]
            if target not in DEADLINE_NAMES:
                context.ref("step", target, at / "overdue")
            return Overdue(target)
        op = Op(raw["op"])
        value = raw.get("value", True if op is Op.EXISTS else None)
        if isinstance(value, list):
            value = tuple(value)
        self._check_fact_test(context, raw["fact"], op, value, at)
        return FactTest(raw["fact"], op, value)

    def _item(self, context: Context[W], raw: AnyValue, at: W, form: str, index: int) -> Condition:
        """Item `index` of an all/any list, whose location is built only when it has a problem to report."""
        test = self._plain_test(context, raw)
        return test if test is not None else self.parse(context, raw, at / form / index)

    def _plain_test(self, context: Context[W], raw: AnyValue) -> FactTest | None:
        """The usual fact test built without its checks' locations, or None.

        Usual means well formed, over a declared fact, with values that fit it: most
        conditions of a large playbook. None sends anything else down the full path,
        which reports its problems precisely.
        """
        if raw.__class__ is not dict or len(raw) != 3:
            return None
        try:
            fact = context.facts[raw["fact"]]
            op = _OP_BY_NAME[raw["op"]]
            value: AnyValue = raw["value"]
        except (KeyError, TypeError):  # a missing key, an unknown or unhashable name
            return None
        ftype = fact.type
        if op not in OPS_BY_TYPE[ftype]:
            return None
        if ftype is FactType.ENUM:  # the common case: one set lookup per value
            ids = self._value_ids(fact)
            fits = ids.__contains__
        else:
            fits = partial(self._value_fits, fact, ftype)
        if value.__class__ is list:
            if op not in _LIST_OPS or not value:
                return None
            for item in value:
                if item.__class__ not in _SCALAR_TYPES or not fits(item):
                    return None
            if op is Op.BETWEEN and (len(value) != 2 or value[0] > value[1]):
                return None
            return FactTest(fact.id, op, tuple(value))
        if op is Op.EXISTS:
            return FactTest(fact.id, op, value) if value.__class__ is bool else None
        kind = value.__class__  # (tested apart from `value`, which type checkers would narrow to object)
        if op in _LIST_OPS or kind not in _SCALAR_TYPES or not fits(value):
            return None
        return FactTest(fact.id, op, value)

    def _condition_shape_ok(self, context: Context[W], raw: AnyValue, at: W) -> bool:
        if not isinstance(raw, dict) or not raw:
            context.error(at, "E307", f"a condition is a mapping, not {_describe(raw)}", _CONDITION_HINT)
            return False
        forms = [k for k in _COMBINATORS if k in raw] + (["fact"] if "fact" in raw or "op" in raw else [])
        if len(forms) != 1:
            message = (
                f"a condition has one form, this one mixes {' and '.join(forms)}"
                if forms
                else f"unknown condition key {next(iter(raw))!r}"
            )
            context.error(
                at,
                "E307",
                message,
                (did_you_mean(str(next(iter(raw))), [*_COMBINATORS, *_TEST_KEYS]) or _CONDITION_HINT)
                if not forms else _CONDITION_HINT,
            )
            return False
        form = forms[0]
        allowed = _TEST_KEYS if form == "fact" else (form,)
        ok = True
        for key in raw:
            if key not in allowed:
                context.error(
                    at / key,
                    "E307",
                    f"unknown key {key!r} in a {form!r} condition",
                    did_you_mean(str(key), allowed) or f"allowed keys: {', '.join(allowed)}",
                    key=True,
                )
                ok = False
        if form in ("all", "any"):
            items = raw[form]
            if not isinstance(items, list) or not items:
                context.error(at / form, "E307", f"`{form}` takes a non-empty list of conditions", _CONDITION_HINT)
                return False
        elif form == "not":
            pass  # the nested condition reports its own shape
        elif form == "overdue":
            if not isinstance(raw["overdue"], str):
                context.error(at / "overdue", "E307", "`overdue` names a deadline: respond, resolve or a step id",
                              "e.g. {overdue: respond}")
                return False
        else:
            ok = self._fact_test_shape_ok(context, raw, at) and ok
        return ok

    def _fact_test_shape_ok(self, context: Context[W], raw: dict[str, AnyValue], at: W) -> bool:
        for key in ("fact", "op"):
            if key not in raw:
                context.error(at, "E307", f"missing required key {key!r}", "write {fact: NAME, op: eq, value: VALUE}")
                return False
        if not isinstance(raw["fact"], str):
            context.error(at / "fact", "E307", f"a fact name is text, not {_describe(raw['fact'])}",
                          "name a fact declared under `facts:`, e.g. fact: severity")
            return False
        op = raw["op"]
        if op not in _OPS:
            lowered = str(op).lower()
            synonym = lowered if lowered in _OPS else OP_SYNONYMS.get(lowered)
            hint = f"did you mean {synonym!r}?" if synonym else did_you_mean(str(op), _OPS) or "e.g. op: eq"
            context.error(at / "op", "E307", f"{_describe(op)} is not one of: {', '.join(_OPS)}", hint)
            return False
        if "value" not in raw:
            if op == "exists":
                return True
            context.error(at, "E307", f"missing required key 'value' for operator {op!r}", _VALUE_SHAPES[op][1])
            return False
        value = raw["value"]
        check, expected = _VALUE_SHAPES[op]
        if not check(value):
            context.error(at / "value", "E307", f"operator {op!r} takes {expected}, got {_describe(value)}",
                          _shape_hint(op, value))
            return False
        return True

    def _check_fact_test(self, context: Context[W], fact_id: str, op: Op, value: AnyValue, at: W) -> None:
        derived = DERIVED_FACTS.get(fact_id)
        fact = context.facts.get(fact_id)
        if fact is None and derived is None:
            known = [*context.facts, *DERIVED_FACTS]
            context.error(
                at / "fact",
                "E301",
                f"unknown fact {fact_id!r}",
                did_you_mean(fact_id, known) or "declare it under `facts:`",
            )
            return
        ftype = fact.type if fact else derived
        assert ftype is not None
        if op not in OPS_BY_TYPE[ftype]:
            allowed = ", ".join(sorted(o.value for o in OPS_BY_TYPE[ftype]))
            context.error(
                at / "op",
                "E303",
                f"operator {op.value!r} does not apply to {ftype.value} fact {fact_id!r}",
                f"use one of: {allowed}",
            )
            return
        if op is Op.EXISTS:
            return
        if isinstance(value, tuple):
            for index, item in enumerate(value):
                self._check_value(context, fact_id, fact, ftype, item, at, index)
        else:
            self._check_value(context, fact_id, fact, ftype, value, at)
        if op is Op.BETWEEN and isinstance(value, tuple) and len(value) == 2 and value[0] > value[1]:
            context.error(at / "value", "E304", f"empty range: {value[0]} is above {value[1]}", "write [low, high]")

    def _value_fits(self, fact: DeclaredFact | None, ftype: FactType, value: AnyValue) -> bool:
        """The common case of `_check_value`, answered without building a location."""
        if ftype is FactType.ENUM:
            return fact is None or value in self._value_ids(fact)
        if ftype is FactType.NUMBER:
            return is_number(value) and (
                fact is None or ((fact.min is None or value >= fact.min) and (fact.max is None or value <= fact.max))
            )
        return False  # rarer types: let _check_value decide

    def _value_ids(self, fact: DeclaredFact) -> frozenset[str]:
        """An enum fact's value ids as a set, built once: rules test them thousands of times."""
        ids = self._enum_values.get(fact.id)
        if ids is None:
            ids = self._enum_values[fact.id] = frozenset(fact.value_ids)
        return ids

    def _check_value(
        self,
        context: Context[W],
        fact_id: str,
        fact: DeclaredFact | None,
        ftype: FactType,
        value: AnyValue,
        test: W,
        index: int | None = None,
    ) -> None:
        """Check one value of the fact test at `test` (item `index` of a list value)."""
        if self._value_fits(fact, ftype, value):
            return
        at = test / "value" if index is None else test / "value" / index  # only built when reporting
        if ftype is FactType.ENUM and fact is not None:
            if value not in self._value_ids(fact):
                context.error(
                    at,
                    "E302",
                    f"{_shown(value)} is not a value of fact {fact_id!r}",
                    did_you_mean(str(value), fact.value_ids) or f"allowed: {', '.join(fact.value_ids)}",
                )
        elif ftype is FactType.BOOL and not isinstance(value, bool):
            context.error(at, "E302", f"fact {fact_id!r} is true or false, not {_shown(value)}", "write true or false")
        elif ftype is FactType.NUMBER:
            if not is_number(value):
                context.error(at, "E302", f"fact {fact_id!r} is a number, not {_shown(value)}", "write a finite number")
            elif fact is not None and (
                (fact.min is not None and value < fact.min) or (fact.max is not None and value > fact.max)
            ):
                context.warning(at, "W305", f"{value} is outside the range {fact.min}..{fact.max} of fact {fact_id!r}",
                                "a value the fact never takes: check the number, or the fact's min and max")
        elif ftype is FactType.TEXT and not isinstance(value, str):
            context.error(at, "E302", f"fact {fact_id!r} is text, not {_shown(value)}", "quote the value")


def _is_scalar(value: AnyValue) -> bool:
    return isinstance(value, (str, int, float, bool))


def _describe(value: AnyValue) -> str:
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if value is None:
        return "nothing"
    return _shown(value)


def _shown(value: AnyValue) -> str:
    """A value as the author wrote it in YAML: `true`, not Python's `True`."""
    return ("true" if value else "false") if isinstance(value, bool) else repr(value)


def _shape_hint(op: str, value: AnyValue) -> str:
    """How to write the value of `op`, from what was written when it can tell (`in` given one value ...)."""
    if op in ("in", "not_in") and _is_scalar(value):
        return f"write value: [{value if isinstance(value, str) else _shown(value)}]"
    if op in ("eq", "ne") and isinstance(value, list):
        return f"to test several values use op: {'in' if op == 'eq' else 'not_in'}"
    return f"e.g. value: {_SHAPE_EXAMPLES[op]}"


_SHAPE_EXAMPLES = {"eq": "phone", "ne": "phone", "in": "[phone, email]", "not_in": "[phone, email]", "lt": "5",
                   "le": "5", "gt": "5", "ge": "5", "between": "[1, 5]", "contains": "refund", "exists": "true"}


_COMBINATORS = ("all", "any", "not", "overdue")
_TEST_KEYS = ("fact", "op", "value")
_OPS = tuple(o.value for o in Op)
_OP_BY_NAME = {o.value: o for o in Op}
_LIST_OPS = frozenset({Op.IN, Op.NOT_IN, Op.BETWEEN})
_COMBINE: dict[object, type[All] | type[Any]] = {"all": All, "any": Any}
_SCALAR_TYPES = frozenset({str, int, float, bool})
_CONDITION_HINT = "write {fact: NAME, op: OP, value: V}, {all: [...]}, {any: [...]}, {not: ...} or {overdue: respond}"
_VALUE_SHAPES = {
    "eq": (_is_scalar, "one value (text, number, true/false)"),
    "ne": (_is_scalar, "one value (text, number, true/false)"),
    "in": (lambda v: isinstance(v, list) and bool(v) and all(map(_is_scalar, v)), "a non-empty list of values"),
    "not_in": (lambda v: isinstance(v, list) and bool(v) and all(map(_is_scalar, v)), "a non-empty list of values"),
    "lt": (is_number, "a number"),
    "le": (is_number, "a number"),
    "gt": (is_number, "a number"),
    "ge": (is_number, "a number"),
    "between": (lambda v: isinstance(v, list) and len(v) == 2 and all(map(is_number, v)), "[low, high] numbers"),
    "contains": (lambda v: isinstance(v, str) and bool(v), "non-empty text"),
    "exists": (lambda v: isinstance(v, bool), "true or false"),
}
_INVALID: Condition = All(())  # stands in for a condition already reported as broken
