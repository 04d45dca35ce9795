"""How urgent an open case is, from its current-state row alone: the supervisor queue's order.

The queue may hold thousands of open cases and re-ranks them every second,
so it never runs the engine per case. It reads the deadline columns the store
keeps beside each log (`respond_due`, `resolve_due`, `next_due`,
`paused_since`: computed by the engine at the case's last event, earlier
pauses included) and the playbook's calendar:

* **overdue**: the nearest deadline passed while the clock ran
  (`CaseRow.overdue_at`, the same test `case list --overdue` uses);
* **share used** of each open deadline, measured as the engine measures it:
  on the deadline's own clock (business minutes for `bh`/`bd`/
  `end_of_business_day`, elapsed minutes otherwise), active time so far over
  the deadline's length. Which clock and length a stored due stands for is
  read off the playbook: of the durations it declares for that deadline (the
  default and every rule's), the one that, added to the receipt time, lands
  latest without passing the due; the rest of the way to the due is earlier
  pauses. Only when two declared durations both fit a paused case can the
  guess differ from the engine, and only in the share: `Desk.show` gives the
  exact figures for one case;
* **time left** on the nearest deadline: frozen while the clock is paused;
  an overdue case that is paused keeps falling behind, as in the engine;
* the playbook's **warning** (e.g. 50 %, 75 %) and **escalation level**
  reached (`engine.escalation`, the engine's own ladder).

Order: overdue cases first, then by the share of the nearest deadline used,
then by the deadline itself, then oldest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import msgspec

from ..engine.calendar import add_duration, is_business_unit, measure
from ..engine.escalation import highest_level, highest_warning, winner
from ..playbook.model import Duration, EscalationLevel, Playbook
from ..store.cases import CaseRow

_LATEST = dt.datetime.max.replace(tzinfo=dt.UTC)
TARGETS = ("respond", "resolve")


class DeadlineShape(msgspec.Struct, frozen=True):
    """What a stored due stands for: its clock, its length, and how far earlier pauses pushed it."""

    business: bool
    total: float  # minutes on its own clock from receipt to the due without pauses
    moved: float = 0.0  # minutes (same clock) earlier pauses added


class Risk(msgspec.Struct, frozen=True):
    """One open case's urgency at one instant."""

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


class Triage:
    """Ranks a playbook's open cases by risk from their state rows; see the module notes.

    Deadline shapes are worked out once per case version and kept, so a tick
    costs a few subtractions per case (and a business-minute count for
    business-hour deadlines). `prepare` works them out ahead, e.g. in the
    thread that read the rows.
    """

    def __init__(self, playbook: Playbook) -> None:
        self.playbook = playbook
        self.calendar = playbook.calendar
        self.policy = playbook.escalation
        self.durations: dict[str, tuple[Duration, ...]] = {}
        for target in TARGETS:
            found = [getattr(playbook.deadlines, target)]
            found += [getattr(rule.then.deadlines, target) for rule in playbook.rules]
            self.durations[target] = tuple(dict.fromkeys(d for d in found if d is not None))
        self._shapes: dict[tuple[int, int], dict[str, DeadlineShape]] = {}

    # -- deadline shapes --
    def _shape(self, target: str, received: dt.datetime, due: dt.datetime) -> DeadlineShape:
        best: tuple[Duration, dt.datetime] | None = None
        for duration in self.durations[target]:
            base = add_duration(self.calendar, received, duration)
            if base <= due and (best is None or base > best[1]):
                best = (duration, base)
        if best is None:  # nothing declared fits (the playbook changed since): measure elapsed time
            return DeadlineShape(False, measure(self.calendar, received, due, business=False))
        duration, base = best
        business = is_business_unit(duration.unit)
        return DeadlineShape(business, measure(self.calendar, received, base, business=business),
                             measure(self.calendar, base, due, business=business))

    def shapes(self, row: CaseRow) -> dict[str, DeadlineShape]:
        key = (row.id, row.version)
        found = self._shapes.get(key)
        if found is None:
            found = {}
            for target in TARGETS:
                due = getattr(row, f"{target}_due")
                if due is not None:
                    found[target] = self._shape(target, row.received_at, due)
            self._shapes[key] = found
        return found

    def prepare(self, rows: Iterable[CaseRow]) -> None:
        """Work out the shapes of these rows now (and forget those of cases no longer listed)."""
        keep = {}
        for row in rows:
            self.shapes(row)
            keep[(row.id, row.version)] = self._shapes[(row.id, row.version)]
        self._shapes = keep

    # -- risk --
    def share(self, shape: DeadlineShape, received: dt.datetime, due: dt.datetime, stop: dt.datetime) -> float:
        """Share of a deadline used by `stop`, as the engine's `fraction`."""
        if shape.total <= 0:
            return 1.0 if stop >= due else 0.0
        used = measure(self.calendar, received, stop, business=shape.business) - shape.moved
        return max(0.0, used / shape.total)

    def risk(self, row: CaseRow, now: dt.datetime) -> Risk:
        """The urgency of `row` at `now`."""
        paused = row.paused_since is not None
        if not row.is_open or row.next_due is None:
            return Risk(row.id, overdue=False, share=0.0, paused=paused)
        stop = min(now, row.paused_since) if row.paused_since is not None else now
        due = row.next_due
        shapes = self.shapes(row)
        target = "respond" if row.respond_due == due else "resolve"
        overdue = row.overdue_at(now)
        shares = {t: self.share(shape, row.received_at, getattr(row, f"{t}_due"), stop) for t, shape in shapes.items()}
        share = shares.get(target, 0.0)
        left = due - stop if paused and not overdue else due - now  # a paused clock does not run out
        levels = [(t, level) for t, s in shares.items() if (level := highest_level(self.policy, s)) is not None]
        best = winner(self.policy, levels)
        return Risk(row.id, overdue, share, target, due, left, paused, highest_warning(self.policy, share),
                    best[1] if best else None, best[0] if best else None)

    def rank(self, rows: Iterable[CaseRow], now: dt.datetime) -> list[tuple[CaseRow, Risk]]:
        """Rows with their risk, most urgent first."""
        ranked = [(row, self.risk(row, now)) for row in rows]
        ranked.sort(key=lambda pair: pair[1].sort_key(pair[0]))
        return ranked
