"""The complaint desk: cases that live through the playbook's procedure, kept in the store.

Modules, one job each: `times` (typed times in the playbook's zone),
`state` (a case's state folded from its event log, evaluated by the engine
`recommend` uses), `snapshot` (that state stored with the case, so an append
folds one event), `validate` (which events the playbook allows), `service`
(the `Desk` API: open, update, follow up, show, queue), `risk` (the
supervisor queue's order from the state rows alone). See docs/desk.md.
"""

from __future__ import annotations

from .service import BadFilter, CaseNotFound, CaseView, Desk, Feedback, Planned, Update, scores_from
from .state import CaseState, FollowUp, fold, state_columns, step
from .times import TimeError, iso, parse_span, parse_time, show_time
from .validate import EventRejected, Wording

__all__ = ["BadFilter", "CaseNotFound", "CaseState", "CaseView", "Desk", "EventRejected", "Feedback", "FollowUp",
           "Planned", "TimeError", "Update", "Wording", "fold", "iso", "parse_span", "parse_time", "scores_from",
           "show_time", "state_columns", "step"]
