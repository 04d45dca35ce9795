"""Lint checks, one module per family; each has `CODES` (code -> summary) and `check(ctx)`.

L1xx drill graphs (L11x the customer's words)   L2xx rules over the fact space   L3xx matchers
L4xx scoring        L5xx text and translations       L6xx unused content
L7xx the business calendar
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ...problems import Problem
from . import calendar, customer, drills, matchers, rules, scoring, text, unused
from .base import LintContext

Check = Callable[[LintContext], Iterable[Problem]]

_FAMILIES = (drills, customer, rules, matchers, scoring, text, unused, calendar)
ALL_CHECKS: tuple[Check, ...] = tuple(module.check for module in _FAMILIES)
CODES: dict[str, str] = {code: summary for module in _FAMILIES for code, summary in module.CODES.items()}

__all__ = ["ALL_CHECKS", "CODES", "Check", "LintContext"]
