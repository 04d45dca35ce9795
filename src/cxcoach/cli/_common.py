"""What every command shares: a user-facing failure and playbook loading.

Kept apart so each command module stays a thin shell: a failure class
(message on stderr, exit 1, never a traceback), loading a playbook with every
problem listed, the `--playbook` option and writing output.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ..playbook.model import Playbook


class Failure(click.ClickException):
    """A user-facing error: `error: ...` on stderr, exit 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def load(path: Path | None) -> Playbook:
    """Load and validate a playbook (default: the shipped one) or fail with every problem listed."""
    from ..playbook import PlaybookError, default_playbook_path, load_playbook

    target = path or default_playbook_path()
    try:
        return load_playbook(target)
    except PlaybookError as exc:
        raise Failure(f"playbook {target} is invalid:\n" + "\n".join(p.format() for p in exc.problems)) from None
    except OSError as exc:
        raise Failure(f"cannot read playbook {target}: {exc.strerror or exc}") from None


def write_output(text: str, output: Path | None) -> None:
    """Write to a file (UTF-8) or stdout."""
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise Failure(f"cannot write {output}: {exc.strerror or exc}") from None


playbook_option = click.option(
    "--playbook", "-p", "playbook_path", type=click.Path(exists=True, path_type=Path), default=None,
    help="Playbook file or folder (default: the shipped playbook).")
