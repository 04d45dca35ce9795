"""`cxcoach drill list` and `cxcoach drill run`: headless role-play for trainers, tests and CI.

Argument parsing and output only; the work is `cxcoach.drill`. No textual and
no jsonschema on this path beyond what loading a playbook needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._common import Failure, cli_lang, echo, echo_json, load, playbook_option
from .messages import note, say

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
            raise Failure.say("lang_unavailable", lang=lang, choices=", ".join(choices))
        return lang
    if sample and not has_cjk(sample) and "en" in choices:
        return "en"
    return choices[0]


def read_replies(path: Path) -> tuple[list[str], str]:
    """The replies in a file, and which format was read ("yaml" or "lines").

    The name decides: `.yaml`/`.yml` is a YAML list of strings (a file that
    does not parse is an error with its position, never plain text), and so
    is `.json` (a JSON array is a YAML list: `["...", "..."]` read as one
    line would be one reply of brackets and quotes); any other name holds
    one reply per line. The file is read with the shared
    bound (inputs.py) and each reply is checked against the reply length cap.
    """
    from ..inputs import check_reply, decode_text, read_input

    raw, name = read_input(path, "replies file")
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        replies, lines = _yaml_replies(raw, name), None
        kind = "yaml"
    else:
        text = decode_text(raw, name)
        numbered = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        replies, lines = [reply for _, reply in numbered], [n for n, _ in numbered]
        kind = "lines"
    if not replies:
        raise Failure.say("no_replies", name=name, how=say("how_yaml" if kind == "yaml" else "how_lines", cli_lang()))
    for index, reply in enumerate(replies):
        where = f"line {lines[index]}" if lines else f"item {index + 1}"
        try:
            check_reply(reply)
        except ValueError as exc:
            raise Failure(f"{name}: {where}: {exc}") from None
    return replies, kind


def _yaml_replies(raw: bytes, name: str) -> list[str]:
    from ..playbook.yamlsource import empty_hint, parse_yaml_bytes

    doc, problems = parse_yaml_bytes(raw, name)
    problems = empty_hint(problems, say("how_yaml", cli_lang()))
    errors = [p for p in problems if p.severity == "error"]
    if doc is None or errors:
        listed = "\n".join(p.format() for p in errors or problems) or f"{name}: cannot read replies"
        raise Failure(f"{listed}\n    (a .yaml replies file is a YAML list; name the file .txt for one reply per line)")
    if not isinstance(doc.data, list):
        raise Failure.say("replies_not_list", name=name)
    for index, item in enumerate(doc.data):
        if not isinstance(item, (str, int, float)) or isinstance(item, bool):
            line, col = doc.position((index,))
            raise Failure.say("reply_not_text", name=name, line=line, col=col, n=index + 1)
        if not str(item).strip():
            line, col = doc.position((index,))
            raise Failure.say("reply_empty_item", name=name, line=line, col=col, n=index + 1)
    return [str(item) for item in doc.data]


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
        echo_json(rows)
        return
    if not rows:
        echo("no drills in this playbook")
        return
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        echo(f"{r['id']:<{width}}  {r['difficulty']:<6}  {r['customer_type']:<14}  "
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
        raise Failure.say("replies_or_model")
    playbook = load(playbook_path)
    target = playbook.drills.get(drill_id)
    if target is None:
        known = ", ".join(sorted(playbook.drills)) or "none"
        raise Failure.say("unknown_drill", drill=drill_id, known=known)
    replies: list[str] = []
    if replies_path is not None:
        replies, kind = read_replies(replies_path)
    loc = pick_locale(playbook, lang, target.locales, " ".join(replies))
    notes: list[str] = []
    if replies_path is not None:
        notes.append(note("read", loc, n=len(replies), path=replies_path, kind=note(kind, loc)))
    if lang is None and replies and len(target.locales or playbook.locales) > 1:
        why = note("cjk" if has_cjk(" ".join(replies)) else "not_cjk", loc)
        notes.append(note("playing", loc, loc=loc, why=why))
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
                notes.append(note("unused", loc, used=used, left=len(replies) - used))
        if not session.finished:
            notes.append(note("waiting", loc, node=session.node.id) if session.node else note("unfinished", loc))
        report = session.report()
    except (DrillError, ScoringError) as exc:
        raise Failure(str(exc)) from None
    for said in notes:
        echo(note("note", loc) + said, err=True)
    if fmt == "json":
        data = drill_json(playbook, report)
        data["record"] = session.record()
        echo_json(data)
    else:
        echo(drill_text(playbook, report))
