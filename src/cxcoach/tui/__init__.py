"""The Textual app: a thin shell over the library (playbook, engine, drill, store).

Importing this package imports textual; headless commands never do (see
tests/test_import_hygiene.py).
"""

from __future__ import annotations

from .app import CxcoachApp

__all__ = ["CxcoachApp"]
