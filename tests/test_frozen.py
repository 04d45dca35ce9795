"""`@frozen` must behave like `dataclass(frozen=True, slots=True)` wherever cxcoach relies on it."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from cxcoach.frozen import frozen


@frozen
class Point:
    """A point."""

    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


@frozen
class Bag:
    items: dict[str, int] = dataclasses.field(default_factory=dict)


@frozen(order=True)
class Version:
    major: int
    minor: int


def test_init_defaults_and_factories():
    assert Point(1) == Point(1, 0, ())
    assert Point(x=2, y=3).y == 3
    first, second = Bag(), Bag()
    assert first.items == {} and first.items is not second.items
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]


def test_equality_hash_and_repr_match_the_standard_library():
    @dataclasses.dataclass(frozen=True, slots=True)
    class Reference:
        x: int
        y: int = 0
        tags: tuple[str, ...] = ()

    ours, theirs = Point(1, 2, ("a",)), Reference(1, 2, ("a",))
    assert repr(ours) == repr(theirs).replace(Reference.__qualname__, "Point")
    assert hash(ours) == hash(theirs)
    assert ours == Point(1, 2, ("a",)) and ours != Point(1, 3, ("a",))
    assert ours != theirs  # different classes never compare equal
    assert len({Point(1), Point(1), Point(2)}) == 2


def test_fields_cannot_be_assigned_or_deleted():
    point = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del point.x
    assert not hasattr(point, "__dict__")  # slotted


def test_it_is_still_a_dataclass():
    point = Point(1, 2)
    assert dataclasses.is_dataclass(point)
    assert [f.name for f in dataclasses.fields(point)] == ["x", "y", "tags"]
    assert dataclasses.replace(point, y=5) == Point(1, 5)
    assert dataclasses.asdict(point) == {"x": 1, "y": 2, "tags": ()}
    assert Point.__match_args__ == ("x", "y", "tags")
    assert Point.__doc__ == "A point."
    assert Bag.__doc__ == "Bag(items)"


def test_pickle_and_copy_round_trip():
    point = Point(1, 2, ("a",))
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(point, protocol=protocol)) == point
    assert copy.copy(point) == point and copy.deepcopy(Bag({"a": 1})) == Bag({"a": 1})


def test_order_compares_field_by_field():
    assert sorted([Version(2, 0), Version(1, 5), Version(1, 10)]) == [Version(1, 5), Version(1, 10), Version(2, 0)]
    assert Version(1, 0) <= Version(1, 0) < Version(1, 1)
    with pytest.raises(TypeError):
        _ = Point(1) < Point(2)  # type: ignore[operator]


def test_post_init_runs():
    seen = []

    @frozen
    class Checked:
        value: int

        def __post_init__(self) -> None:
            seen.append(self.value)

    Checked(3)
    assert seen == [3]


def test_field_options_it_does_not_honour_are_refused():
    with pytest.raises(TypeError, match="plain fields only"):
        @frozen
        class Hidden:
            secret: str = dataclasses.field(repr=False)


def test_arguments_are_checked_by_name_like_any_function():
    with pytest.raises(TypeError, match=r"Point.__init__\(\) missing 1 required positional argument: 'x'"):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="multiple values for argument 'x'"):
        Point(1, x=2)  # type: ignore[misc]
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        Point(1, z=2)  # type: ignore[call-arg]
    assert Point(y=2, x=1) == Point(1, 2)


def test_classes_of_the_same_shape_keep_their_own_fields():
    @frozen
    class Other:
        a: int
        b: int = 0
        c: tuple[str, ...] = ()

    assert Other(1, 2).a == 1 and Point(5, 6).x == 5
    assert Other.__init__ is not Point.__init__


def test_a_required_field_after_a_default_is_refused():
    with pytest.raises(TypeError, match="non-default field 'late'"):
        @frozen
        class Misordered:
            early: int = 0
            late: int


def test_precompiled_templates_are_what_the_generator_writes():
    from pathlib import Path

    from cxcoach import _frozen_inits
    from cxcoach.frozen import templates_module

    assert Path(_frozen_inits.__file__).read_text(encoding="utf-8") == templates_module(), \
        "regenerate with: python -m cxcoach.frozen"


def test_classes_wider_than_the_precompiled_templates_still_work():
    from cxcoach.frozen import TEMPLATES_UP_TO

    names = [f"f{i}" for i in range(TEMPLATES_UP_TO + 3)]
    wide = frozen(type("Wide", (), {"__annotations__": dict.fromkeys(names, "int"), "__module__": __name__}))
    made = wide(*range(len(names)))
    assert made.f0 == 0 and getattr(made, names[-1]) == len(names) - 1
    assert made == wide(*range(len(names)))
