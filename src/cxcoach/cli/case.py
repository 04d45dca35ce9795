"""`cxcoach case ...`: the complaint desk on the command line (a thin shell over `cxcoach.desk`).

Every subcommand takes `--db PATH|URL` (else $CXCOACH_DB, else the user data
folder), `--playbook` and `--format text|json`. Times are read and shown in
the playbook's time zone with the offset. Exit codes (`errors.ExitCode`): 1
bad input or store problem, 2 a bad option, 4 an input or database that
cannot be read, 7 an event the playbook's rules refuse, 8 no such case.
With `--format json` an error is also a JSON object on stdout
(`{"error", "exit_code", "problems"?}`), so a script reading stdout always
gets JSON. A command that only reads or changes cases already there (`list`,
`show`, `archive`, `update`, `follow-up`; `report monthly` too) never creates
a database: a mistyped `--db` path is an error, not an empty queue.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import CxcoachError, ExitCode
from ._common import Failure, cli_lang, echo, echo_json, load, playbook_option, store_target, write_output

if TYPE_CHECKING:
    from ..desk import CaseView, Desk
    from ..store.cases import CaseRow


class Rejected(Failure):
    exit_code = ExitCode.REFUSED

    def __init__(self, problems: list[str]) -> None:
        from .messages import say

        super().__init__(say("event_rejected", cli_lang()) + "\n  " + "\n  ".join(problems))
        self.problems = problems


class NotFound(Failure):
    exit_code = ExitCode.NOT_FOUND


def _json_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """With --format json, an error is also a JSON object on stdout; an explained library error keeps its code."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            try:
                _storable_arguments(kwargs)
                return command(*args, **kwargs)
            except CxcoachError as exc:  # anything explained that a command did not translate itself
                raise Failure(exc.explain(cli_lang() or "en"), exc.exit_code) from None
        except click.ClickException as exc:
            if kwargs.get("fmt") == "json":
                error: dict[str, Any] = {"error": exc.format_message(), "exit_code": exc.exit_code}
                if isinstance(exc, Rejected):
                    error["problems"] = exc.problems
                echo_json(error)
            raise

    return run


def _once(*decls: str, **attrs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """An option given at most once: `--stage resolved --stage closed` is a mistake to point out, not "the last
    wins" (click's way); the same value twice is harmless and allowed."""
    default = attrs.pop("default", None)

    def only_once(ctx: click.Context, param: click.Parameter, values: tuple[Any, ...]) -> Any:
        distinct = list(dict.fromkeys(values))
        if len(distinct) > 1:
            shown = ", ".join(repr(str(v))[:60] for v in distinct)
            raise click.BadParameter(f"given {len(values)} times ({shown}); give it once")
        return distinct[0] if distinct else default

    return click.option(*decls, multiple=True, callback=only_once, **attrs)


# what refusals ask for, by the options that give it
_INPUTS = {"by": "--by ROLE", "stage": "--stage", "set": "--set", "score": "--score", "note": "--note"}
_OPTION_NAMES = {"external_id": "--id", "sets": "--set", "scores": "--score", "ref": "ID", "case_file": "FILE"}


def _storable_arguments(kwargs: dict[str, Any]) -> None:
    """Refuse argv text the store cannot keep (bytes that were not UTF-8 arrive as lone surrogates)."""
    from ..desk.validate import unstorable

    for name, value in kwargs.items():
        for text in value if isinstance(value, tuple) else (value,):
            why = unstorable(text) if isinstance(text, str) else None
            if why is not None:
                raise click.BadParameter(why, param_hint=_OPTION_NAMES.get(name, "--" + name.replace("_", "-")))


def _common(command: Callable[..., Any]) -> Callable[..., Any]:
    command = _json_errors(command)
    for option in reversed((
        _once("--db", "db", default=None, metavar="PATH|URL",
                     help="SQLite file or postgresql://user@host/db "
                          "(default: $CXCOACH_DB, else the user data folder)."),
        playbook_option,
        _once("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True),
        _once("--lang", type=click.Choice(["zh", "en"]), default=None, help="Language of labels and advice."),
    )):
        command = option(command)
    return command


class _Ctx:
    """Opens the playbook and store once per command and turns library errors into exit codes."""

    def __init__(self, db: str | None, playbook_path: Path | None, lang: str | None, *, reading: bool = False) -> None:
        """`reading`: the command needs cases already stored, so it never creates a database."""
        from ..desk import Desk, Wording
        from ..store import Store, StoreError

        target = store_target(db, reading=reading)
        self.playbook = load(playbook_path)
        self.lang = lang or self.playbook.default_locale
        try:
            self.store = Store.open(target)
        except StoreError as exc:
            raise Failure(str(exc)) from None
        self.desk: Desk = Desk(self.store, self.playbook, wording=Wording(self.lang, _INPUTS, ids=True))

    @property
    def tz(self) -> str:
        return self.playbook.calendar.timezone

    def time(self, value: str | None, what: str, *, happened: bool = False) -> dt.datetime | None:
        """The typed time; `happened`: an event's time, refused when it is more than a day ahead of now."""
        from ..desk import TimeError, parse_time
        from ..desk.times import check_happened

        if value is None:
            return None
        try:
            when = parse_time(value, self.tz, what=what, past=happened)  # `16:00` at 00:30: yesterday's
            return check_happened(when, self.tz) if happened else when
        except TimeError as exc:
            raise click.BadParameter(str(exc), param_hint=what) from None

    def run(self, action: Callable[[], Any]) -> Any:
        from ..desk import CaseNotFound, EventRejected

        try:
            return action()
        except EventRejected as exc:
            raise Rejected(exc.problems) from None
        except CaseNotFound as exc:
            raise NotFound(str(exc)) from None
        except CxcoachError as exc:  # the store, a form, an id: explained, with its own code
            raise Failure(exc.explain(cli_lang() or "en"), exc.exit_code) from None
        finally:
            self.store.close()


def _sets(pairs: tuple[str, ...], option: str = "--set") -> dict[str, str]:
    """--set (or --where) FACT=VALUE items; one fact given two different values is a mistake, not "the last
    wins"."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not fact=value", param_hint=option)
        if out.setdefault(key, value) != value:
            raise click.BadParameter(f"{key} is given twice, as {out[key]!r} and {value!r}; give it once",
                                     param_hint=option)
    return out


def _one_line(text: str) -> str:
    """Case text (notes, fact values) for one line of a listing: controls dropped, line breaks shown as ⏎."""
    from ..sanitize import strip_controls

    return strip_controls(text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", " ⏎ "))


_CASE_FILE_KEYS = ("id", "received_at", "now", "facts")


def _read_case_file(source: str) -> tuple[dict[str, Any], Callable[[str], str]]:
    """A case file's mapping and a function giving `file:line:col` of a top-level key; Failure says what is wrong.

    The same reader and limits as `recommend` (inputs.py, the YAML loader); a case for the desk holds
    no pauses (they come from its events).
    """
    from ..inputs import InputError, read_input
    from ..playbook.yamlsource import parse_yaml_bytes

    try:
        raw, name = read_input(source, "case file")
    except InputError as exc:
        raise Failure(exc.explain(cli_lang() or "en"), exc.exit_code) from None
    if not raw.strip():
        raise Failure(f"{name}: empty; a case is YAML or JSON with received_at and facts, e.g. "
                      "{received_at: '2026-03-06 16:00', facts: {severity: major}}")
    doc, problems = parse_yaml_bytes(raw, name)
    errors = [p for p in problems if p.severity == "error"]
    if doc is None or errors:
        raise Failure("\n".join(p.format() for p in errors or problems) or f"{name}: cannot read the case")

    def where(key: str, *, of_key: bool = False) -> str:
        line, col = doc.position((key,), key=of_key) if key else (1, 1)
        return f"{name}:{line}:{col}"

    data = doc.data
    if not isinstance(data, dict):
        raise Failure(f"{where('')}: a case is a mapping with received_at and facts, not {type(data).__name__}")
    for key in data:
        if key not in _CASE_FILE_KEYS:
            extra = " (pauses come from the case's events)" if key == "pauses" else ""
            raise Failure(f"{where(str(key), of_key=True)}: {key!r} cannot be given when opening a case{extra}; "
                          f"a case file holds {', '.join(_CASE_FILE_KEYS)}")
    if data.get("facts") is not None and not isinstance(data["facts"], dict):
        raise Failure(f"{where('facts')}: facts is a mapping of fact: value, not {type(data['facts']).__name__}")
    return data, where


def _row_json(row: CaseRow, tz: str, now: dt.datetime | None = None) -> dict[str, Any]:
    from ..desk import iso

    out: dict[str, Any] = {"id": row.id, "external_id": row.external_id, "ref": row.ref, "stage": row.stage,
                           "open": row.is_open, "received_at": iso(row.received_at, tz), "version": row.version,
                           "facts": row.facts}
    for name in ("updated_at", "paused_since", "respond_due", "resolve_due", "next_due", "responded_at",
                 "resolved_at", "closed_at"):
        out[name] = iso(getattr(row, name), tz)
    out["satisfaction"] = row.satisfaction
    if now is not None:
        out["overdue"] = row.overdue_at(now)
    return out


def _print_row(ctx: _Ctx, row: CaseRow, fmt: str, verb: str) -> None:
    if fmt == "json":
        echo_json(_row_json(row, ctx.tz))
        return
    from ..desk import show_time
    from ..sanitize import strip_controls
    from .messages import desk_word

    echo(desk_word("row", ctx.lang, ref=strip_controls(row.ref), id=row.id, verb=desk_word(verb, ctx.lang),
                   stage=row.stage or "-", due=show_time(row.next_due, ctx.tz)))


@click.group("case")
def case() -> None:
    """Record complaint cases and walk them through the playbook's procedure."""


@case.command("open")
@click.argument("case_file", required=False, metavar="[FILE|-]")
@click.option("--set", "sets", multiple=True, metavar="FACT=VALUE", help="Set a fact (repeatable).")
@_once("--id", "external_id", default=None, help="The ticket system's id; usable wherever an ID is taken.")
@_once("--at", "at", default=None, metavar="TIME",
              help="When it was received (default: the file's received_at, else now).")
@_once("--by", "by", default=None, metavar="ROLE", help="Who took the complaint (a playbook role).")
@_once("--note", default="", help="A note for the timeline.")
@_common
def open_case(case_file: str | None, sets: tuple[str, ...], external_id: str | None, at: str | None, by: str | None,
              note: str, db: str | None, playbook_path: Path | None, fmt: str, lang: str | None) -> None:
    """Record a new case (the same case format as `recommend`) and print it with its id."""
    from ..desk import TimeError, parse_time
    from ..desk.validate import BadExternalId, check_external_id

    raw: dict[str, Any] = {}
    where: Callable[[str], str] = lambda key: str(case_file)  # noqa: E731 - a typed callable; a case file replaces it below
    if case_file is not None:
        raw, where = _read_case_file(case_file)
    ctx = _Ctx(db, playbook_path, lang)
    facts = dict(raw.get("facts") or {})
    facts.update(_sets(sets))
    received = ctx.time(at, "--at", happened=True)
    given = raw.get("received_at")
    if received is None and given is not None:
        text = given.isoformat() if isinstance(given, (dt.datetime, dt.date)) else given
        try:
            if not isinstance(text, str):
                raise TimeError(f"{text!r} is not a time; write e.g. 2026-03-06T16:00+08:00")
            received = parse_time(text, ctx.tz, what="received_at")
        except TimeError as exc:
            raise Failure(f"{where('received_at')}: received_at: {exc}") from None
    ext = external_id
    if ext is None and raw.get("id") is not None:
        try:
            ext = check_external_id(raw["id"])
        except BadExternalId as exc:
            raise Failure(f"{where('id')}: {exc}") from None
    def record() -> CaseRow:
        from ..store import CaseExists

        try:
            return ctx.desk.open(facts=facts, received_at=received, external_id=ext, by=by, note=note)
        except CaseExists as exc:  # the ticket is already on the desk: say how to add to it instead
            raise Failure.say("case_exists", None, what=str(exc), ref=shlex.quote(exc.ref)) from None

    _print_row(ctx, ctx.run(record), fmt, "opened")


@case.command("update")
@click.argument("ref", metavar="ID")
@_once("--stage", default=None, help="Move the case to this stage.")
@click.option("--set", "sets", multiple=True, metavar="FACT=VALUE", help="Set a fact (repeatable).")
@_once("--at", "at", default=None, metavar="TIME", help="When it happened (default: now).")
@_once("--by", "by", default=None, metavar="ROLE", help="Who did it (a playbook role; needed to close).")
@_once("--note", default="", help="A note for the timeline.")
@_common
def update(ref: str, stage: str | None, sets: tuple[str, ...], at: str | None, by: str | None, note: str,
           db: str | None, playbook_path: Path | None, fmt: str, lang: str | None) -> None:
    """Append an event: a stage move, facts, or a note."""
    ctx = _Ctx(db, playbook_path, lang, reading=True)
    when = ctx.time(at, "--at", happened=True)
    row = ctx.run(lambda: ctx.desk.update(ref, stage=stage, facts=_sets(sets), at=when, by=by, note=note))
    _print_row(ctx, row, fmt, "updated")


@case.command("follow-up")
@click.argument("ref", metavar="ID")
@_once("--satisfaction", required=True, help="One of the playbook's satisfaction states.")
@click.option("--score", "scores", multiple=True, metavar="DIM=A:B",
              help="Expected (a) and perceived (b) score for a service-quality dimension; c = b/a (repeatable).")
@_once("--at", "at", default=None, metavar="TIME")
@_once("--by", "by", default=None, metavar="ROLE")
@_once("--note", default="", help="What the customer said.")
@_common
def follow_up(ref: str, satisfaction: str, scores: tuple[str, ...], at: str | None, by: str | None, note: str,
              db: str | None, playbook_path: Path | None, fmt: str, lang: str | None) -> None:
    """Record the customer's view after resolution."""
    from ..desk import scores_from

    ctx = _Ctx(db, playbook_path, lang, reading=True)
    when = ctx.time(at, "--at", happened=True)
    row = ctx.run(lambda: ctx.desk.follow_up(ref, satisfaction=satisfaction, at=when, by=by, note=note,
                                             scores=scores_from(scores, ctx.desk.wording)))
    _print_row(ctx, row, fmt, "followed up")


@case.command("show")
@click.argument("ref", metavar="ID")
@_once("--now", default=None, metavar="TIME", help="Evaluate deadlines at this time (default: now).")
@_once("--form", "form_id", default=None, help="Print this playbook form filled from the case.")
@_once("--format", "fmt", type=click.Choice(["text", "json", "md", "html"]), default="text", show_default=True)
@_once("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@_once("--db", "db", default=None, metavar="PATH|URL")
@playbook_option
@_once("--lang", type=click.Choice(["zh", "en"]), default=None)
@_json_errors
def show(ref: str, now: str | None, form_id: str | None, fmt: str, output: Path | None, db: str | None,
         playbook_path: Path | None, lang: str | None) -> None:
    """The timeline, deadlines and current recommendations (or a filled form)."""
    ctx = _Ctx(db, playbook_path, lang, reading=True)
    when = ctx.time(now, "--now")
    view = ctx.run(lambda: ctx.desk.show(ref, now=when, locale=ctx.lang))
    if when is not None and when < view.row.received_at:  # the engine would be run at the receipt instead
        from ..desk import show_time
        from ._common import cli_lang
        from .messages import say

        raise click.BadParameter(say("now_before_received", cli_lang(), now=show_time(when, ctx.tz),
                                     received=show_time(view.row.received_at, ctx.tz)), param_hint="--now")
    if form_id is not None:
        from ..desk import forms
        from ..desk.forms import FormError

        try:
            if fmt == "html":
                text = forms.render_html(ctx.playbook, form_id, view, ctx.lang)
            elif fmt in ("md", "text"):
                text = forms.render_markdown(ctx.playbook, form_id, view, ctx.lang)
            else:
                text = json.dumps(dict(forms.fill(ctx.playbook, form_id, view, ctx.lang)), ensure_ascii=False,
                                  indent=2) + "\n"
        except FormError as exc:
            raise Failure(str(exc)) from None
        write_output(text, output, is_json=fmt == "json")
        return
    if fmt in ("md", "html"):
        raise click.BadParameter("md and html are for --form; use text or json", param_hint="--format")
    text = _view_json(ctx, view) if fmt == "json" else _view_text(ctx, view)
    write_output(text, output, is_json=fmt == "json")


def _view_json(ctx: _Ctx, view: CaseView) -> str:
    from ..desk import iso

    data = _row_json(view.row, ctx.tz, view.now)
    data["now"] = iso(view.now, ctx.tz)
    data["events"] = [{"seq": e.seq, "at": iso(e.at, ctx.tz), "kind": e.kind, "by": e.by, "note": e.note,
                       "stage": e.stage, "facts": e.facts, **({"data": e.data} if e.data else {})} for e in view.events]
    data["pauses"] = [{"from": iso(s, ctx.tz), "to": iso(e, ctx.tz)} for s, e in view.state.pauses]
    fu = view.state.follow_up
    data["follow_up"] = None if fu is None else {
        "at": iso(fu.at, ctx.tz), "satisfaction": fu.satisfaction, "by": fu.by, "note": fu.note,
        "scores": {k: {"expected": a, "perceived": b, "c": b / a} for k, (a, b) in fu.scores.items()},
        "c": fu.ratio}
    data["result"] = None if view.result is None else view.result.to_json()
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def _view_text(ctx: _Ctx, view: CaseView) -> str:
    from ..desk import show_time
    from ..engine.render import render_text
    from ..locale_words import punctuation
    from ..sanitize import strip_controls as clean
    from .messages import desk_word

    tz, lang = ctx.tz, ctx.lang
    row, state = view.row, view.state
    stage_label = _label(ctx, "stage", state.stage)
    lines = [desk_word("heading", lang, ref=clean(row.ref), id=row.id, stage=stage_label,
                       at=show_time(row.received_at, tz))
             + (desk_word("closed_mark", lang) if not row.is_open else ""), "", desk_word("timeline", lang)]
    for e in view.events:
        what = desk_word(e.kind, lang) if e.kind in ("open", "follow_up") else ""
        if e.stage:
            what = f"-> {_label(ctx, 'stage', e.stage)}"
        if e.facts:
            what = (what + " " + ", ".join(f"{k}={_one_line(str(v))}" for k, v in e.facts.items())).strip()
        if e.data:
            what = (what + f" satisfaction={e.data.get('satisfaction')}").strip()
        who = f" [{e.by}]" if e.by else ""
        note = f" — {_one_line(e.note)}" if e.note else ""
        lines.append(f"  {e.seq:>3}. {show_time(e.at, tz)}{who} {what}{note}".rstrip())
    if state.pauses:
        spans = punctuation(lang).comma.join(
            f"{show_time(s, tz)} – {show_time(e, tz) if e else desk_word('now', lang)}" for s, e in state.pauses)
        lines.append(desk_word("paused", lang, spans=spans))
    if state.follow_up is not None:
        fu = state.follow_up
        c = desk_word("ratio", lang, c=fu.ratio) if fu.ratio is not None else ""
        lines.append(desk_word("follow_up_line", lang, at=show_time(fu.at, tz), satisfaction=fu.satisfaction, c=c))
    lines.append("")
    if view.result is not None:
        lines.append(render_text(view.result))
    else:
        lines.append(desk_word("closed_by", lang, at=show_time(state.closed_at, tz), by=state.closed_by or "-"))
    return "\n".join(lines).rstrip() + "\n"


def _label(ctx: _Ctx, fact_id: str, value: str | None) -> str:
    fact = ctx.playbook.facts.get(fact_id)
    if fact is not None:
        for v in fact.values:
            if v.id == value:
                return v.label.get(ctx.lang)
    return value or "-"


@case.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only open cases (the default unless --all).")
@click.option("--all", "all_cases", is_flag=True, help="Closed cases too.")
@click.option("--overdue", is_flag=True, help="Only cases with a deadline passed.")
@_once("--due-within", "due_within", default=None, metavar="SPAN",
              help="Only cases due within e.g. 30m, 2h, 1d.")
@_once("--now", default=None, metavar="TIME")
@_once("--limit", type=click.IntRange(1, 10**9), default=None, help="At most this many cases.")
@_once("--owner", default=None, metavar="NAME",
       help="Only this person's cases (the responsible_owner fact, as report monthly's handlers).")
@click.option("--where", "wheres", multiple=True, metavar="FACT=VALUE",
              help="Only cases whose fact has this value now, e.g. severity=major (repeatable).")
@_common
def list_cases(open_only: bool, all_cases: bool, overdue: bool, due_within: str | None, now: str | None,
               limit: int | None, owner: str | None, wheres: tuple[str, ...], db: str | None,
               playbook_path: Path | None, fmt: str, lang: str | None) -> None:
    """The queue: open cases, next deadline first."""
    from ..desk import TimeError, parse_span, show_time
    from ..sanitize import strip_controls as clean

    if open_only and all_cases:
        raise click.UsageError("--open and --all contradict each other; give one")
    ctx = _Ctx(db, playbook_path, lang, reading=True)
    when = ctx.time(now, "--now") or ctx.desk.clock()
    try:
        span = parse_span(due_within) if due_within else None
    except TimeError as exc:
        raise click.BadParameter(str(exc), param_hint="--due-within") from None
    facts = _sets(wheres, "--where")
    if owner is not None:
        from ..report.compute import Options
        from ._common import cli_lang
        from .messages import say

        owner_fact = Options().handler_fact or "responsible_owner"
        if facts.setdefault(owner_fact, owner.strip()) != owner.strip():
            raise click.BadParameter(say("owner_contradicts", cli_lang(), fact=owner_fact, where=facts[owner_fact],
                                         owner=owner), param_hint="--owner")
    rows = ctx.run(lambda: ctx.desk.queue(open_only=not all_cases or open_only, overdue=overdue, due_within=span,
                                          now=when, limit=limit, facts=facts))
    for bad in ctx.desk.cases.bad_rows:  # damaged rows: named, left out, never the end of the queue
        echo(f"warning: {bad}", err=True)
    if ctx.desk.timed_rules:
        echo(f"note: {', '.join(clean(r) for r in ctx.desk.timed_rules)} set deadlines that move with elapsed "
             "time; this list sees them as of each case's last event (`case show ID` is exact)", err=True)
    if fmt == "json":
        echo_json([_row_json(r, ctx.tz, when) for r in rows])
        return
    from .messages import desk_word

    if not rows:
        echo(desk_word("no_cases", ctx.lang))
        return
    from rich.cells import cell_len

    def said(key: str) -> str:
        return desk_word(key, ctx.lang)

    table = [(said("col_case"), said("col_stage"), said("col_received"), said("col_due"), said("col_state"))]
    for r in rows:  # whole ids (ticket ids often share a long prefix) and whole stage ids, as typed to --stage
        flag = (said("overdue") if r.overdue_at(when) else said("paused_flag") if r.paused_since
                else said("closed") if not r.is_open else "")
        table.append((clean(r.ref), clean(r.stage or "-"), show_time(r.received_at, ctx.tz),
                      show_time(r.next_due, ctx.tz), flag))
    widths = [max(cell_len(line[i]) for line in table) for i in range(4)]  # a time has seconds only when it has any
    for line in table:
        echo(" ".join([*(text + " " * (w - cell_len(text)) for text, w in zip(line, widths, strict=False)),
                       line[4]]).rstrip())


@case.command("archive")
@_once("--before", default=None, metavar="DATE",
              help="Archive cases closed before this date (default: the playbook's retention, 730 days, ago).")
@_once("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The archive file to write (JSON Lines; never overwritten).")
@click.option("--purge", is_flag=True, help="Delete the archived cases once the archive reads back identical.")
@_once("--now", default=None, metavar="TIME")
@_common
def archive_cases(before: str | None, output: Path, purge: bool, now: str | None, db: str | None,
                  playbook_path: Path | None, fmt: str, lang: str | None) -> None:
    """Write closed cases past retention to an archive, verify it, and (with --purge) delete them."""
    from ..desk.archive import archive, earliest_cutoff

    ctx = _Ctx(db, playbook_path, lang, reading=True)
    when = ctx.time(now, "--now") or ctx.desk.clock()
    cutoff = ctx.time(before, "--before") or earliest_cutoff(ctx.playbook, when)
    result = ctx.run(lambda: archive(ctx.desk, before=cutoff, output=output, purge=purge, now=when))
    if fmt == "json":
        echo_json(msgspec_to_builtins(result), indent=None, default=str)
    else:
        echo(f"{result.written} case(s) closed before {cutoff.date()} written to {output}, verified"
             + (f"; {result.deleted} deleted" if purge else "; nothing deleted (use --purge)"))


@case.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_once("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Column mapping for a ticket system's CSV/JSONL export (without it: restore a cxcoach archive).")
@_common
def import_cases(source: Path, mapping: Path | None, db: str | None, playbook_path: Path | None, fmt: str,
                 lang: str | None) -> None:
    """Restore an archive, or import a ticket system's export with --mapping; bad rows are reported and skipped."""
    from ..desk.archive import read_archive, restore
    from ..desk.ticket_import import MappingError, import_tickets, load_mapping, read_export

    if mapping is not None:  # checked against the playbook before the database is opened or any row read
        try:
            spec = load_mapping(mapping, load(playbook_path))
        except MappingError as exc:
            raise Failure(str(exc)) from None
    # the file is read before the database is opened: one that cannot be imported at all creates none
    rows = read_export(source, spec) if mapping is not None else None
    lines = read_archive(source) if mapping is None else None
    ctx = _Ctx(db, playbook_path, lang)
    if mapping is not None:
        result: Any = ctx.run(lambda: import_tickets(ctx.desk, source, spec, rows))
        done = result.imported
    else:
        result = ctx.run(lambda: restore(ctx.desk, source, lines))
        done = result.restored
    from ..sanitize import strip_controls

    differs: list[str] = result.differs if mapping is not None else []  # an archive's own are among its problems
    for problem in (*differs, *result.problems):  # on stderr in both formats: JSON readers get them in the object too
        echo(strip_controls(problem), err=True)
    if fmt == "json":
        echo_json(msgspec_to_builtins(result), indent=None)
    else:
        echo(f"{done} case(s) imported, {result.unchanged + len(differs)} already there"
             + (f" ({len(differs)} of them differ from this file, not changed)" if differs else "")
             + f", {len(result.problems)} skipped")
    if result.problems:
        raise SystemExit(1)


def msgspec_to_builtins(value: Any) -> Any:
    import msgspec

    return msgspec.to_builtins(value)
