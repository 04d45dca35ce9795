"""The escalation ladder: warnings, then levels, at fractions of each deadline.

For every running deadline we report the highest warning fraction crossed
and the highest level reached (`at` <= fraction used). Across deadlines the
highest level wins (largest `at`; ties go to the level declared later, then
to the earlier deadline), and its role heads the case's `escalate_to`.
An overdue deadline has used at least 1.0 of its time, so a level `at: 1.0`
fires exactly when something is overdue.
"""

from __future__ import annotations

from ..playbook.model import EscalationLevel, EscalationPolicy


def highest_warning(policy: EscalationPolicy, fraction: float) -> float | None:
    crossed = [w for w in policy.warnings if fraction >= w]
    return max(crossed) if crossed else None


def _level_key(policy: EscalationPolicy, level: EscalationLevel) -> tuple[float, int]:
    return (level.at, policy.levels.index(level))


def highest_level(policy: EscalationPolicy, fraction: float) -> EscalationLevel | None:
    reached = [lv for lv in policy.levels if fraction >= lv.at]
    if not reached:
        return None
    return max(reached, key=lambda lv: _level_key(policy, lv))


def winner(policy: EscalationPolicy, levels: list[tuple[str, EscalationLevel]]) -> tuple[str, EscalationLevel] | None:
    """(deadline target, level) with the highest level; earliest-listed deadline on a tie."""
    best: tuple[str, EscalationLevel] | None = None
    for target, level in levels:
        if best is None or _level_key(policy, level) > _level_key(policy, best[1]):
            best = (target, level)
    return best
