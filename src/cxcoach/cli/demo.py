"""`cxcoach demo`: fill a database with a realistic month so the queue and the monthly report have something to show."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from ._common import Failure, bad_parameter, echo, load, playbook_option


@click.command("demo")
@click.option("--cases", default=500, show_default=True, type=click.IntRange(1, 100_000),
              help="Cases to record in the month (and as many in the month before, for month-over-month).")
@click.option("--month", default=None, metavar="YYYY-MM", help="The month to fill (default: this month).")
@click.option("--db", "db", default=None, metavar="PATH|URL",
              help="SQLite file or postgresql://user@host/db (default: $CXCOACH_DB, else the user data folder).")
@click.option("--seed", default=7, show_default=True, type=int, help="The same seed gives the same cases.")
@click.option("--previous/--no-previous", default=True, show_default=True,
              help="Also fill the month before, so the report has a month to compare with.")
@playbook_option
def demo(cases: int, month: str | None, db: str | None, seed: int, previous: bool, playbook_path: Path | None) -> None:
    """Record a realistic month of complaint cases through the desk (every event validated by the playbook).

    Events later than now are left out, so this month's late cases are still open, ticking in the
    console; then try `cxcoach report monthly --month YYYY-MM -o report.html`.
    """
    from ..desk import Desk, EventRejected
    from ..report import Month
    from ..report.demo import fill_month
    from ..report.period import NotAMonth
    from ..store import Store, StoreError, resolve_db, utc_now

    playbook = load(playbook_path)
    tz = playbook.calendar.timezone
    now = utc_now()
    try:
        which = Month.parse(month) if month is not None else Month.of(now, tz)
    except NotAMonth as exc:
        raise bad_parameter("not_a_month", "--month", value=exc.text, example=exc.EXAMPLE) from None
    horizon = min(now, which.end(tz))
    if horizon <= which.start(tz):
        raise bad_parameter("month_not_begun", "--month", which=which)
    try:
        store = Store.open(resolve_db(db))
    except StoreError as exc:  # not a database, a newer schema, no server: nothing about demo ids to add
        raise Failure(str(exc)) from None
    try:
        with store:
            desk = Desk(store, playbook)
            done = 0
            for m in ([which.previous] if previous else []) + [which]:
                n = fill_month(desk, m, cases=cases, seed=seed, horizon=horizon)
                echo(f"{m}: {n} cases recorded", err=True)
                done += n
            still_open = store.cases.count(open=True)
            where = str(store.path)  # a URL's password is not shown
    except (StoreError, EventRejected) as exc:
        raise Failure(f"{exc}\n(demo cases have external ids DEMO-YYYYMM-NNNN: "
                      "fill an empty database, or another month)") from None
    db_arg = shlex.quote(where)  # the commands shown can be pasted into a shell as they are
    echo(f"{done} cases in {where}; {still_open} open. Next:\n"
         f"  cxcoach case list --open --db {db_arg}\n"
         f"  cxcoach report monthly --month {which} --db {db_arg} -o report-{which}.html")
