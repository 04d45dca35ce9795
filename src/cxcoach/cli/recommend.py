"""`cxcoach recommend`: next steps, deadlines and reasons for a described case.

Parsing arguments and formatting output only; the work is `engine.recommend`.
Imports stay light (no jsonschema, no textual) because this command is run
from ticketing hooks where start-up time matters.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from ..errors import ExitCode
from ._common import Failure, bad_parameter, cli_lang, load, playbook_option, usage_error, write_output

if TYPE_CHECKING:
    from ..playbook.model import Playbook
    from ..problems import Problem

FORMATS = ("text", "json", "markdown")


def _load_playbook(path: Path | None) -> Playbook:
    """The playbook to recommend from; a seam tests can replace."""
    return load(path)


class CaseFileError(Failure):
    """A case file that cannot be read or parsed; `problems` are the loader's, for the JSON error object."""

    def __init__(self, message: str, problems: list[Problem], exit_code: int = ExitCode.INVALID) -> None:
        super().__init__(message, exit_code)
        self.problems = problems


def _read_case(source: str) -> object:
    """Case data from a YAML/JSON file or `-` (stdin): a regular file, read with a bound, then the loader's limits."""
    from ..inputs import InputError, read_input
    from ..playbook.yamlsource import parse_yaml_bytes
    from ..problems import Problem

    try:
        raw, name = read_input(source, "case file")
    except InputError as exc:
        message = exc.explain(cli_lang() or "en")
        raise CaseFileError(message, [Problem(source, 1, 1, "E011", message)], exc.exit_code) from None
    doc, problems = parse_yaml_bytes(raw, name)
    errors = [p for p in problems if p.severity == "error"]
    if doc is None or errors:
        raise CaseFileError("\n".join(p.format() for p in errors or problems) or f"{name}: cannot read case",
                            errors or problems)
    return doc.data


def _parse_sets(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise bad_parameter("set_not_pair", "--set", pair=pair)
        out[key.strip()] = value.strip()
    return out


def _parse_now(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    from ..engine.case import parse_timestamp
    from ..engine.case_problems import CaseValueError
    from .messages import say

    try:
        return parse_timestamp(value, say("timestamp", cli_lang()))
    except CaseValueError as exc:
        raise click.BadParameter(exc.at("$").message(cli_lang() or "en"), param_hint="--now") from None


@click.command()
@click.argument("case_file", required=False, metavar="[CASE_FILE|-]")
@click.option("--set", "sets", multiple=True, metavar="FACT=VALUE",
              help="State a fact (repeatable); wins over the case file. Also received_at=, now= and id=.")
@playbook_option
@click.option("--lang", "lang", metavar="LOCALE",
              help="Language of titles, scripts and error messages, e.g. zh or en (default: the playbook's first).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format (default: text; json with --stream, which writes JSON only).")
@click.option("--fields", metavar="LIST",
              help="JSON fields to write: names (only those), +names (added to the default) or all. "
                   "The default leaves out texts (script lines, what to avoid and why, advice).")
@click.option("--explain", is_flag=True, help="Also list rules that nearly fired and the condition that failed.")
@click.option("--now", "now", metavar="ISO",
              help="Evaluate as of this time (ISO-8601 with offset); default: the case's `now` or the clock.")
@click.option("--stream", is_flag=True, help="Read one JSON case per line on stdin, write one JSON answer per line.")
@click.option("--workers", type=click.IntRange(min=1), metavar="N",
              help="With --stream: processes that answer lines, in order (default: one per CPU).")
@click.pass_context
def recommend(ctx: click.Context, case_file: str | None, sets: tuple[str, ...], playbook_path: Path | None,
              lang: str | None, fmt: str | None, fields: str | None, explain: bool, now: str | None,
              stream: bool, workers: int | None) -> None:
    """Recommend next steps, deadlines and escalation for a case.

    A case is YAML or JSON: `received_at` (ISO-8601 with offset), optional
    `now`, `id`, `facts: {fact: value}` and `pauses: [{from, to}]` (see
    schemas/case.schema.json). Facts can also be given with --set.

    JSON output (--format json, --stream) follows schemas/result.schema.json,
    versioned by its `schema_version` (docs/integration.md): ranked
    `recommendations` with owners, due times and the ids of their scripts,
    avoid entries and rules; `deadlines`, `overdue`, `escalation`,
    `escalate_to`, `fired` (why), `strategies`, `roles`; the words (script
    lines, what to avoid and why, advice) in `texts` with --fields +texts or
    all. A case that cannot be evaluated gets an error object
    (schemas/error.schema.json): `errors` with a code, the JSON path and a
    message in --lang.

    --stream: every non-blank line is answered in order, by a result or an
    error object, each with its `line`; a bad line never stops the stream.
    Lines are answered by --workers processes (one per CPU by default).

    Exit status: 0 done (with --stream: every line a result), 1 a case could
    not be evaluated (with --stream: any line), 2 usage error, 3 bad playbook,
    4 unreadable case file (see the README for all codes).
    """
    overrides = _parse_sets(sets)
    at = _parse_now(now)
    if workers is not None and not stream:
        raise usage_error("workers_without_stream")
    if stream and case_file is not None:
        raise usage_error("stream_with_file")
    if stream and fmt not in (None, "json"):
        raise usage_error("stream_json_only", fmt=fmt)
    fmt = fmt or ("json" if stream else "text")
    if fields is not None and fmt != "json":
        raise usage_error("fields_need_json")
    chosen = _parse_fields(fields)
    if not stream and case_file is None and not overrides:
        raise usage_error("case_missing")

    playbook = _load_playbook(playbook_path)
    if lang is not None and lang not in playbook.locales:
        raise bad_parameter("lang_not_in_playbook", "--lang", lang=lang, choices=", ".join(playbook.locales))
    locale = lang or playbook.default_locale
    if stream:
        from ..engine.stream import StreamOptions, default_workers, run_stream

        options = StreamOptions(locale=locale, now=at, overrides=overrides, explain=explain, fields=chosen)
        try:
            counts = run_stream(playbook, sys.stdin.buffer, sys.stdout.buffer, options, workers or default_workers())
        except BrokenPipeError:
            raise  # the reader went away: the entry point ends quietly
        except OSError as exc:
            raise Failure.say("output_unwritable", ExitCode.OUTPUT, why=exc.strerror or exc) from None
        ctx.exit(1 if counts.failed else 0)

    from ..engine import parse_case
    from ..engine import recommend as run
    from ..engine.render import RENDERERS, render_json

    try:
        raw: object = {} if case_file is None else _read_case(case_file)
    except CaseFileError as exc:
        if fmt == "json":
            _write_json(_file_failure(exc))
        raise
    try:
        case = parse_case(playbook, raw, now=at, overrides=overrides)
        result = run(playbook, case, explain=explain, locale=locale, texts=fmt != "json" or "texts" in chosen)
    except Exception as exc:
        from ..engine.stream import as_case_error, failure

        error = as_case_error(exc)
        if error.problems[0].code != "X001":
            _case_failure(error, locale, raw, fmt)
        if fmt == "json":  # a bug: a JSON reader still gets an error object; the entry point reports it (exit 70)
            _write_json(failure(error, locale, data=raw))
        raise
    if fmt == "json":
        write_output(render_json(result, fields=chosen) + "\n", None, is_json=True)
    else:
        write_output(RENDERERS[fmt](result), None)


def _parse_fields(spec: str | None) -> tuple[str, ...]:
    from ..engine.result import DEFAULT_FIELDS, RESULT_FIELDS, FieldsError, parse_fields
    from .messages import say

    if spec is None:
        return DEFAULT_FIELDS
    try:
        return parse_fields(spec)
    except FieldsError as exc:
        if exc.name is None:
            raise bad_parameter("no_field", "--fields") from None
        hint = "" if exc.suggestion is None else say("field_hint", cli_lang(), name=exc.suggestion)
        raise bad_parameter("unknown_field", "--fields", name=exc.name, hint=hint,
                            fields=", ".join(RESULT_FIELDS)) from None


def _write_json(value: object) -> None:
    from ..jsonsafe import to_json_text

    write_output(to_json_text(value) + "\n", None, is_json=True)


def _file_failure(exc: CaseFileError) -> object:
    """The error object for a case file the loader refused: its problems, positioned in the message."""
    from ..engine.result import CaseFailure, ErrorDetail

    errors = tuple(ErrorDetail(code=p.code, path=p.path or "$", message=f"{p.file}:{p.line}:{p.col}: {p.message}")
                   for p in exc.problems)
    return CaseFailure(error="; ".join(e.message for e in errors), errors=errors)


def _case_failure(exc: Exception, locale: str, raw: object, fmt: str) -> NoReturn:
    """A case that cannot be evaluated: the error object on stdout for JSON readers, the messages on stderr."""
    from ..engine.case_problems import CaseError
    from ..engine.stream import failure
    from ..sanitize import printable

    assert isinstance(exc, CaseError)
    report = failure(exc, locale, data=raw)
    if fmt == "json":
        _write_json(report)
    lines = [f"  - {printable(e.message)}  [{e.code}" + (f" at {printable(e.path)}]" if e.path != "$" else "]")
             for e in report.errors]
    from ._common import cli_lang
    from .messages import say

    if report.omitted:
        lines.append(say("and_more", cli_lang(), n=report.omitted))
    raise Failure("\n".join([say("case_invalid", cli_lang()), *lines]))
