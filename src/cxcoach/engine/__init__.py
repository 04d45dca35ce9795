"""The recommendation engine: case in, ranked next steps, deadlines and reasons out.

Public API::

    from cxcoach.engine import recommend, parse_case, Result, CaseError
    result = recommend(playbook, {"received_at": ..., "facts": {...}}, explain=True)
    result.to_json()

Modules, one job each: `case` (validate a case), `case_problems` (what is
wrong with one: codes, paths, messages), `calendar` (business time),
`calendar_days` (what each day is, estimated holiday data and the notes
results carry), `deadlines` (case clock, pauses), `escalation` (the ladder),
`recommend` (putting it together, ranking), `result` (the typed output and
JSON contract), `render` (text, markdown, json), `jsonline` and `stream`
(`recommend --stream`). Conditions are answered by the `cxcoach.conditions`
package (its rule index finds the rules that fire).
"""

from __future__ import annotations

from .calendar import check_calendar
from .case import Case, CaseError, parse_case
from .compiled import compile_playbook
from .recommend import recommend
from .result import Result

__all__ = ["Case", "CaseError", "Result", "check_calendar", "compile_playbook", "parse_case", "recommend"]
