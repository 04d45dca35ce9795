"""`cxcoach calibrate RUBRIC ANSWERS`: agreement between a rubric and trainers' labels, per criterion and phrase."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import Failure, echo, echo_json, load, playbook_option


@click.command()
@click.argument("rubric_id", metavar="[RUBRIC]", required=False)
@click.argument("answers_file", metavar="[ANSWERS]", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@playbook_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--folds", type=click.IntRange(min=2), default=None,
              help="Also cross-validate the detectors on the playbook's own examples, in this many folds.")
def calibrate(rubric_id: str | None, answers_file: Path | None, playbook_path: Path | None, fmt: str,
              folds: int | None) -> None:
    """Score real answers labelled good/bad (or 0-3) and report how well the rubric agrees.

    RUBRIC defaults to the playbook's default reply rubric; ANSWERS to the
    shipped labelled replies (playbooks/calibration/replies.yaml). ANSWERS is
    YAML (schemas/calibration.schema.json):

    \b
    answers:
      - {reply: "非常抱歉让您久等了，我马上为您处理。", label: good}
      - {reply: "这不归我管。", label: bad, acts: [deflecting], kind: misconduct, split: held_out}

    Answers marked `split: held_out` are never used to tune: their detector
    precision/recall, misconduct caught, salads failed and ordering per
    language are the figures that count. A miss is fixed by adding an example
    (or counter-example) to the detector and running calibrate again.

    `--folds 5` also holds out each fifth of the detectors' own examples in
    turn, trains on the rest and reports each detector's recall and precision
    on the part it never saw (takes a training per fold).
    """
    from ..authoring.calibrate import CalibrationError, generalisation, generalisation_text, parse_answers, report_text
    from ..authoring.calibrate import calibrate as run
    from ..drill.scoring import pick_rubric
    from ..playbook import drill_model as dm
    from ..playbook.schema import schema_problems
    from ..playbook.yamlsource import empty_hint, read_yaml_file
    from ..resources import playbooks_dir

    playbook = load(playbook_path)
    if answers_file is None:
        answers_file = playbooks_dir() / "calibration" / "replies.yaml"
    if rubric_id is None:
        rubric_id = pick_rubric(playbook, None, dm.Scope.REPLY).id
    doc, problems = read_yaml_file(answers_file)
    problems = empty_hint(problems, "an answers file holds `answers:`, a list of {reply: ..., label: good}")
    errors = [p for p in problems if p.severity == "error"]
    if doc is None or errors:
        raise Failure("\n".join(p.format() for p in errors or problems) or f"cannot read {answers_file}")
    found = schema_problems(doc, "calibration.schema.json")
    if found:
        raise Failure("\n".join(p.format() for p in found))
    try:
        answers = parse_answers(doc.data, doc.positions)
        result = run(playbook, rubric_id, answers)
        splits = [s for s in ("held_out", "build") if any(a.split == s for a in answers)]
        parts = [generalisation(playbook, rubric_id, answers, s) for s in splits]
    except CalibrationError as exc:
        raise Failure(str(exc)) from None
    cv = None
    if folds is not None:
        from ..authoring.crossval import cross_validate
        from ..drill.learn import background_lines

        cv = cross_validate(playbook.detectors, background_lines(playbook), folds)
    if fmt == "json":
        data = result.to_json()
        if parts:
            data["generalisation"] = {g.split: g.to_json() for g in parts}
        if cv is not None:
            data["cross_validation"] = cv.to_json()
        echo_json(data)
    else:
        echo(report_text(result), nl=False)
        for g in parts:
            echo("")
            echo(generalisation_text(g), nl=False)
        if cv is not None:
            from ..authoring.crossval import cross_validation_text

            echo("")
            echo(cross_validation_text(cv), nl=False)
