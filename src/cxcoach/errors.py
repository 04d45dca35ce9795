"""One base for every error cxcoach raises on purpose.

A ticketing hook or another program catches `CxcoachError` and knows the
failure was explained (bad case, bad playbook, drill misuse, store trouble),
not a bug. Each subclass lives with the code that raises it; `exit_code` is
what the CLI exits with when the error reaches it.
"""

from __future__ import annotations


class CxcoachError(Exception):
    """A failure cxcoach explains to its user; never a bug."""

    exit_code: int = 1
