"""`cxcoach case ...`: the complaint desk on the command line (a thin shell over `cxcoach.desk`).

Every subcommand takes `--db PATH|URL` (else $CXCOACH_DB, else the user data
folder), `--playbook` and `--format text|json`. Times are read and shown in
the playbook's time zone with the offset. Exit codes: 1 bad input or store
problem, 3 event rejected by the playbook's rules, 4 no such case.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import ExitCode
from ._common import Failure, echo, echo_json, load, playbook_option, write_output

if TYPE_CHECKING:
    from ..desk import CaseView, Desk
    from ..store.cases import CaseRow


class Rejected(Failure):
    exit_code = ExitCode.REFUSED


class NotFound(Failure):
    exit_code = ExitCode.NOT_FOUND


def _common(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed((
        click.option("--db", "db", default=None, metavar="PATH|URL",
                     help="SQLite file or postgresql://user@host/db "
                          "(default: $CXCOACH_DB, else the user data folder)."),
        playbook_option,
        click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True),
        click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Language of labels and advice."),
    )):
        command = option(command)
    return command


class _Ctx:
    """Opens the playbook and store once per command and turns library errors into exit codes."""

    def __init__(self, db: str | None, playbook_path: Path | None, lang: str | None) -> None:
        from ..desk import Desk
        from ..store import Store, StoreError, resolve_db

        self.playbook = load(playbook_path)
        self.lang = lang or self.playbook.default_locale
        try:
            self.store = Store.open(resolve_db(db))
        except StoreError as exc:
            raise Failure(str(exc)) from None
        self.desk: Desk = Desk(self.store, self.playbook)

    @property
    def tz(self) -> str:
        return self.playbook.calendar.timezone

    def time(self, value: str | None, what: str) -> dt.datetime | None:
        from ..desk import TimeError, parse_time

        if value is None:
            return None
        try:
            return parse_time(value, self.tz, what=what)
        except TimeError as exc:
            raise click.BadParameter(str(exc), param_hint=what) from None

    def run(self, action: Callable[[], Any]) -> Any:
        from ..desk import CaseNotFound, EventRejected
        from ..desk.forms import FormError
        from ..store import StoreError

        try:
            return action()
        except EventRejected as exc:
            raise Rejected("event rejected, nothing was written:\n  " + "\n  ".join(exc.problems)) from None
        except CaseNotFound as exc:
            raise NotFound(str(exc)) from None
        except (StoreError, FormError) as exc:
            raise Failure(str(exc)) from None
        finally:
            self.store.close()


def _sets(pairs: tuple[str, ...]) -> dict[str, str]:
    from .recommend import _parse_sets

    return _parse_sets(pairs)


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

    echo(f"case {strip_controls(row.ref)} (#{row.id}) {verb}: stage {row.stage or '-'}, "
         f"next due {show_time(row.next_due, ctx.tz)}")


@click.group("case")
def case() -> None:
    """Record complaint cases and walk them through the playbook's procedure."""


@case.command("open")
@click.argument("case_file", required=False, metavar="[FILE|-]")
@click.option("--set", "sets", multiple=True, metavar="FACT=VALUE", help="Set a fact (repeatable).")
@click.option("--id", "external_id", default=None, help="The ticket system's id; usable wherever an ID is taken.")
@click.option("--at", "at", default=None, metavar="TIME",
              help="When it was received (default: the file's received_at, else now).")
@click.option("--by", "by", default=None, metavar="ROLE", help="Who took the complaint (a playbook role).")
@click.option("--note", default="", help="A note for the timeline.")
@_common
def open_case(case_file: str | None, sets: tuple[str, ...], external_id: str | None, at: str | None, by: str | None,
              note: str, db: str | None, playbook_path: Path | None, fmt: str, lang: str | None) -> None:
    """Record a new case (the same case format as `recommend`) and print it with its id."""
    raw: dict[str, Any] = {}
    if case_file is not None:
        from .recommend import _read_case

        data = _read_case(case_file)
        if not isinstance(data, dict):
            raise Failure(f"{case_file}: a case is a mapping with received_at and facts")
        raw = data
        unknown = sorted(set(raw) - {"id", "received_at", "now", "facts"})
        if unknown:
            raise Failure(f"{case_file}: {', '.join(unknown)} cannot be given when opening a case "
                          "(pauses come from the case's events)")
    ctx = _Ctx(db, playbook_path, lang)
    facts = dict(raw.get("facts") or {})
    facts.update(_sets(sets))
    received = ctx.time(at, "--at")
    if received is None and raw.get("received_at") is not None:
        received = ctx.time(str(raw["received_at"]) if not isinstance(raw["received_at"], dt.datetime)
                            else raw["received_at"].isoformat(), "received_at")
    ext = external_id or (str(raw["id"]) if raw.get("id") is not None else None)
    row = ctx.run(lambda: ctx.desk.open(facts=facts, received_at=received, external_id=ext, by=by, note=note))
    _print_row(ctx, row, fmt, "opened")


@case.command("update")
@click.argument("ref", metavar="ID")
@click.option("--stage", default=None, help="Move the case to this stage.")
@click.option("--set", "sets", multiple=True, metavar="FACT=VALUE", help="Set a fact (repeatable).")
@click.option("--at", "at", default=None, metavar="TIME", help="When it happened (default: now).")
@click.option("--by", "by", default=None, metavar="ROLE", help="Who did it (a playbook role; needed to close).")
@click.option("--note", default="", help="A note for the timeline.")
@_common
def update(ref: str, stage: str | None, sets: tuple[str, ...], at: str | None, by: str | None, note: str,
           db: str | None, playbook_path: Path | None, fmt: str, lang: str | None) -> None:
    """Append an event: a stage move, facts, or a note."""
    ctx = _Ctx(db, playbook_path, lang)
    when = ctx.time(at, "--at")
    row = ctx.run(lambda: ctx.desk.update(ref, stage=stage, facts=_sets(sets), at=when, by=by, note=note))
    _print_row(ctx, row, fmt, "updated")


@case.command("follow-up")
@click.argument("ref", metavar="ID")
@click.option("--satisfaction", required=True, help="One of the playbook's satisfaction states.")
@click.option("--score", "scores", multiple=True, metavar="DIM=A:B",
              help="Expected (a) and perceived (b) score for a service-quality dimension; c = b/a (repeatable).")
@click.option("--at", "at", default=None, metavar="TIME")
@click.option("--by", "by", default=None, metavar="ROLE")
@click.option("--note", default="", help="What the customer said.")
@_common
def follow_up(ref: str, satisfaction: str, scores: tuple[str, ...], at: str | None, by: str | None, note: str,
              db: str | None, playbook_path: Path | None, fmt: str, lang: str | None) -> None:
    """Record the customer's view after resolution."""
    from ..desk import scores_from

    ctx = _Ctx(db, playbook_path, lang)
    when = ctx.time(at, "--at")
    row = ctx.run(lambda: ctx.desk.follow_up(ref, satisfaction=satisfaction, scores=scores_from(scores), at=when,
                                             by=by, note=note))
    _print_row(ctx, row, fmt, "followed up")


@case.command("show")
@click.argument("ref", metavar="ID")
@click.option("--now", default=None, metavar="TIME", help="Evaluate deadlines at this time (default: now).")
@click.option("--form", "form_id", default=None, help="Print this playbook form filled from the case.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md", "html"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--db", "db", default=None, metavar="PATH|URL")
@playbook_option
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None)
def show(ref: str, now: str | None, form_id: str | None, fmt: str, output: Path | None, db: str | None,
         playbook_path: Path | None, lang: str | None) -> None:
    """The timeline, deadlines and current recommendations (or a filled form)."""
    ctx = _Ctx(db, playbook_path, lang)
    when = ctx.time(now, "--now")
    view = ctx.run(lambda: ctx.desk.show(ref, now=when, locale=ctx.lang))
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
    from ..sanitize import strip_controls as clean

    tz = ctx.tz
    row, state = view.row, view.state
    stage_label = _label(ctx, "stage", state.stage)
    lines = [f"Case {clean(row.ref)} (#{row.id}) · {stage_label} · received {show_time(row.received_at, tz)}"
             + (" · closed" if not row.is_open else ""), "", "Timeline"]
    for e in view.events:
        what = e.kind if e.kind != "update" else ""
        if e.stage:
            what = f"-> {_label(ctx, 'stage', e.stage)}"
        if e.facts:
            what = (what + " " + ", ".join(f"{k}={clean(str(v))}" for k, v in e.facts.items())).strip()
        if e.data:
            what = (what + f" satisfaction={e.data.get('satisfaction')}").strip()
        who = f" [{e.by}]" if e.by else ""
        note = f" — {clean(e.note)}" if e.note else ""
        lines.append(f"  {e.seq:>3}. {show_time(e.at, tz)}{who} {what}{note}".rstrip())
    if state.pauses:
        spans = ", ".join(f"{show_time(s, tz)} – {show_time(e, tz) if e else 'now'}" for s, e in state.pauses)
        lines.append(f"Paused: {spans}")
    if state.follow_up is not None:
        fu = state.follow_up
        c = f", c = {fu.ratio:.2f}" if fu.ratio is not None else ""
        lines.append(f"Follow-up {show_time(fu.at, tz)}: {fu.satisfaction}{c}")
    lines.append("")
    if view.result is not None:
        lines.append(render_text(view.result))
    else:
        lines.append(f"Closed {show_time(state.closed_at, tz)} by {state.closed_by or '-'}: no clock runs.")
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
@click.option("--due-within", "due_within", default=None, metavar="SPAN",
              help="Only cases due within e.g. 30m, 2h, 1d.")
@click.option("--now", default=None, metavar="TIME")
@click.option("--limit", type=click.IntRange(1), default=None)
@_common
def list_cases(open_only: bool, all_cases: bool, overdue: bool, due_within: str | None, now: str | None,
               limit: int | None, db: str | None, playbook_path: Path | None, fmt: str, lang: str | None) -> None:
    """The queue: open cases, next deadline first."""
    from ..desk import TimeError, parse_span, show_time
    from ..sanitize import strip_controls as clean

    ctx = _Ctx(db, playbook_path, lang)
    when = ctx.time(now, "--now") or ctx.desk.clock()
    try:
        span = parse_span(due_within) if due_within else None
    except TimeError as exc:
        raise click.BadParameter(str(exc), param_hint="--due-within") from None
    rows = ctx.run(lambda: ctx.desk.queue(open_only=not all_cases or open_only, overdue=overdue, due_within=span,
                                          now=when, limit=limit))
    if ctx.desk.timed_rules:
        echo(f"note: {', '.join(clean(r) for r in ctx.desk.timed_rules)} set deadlines that move with elapsed "
             "time; this list sees them as of each case's last event (`case show ID` is exact)", err=True)
    if fmt == "json":
        echo_json([_row_json(r, ctx.tz, when) for r in rows])
        return
    if not rows:
        echo("no cases")
        return
    echo(f"{'case':<14} {'stage':<18} {'received':<23} {'next due':<23} state")
    for r in rows:
        flag = ("OVERDUE" if r.overdue_at(when)
                else "paused" if r.paused_since else "closed" if not r.is_open else "")
        echo(f"{clean(r.ref)[:14]:<14} {(r.stage or '-')[:18]:<18} {show_time(r.received_at, ctx.tz):<23} "
             f"{show_time(r.next_due, ctx.tz):<23} {flag}".rstrip())


@case.command("archive")
@click.option("--before", default=None, metavar="DATE",
              help="Archive cases closed before this date (default: the playbook's retention, 730 days, ago).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The archive file to write (JSON Lines; never overwritten).")
@click.option("--purge", is_flag=True, help="Delete the archived cases once the archive reads back identical.")
@click.option("--now", default=None, metavar="TIME")
@_common
def archive_cases(before: str | None, output: Path, purge: bool, now: str | None, db: str | None,
                  playbook_path: Path | None, fmt: str, lang: str | None) -> None:
    """Write closed cases past retention to an archive, verify it, and (with --purge) delete them."""
    from ..desk.archive import archive, earliest_cutoff

    ctx = _Ctx(db, playbook_path, lang)
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
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Column mapping for a ticket system's CSV/JSONL export (without it: restore a cxcoach archive).")
@_common
def import_cases(source: Path, mapping: Path | None, db: str | None, playbook_path: Path | None, fmt: str,
                 lang: str | None) -> None:
    """Restore an archive, or import a ticket system's export with --mapping; bad rows are reported and skipped."""
    from ..desk.archive import restore
    from ..desk.ticket_import import MappingError, import_tickets, load_mapping

    if mapping is not None:
        try:
            spec = load_mapping(mapping)
        except MappingError as exc:
            raise Failure(str(exc)) from None
    ctx = _Ctx(db, playbook_path, lang)
    if mapping is not None:
        result: Any = ctx.run(lambda: import_tickets(ctx.desk, source, spec))
        done = result.imported
    else:
        result = ctx.run(lambda: restore(ctx.desk, source))
        done = result.restored
    if fmt == "json":
        echo_json(msgspec_to_builtins(result), indent=None)
    else:
        from ..sanitize import strip_controls

        for problem in result.problems:
            echo(strip_controls(problem), err=True)
        echo(f"{done} case(s) imported, {result.unchanged} already there, {len(result.problems)} skipped")
    if result.problems:
        raise SystemExit(1)


def msgspec_to_builtins(value: Any) -> Any:
    import msgspec

    return msgspec.to_builtins(value)
