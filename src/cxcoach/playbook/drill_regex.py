"""Bounded regular expressions: user patterns that provably cannot hang cxcoach.

Python's `re` backtracks, and a pattern such as `(a+)+$` takes exponential
time on a short string. Rather than run patterns under a timeout (threads
cannot be killed; processes are slow to start), playbook patterns are
restricted so backtracking stays small by construction:

1. rejected outright: backreferences, lookaround, conditionals, atomic groups,
   possessive repeats, a repeat nested in a repeat, and a repeated group that
   contains alternation (the two shapes behind catastrophic backtracking);
2. unbounded repeats are capped: `*` -> `{0,30}`, `+` -> `{1,30}`, `{n,}` -> `{n,30}`;
3. the backtracking cost per start position (product of repeat ranges along a
   sequence; over alternatives, the dearest group sharing a first character,
   since the others fail at their first step) must stay under `MAX_COST`;
4. the runtime matcher looks at most at `MAX_INPUT` characters;
5. all the regexes matched against one reply share `REPLY_BUDGET` steps: a
   regex scans `len(text) * cost` of them, and one that meets an exhausted
   budget sees only as much of the reply as the rest pays for.

So one reply costs at most about REPLY_BUDGET simple steps (well under a
second) however many costly regexes a playbook holds, and typical patterns run
in microseconds: all the shipped playbook's regexes together need less than
half of the budget even on a reply of MAX_INPUT characters (a test holds the
shipped playbook to that). This module lives in the playbook layer because
validation (drill_build) and the runtime matcher (drill/matcher) share it.
"""

from __future__ import annotations

import re
import re._constants as _c  # type: ignore[import-not-found]  # the regex compiler's parser (3.11+): no stubs
import re._parser as _parser  # type: ignore[import-not-found]  # the regex compiler's parser (3.11+): no stubs
from typing import Any

import msgspec

from ..errors import CxcoachError

SubPattern = Any  # re._parser.SubPattern: (opcode, argument) pairs, untyped like the module

MAX_REPEAT = 30
MAX_COST = 50_000
MAX_INPUT = 2_000
REPLY_BUDGET = 40_000_000  # MAX_COST * MAX_INPUT * 2 / 5: five costly regexes took 5-8 s per reply before

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT}
_POSSESSIVE = getattr(_c, "POSSESSIVE_REPEAT", None)
_ATOMIC = getattr(_c, "ATOMIC_GROUP", None)


class RegexRejected(CxcoachError, ValueError):
    """A pattern that is invalid or not provably fast; `code` is the problem code."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


class BoundedPattern(msgspec.Struct, frozen=True):
    source: str  # what the author wrote
    pattern: str  # with unbounded repeats capped
    cost: int


def _cap_repeats(pattern: str) -> str:
    """Rewrite `*`, `+` and `{n,}` outside character classes into capped repeats."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if ch == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            out.append(pattern[i:j + 1])
            i = j + 1
            continue
        if ch == "*":
            out.append(f"{{0,{MAX_REPEAT}}}")
        elif ch == "+":
            out.append(f"{{1,{MAX_REPEAT}}}")
        elif ch == "{":
            m = re.match(r"\{(\d+),\}", pattern[i:])
            if m:
                low = int(m.group(1))
                if low > MAX_REPEAT:
                    raise RegexRejected("E520", f"repeat {m.group(0)} needs more than {MAX_REPEAT} repetitions",
                                        f"use at most {{{MAX_REPEAT}}}")
                out.append(f"{{{low},{MAX_REPEAT}}}")
                i += len(m.group(0))
                continue
            out.append(ch)
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _has_branch(items: SubPattern) -> bool:
    for op, av in items:
        if op is _c.BRANCH:
            return True
        if op is _c.SUBPATTERN and _has_branch(av[-1]):
            return True
        if op in _REPEATS and _has_branch(av[2]):
            return True
    return False


def _cost(items: SubPattern, in_repeat: bool) -> int:
    total = 1
    for op, av in items:
        if op in _REPEATS:
            low, high, body = av
            if in_repeat:
                raise RegexRejected("E520", "a repeat inside a repeated group can take exponential time",
                                    "repeat a character class instead, e.g. [a-z0-9 ]{0,20}")
            repeats = high > 1
            if repeats and _has_branch(body):
                raise RegexRejected("E520", "a repeated group containing alternation can take exponential time",
                                    "use a character class ([ab]{0,10}) or list the alternatives with `any:`")
            total *= (high - low + 1) * _cost(body, repeats)
        elif op is _c.BRANCH:
            total *= _branch_cost(av[1], in_repeat)
        elif op is _c.SUBPATTERN:
            total *= _cost(av[-1], in_repeat)
        elif op in (_c.GROUPREF, _c.GROUPREF_EXISTS) or op is getattr(_c, "GROUPREF_IGNORE", None):
            raise RegexRejected("E520", "backreferences and conditionals are not allowed",
                                "match the text again literally")
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            raise RegexRejected("E520", "lookahead and lookbehind are not allowed",
                                "use the matcher's `unless:` or `near:` instead")
        elif op is _POSSESSIVE or op is _ATOMIC:
            raise RegexRejected("E520", "possessive repeats and atomic groups are not allowed", "use a plain repeat")
        if total > MAX_COST * 1000:
            break  # already far too costly; stop multiplying
    return total


def _first_char(items: SubPattern) -> str | None:
    """The character a branch must start with (ASCII in lower case, or one without case such as 我),
    or None when it can start otherwise."""
    for op, av in items:
        if op is _c.SUBPATTERN:
            return _first_char(av[-1])
        if op is _c.LITERAL:
            char = chr(av)
            if av < 128:
                return char.lower()
            return char if char.lower() == char.upper() == char.casefold() == char else None
        return None
    return None  # an empty branch matches anywhere


def _branch_cost(branches: list[object], in_repeat: bool) -> int:
    """Alternatives tried at one position: only those whose first character matches go further.

    Branches that start with different literal characters cannot both get
    past their first step, so the ways on are those of the dearest group of
    branches sharing a first character, plus those of every branch that can
    start otherwise. (Non-ASCII letters with case count as "can start
    otherwise": case-insensitive matching pairs some of them with ASCII
    letters, as the Kelvin sign with k.) A branch rejected at its first character is one step, which
    the cost model leaves out as it does any literal that fails.
    """
    groups: dict[str, int] = {}
    wild = 0
    for branch in branches:
        cost = _cost(branch, in_repeat)
        first = _first_char(branch)
        if first is None:
            wild += cost
        else:
            groups[first] = groups.get(first, 0) + cost
    return max(1, wild + max(groups.values(), default=0))


def bound_regex(source: str) -> BoundedPattern:
    """Validate and cap a user pattern; raises RegexRejected (E520 invalid, E521 too costly)."""
    capped = _cap_repeats(source)
    try:
        parsed = _parser.parse(capped, 0)
    except re.error as exc:
        raise RegexRejected("E520", f"regex does not compile: {exc}", "check brackets and escapes") from None
    except (OverflowError, RecursionError):
        raise RegexRejected("E520", "regex is too large", "simplify the pattern") from None
    cost = _cost(parsed, False)
    if cost > MAX_COST:
        raise RegexRejected("E521", f"regex could backtrack too much (cost {cost} > {MAX_COST})",
                            "use fewer repeats in a row, or combine phrases with `near:`")
    try:
        re.compile(capped, re.IGNORECASE)
    except re.error as exc:  # pragma: no cover - parse succeeded, compile should too
        raise RegexRejected("E520", f"regex does not compile: {exc}", "check brackets and escapes") from None
    return BoundedPattern(source, capped, cost)
