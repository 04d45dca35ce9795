"""`cxcoach report ...`: the monthly complaint analysis (a thin shell over `cxcoach.report`)."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import Failure, bad_parameter, echo, load, playbook_option, store_target, usage_error, write_output

SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".json": "json", ".csv": "csv"}
FORMATS = ["html", "md", "json", "csv"]


def output_format(fmt: str | None, output: Path | None) -> str:
    """The format to write: --format if given (whatever -o's suffix), else -o's suffix, else md. A suffix the
    report cannot write (`.pdf`, `.docx`) is refused: Markdown in a file named for another format is a surprise."""
    if fmt is not None:
        return fmt
    suffix = output.suffix.lower() if output is not None else ""
    if not suffix:
        return "md"
    if suffix not in SUFFIXES:
        raise usage_error("report_suffix", path=output, suffix=suffix, suffixes=", ".join(SUFFIXES),
                          formats="|".join(FORMATS))
    return SUFFIXES[suffix]


@click.group("report")
def report() -> None:
    """Reports over the complaint desk's cases."""


@report.command("monthly")
@click.option("--month", default=None, metavar="YYYY-MM", help="The month to report (default: last month).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format, whatever -o's suffix (default: from the suffix, else md).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE instead of stdout.")
@click.option("--db", "db", default=None, metavar="PATH|URL",
              help="SQLite file or postgresql://user@host/db (default: $CXCOACH_DB, else the user data folder).")
@playbook_option
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Language of labels.")
@click.option("--as-of", "as_of", default=None, metavar="TIME",
              help="Count only events before TIME (default: the month's end, or now if the month is not over).")
@click.option("--handler-fact", default=None, metavar="FACT",
              help="The fact that names a case's handler (default: responsible_owner).")
def monthly(month: str | None, fmt: str | None, output: Path | None, db: str | None, playbook_path: Path | None,
            lang: str | None, as_of: str | None, handler_fact: str | None) -> None:
    """The month's complaint analysis: counts by channel, category and severity; time to respond and to
    resolve in business hours; on-time rates and overdue cases; resolution and reopen rates; follow-up
    satisfaction and c = b / a per dimension; recurring root causes; per-handler figures; change against
    the month before. See docs/report.md for what each figure counts."""
    from ..desk import TimeError, parse_time
    from ..report import Month, Options, ReportError, build_monthly
    from ..report.period import NotAMonth
    from ..report.render import render
    from ..store import Store, StoreError, utc_now

    playbook = load(playbook_path)
    tz = playbook.calendar.timezone
    now = utc_now()
    chosen = output_format(fmt, output)
    try:
        which = Month.parse(month) if month is not None else Month.of(now, tz).previous
        until = parse_time(as_of, tz, what="--as-of") if as_of is not None else None
        options = Options() if handler_fact is None else Options(handler_fact=handler_fact)
        if handler_fact is not None:
            options.check(playbook)
    except NotAMonth as exc:
        raise bad_parameter("not_a_month", "--month", value=exc.text, example=exc.EXAMPLE) from None
    except (ReportError, TimeError) as exc:
        raise click.BadParameter(str(exc)) from None
    if which.start(tz) >= now:  # nothing to count, and every open case's clock would be run to that month
        raise bad_parameter("month_not_begun", "--month", which=which)
    if until is not None and until <= which.start(tz):  # the month would be counted as of before it began: all zero
        from ..desk import show_time
        from ._common import cli_lang
        from .messages import say

        raise click.BadParameter(say("as_of_before_month", cli_lang(), at=show_time(until, tz), month=which,
                                     start=show_time(which.start(tz), tz)), param_hint="--as-of")
    target = store_target(db, reading=True)  # a mistyped --db is an error, not an empty report
    try:
        with Store.open(target) as store:
            result = build_monthly(store.cases, playbook, which, now=until or now, as_of=until,
                                   locale=lang, options=options)
    except (StoreError, ReportError) as exc:
        raise Failure(str(exc)) from None
    from ..sanitize import strip_controls

    for bad in result.skipped_cases:  # damaged cases: named, left out of every figure, never the end of the report
        echo(f"warning: case {strip_controls(bad.ref)} (#{bad.id}) left out: {strip_controls(bad.reason)}", err=True)
    text = render(result, chosen)
    if chosen == "csv" and output is not None:
        text = "\ufeff" + text  # a byte-order mark: spreadsheets on a Chinese-locale Windows then read UTF-8
    write_output(text, output, is_json=chosen == "json")
    if output is not None:
        echo(f"wrote {output} ({chosen})", err=True)


@report.command("schema")
def schema() -> None:
    """Print the JSON Schema of `report monthly --format json` (for BI tools and validators)."""
    from ..report.render_json import schema_text

    write_output(schema_text(), None, is_json=True)
