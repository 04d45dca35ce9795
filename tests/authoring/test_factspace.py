"""Symbolic reasoning over the fact space agrees with the engine's three-valued logic."""

from __future__ import annotations

import itertools

import pytest

from cxcoach.authoring.factspace import MISSING, FactSpace
from cxcoach.conditions.compile import compile_condition
from cxcoach.playbook import model as m

F, Op = m.FactTest, m.Op


def _pb() -> m.Playbook:
    t = m.Text.plain
    return m.Playbook(id="x", title=t("x"), version="1", locales=("en",), path="x", facts={
        "sev": m.Fact("sev", m.FactType.ENUM, t("s"), m.NOWHERE, (m.FactValue("a", t("a")), m.FactValue("b", t("b")))),
        "n": m.Fact("n", m.FactType.NUMBER, t("n"), m.NOWHERE, min=0, max=10),
        "vip": m.Fact("vip", m.FactType.BOOL, t("v"), m.NOWHERE, default=False),
        "note": m.Fact("note", m.FactType.TEXT, t("t"), m.NOWHERE),
    })


FS = FactSpace(_pb())

UNSAT = {
    "eq a and eq b": m.All((F("sev", Op.EQ, "a"), F("sev", Op.EQ, "b"))),
    "above max": F("n", Op.GT, 10),
    "empty range": m.All((F("n", Op.BETWEEN, (3, 5)), F("n", Op.LT, 3))),
    "missing and equal": m.All((m.Not(F("sev", Op.EXISTS, True)), F("sev", Op.EQ, "a"))),
    "defaulted fact missing": F("vip", Op.EXISTS, False),
    "contains ab but not a": m.All((F("note", Op.CONTAINS, "ab"), m.Not(F("note", Op.CONTAINS, "a")))),
    "ne and in same point": m.All((F("n", Op.NE, 3), F("n", Op.IN, (3,)))),
    "not(x) and x": m.All((m.Not(F("n", Op.LT, 5)), F("n", Op.LT, 5))),
}
SAT = {
    "edge of range": F("n", Op.GE, 10),
    "excluded middle is not a tautology but satisfiable": m.Any((F("sev", Op.EQ, "a"), m.Not(F("sev", Op.EQ, "a")))),
    "text ne": F("note", Op.NE, "x"),
    "overdue": m.All((m.Overdue("respond"), F("sev", Op.EQ, "b"))),
}


@pytest.mark.parametrize("name", UNSAT)
def test_unsatisfiable(name):
    assert not FS.satisfiable(UNSAT[name])
    assert FS.witness(UNSAT[name]) is None


@pytest.mark.parametrize("name", SAT)
def test_satisfiable_with_a_witness_the_engine_accepts(name):
    cond = SAT[name]
    witness = FS.witness(cond)
    assert witness is not None
    facts = {k: v for k, v in witness.items() if not k.startswith("overdue:") and v is not MISSING}
    overdue = {k.split(":", 1)[1]: v for k, v in witness.items() if k.startswith("overdue:")}
    facts.setdefault("vip", False)
    assert compile_condition(cond)(facts, lambda target: overdue.get(target)) is True


def test_implication():
    a = F("sev", Op.EQ, "a")
    both = m.All((a, F("n", Op.GT, 3)))
    assert FS.implies(both, a) and not FS.implies(a, both)
    assert FS.implies(F("sev", Op.IN, ("a", "b")), F("sev", Op.EXISTS, True))
    assert FS.implies(F("n", Op.GE, 8), F("n", Op.GT, 5))
    assert not FS.implies(F("n", Op.GE, 5), F("n", Op.GT, 5))


def test_agrees_with_the_engine_on_every_enum_and_bool_assignment():
    """Exhaustive over the finite facts: satisfiable iff some assignment makes the compiled condition true."""
    conditions = [
        m.Any((m.All((F("sev", Op.EQ, "a"), F("vip", Op.EQ, True))), m.Not(F("sev", Op.NE, "b")))),
        m.All((m.Not(m.Any((F("sev", Op.EQ, "a"), F("sev", Op.EQ, "b")))), F("vip", Op.EQ, False))),
        m.Not(m.All((F("sev", Op.EXISTS, True), F("vip", Op.NE, True)))),
        m.All((F("sev", Op.NOT_IN, ("a",)), m.Not(F("sev", Op.EXISTS, True)))),
    ]
    for cond in conditions:
        pred = compile_condition(cond)
        truths = []
        for sev, vip in itertools.product(["a", "b", None], [True, False]):
            facts = {"vip": vip} | ({"sev": sev} if sev else {})
            truths.append(pred(facts, lambda t: None) is True)
        assert FS.satisfiable(cond) == any(truths), cond
