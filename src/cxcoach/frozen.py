"""`@frozen`: a frozen, slotted dataclass that compiles one function, not six.

`dataclass(frozen=True, slots=True)` compiles `__init__`, `__repr__`,
`__eq__`, `__hash__`, `__setattr__` and `__delattr__` from source for every
class, at about 0.2 ms each. cxcoach defines some seventy such classes before
`cxcoach recommend` can print, so that compiling was most of its start-up
time. Only `__init__` gains from being specialised (the playbook cache calls
it once per unpickled object), and it is cut from a template compiled once
per shape; the rest are the shared functions below, which read the field
names the class keeps in `__match_args__`.

The result is still a dataclass: `fields`, `replace`, `asdict` and
`is_dataclass` work as usual, instances compare, hash and print like the
standard library's, and assigning to a field raises `FrozenInstanceError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, FrozenInstanceError, dataclass, fields
from typing import Any, TypeVar

_T = TypeVar("_T")


def frozen(cls: type[_T] | None = None, /, *, order: bool = False) -> Any:
    """Decorate a class as a frozen, slotted dataclass (see the module docstring)."""

    def wrap(cls: type[_T]) -> type[_T]:
        if not cls.__doc__:  # else dataclass() builds one with inspect.signature, which is slow
            cls.__doc__ = f"{cls.__name__}({', '.join(cls.__dict__.get('__annotations__', ()))})"
        made = dataclass(init=False, repr=False, eq=False, slots=True)(cls)
        for f in fields(made):
            if f.kw_only or not (f.init and f.repr and f.compare) or f.hash is not None:
                raise TypeError(f"{made.__qualname__}.{f.name}: @frozen takes plain fields only")
        made.__init__ = _compile_init(made)  # type: ignore[misc]
        for name, function in _SHARED.items():
            setattr(made, name, function)
        made.__hash__ = _hash  # type: ignore[assignment]
        if order:
            for name, function in _ORDER.items():
                setattr(made, name, function)
        return made

    return wrap if cls is None else wrap(cls)


def _compile_init(cls: type) -> Callable[..., None]:
    """An `__init__` for `cls` from a template shared by every class of the same shape.

    Compiling costs about 0.2 ms; renaming a compiled template's parameters
    (`code.replace(co_varnames=...)`) costs microseconds. The template stores
    each argument through the slot's own descriptor, closed over per class,
    which also skips the refusing `__setattr__` below.
    """
    found = fields(cls)
    names = tuple(f.name for f in found)
    factories = tuple(i for i, f in enumerate(found) if f.default_factory is not MISSING)
    defaults: list[object] = []
    for f in found:
        if f.default is not MISSING or f.default_factory is not MISSING:
            defaults.append(f.default if f.default_factory is MISSING else MISSING)
        elif defaults:
            raise TypeError(f"{cls.__qualname__}: non-default field {f.name!r} follows a field with a default")
    make = _template(len(names), factories, hasattr(cls, "__post_init__"))
    init = make(*[cls.__dict__[name].__set__ for name in names], *[found[i].default_factory for i in factories])
    init.__code__ = init.__code__.replace(co_varnames=("self", *names), co_qualname=f"{cls.__qualname__}.__init__")
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__defaults__ = tuple(defaults) or None
    return init  # type: ignore[no-any-return]


_TEMPLATES: dict[tuple[int, tuple[int, ...], bool], Callable[..., Any]] = {}


def _template(arity: int, factories: tuple[int, ...], post_init: bool) -> Callable[..., Any]:
    key = (arity, factories, post_init)
    if key not in _TEMPLATES:
        params = ", ".join(["self", *(f"a{i}" for i in range(arity))])
        outer = ", ".join([*(f"set{i}" for i in range(arity)), *(f"new{i}" for i in factories)])
        body = [f"        if a{i} is _MISSING: a{i} = new{i}()" for i in factories]
        body += [f"        set{i}(self, a{i})" for i in range(arity)]
        body += ["        self.__post_init__()"] if post_init else []
        source = f"def make({outer}):\n    def __init__({params}):\n" + "\n".join(body or ["        pass"])
        env: dict[str, Any] = {"_MISSING": MISSING}
        exec(compile(source + "\n    return __init__\n", f"<frozen __init__ {key}>", "exec"), env)  # noqa: S102
        _TEMPLATES[key] = env["make"]
    return _TEMPLATES[key]


def _values(self: Any) -> tuple[object, ...]:
    return tuple([getattr(self, name) for name in self.__match_args__])


def _eq(self: Any, other: object) -> bool:
    if other.__class__ is self.__class__:
        return _values(self) == _values(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(_values(self))


def _repr(self: Any) -> str:
    inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
    return f"{self.__class__.__qualname__}({inner})"


def _refuse_set(self: Any, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_delete(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _reduce(self: Any) -> tuple[type, tuple[object, ...]]:
    # Unpickling through __init__ is about twice as fast as the slotted
    # dataclass's __setstate__, which loops over fields() per object.
    return self.__class__, _values(self)


def _compare(op: Callable[[tuple[object, ...], tuple[object, ...]], bool]) -> Callable[[Any, object], bool]:
    def method(self: Any, other: object) -> bool:
        if other.__class__ is self.__class__:
            return op(_values(self), _values(other))
        return NotImplemented

    return method


_SHARED: dict[str, Callable[..., Any]] = {
    "__eq__": _eq,
    "__repr__": _repr,
    "__setattr__": _refuse_set,
    "__delattr__": _refuse_delete,
    "__reduce__": _reduce,
}
_ORDER = {
    "__lt__": _compare(tuple.__lt__),
    "__le__": _compare(tuple.__le__),
    "__gt__": _compare(tuple.__gt__),
    "__ge__": _compare(tuple.__ge__),
}
