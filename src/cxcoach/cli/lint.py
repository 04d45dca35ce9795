"""`cxcoach lint`: positioned findings beyond validity, with stable codes (see `--codes`)."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import Failure, echo, echo_json


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--fail-on-warnings", is_flag=True, help="Exit 1 when any finding is left (default: only on errors).")
@click.option("--select", "select", multiple=True, help="Only report codes starting with this (repeatable), e.g. L2.")
@click.option("--ignore", "ignore", multiple=True, help="Also ignore codes starting with this (repeatable).")
@click.option("--codes", "show_codes", is_flag=True, help="List every lint code and exit.")
def lint(paths: tuple[Path, ...], fmt: str, fail_on_warnings: bool, select: tuple[str, ...],
         ignore: tuple[str, ...], show_codes: bool) -> None:
    """Find likely mistakes in playbooks (default: the shipped one).

    \b
    Codes: L1xx drill graphs, L2xx rules over the fact space, L3xx matchers,
    L4xx scoring, L5xx translations and avoided phrases, L6xx unused content,
    L7xx the business calendar (holiday data about to run out).
    Silence one line with `# cxcoach: noqa L201`; project-wide with
    [tool.cxcoach.lint] ignore = ["L601"] in pyproject.toml or .cxcoach.toml.
    Exit status: 0 clean, 1 findings (errors, or warnings with --fail-on-warnings).
    """
    from ..authoring.lint import ConfigError, LintConfig, explain_codes, find_config, lint_playbook
    from ..playbook import default_playbook_path

    if show_codes:
        for code, summary in explain_codes():
            echo(f"{code}  {summary}")
        return
    targets = list(paths) or [default_playbook_path()]
    reports = []
    for target in targets:
        try:
            config = find_config(target)
        except ConfigError as exc:
            raise Failure(f"bad lint configuration: {exc}") from None
        if ignore:
            config = LintConfig(config.ignore | {c.upper() for c in ignore}, config.source)
        reports.append(lint_playbook(target, config=config, select=tuple(s.upper() for s in select)))
    errors = sum(r.errors for r in reports)
    warnings = sum(r.warnings for r in reports)
    failed = errors > 0 or (fail_on_warnings and warnings > 0)
    if fmt == "json":
        echo_json({
            "ok": not failed, "errors": errors, "warnings": warnings,
            "playbooks": [{"path": r.path, "valid": r.loaded, "suppressed": r.suppressed,
                           "findings": [p.to_json() for p in r.findings]} for r in reports],
        })
    else:
        for report in reports:
            if not report.loaded:
                echo(f"{report.path}: not linted, the playbook does not validate:", err=True)
            for problem in report.findings:
                echo(problem.format(), err=not report.loaded)
        suppressed = sum(r.suppressed for r in reports)
        tail = f", {suppressed} suppressed" if suppressed else ""
        echo(f"{len(reports)} playbook(s) linted: {errors} error(s), {warnings} warning(s){tail}")
    if failed:
        raise SystemExit(1)
