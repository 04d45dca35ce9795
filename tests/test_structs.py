"""The value types of cxcoach are msgspec Structs: immutable, and the model's are untracked by the collector."""

from __future__ import annotations

import gc
import importlib
import pkgutil

import msgspec
import pytest

import cxcoach
from cxcoach.playbook import model as m


def _structs() -> list[type[msgspec.Struct]]:
    for info in pkgutil.walk_packages(cxcoach.__path__, "cxcoach."):
        if not info.name.startswith(("cxcoach.tui", "cxcoach.__main__")):  # the TUI defines no value types
            importlib.import_module(info.name)
    found, todo = [], list(msgspec.Struct.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("cxcoach."):
            found.append(cls)
    return found


def test_every_struct_is_frozen():
    structs = _structs()
    assert len(structs) > 100
    mutable = [f"{cls.__module__}.{cls.__qualname__}" for cls in structs if not cls.__struct_config__.frozen]
    assert mutable == []


def test_model_objects_refuse_assignment_and_hash_by_value():
    pos = m.Pos("a.yaml", 3, 5)
    with pytest.raises(AttributeError):
        pos.line = 4  # type: ignore[misc]  # the point of the test
    assert pos == m.Pos("a.yaml", 3, 5) and hash(pos) == hash(m.Pos("a.yaml", 3, 5))
    assert str(pos) == "a.yaml:3:5"


def test_model_objects_are_not_tracked_by_the_cyclic_collector():
    rule = m.Rule("r", m.All((m.FactTest("f", m.Op.EQ, 1),)), m.Action(), m.NOWHERE)
    assert not gc.is_tracked(rule) and not gc.is_tracked(rule.when)


def test_conditions_are_a_tagged_union():
    cond = m.Not(m.Any((m.FactTest("f", m.Op.IN, ("a", "b")), m.Overdue("respond"))))
    data = msgspec.msgpack.encode(cond)
    assert msgspec.msgpack.decode(data, type=m.Condition) == cond


@pytest.mark.parametrize("cached", [False, True])
def test_loading_a_playbook_leaves_no_reference_cycles(cached):
    """Model objects are not tracked by the collector, and loading runs with it paused: a cycle would leak."""
    from cxcoach.playbook import load_playbook
    from cxcoach.resources import default_playbook_path

    for _ in range(2):  # imports, compiled schemas, the cache entry, msgspec's type information (built once)
        warm = load_playbook(default_playbook_path(), cache=cached)
        assert all(warm.drills[d].nodes for d in warm.drills)
    del warm
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        playbook = load_playbook(default_playbook_path(), cache=cached)
        assert all(playbook.drills[d].nodes for d in playbook.drills)  # a cached one decodes its sections on use
        del playbook
        gc.collect()
        left = [type(obj).__name__ for obj in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert left == []
