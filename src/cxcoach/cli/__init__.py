"""The `cxcoach` command line: argument parsing and output only.

Subcommands are imported on first use so that `cxcoach recommend` does not pay
for jsonschema, and no headless command ever imports textual.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from ._common import app_options

# name -> "module:attribute"; the module is imported only when the command runs or lists help.
COMMANDS: dict[str, str] = {
    "validate": "cxcoach.cli.validate:validate",
    "recommend": "cxcoach.cli.recommend:recommend",
    "drill": "cxcoach.cli.drill:drill",
    "score": "cxcoach.cli.score:score",
    "tui": "cxcoach.cli.tui:tui",
    "lint": "cxcoach.cli.lint:lint",
    "test": "cxcoach.cli.test:test",
    "calibrate": "cxcoach.cli.calibrate:calibrate",
    "explore": "cxcoach.cli.explore:explore",
    "export": "cxcoach.cli.export:export",
    "new": "cxcoach.cli.new:new",
    "case": "cxcoach.cli.case:case",
    "calendar": "cxcoach.cli.calendar:calendar",
    "report": "cxcoach.cli.report:report",
    "demo": "cxcoach.cli.demo:demo",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module_name, attr = COMMANDS[cmd_name].split(":")
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise  # a real bug inside the command module must not hide as "no such command"
                return None
            command: click.Command = getattr(module, attr)
            return command
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        """Any explained failure a command lets through is shown as one, with its exit code.

        A write to a closed pipe becomes OutputClosed wherever it happens, for a quiet exit.
        """
        from ..errors import CxcoachError

        try:
            return super().invoke(ctx)
        except CxcoachError as exc:
            from ._common import Failure

            raise Failure(str(exc), exc.exit_code) from None
        except BrokenPipeError:
            from ._common import OutputClosed

            raise OutputClosed from None

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            from ..problems import did_you_mean

            hint = did_you_mean(args[0], self.list_commands(ctx)) if args else None
            if hint:
                # In place, so click's subclass (NoSuchCommand) keeps its own formatting; click declares
                # `message` Final only because it sets it once in __init__.
                exc.message = f"{exc.message} {hint[0].upper()}{hint[1:]}"  # type: ignore[misc]  # see above
            raise


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cxcoach")
@app_options
@click.pass_context
def main(ctx: click.Context, playbook: Path | None, db: str | None, lang: str | None) -> None:
    """cxcoach: complaint-handling playbooks, recommendations and role-play drills.

    Run without a command to open the app. Playbooks are YAML files validated
    by JSON Schemas; see `cxcoach validate --help`.
    """
    if ctx.invoked_subcommand is None:
        from .tui import tui  # here, not at the top: a headless command never builds the app's command

        ctx.invoke(tui, playbook=playbook, db=db, lang=lang)
