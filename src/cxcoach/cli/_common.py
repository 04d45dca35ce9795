"""What every command shares: a user-facing failure, playbook loading and safe output.

Kept apart so each command module stays a thin shell: a failure class
(message on stderr, an exit code from `errors.ExitCode`, never a traceback),
loading a playbook with every problem listed, the `--playbook` option (and the app's options), and
the only ways a command writes: `echo` for people (every control, bidi and
surrogate character shown as a visible escape, see sanitize.py), `echo_json`
for programs (the same characters as JSON escapes) and `write_output` for
`-o FILE`. A write that fails (disk full, a read-only file) is a Failure
with ExitCode.OUTPUT; a reader that went away (`| head`) raises
OutputClosed, which the entry point turns into a quiet exit.
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import click

from ..errors import ExitCode
from ..sanitize import escape_json, printable

if TYPE_CHECKING:
    from ..playbook.model import Playbook


class Failure(click.ClickException):
    """A user-facing error: `error: ...` on stderr, exit `exit_code` (1: invalid input; a subclass may set its own).

    Shown in the language of the running command's `--lang` (messages.py), taken when it is raised.
    """

    exit_code: ClassVar[int] = ExitCode.INVALID

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:  # click declares a class attribute; this failure carries its own code
            self.exit_code = exit_code  # type: ignore[misc]  # see above
        self.lang = cli_lang()

    @classmethod
    def say(cls, code: str, exit_code: int | None = None, /, **fields: object) -> Failure:
        """The failure with message `code` of messages.py, worded in the command's language."""
        from .messages import say

        return cls(say(code, cli_lang(), **fields), exit_code)

    def show(self, file: Any = None) -> None:
        from .messages import say

        with contextlib.suppress(OSError):  # stderr cannot be written either: the exit code is all that is left
            click.echo(say("error", self.lang, message=printable(self.format_message())), err=True)


def usage_error(code: str, /, **fields: object) -> click.UsageError:
    """Click's usage error (exit 2, with the usage line) worded by messages.py in the command's language."""
    from .messages import say

    return click.UsageError(say(code, cli_lang(), **fields))


def bad_parameter(code: str, param_hint: str, /, **fields: object) -> click.BadParameter:
    """Click's "invalid value for OPTION" error, its reason worded by messages.py in the command's language."""
    from .messages import say

    return click.BadParameter(say(code, cli_lang(), **fields), param_hint=param_hint)


def cli_lang() -> str | None:
    """The `--lang` given to the running command, or else to the group around it (None: English)."""
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        lang = ctx.params.get("lang")
        if isinstance(lang, str):
            return lang
        ctx = ctx.parent
    return None


class OutputClosed(Exception):
    """Whoever read stdout has gone. Not an OSError, which click would turn into exit 1."""


def store_target(db: str | None, *, reading: bool) -> str | Path:
    """The store `--db` (else $CXCOACH_DB, else the user data folder) names; `reading`: a command that only
    reads, so a named SQLite file that does not exist is a mistyped path, never a new empty database."""
    import os

    from ..store import ENV_DB, resolve_db

    if db is not None and not db.strip():
        raise click.BadParameter("empty; give a SQLite file path or postgresql://user@host/db", param_hint="--db")
    target = resolve_db(db)
    if reading and isinstance(target, Path) and (db or os.environ.get(ENV_DB)) and not target.exists():
        raise Failure.say("no_database", ExitCode.INPUT, target=target, env=ENV_DB)
    return target


def load(path: Path | None) -> Playbook:
    """Load and validate a playbook (default: the shipped one) or fail with every problem listed."""
    from ..playbook import PlaybookError, default_playbook_path, load_playbook

    target = path or default_playbook_path()
    try:
        return load_playbook(target)
    except PlaybookError as exc:
        from .messages import say

        heading = say("playbook_invalid", cli_lang(), target=target)
        raise Failure("\n".join([heading, *(p.format() for p in exc.problems)]), ExitCode.PLAYBOOK) from None
    except OSError as exc:
        raise Failure.say("playbook_unreadable", ExitCode.PLAYBOOK, target=target, why=exc.strerror or exc) from None


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print text for a person; untrusted characters become visible escapes."""
    _write(printable(text), err=err, nl=nl)


def echo_json(data: object, *, indent: int | None = 2, default: Callable[[Any], Any] | None = None) -> None:
    """Print one JSON document (UTF-8, unsafe characters escaped) and a newline; `default` as json.dumps's."""
    from ..jsonsafe import to_json_text

    _write(to_json_text(data, indent, default), err=False, nl=True)


def _write(text: str, *, err: bool, nl: bool) -> None:
    try:
        click.echo(text, err=err, nl=nl)
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise OutputClosed from None  # the reader went away: command.py exits quietly
        raise Failure.say("output_unwritable", ExitCode.OUTPUT, why=exc.strerror or exc) from None


def write_output(text: str, output: Path | None, *, is_json: bool = False) -> None:
    """Write to a file (UTF-8) or stdout, made safe like `echo` (or `echo_json` for a JSON document)."""
    safe = escape_json(text) if is_json else printable(text)
    if output is None:
        _write(safe, err=False, nl=False)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(safe, encoding="utf-8")
    except OSError as exc:
        raise Failure.say("file_unwritable", ExitCode.OUTPUT, path=output, why=exc.strerror or exc) from None


playbook_option = click.option(
    "--playbook", "-p", "playbook_path", type=click.Path(exists=True, path_type=Path), default=None,
    help="Playbook file or folder (default: the shipped playbook).")


def app_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The app's options, shared by `cxcoach tui` and a bare `cxcoach`."""
    for option in reversed((
        click.option("--playbook", "-p", "playbook", type=click.Path(path_type=Path), default=None,
                     help="Playbook file or folder for the app (default: the shipped playbook)."),
        click.option("--db", "db", default=None, metavar="PATH|URL",
                     help="The store of drill history and desk cases: a SQLite file or "
                          "postgresql://user@host/db (default: $CXCOACH_DB, else the user data folder)."),
        click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
                     help="Interface language (default: the last one used, else the playbook's first)."),
    )):
        command = option(command)
    return command
