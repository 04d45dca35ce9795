"""`cxcoach export handbook`: print or save the trainer handbook (Markdown or self-contained HTML)."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import Failure, echo, load, playbook_option, write_output


@click.group()
def export() -> None:
    """Export playbook content for people (currently: the trainer handbook)."""


@export.command()
@playbook_option
@click.option("--lang", "lang", default=None, help="Language of the handbook (default: the playbook's first locale).")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default=None,
              help="md or html (default: from the -o suffix, else md).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of stdout.")
def handbook(playbook_path: Path | None, lang: str | None, fmt: str | None, output: Path | None) -> None:
    """A printable handbook: procedures with deadlines, scripts, do's and don'ts, strategies, drills."""
    from ..authoring.export import export_handbook

    playbook = load(playbook_path)
    if fmt is None:
        fmt = "html" if output is not None and output.suffix.lower() in (".html", ".htm") else "md"
    if lang is not None and lang not in playbook.locales:
        raise Failure.say("not_a_locale", lang=lang, choices=", ".join(playbook.locales))
    try:
        text = export_handbook(playbook, locale=lang, fmt=fmt)
    except ValueError as exc:
        raise Failure(str(exc)) from None
    write_output(text, output)
    if output is not None:
        echo(f"wrote {output}", err=True)
