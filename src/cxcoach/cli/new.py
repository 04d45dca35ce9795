"""`cxcoach new playbook|drill|rule NAME`: scaffolding that validates out of the box."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from ..sanitize import one_line
from ._common import Failure, echo


@click.command()
@click.argument("kind", type=click.Choice(["playbook", "drill", "rule", "tests"]))
@click.argument("name")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="playbook: where to create the NAME folder.")
@click.option("--playbook", "-p", "playbook_path", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="drill, rule: the playbook folder to add the file to.")
@click.option("--locales", default="zh,en", show_default=True,
              help="playbook: comma-separated locales, first is default.")
@click.option("--force", is_flag=True, help="tests: regenerate over an existing NAME.test.yaml.")
def new(kind: str, name: str, directory: Path, playbook_path: Path, locales: str, force: bool) -> None:
    """Create a new playbook folder, or add a drill, rule or test file to a playbook.

    \b
    cxcoach new playbook acme            # ./acme/ with playbook, content, scoring, a drill and tests
    cxcoach new drill late_parcel -p acme   # acme/drills/late_parcel.yaml
    cxcoach new rule vip_first -p acme      # acme/rules/vip_first.yaml
    cxcoach new tests generated -p acme     # acme/generated.test.yaml: a case per rule, model answers per drill

    The files are validated before the command returns; a scaffold that would
    not validate is removed again and the problems are shown.
    """
    from ..authoring.scaffold import ScaffoldError, new_drill, new_playbook, new_rule, new_tests

    try:
        if kind == "playbook":
            locs = tuple(x.strip() for x in locales.split(",") if x.strip())
            created = new_playbook(name, directory, locales=locs)
        elif kind == "drill":
            created = new_drill(name, playbook_path)
        elif kind == "tests":
            created, missing = new_tests(name, playbook_path, force=force)
            if missing:
                echo(f"no case fires these rules (can they fire at all? see `cxcoach lint`): "
                     f"{', '.join(missing)}", err=True)
        else:
            created = new_rule(name, playbook_path)
    except ScaffoldError as exc:
        detail = "".join("\n" + p.format() for p in exc.problems)
        raise Failure(f"{exc}{detail}") from None
    except OSError as exc:
        raise Failure(f"cannot write files: {exc.strerror or exc}") from None
    for path in created.files:
        echo(f"created {one_line(str(path))}")
    # A command the trainer can paste as it is: the folder quoted for the shell.
    echo(f"next: cxcoach {'test' if kind == 'tests' else 'validate'} {one_line(shlex.quote(str(created.playbook)))}")
