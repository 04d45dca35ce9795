"""The `cxcoach` console command: tunes the garbage collector, runs the click group, owns the exit.

A command builds thousands of long-lived objects as it starts (modules,
classes, the playbook) and most commands exit soon after. Python's default
collector scans for cycles every 700 allocations and once more over
everything at exit; for `cxcoach recommend` that was a tenth of all the
instructions it ran (valgrind's callgrind). So young-object collections come
70x less often, from before the first import, and whatever exists at exit is
frozen out of the final pass. Long-running commands (the app, --stream) still
collect. This module is the entry point so that it can act before click and
the command modules are imported.

It also decides how the process ends (`errors.ExitCode`), which click's
standalone mode would otherwise do: click's own messages (usage errors echo
what the user typed) pass through the sanitizer; a reader that closed the
pipe (`| head`) ends the command quietly with 141, not with the "invalid
input" code; Ctrl-C is 130; and anything unexplained is reported in one line
as a bug (exit 70), with the traceback only when CXCOACH_DEBUG is set.
"""

from __future__ import annotations

import functools
import gc
import os
import sys
from typing import IO, TYPE_CHECKING, Any, NoReturn, TextIO, cast

if TYPE_CHECKING:
    import click

DEBUG_ENV = "CXCOACH_DEBUG"


class _Sanitized:
    """A text stream that shows control characters as visible escapes (click writes its messages here)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from .sanitize import printable

        return self._stream.write(printable(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def run() -> NoReturn:
    gc.set_threshold(50_000, 20, 100)
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show Chinese gets \uXXXX, not a crash
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        code = _run()
    except KeyboardInterrupt:  # while the modules are still being imported
        code = 130
    gc.freeze()
    sys.exit(code)


def _run() -> int:
    from .cli import click_language, main

    with click_language(sys.argv[1:]):  # click words its errors when they are shown, here, after main returns
        return _run_main(main)


def _run_main(main: click.Command) -> int:
    import click

    from .cli._common import OutputClosed
    from .errors import ExitCode

    try:
        result = main(prog_name="cxcoach", standalone_mode=False)
        code = result if isinstance(result, int) else ExitCode.OK
    except SystemExit as exc:  # `raise SystemExit(n)` in a command: its code stands
        code = exc.code if isinstance(exc.code, int) else ExitCode.INVALID if exc.code else ExitCode.OK
    except click.ClickException as exc:
        _report(functools.partial(exc.show, file=cast(IO[Any], _Sanitized(sys.stderr))))
        return exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt, EOFError):
        _report(lambda: print("aborted", file=sys.stderr))
        return ExitCode.INTERRUPTED
    except (OutputClosed, BrokenPipeError):
        return _closed()
    except Exception as exc:  # the one place a bug meets the user
        if os.environ.get(DEBUG_ENV):
            raise
        from .sanitize import printable

        bug = (f"internal error (a bug in cxcoach, please report it): {type(exc).__name__}: "
               f"{printable(str(exc))[:500]}\n    set {DEBUG_ENV}=1 to see the traceback")
        _report(functools.partial(print, bug, file=sys.stderr))
        return ExitCode.INTERNAL
    return _flushed(code)


def _flushed(code: int) -> int:
    """Flush stdout now, so a full disk or a closed pipe is met here rather than at interpreter exit."""
    from .errors import ExitCode

    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        return _closed()
    except OSError as exc:
        _report(functools.partial(print, f"error: cannot write the output: {exc.strerror or exc}", file=sys.stderr))
        return ExitCode.OUTPUT
    return code


def _closed() -> int:
    """The reader went away: point stdout at /dev/null so the final flush cannot complain, exit quietly."""
    from .errors import ExitCode

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError):
        pass
    return ExitCode.CLOSED


def _report(show: Any) -> None:
    """Write a message to stderr if stderr can still be written."""
    try:
        show()
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
