"""cxcoach's own widgets, one per module (like textual/widgets/_switch.py)."""

from __future__ import annotations

from .case_form import CaseForm
from .countdown import Countdown
from .criterion_trends import CriterionTrends
from .mood_meter import MoodMeter
from .recommendation_list import RecommendationList
from .transcript import Transcript

__all__ = ["CaseForm", "Countdown", "CriterionTrends", "MoodMeter", "RecommendationList", "Transcript"]
