"""Playbooks: reading YAML safely, validating it, and the model it becomes."""

from __future__ import annotations

from ..problems import PlaybookError, Problem
from ..resources import default_playbook_path
from .loader import check_playbook, load_playbook
from .model import Playbook

__all__ = ["Playbook", "PlaybookError", "Problem", "check_playbook", "default_playbook_path", "load_playbook"]
