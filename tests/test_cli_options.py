"""The same option names across commands: `-p/--playbook` everywhere a playbook is chosen."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from cxcoach.cli import COMMANDS, main
from cxcoach.playbook import default_playbook_path


def _playbook_options(command: click.Command) -> list[set[str]]:
    return [set(p.opts) for p in command.params if isinstance(p, click.Option) and "--playbook" in p.opts]


@pytest.mark.parametrize("name", ["recommend", "drill list", "drill run", "score", "explore", "export handbook",
                                  "calibrate", "tui"])
def test_every_command_that_takes_a_playbook_spells_it_the_same(name):
    ctx = click.Context(main)
    command: click.Command | None = main
    for part in name.split():
        assert isinstance(command, click.Group)
        command = command.get_command(ctx, part)
    assert command is not None
    assert _playbook_options(command) == [{"-p", "--playbook"}], name


def test_the_short_option_reaches_the_command():
    pb = str(default_playbook_path())
    runner = CliRunner()
    listed = runner.invoke(main, ["drill", "list", "-p", pb, "--format", "json"], catch_exceptions=False)
    assert listed.exit_code == 0 and any(r["id"] == "restaurant_cold_dish" for r in json.loads(listed.output))
    played = runner.invoke(main, ["drill", "run", "restaurant_cold_dish", "-p", pb, "--model-answers", "--lang", "en",
                                  "--name", "Ana", "--format", "json"], catch_exceptions=False)
    assert played.exit_code == 0
    data = json.loads(played.output)
    assert data["ending"]["say"] == "That's more like it, Ana. Thank you." and data["record"]["trainee"] == "Ana"
    scored = runner.invoke(main, ["score", "-p", pb, "--reply", "I'm so sorry", "--format", "json"])
    assert scored.exit_code == 0 and json.loads(scored.output)["score"] >= 0
    case = runner.invoke(main, ["recommend", "-p", pb, "--set", "received_at=2026-03-06T16:00:00+08:00",
                                "--set", "emotion=angry", "--format", "json"])
    assert case.exit_code == 0, case.output


def _all_commands(group: click.Group, ctx: click.Context, prefix: str = ""):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None:
            continue
        yield prefix + name, command
        if isinstance(command, click.Group):
            yield from _all_commands(command, click.Context(command, parent=ctx), prefix + name + " ")


def test_no_command_spells_the_playbook_option_differently():
    assert {"recommend", "drill", "score", "explore", "export", "calibrate"} <= set(COMMANDS)
    ctx = click.Context(main)
    odd = {name: opts for name, command in _all_commands(main, ctx)
           for opts in _playbook_options(command) if opts != {"-p", "--playbook"}}
    assert odd == {}
