"""Pause Python's cyclic garbage collector while large, acyclic data is built.

Loading or indexing a 10,000-rule playbook allocates hundreds of thousands of
containers (the YAML data, the rule index). Every 700 allocations the
collector runs, and its older generations hold what was built so far, so it
walks the same objects again and again (`bench/load_rules.py --yaml` times a
load with the collector running beside one with it paused). What is built
there has no reference cycles (`tests/test_structs.py` checks a whole load),
so nothing is kept alive longer by collecting afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable cyclic collection for the block; re-enable it only if it was enabled before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
