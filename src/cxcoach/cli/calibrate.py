"""`cxcoach calibrate RUBRIC ANSWERS`: agreement between a rubric and trainers' labels, per criterion and phrase."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import Failure, echo, echo_json, load, playbook_option


@click.command()
@click.argument("rubric_id", metavar="RUBRIC")
@click.argument("answers_file", metavar="ANSWERS", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@playbook_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def calibrate(rubric_id: str, answers_file: Path, playbook_path: Path | None, fmt: str) -> None:
    """Score real answers labelled good/bad (or 0-3) and report how well the rubric agrees.

    ANSWERS is YAML (schemas/calibration.schema.json):

    \b
    answers:
      - {reply: "非常抱歉让您久等了，我马上为您处理。", label: good}
      - {reply: "这不归我管。", label: bad}
    """
    from ..authoring.calibrate import CalibrationError, calibrate as run, parse_answers, report_text
    from ..playbook.schema import schema_problems
    from ..playbook.yamlsource import read_yaml_file

    playbook = load(playbook_path)
    doc, problems = read_yaml_file(answers_file)
    errors = [p for p in problems if p.severity == "error"]
    if doc is None or errors:
        raise Failure("\n".join(p.format() for p in errors or problems) or f"cannot read {answers_file}")
    found = schema_problems(doc, "calibration.schema.json")
    if found:
        raise Failure("\n".join(p.format() for p in found))
    try:
        result = run(playbook, rubric_id, parse_answers(doc.data, doc.positions))
    except CalibrationError as exc:
        raise Failure(str(exc)) from None
    if fmt == "json":
        echo_json(result.to_json())
    else:
        echo(report_text(result), nl=False)
