"""What every model module builds on: the `Model` base class, positions and localized text."""

# No `from __future__ import annotations` here: msgspec reads these classes' annotations to
# decode cache entries, and evaluating them from strings on the first read cost more than
# the rest of that read. Names used before they are defined are quoted.

from typing import Self, dataclass_transform

import msgspec


@dataclass_transform(frozen_default=True)  # tells type checkers that subclasses are frozen too
class Model(msgspec.Struct, frozen=True, gc=False):
    """The base of every playbook model class: immutable, hashable, comparable, encodable.

    The model is built bottom-up from immutable parts, so it holds no reference
    cycles and its objects need not be tracked by the cyclic garbage collector.
    """


class Pos(Model):
    """Where a node starts: 1-based line and column, as editors count."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


NOWHERE = Pos("<none>", 0, 0)


class Text(Model):
    """A user-visible string in every locale of the playbook.

    A plain YAML string becomes the same value for every locale; `get` falls
    back to the first locale given so a caller never receives an empty string.
    """

    values: dict[str, str]

    def get(self, locale: str) -> str:
        if locale in self.values:
            return self.values[locale]
        return next(iter(self.values.values()), "")

    @classmethod
    def plain(cls, value: str) -> Self:
        return cls({"*": value})

    @property
    def is_plain(self) -> bool:
        return set(self.values) == {"*"}
