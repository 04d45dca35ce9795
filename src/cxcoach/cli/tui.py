"""`cxcoach tui` (and `cxcoach` with no command): open the Textual app.

textual is imported inside the command only, so listing commands or running
any headless command never pays for it (tests/test_import_hygiene.py).
"""

from __future__ import annotations

from pathlib import Path

import click

from ._common import app_options


@click.command("tui")
@app_options
def tui(playbook: Path | None, db: str | None, lang: str | None) -> None:
    """Open the app: practice drills, the supervisor console, history and playbooks.

    Problems loading the playbook or opening the history database are shown
    inside the app as messages, so the app always starts.
    """
    from ..tui.app import CxcoachApp

    CxcoachApp(playbook_path=playbook, db_path=db, lang=lang).run()
