"""`cxcoach recommend`: next steps, deadlines and reasons for a described case.

Parsing arguments and formatting output only; the work is `engine.recommend`.
Imports stay light (no jsonschema, no textual) because this command is run
from ticketing hooks where start-up time matters.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._common import Failure, load

if TYPE_CHECKING:
    from ..playbook.model import Playbook

FORMATS = ("text", "json", "markdown")


def _load_playbook(path: Path | None) -> Playbook:
    """The playbook to recommend from; a seam tests can replace."""
    return load(path)


def _read_case(source: str) -> object:
    """Case data from a YAML/JSON file or `-` (stdin), with the loader's size and alias limits."""
    from ..playbook.yamlsource import parse_yaml_bytes

    if source == "-":
        raw, name = sys.stdin.buffer.read(), "<stdin>"
    else:
        path = Path(source)
        try:
            raw, name = path.read_bytes(), source
        except OSError as exc:
            raise Failure(f"cannot read case file {source}: {exc.strerror or exc}") from None
    doc, problems = parse_yaml_bytes(raw, name)
    errors = [p for p in problems if p.severity == "error"]
    if doc is None or errors:
        raise Failure("\n".join(p.format() for p in errors or problems) or f"{name}: cannot read case")
    return doc.data


def _parse_sets(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} is not fact=value", param_hint="--set")
        out[key.strip()] = value.strip()
    return out


def _parse_now(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    from ..engine.case import parse_timestamp

    try:
        return parse_timestamp(value, "timestamp")
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from None


def _case_messages(exc: Exception) -> list[str]:
    return list(getattr(exc, "messages", None) or [str(exc)])



@click.command()
@click.argument("case_file", required=False, metavar="[CASE_FILE|-]")
@click.option("--set", "sets", multiple=True, metavar="FACT=VALUE",
              help="State a fact (repeatable); wins over the case file. Also received_at=ISO.")
@click.option("--playbook", "-p", "playbook_path", type=click.Path(exists=True, path_type=Path),
              help="Playbook file or folder (default: the shipped playbook).")
@click.option("--lang", "lang", metavar="LOCALE", help="Language of titles and scripts, e.g. zh or en (default: the playbook's first).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--explain", is_flag=True, help="Also list rules that nearly fired and the condition that failed.")
@click.option("--now", "now", metavar="ISO", help="Evaluate as of this time (ISO-8601 with offset); default: the case's `now` or the clock.")
@click.option("--stream", is_flag=True, help="Read JSON-lines cases on stdin, write one JSON result per line.")
def recommend(case_file: str | None, sets: tuple[str, ...], playbook_path: Path | None, lang: str | None,
              fmt: str, explain: bool, now: str | None, stream: bool) -> None:
    """Recommend next steps, deadlines and escalation for a case.

    A case is YAML or JSON: `received_at` (ISO-8601 with offset), optional
    `now`, `facts: {fact: value}` and optional `pauses: [{from, to}]` (see
    schemas/case.schema.json). Facts can also be given with --set.

    JSON output: `recommendations` (ranked; each with id, title, owner,
    due, overdue, script, avoid, because), `deadlines` (respond_by,
    resolve_by, all), `escalation`, `escalate_to`, `overdue` (step ids),
    `fired`, `roles` (id -> label), and `near_misses` with --explain.

    --stream: one JSON case per input line; a bad line yields
    {"line": N, "error": "...", "errors": [...]} and processing continues.
    Exit status: 0 done, 1 bad case or playbook, 2 usage error.
    """
    overrides = _parse_sets(sets)
    at = _parse_now(now)
    if stream and case_file is not None:
        raise click.UsageError("--stream reads cases from stdin; do not give CASE_FILE")
    if stream and fmt != "text" and fmt != "json":
        raise click.UsageError("--stream always writes JSON lines; drop --format")

    if not stream and case_file is None and not overrides:
        raise click.UsageError("give a CASE_FILE, - for stdin, or --set fact=value")
    playbook = _load_playbook(playbook_path)
    if lang is not None and lang not in playbook.locales:
        raise click.BadParameter(f"{lang!r} is not a locale of this playbook; use one of {', '.join(playbook.locales)}",
                                 param_hint="--lang")
    from ..engine import CaseError, parse_case
    from ..engine import recommend as run
    from ..engine.render import RENDERERS

    if stream:
        _stream(playbook, overrides, at, lang, explain)
        return

    raw: object = {} if case_file is None else _read_case(case_file)
    try:
        case = parse_case(playbook, raw, now=at, overrides=_fact_overrides(overrides, raw))
        result = run(playbook, case, explain=explain, locale=lang)
    except CaseError as exc:
        raise Failure("invalid case:\n" + "\n".join(f"  - {m}" for m in exc.messages)) from None
    except ValueError as exc:  # calendar cannot place a deadline
        raise Failure(str(exc)) from None
    click.echo(RENDERERS[fmt](result), nl=fmt == "json")


def _fact_overrides(overrides: dict[str, str], raw: object) -> dict[str, str]:
    """--set received_at/now/id are clock keys; the rest are facts."""
    facts = dict(overrides)
    if isinstance(raw, dict):
        for key in ("received_at", "now", "id"):
            if key in facts:
                raw[key] = facts.pop(key)
    return facts


def _stream(playbook: Playbook, overrides: dict[str, str], at: dt.datetime | None, lang: str | None,
            explain: bool) -> None:
    import json  # only streams parse JSON here; --format json renders through engine.render

    from ..engine import CaseError, parse_case
    from ..engine import recommend as run

    for n, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        raw: object = None
        try:
            raw = json.loads(line)
            if not isinstance(raw, dict):
                raise CaseError([f"expected a JSON object, got {type(raw).__name__}"])
            case = parse_case(playbook, raw, now=at, overrides=_fact_overrides(overrides, raw))
            payload: dict[str, object] = run(playbook, case, explain=explain, locale=lang).to_json()
        except json.JSONDecodeError as exc:
            payload = {"line": n, "error": f"not JSON: {exc.msg} at column {exc.colno}", "errors": [exc.msg]}
        except (CaseError, ValueError) as exc:
            messages = _case_messages(exc)
            payload = {"line": n, "error": "; ".join(messages), "errors": messages}
            if isinstance(raw, dict) and raw.get("id") is not None:
                payload["case"] = str(raw["id"])
        except Exception as exc:  # noqa: BLE001 - one bad line must not stop a batch
            payload = {"line": n, "error": f"internal error: {type(exc).__name__}: {exc}", "errors": [str(exc)]}
        click.echo(json.dumps(payload, ensure_ascii=False))  # flushes: one result per line, as it is ready
