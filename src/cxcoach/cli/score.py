"""`cxcoach score`: score one reply to a complaining customer against a rubric.

Argument parsing and output only; the work is `cxcoach.drill.score_reply`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ._common import Failure, echo, echo_json, load
from .drill import pick_locale


@click.command()
@click.option("--reply", "reply", metavar="TEXT", help="The reply to score (default: read from stdin).")
@click.option("--rubric", "rubric", metavar="ID", help="Rubric id (default: the playbook's default reply rubric).")
@click.option("--lang", "lang", metavar="LOCALE",
              help="Language of the feedback, zh or en (default: guessed from the reply).")
@click.option("--playbook", "-p", "playbook_path", type=click.Path(exists=True, path_type=Path),
              help="Playbook file or folder (default: the shipped playbook).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def score(reply: str | None, rubric: str | None, lang: str | None, playbook_path: Path | None, fmt: str) -> None:
    """Score one reply: 0-100, the behaviours found with their spans, and feedback."""
    from ..drill import ScoringError, score_reply
    from ..drill.report import reply_json, reply_text
    from ..inputs import STDIN, check_reply, decode_text, read_input

    if reply is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise Failure.say("reply_missing")
        reply = decode_text(*read_input(STDIN))
    reply = reply.strip()
    if not reply:
        raise Failure.say("reply_empty")
    check_reply(reply)  # before the playbook loads: a too-long reply fails fast
    playbook = load(playbook_path)
    loc = pick_locale(playbook, lang, playbook.locales, reply)
    if rubric is not None and rubric not in playbook.rubrics:
        raise Failure.say("unknown_rubric", rubric=rubric, known=", ".join(playbook.rubrics) or "-")
    try:
        result = score_reply(playbook, reply, rubric=rubric, locale=loc)
    except ScoringError as exc:
        raise Failure(str(exc)) from None
    if fmt == "json":
        echo_json(reply_json(playbook, result))
    else:
        echo(reply_text(playbook, result))
