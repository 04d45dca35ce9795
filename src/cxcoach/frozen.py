"""`@frozen`: a frozen, slotted dataclass that compiles one function, not six.

`dataclass(frozen=True, slots=True)` compiles `__init__`, `__repr__`,
`__eq__`, `__hash__`, `__setattr__` and `__delattr__` from source for every
class, at about 0.2 ms each. cxcoach defines some seventy such classes before
`cxcoach recommend` can print, so that compiling was most of its start-up
time. Only `__init__` gains from being specialised (the playbook cache calls
it once per unpickled object), and it is cut from a precompiled template; the
rest are the shared functions below, which read the field names the class
keeps in `__match_args__`.

The result is still a dataclass: `fields`, `replace`, `asdict` and
`is_dataclass` work as usual, instances compare, hash and print like the
standard library's, and assigning to a field raises `FrozenInstanceError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, FrozenInstanceError, dataclass, fields
from operator import attrgetter
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
        getter = _GETTERS[made] = _getter(made.__match_args__)
        for name, function in _SHARED.items():
            setattr(made, name, function)
        made.__reduce__ = _reducer(made, getter)  # type: ignore[method-assign]
        made.__hash__ = _hash  # type: ignore[assignment]
        if order:
            for name, function in _ORDER.items():
                setattr(made, name, function)
        return made

    return wrap if cls is None else wrap(cls)


def _compile_init(cls: type) -> Callable[..., None]:
    """An `__init__` for `cls`, cut from the template for its number of fields.

    Compiling a function costs about 0.3 ms, renaming a compiled template's
    parameters (`code.replace(co_varnames=...)`) a few microseconds, and the
    templates for up to TEMPLATES_UP_TO fields come precompiled in
    `_frozen_inits.py`. A template stores each argument through the slot's
    own descriptor, closed over per class, which also passes the refusing
    `__setattr__` below.
    """
    found = fields(cls)
    names = tuple(f.name for f in found)
    setters: list[Callable[[object, object], None]] = []
    defaults: list[object] = []
    for f in found:
        store = cls.__dict__[f.name].__set__
        if f.default_factory is not MISSING:
            setters.append(_set_or_make(store, f.default_factory))
            defaults.append(MISSING)
            continue
        setters.append(store)
        if f.default is not MISSING:
            defaults.append(f.default)
        elif defaults:
            raise TypeError(f"{cls.__qualname__}: non-default field {f.name!r} follows a field with a default")
    init = _template(len(names))(*setters)
    qualname = f"{cls.__qualname__}.__init__"
    init.__code__ = init.__code__.replace(co_varnames=("self", *names), co_name="__init__", co_qualname=qualname)
    init.__defaults__ = tuple(defaults) or None
    if hasattr(cls, "__post_init__"):
        init = _then_post_init(init)
    init.__name__, init.__qualname__ = "__init__", qualname
    return init  # type: ignore[no-any-return]


def _set_or_make(store: Callable[[object, object], None], make: Callable[[], object]) -> Callable[[object, object], None]:
    def set_or_make(obj: object, value: object) -> None:
        store(obj, make() if value is MISSING else value)

    return set_or_make


def _then_post_init(init: Callable[..., None]) -> Callable[..., None]:
    def __init__(self: Any, *args: object, **kwargs: object) -> None:
        init(self, *args, **kwargs)
        self.__post_init__()

    return __init__


TEMPLATES_UP_TO = 26
_COMPILED: dict[int, Callable[..., Any]] = {}


def _template(arity: int) -> Callable[..., Any]:
    if arity <= TEMPLATES_UP_TO:
        from ._frozen_inits import TEMPLATES

        return TEMPLATES[arity]
    if arity not in _COMPILED:  # the source depends on the number alone: no field name or data goes in
        env: dict[str, Any] = {}
        exec(compile(template_source(arity), f"<frozen __init__/{arity}>", "exec"), env)  # noqa: S102
        _COMPILED[arity] = env[f"init_{arity}"]
    return _COMPILED[arity]


def template_source(arity: int) -> str:
    """The template for classes of `arity` fields: a function of the slots' setters that returns an `__init__`."""
    setters = ", ".join(f"set{i}" for i in range(arity))
    params = ", ".join(["self", *(f"a{i}" for i in range(arity))])
    body = "".join(f"        set{i}(self, a{i})\n" for i in range(arity)) or "        pass\n"
    return f"def init_{arity}({setters}):\n    def __init__({params}):\n{body}    return __init__\n"


def templates_module() -> str:
    """The text of `_frozen_inits.py` (regenerate: `python -m cxcoach.frozen`)."""
    header = ('"""Precompiled `__init__` templates for `cxcoach.frozen`, one per number of fields.\n\n'
              'Generated by `python -m cxcoach.frozen`; do not edit. Being a module, they are\n'
              'compiled once into its .pyc instead of at every start.\n"""\n')
    functions = "\n\n".join(template_source(arity) for arity in range(TEMPLATES_UP_TO + 1))
    names = "".join(f"    init_{arity},\n" for arity in range(TEMPLATES_UP_TO + 1))
    return f"{header}\n\n{functions}\n\nTEMPLATES = (\n{names})\n"


_GETTERS: dict[type, Callable[[Any], tuple[object, ...]]] = {}


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[object, ...]]:
    """A C-level reader of the fields as a tuple: pickling calls it once per object."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        read = attrgetter(names[0])
        return lambda obj: (read(obj),)
    return lambda obj: ()


def _values(self: Any) -> tuple[object, ...]:
    return _GETTERS[self.__class__](self)


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


def _reducer(cls: type, getter: Callable[[Any], tuple[object, ...]]) -> Callable[[Any], tuple[type, tuple[object, ...]]]:
    """`_reduce` with the class's reader bound: pickling a large playbook calls it per object."""

    def __reduce__(self: Any) -> tuple[type, tuple[object, ...]]:
        return (cls, getter(self)) if self.__class__ is cls else _reduce(self)

    return __reduce__


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
}
_ORDER = {
    "__lt__": _compare(tuple.__lt__),
    "__le__": _compare(tuple.__le__),
    "__gt__": _compare(tuple.__gt__),
    "__ge__": _compare(tuple.__ge__),
}


if __name__ == "__main__":
    from pathlib import Path

    Path(__file__).with_name("_frozen_inits.py").write_text(templates_module(), encoding="utf-8")
