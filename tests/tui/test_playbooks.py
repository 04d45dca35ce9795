"""Playbooks screen and the command palette provider."""

from __future__ import annotations

import shutil
from pathlib import Path

from cxcoach.tui.commands import CoachCommands
from cxcoach.tui.screens.drill import DrillScreen

from .conftest import COACH
from .helpers import fill, texts


async def test_loading_an_invalid_playbook_keeps_the_old_one_and_lists_problems(make_app, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(COACH, broken)
    text = (broken / "content.yaml").read_text(encoding="utf-8").replace("steps: [listen]", "steps: [lisen]", 1)
    (broken / "content.yaml").write_text(text, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b")
        await pilot.pause()
        shown = texts(app.screen)
        assert "Coach test playbook" in shown and "4 facts · 3 rules · 3 steps · 2 scripts · 2 drills" in shown
        await fill(pilot, "#pb-path", str(broken))
        await pilot.press("enter")
        await pilot.pause()
        assert app.playbook is not None and app.playbook.id == "coach"
        shown = texts(app.screen)
        assert "lisen" in shown and "did you mean 'listen'" in shown
        assert any(n.severity == "error" for n in app._notifications)
        await fill(pilot, "#pb-path", str(COACH))
        await pilot.press("enter")
        await pilot.pause()
        assert app.playbook_problems == []


async def test_palette_searches_drills_steps_and_scripts(make_app) -> None:
    app = make_app()
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")  # the palette opens from the keyboard and lists our commands
        await pilot.pause()
        assert "CommandPalette" in type(app.screen).__name__
        await pilot.press("escape")
        provider = CoachCommands(app.screen)
        hits = [h async for h in provider.search("listening")]
        assert any("Take your time" in h.text for h in hits)
        hits = [h async for h in provider.search("倾听")]  # the other language matches too
        assert any(h.text.startswith("Step: Listen") for h in hits)
        (late,) = [h async for h in provider.search("Parcel late")]
        assert late.prompt.plain == "Start drill: Parcel [red]late[/red]"  # markup stays literal
        found = [h async for h in provider.discover()]
        assert len(found) == 2 + 3 + 2
        script = next(h for h in [h async for h in provider.search("Take your time")])
        script.command()
        assert copied == ["Take your time, I'm listening."]
        drill = next(h for h in [h async for h in provider.search("Rude caller")])
        drill.command()
        await pilot.pause()
        await pilot.press(*"Ann", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen) and app.screen.session.drill.id == "rude_caller"


async def test_palette_speaks_chinese_in_zh(make_app) -> None:
    """The footer's palette key, the search box and Textual's own commands follow the UI language."""
    from textual.command import CommandInput, CommandPalette
    from textual.system_commands import SystemCommandsProvider
    from textual.widgets._footer import FooterKey

    app = make_app(lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        labels = [key.description for key in app.screen.query(FooterKey)]
        assert "命令面板" in labels and "palette" not in labels
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(CommandInput).placeholder.startswith("搜索演练")
        titles = [h.text async for h in SystemCommandsProvider(app.screen).discover()]
        assert "主题" in titles and "退出" in titles and "Theme" not in titles
        await pilot.press("escape")
        await pilot.press("l")  # back to English: Textual's words again
        await pilot.pause()
        labels = [key.description for key in app.screen.query(FooterKey)]
        assert "palette" in labels
        titles = [h.text async for h in SystemCommandsProvider(app.screen).discover()]
        assert "Theme" in titles


async def test_palette_starts_a_drill_from_inside_another(make_app) -> None:
    """Before, choosing a drill in the palette during a drill did nothing at all."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p", "enter")
        await pilot.pause()
        await pilot.press(*"Ann", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen) and app.screen.session.drill.id == "late_parcel"
        (hit,) = [h async for h in CoachCommands(app.screen).search("Rude caller")]
        hit.command()
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen) and app.screen.session.drill.id == "rude_caller"
        assert "press r" in " ".join(n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert [type(s).__name__ for s in app.screen_stack] == ["PracticeScreen"]
        waiting = app.store.unfinished(app.trainee, app.playbook.id)
        assert {r.drill for r in waiting} == {"late_parcel", "rude_caller"}
