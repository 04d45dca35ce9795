"""Role-play drills and reply scoring.

Public API: `DrillSession` (a simulated customer conversation, seeded and
replayable) and `score_reply` (score one reply against a rubric). Both take a
loaded `Playbook`; nothing here reads files or imports click or textual.
"""

from __future__ import annotations

from .detectors import Behaviour, detect
from .matcher import Span
from .scoring import ReplyScore, Score, ScoringError, score_reply
from .session import DrillError, DrillReport, DrillSession, Mode, Turn

__all__ = ["Behaviour", "DrillError", "DrillReport", "DrillSession", "Mode", "ReplyScore", "Score", "ScoringError",
           "Span", "Turn", "detect", "score_reply"]
