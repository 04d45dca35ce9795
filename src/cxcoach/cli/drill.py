"""`cxcoach drill list` and `cxcoach drill run`: headless role-play for trainers, tests and CI.

Argument parsing and output only; the work is `cxcoach.drill`. No textual and
no jsonschema on this path beyond what loading a playbook needs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._common import Failure, load, playbook_option

if TYPE_CHECKING:
    from ..playbook.model import Playbook


def has_cjk(text: str) -> bool:
    from ..drill.normalize import is_cjk

    return any(is_cjk(ch) for ch in text)


def pick_locale(playbook: Playbook, lang: str | None, allowed: tuple[str, ...], sample: str = "") -> str:
    """The requested locale, else a guess from the text (Chinese characters -> zh), else the first allowed."""
    choices = allowed or playbook.locales
    if lang is not None:
        if lang not in choices:
            raise Failure(f"language {lang!r} is not available here (choose from: {', '.join(choices)})")
        return lang
    if sample and not has_cjk(sample) and "en" in choices:
        return "en"
    return choices[0]


def read_replies(path: Path) -> list[str]:
    """A YAML list of strings, or plain text with one reply per line."""
    from ..playbook.yamlsource import parse_yaml_bytes

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise Failure(f"cannot read replies file {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Failure(f"{path}: not UTF-8 text") from None
    doc, _problems = parse_yaml_bytes(raw, str(path))
    data = doc.data if doc is not None else None
    if isinstance(data, list):
        bad = [i for i, item in enumerate(data) if not isinstance(item, (str, int, float)) or isinstance(item, bool)]
        if bad:
            raise Failure(f"{path}: item {bad[0] + 1} is not a reply (write one string per list item)")
        return [str(item) for item in data]
    return [line.strip() for line in text.splitlines() if line.strip()]


@click.group()
def drill() -> None:
    """Role-play drills: list them, or run one headlessly from a file of replies."""


@drill.command("list")
@playbook_option
@click.option("--lang", "lang", metavar="LOCALE", help="Language of the titles (default: the playbook's first).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_drills(playbook_path: Path | None, lang: str | None, fmt: str) -> None:
    """List drills: id, title, difficulty, customer type and locales."""
    playbook = load(playbook_path)
    loc = pick_locale(playbook, lang, playbook.locales)
    rows = [{"id": d.id, "title": d.title.get(loc), "difficulty": d.difficulty.value, "customer_type": d.persona.type,
             "locales": list(d.locales or playbook.locales)} for d in playbook.drills.values()]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no drills in this playbook")
        return
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        click.echo(f"{r['id']:<{width}}  {r['difficulty']:<6}  {r['customer_type']:<14}  "
                   f"{','.join(r['locales']):<6}  {r['title']}")


@drill.command("run")
@click.argument("drill_id", metavar="ID")
@click.option("--replies", "replies_path", type=click.Path(path_type=Path),
              help="Trainee replies, one per turn: a YAML list or one reply per line.")
@click.option("--model-answers", is_flag=True, help="Play the drill's own model answers instead of --replies.")
@click.option("--lang", "lang", metavar="LOCALE", help="zh or en (default: guessed from the replies).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for the customer's line variants.")
@click.option("--exam", is_flag=True, help="Exam mode: no feedback in the transcript, report at the end.")
@click.option("--name", "trainee", metavar="NAME", help="The trainee's name, for the customer to call them by.")
@playbook_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def run(drill_id: str, replies_path: Path | None, model_answers: bool, lang: str | None, seed: int, exam: bool,
        trainee: str | None, playbook_path: Path | None, fmt: str) -> None:
    """Run drill ID with one reply per customer turn; print the transcript, ending and report."""
    from ..drill import DrillError, DrillSession, Mode, ScoringError
    from ..drill.report import drill_json, drill_text

    if model_answers == (replies_path is not None):
        raise Failure("give either --replies FILE or --model-answers")
    playbook = load(playbook_path)
    target = playbook.drills.get(drill_id)
    if target is None:
        known = ", ".join(sorted(playbook.drills)) or "none"
        raise Failure(f"unknown drill {drill_id!r} (known: {known})")
    replies = read_replies(replies_path) if replies_path is not None else []
    loc = pick_locale(playbook, lang, target.locales, " ".join(replies))
    notes: list[str] = []
    try:
        session = DrillSession(playbook, target, seed=seed, locale=loc, mode=Mode.EXAM if exam else Mode.PRACTICE,
                               trainee=trainee)
        if model_answers:
            session.play_model_answers()
        else:
            used = 0
            for reply in replies:
                if session.finished:
                    break
                session.reply(reply)
                used += 1
            if used < len(replies):
                notes.append(f"the drill ended after {used} replies; {len(replies) - used} left unused")
        if not session.finished:
            notes.append(f"the drill is not finished: the customer is waiting at node {session.node.id!r}"
                         if session.node else "the drill is not finished")
        report = session.report()
    except (DrillError, ScoringError) as exc:
        raise Failure(str(exc)) from None
    for note in notes:
        click.echo(f"note: {note}", err=True)
    if fmt == "json":
        data = drill_json(playbook, report)
        data["record"] = session.record()
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(drill_text(playbook, report))
