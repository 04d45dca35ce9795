"""`cxcoach tui` (and `cxcoach` with no command): open the Textual app.

textual is imported inside the command only, so listing commands or running
any headless command never pays for it (tests/test_import_hygiene.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


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


@click.command("tui")
@app_options
def tui(playbook: Path | None, db: str | None, lang: str | None) -> None:
    """Open the app: practice drills, the supervisor console, history and playbooks.

    Problems loading the playbook or opening the history database are shown
    inside the app as messages, so the app always starts.
    """
    from ..tui.app import CxcoachApp

    CxcoachApp(playbook_path=playbook, db_path=db, lang=lang).run()
