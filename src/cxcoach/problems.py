"""Problems found in playbooks and cases, shared by validation, lint and the CLI.

A problem always knows where it is (`file:line:col`), what is wrong and, where
we can tell, how to fix it. Codes are stable so tools and `noqa`-style
suppressions can refer to them:

E0xx  file and YAML syntax          E1xx  schema
E2xx  ids and references            E3xx  facts, conditions and values
E4xx  calendar, durations            E5xx  drills, detectors, rubrics
W...  warnings (same numbering)
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import msgspec

from .errors import CxcoachError
from .sanitize import one_line, printable


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Problem(msgspec.Struct, frozen=True):
    file: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = Severity.ERROR
    hint: str | None = None
    path: str = ""  # JSON path of the offending node, e.g. $.rules[3].when

    def format(self) -> str:
        where = f"{one_line(self.file)}:{self.line}:{self.col}"
        text = f"{where}: {self.severity.value} {self.code}: {self.message}"
        if self.path:
            text += f" (at {self.path})"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return printable(text)

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
            "path": self.path,
        }

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.col, self.code)


class ProblemList:
    """Collects problems while a playbook is read so every problem is reported at once.

    An accumulator, not a value: a plain class (the Structs are frozen values).
    """

    __slots__ = ("items",)

    def __init__(self, items: list[Problem] | None = None) -> None:
        self.items: list[Problem] = [] if items is None else items

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @property
    def has_errors(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.items)

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: p.sort_key)


class PlaybookError(CxcoachError):
    """Raised when a playbook cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity is Severity.ERROR]
        first = errors[0].format() if errors else "invalid playbook"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first + more)


def path_str(path: Iterable[object]) -> str:
    """Render a JSON path the way jsonpath tools do: $.rules[3].when."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The known id closest to `word`, or None when nothing is close."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest known id, or None when nothing is close."""
    best = closest(word, choices)
    return f"did you mean {best!r}?" if best is not None else None
