"""How urgent an open case is, from its current-state row alone: the supervisor queue's order.

The queue may hold thousands of open cases and re-ranks them every second,
so it never runs the engine per case: it reads the deadline columns the
store keeps beside each log (`respond_due`, `resolve_due`, `next_due`,
`paused_since`, computed by the engine at the case's last event). From them:

* **overdue**: the nearest deadline passed while the clock ran
  (`CaseRow.overdue_at`, the same test `case list --overdue` uses);
* **share used** of each open deadline: the wall-clock time from receipt to
  now (or to the start of a running pause) over the time from receipt to
  the deadline. The engine measures business-hour deadlines in business
  hours and leaves out earlier pauses, so this is an estimate for ranking;
  `Desk.show` gives the exact figures for one case;
* **time left** on the nearest deadline: frozen while the clock is paused;
  an overdue case that is paused keeps falling behind, as in the engine;
* the playbook's **warning** (e.g. 50 %, 75 %) and **escalation level**
  reached at that share (`engine.escalation`, the engine's own ladder).

Order: overdue cases first, then by the share of the nearest deadline used,
then by the deadline itself, then oldest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import msgspec

from ..engine.escalation import highest_level, highest_warning, winner
from ..playbook.model import EscalationLevel, EscalationPolicy
from ..store.cases import CaseRow

_LATEST = dt.datetime.max.replace(tzinfo=dt.timezone.utc)


class Risk(msgspec.Struct, frozen=True):
    """One open case's urgency at one instant (see the module notes for what is estimated)."""

    case_id: int
    overdue: bool
    share: float  # of the nearest deadline, 1.0 = due now; 0 when no deadline runs
    target: str | None = None  # "respond" or "resolve": which deadline is nearest
    due: dt.datetime | None = None
    left: dt.timedelta | None = None  # negative once overdue
    paused: bool = False
    warning: float | None = None  # highest warning crossed on the nearest deadline
    level: EscalationLevel | None = None  # highest escalation level reached over the open deadlines
    level_target: str | None = None  # the deadline that reached it

    def sort_key(self, row: CaseRow) -> tuple[bool, float, dt.datetime, dt.datetime, int]:
        return (not self.overdue, -self.share, self.due or _LATEST, row.received_at, row.id)


def _share(row: CaseRow, due: dt.datetime, stop: dt.datetime) -> float:
    total = (due - row.received_at).total_seconds()
    used = (stop - row.received_at).total_seconds()
    if total <= 0:
        return 1.0 if stop >= due else 0.0
    return max(0.0, used / total)


def risk(row: CaseRow, now: dt.datetime, policy: EscalationPolicy) -> Risk:
    """The urgency of `row` at `now` under the playbook's escalation `policy`."""
    if not row.is_open or row.next_due is None:
        return Risk(row.id, overdue=False, share=0.0, paused=row.paused_since is not None)
    paused = row.paused_since is not None
    stop = min(now, row.paused_since) if row.paused_since is not None else now
    due = row.next_due
    target = "respond" if row.respond_due == due else "resolve"
    overdue = row.overdue_at(now)
    share = _share(row, due, stop)
    if paused and not overdue:
        left = due - stop  # the clock stands still: so does the time left
    else:
        left = due - now
    levels: list[tuple[str, EscalationLevel]] = []
    for name, when in (("respond", row.respond_due), ("resolve", row.resolve_due)):
        if when is not None:
            reached = highest_level(policy, _share(row, when, stop))
            if reached is not None:
                levels.append((name, reached))
    best = winner(policy, levels)
    return Risk(row.id, overdue, share, target, due, left, paused, highest_warning(policy, share),
                best[1] if best else None, best[0] if best else None)


def by_risk(rows: Iterable[CaseRow], now: dt.datetime, policy: EscalationPolicy) -> list[tuple[CaseRow, Risk]]:
    """Rows with their risk, most urgent first."""
    ranked = [(row, risk(row, now, policy)) for row in rows]
    ranked.sort(key=lambda pair: pair[1].sort_key(pair[0]))
    return ranked
