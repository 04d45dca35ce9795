"""The `cxcoach` command line: argument parsing and output only.

Subcommands are imported on first use so that `cxcoach recommend` does not pay
for jsonschema, and no headless command ever imports textual.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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


def asks_for_chinese(args: Sequence[str]) -> bool:
    """Whether the command line's last `--lang` (before any `--`) is Chinese: zh, zh-CN, zh_TW.

    The last one, because a command's own --lang wins over the group's (`_common.cli_lang`).
    """
    value = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg[len("--lang="):]
    if value is None:
        return False
    from .messages import language

    return language(value) == "zh"


def click_language(args: Sequence[str]) -> contextlib.AbstractContextManager[None]:
    """Click's own words in the language the command line asks for (Chinese: click_words.py)."""
    if not asks_for_chinese(args):
        return contextlib.nullcontext()
    from .click_words import chinese_click

    return chinese_click()


class LazyGroup(click.Group):
    def main(self, args: Sequence[str] | None = None, *rest: Any, **options: Any) -> Any:
        """Click's parsing, help and usage errors in the command line's --lang (CliRunner comes in here too)."""
        with click_language(sys.argv[1:] if args is None else args):
            return super().main(args, *rest, **options)

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
            from ._common import Failure, cli_lang

            raise Failure(exc.explain(cli_lang() or "en"), exc.exit_code) from None
        except BrokenPipeError:
            from ._common import OutputClosed

            raise OutputClosed from None

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            from ..problems import closest
            from ._common import cli_lang
            from .messages import language, say

            best = closest(args[0], self.list_commands(ctx)) if args else None
            if best is not None:
                # In place, so click's subclass (NoSuchCommand) keeps its own formatting; click declares
                # `message` Final only because it sets it once in __init__.
                lang = cli_lang()
                gap = "" if language(lang) == "zh" else " "  # after a full-width full stop, none
                exc.message = f"{exc.message}{gap}{say('did_you_mean', lang, name=best)}"  # type: ignore[misc]
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
