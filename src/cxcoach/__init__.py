"""cxcoach: complaint-handling playbooks, a recommendation engine and role-play drills.

The public API is re-exported here and imported on first use, so
`import cxcoach` stays cheap for command-line start-up.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_playbook": "cxcoach.playbook",
    "check_playbook": "cxcoach.playbook",
    "Playbook": "cxcoach.playbook",
    "CxcoachError": "cxcoach.errors",
    "PlaybookError": "cxcoach.problems",
    "Problem": "cxcoach.problems",
    "recommend": "cxcoach.engine",
    "parse_case": "cxcoach.engine",
    "CaseError": "cxcoach.engine",
    "DrillSession": "cxcoach.drill",
    "score_reply": "cxcoach.drill",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'cxcoach' has no attribute {name!r}")
