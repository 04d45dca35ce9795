"""`cxcoach validate`: report every problem in one or more playbooks."""

from __future__ import annotations

from pathlib import Path

import click

from ..playbook import check_playbook, default_playbook_path
from ..problems import Severity
from ._common import echo, echo_json


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: one object with every problem, for editors and CI.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
def validate(paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Check playbooks (files or folders; default: the shipped ones).

    Every problem is printed as FILE:LINE:COL with a fix hint. Exit status:
    0 valid, 1 problems found, 2 usage error.
    """
    targets = list(paths) or [default_playbook_path()]
    report = []
    errors = warnings = 0
    for target in targets:
        playbook, problems = check_playbook(target)
        errors += sum(p.severity is Severity.ERROR for p in problems)
        warnings += sum(p.severity is Severity.WARNING for p in problems)
        report.append((target, playbook, problems))
    if fmt == "json":
        echo_json({
            "ok": errors == 0 and not (strict and warnings),
            "errors": errors,
            "warnings": warnings,
            "playbooks": [{"path": str(t), "valid": pb is not None, "id": pb.id if pb else None,
                     "problems": [p.to_json() for p in probs]} for t, pb, probs in report],
        })
    else:
        for target, playbook, problems in report:
            for problem in problems:
                echo(problem.format())
            if playbook is not None:
                echo(f"ok: {target} (playbook {playbook.id!r}: {len(playbook.rules)} rules, "
                     f"{len(playbook.steps)} steps, {len(playbook.drills)} drills)")
        echo(f"{len(targets)} playbook(s) checked: {errors} error(s), {warnings} warning(s)")
    if errors or (strict and warnings):
        raise SystemExit(1)
