"""`cxcoach test`: run the `*.test.yaml` files beside playbooks, pytest style, with `--coverage`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import ExitCode
from ._common import echo

if TYPE_CHECKING:
    from ..authoring.playbook_tests import Outcome, TestFile


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--coverage", is_flag=True, help="Report rules, drill nodes/edges, responses, detectors and criteria "
              "no test exercises.")
@click.option("-k", "keyword", default=None, help="Only run tests whose name contains this text.")
@click.option("-v", "--verbose", is_flag=True, help="One line per test instead of dots.")
def test(paths: tuple[Path, ...], coverage: bool, keyword: str | None, verbose: bool) -> None:
    """Run playbook tests (default: the shipped playbook's tests).

    PATHS are playbook folders (every *.test.yaml inside runs against that
    playbook) or single test files (run against their own folder, or the
    `playbook:` they name). Exit status: 0 all passed, 1 failures or errors,
    5 no tests found.
    """
    from ..authoring.playbook_tests import TEST_SUFFIXES, collect, failure_text, run, summary_line
    from ..playbook import default_playbook_path
    from ..playbook.yamlsource import display_path

    files = collect(list(paths) or [default_playbook_path()])
    if not files:
        echo("no *.test.yaml files found", err=True)
        raise SystemExit(ExitCode.NO_TESTS)
    current: list[TestFile | None] = [None]

    def progress(tf: TestFile, outcome: Outcome) -> None:
        mark = {"passed": ".", "failed": "F", "error": "E"}[outcome.status]
        if verbose:
            echo(f"{outcome.test.where} {outcome.test.name} {outcome.status.upper()}")
            return
        if current[0] is not tf:
            if current[0] is not None:
                echo("")
            echo(f"{display_path(tf.path)} ", nl=False)
            current[0] = tf
        echo(mark, nl=False)

    result = run(files, keyword=keyword, progress=progress)
    if current[0] is not None and not verbose:
        echo("")
    for path, problems in result.file_problems:
        runnable = not path.is_dir() and str(path).endswith(TEST_SUFFIXES)
        what = "cannot run this file" if runnable else "playbook is invalid"
        echo(f"{display_path(path)}: {what}:", err=True)
        for problem in problems:
            echo(problem.format(), err=True)
    failures = [o for o in result.outcomes if o.status != "passed"]
    if failures:
        echo("\n" + " FAILURES ".center(72, "="))
        for outcome in failures:
            echo(f" {outcome.test.where}: {outcome.test.name} ".center(72, "_"))
            for line in failure_text(outcome):
                echo(line)
    if coverage:
        echo("\n" + " coverage ".center(72, "-"))
        for kind, hit, total, missing in result.coverage.table():
            pct = f"{100 * hit / total:.0f}%" if total else "-"
            echo(f"{kind:<10} {hit:>4}/{total:<4} {pct:>5}")
            if missing:
                shown = ", ".join(missing[:30]) + (f", ... ({len(missing) - 30} more)" if len(missing) > 30 else "")
                echo(f"  never exercised: {shown}")
    echo("")
    echo(f" {summary_line(result)} ".center(72, "="))
    if not result.outcomes and not result.file_problems:
        raise SystemExit(ExitCode.NO_TESTS)
    if not result.ok:
        raise SystemExit(1)
