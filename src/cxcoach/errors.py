"""One base for every error cxcoach raises on purpose, and the exit codes the CLI uses.

A ticketing hook or another program catches `CxcoachError` and knows the
failure was explained (bad case, bad playbook, drill misuse, store trouble),
not a bug. Each subclass lives with the code that raises it; `exit_code` is
what the CLI exits with when the error reaches it.
"""

from __future__ import annotations

from typing import Final


class ExitCode:
    """What `cxcoach` exits with; a script can tell a bad case from a broken setup (README, "Exit status").

    Plain ints, not an IntEnum: every command start-up imports this, and an enum class costs more to
    create than all the rest of the module.
    """

    OK: Final = 0
    INVALID: Final = 1  # the input is invalid (case, reply, replies file), or validate/lint/test found problems
    USAGE: Final = 2  # a wrong option or argument (click's own code)
    PLAYBOOK: Final = 3  # the playbook a command needs cannot be loaded
    INPUT: Final = 4  # an input cannot be read: missing, unreadable, not a regular file, over the size limit
    NO_TESTS: Final = 5  # `cxcoach test` found no tests (as pytest)
    OUTPUT: Final = 6  # the output cannot be written: disk full, read-only, I/O error
    REFUSED: Final = 7  # the desk's workflow refuses a case event (`cxcoach case`)
    NOT_FOUND: Final = 8  # no such case (`cxcoach case`)
    INTERNAL: Final = 70  # a bug in cxcoach (EX_SOFTWARE); the message says how to see the traceback
    INTERRUPTED: Final = 130  # Ctrl-C
    CLOSED: Final = 141  # whoever read the output stopped early (`| head`): quiet, as a process killed by SIGPIPE


class CxcoachError(Exception):
    """A failure cxcoach explains to its user; never a bug."""

    exit_code: int = ExitCode.INVALID

    def explain(self, locale: str = "en") -> str:
        """What went wrong, for a person reading `locale`; English (`str()`) unless the subclass words it more."""
        return str(self)
