"""The `cxcoach` console command: tunes the garbage collector, then runs the click group.

A command builds thousands of long-lived objects as it starts (modules,
classes, the playbook) and most commands exit soon after. Python's default
collector scans for cycles every 700 allocations and once more over
everything at exit; for `cxcoach recommend` that was a tenth of all the
instructions it ran (valgrind's callgrind). So young-object collections come
70x less often, from before the first import, and whatever exists at exit is
frozen out of the final pass. Long-running commands (the app, --stream) still
collect. This module is the entry point so that it can act before click and
the command modules are imported.
"""

from __future__ import annotations

import gc


def run() -> None:
    gc.set_threshold(50_000, 20, 100)
    from .cli import main

    try:
        main(prog_name="cxcoach")
    finally:
        gc.freeze()
