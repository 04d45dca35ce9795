"""cxcoach's own widgets, one per module (like textual/widgets/_switch.py).

Names are re-exported lazily so that importing one widget module (or the
home screen) does not import every widget and the engine behind them.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "CaseDeadlines": "case_deadlines",
    "CaseForm": "case_form",
    "CaseQueue": "case_queue",
    "CaseTimeline": "case_timeline",
    "Countdown": "countdown",
    "CriterionTrends": "criterion_trends",
    "EventForm": "event_form",
    "MoodMeter": "mood_meter",
    "Prose": "prose",
    "RecommendationList": "recommendation_list",
    "RecordFields": "record_fields",
    "TimeInput": "time_input",
    "Transcript": "transcript",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
