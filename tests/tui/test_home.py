"""Home, help, language switching, quitting, and errors shown as messages rather than tracebacks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cxcoach.tui.screens.help import HelpScreen
from cxcoach.tui.screens.home import HomeScreen

from .helpers import texts


async def test_home_shows_playbook_language_then_help_and_quit(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        shown = texts(app.screen)
        assert "Coach test playbook" in shown
        assert "English" in shown
        assert "English" in app.sub_title
        app.theme = "nord"  # themes: Textual's own, chosen in the palette; remembered
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert make_app().theme == "nord"


async def test_language_switch_relabels_every_screen(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "zh"
        assert "演练手册" in texts(app.screen) and "中文" in app.sub_title
        await pilot.press("p")
        await pilot.pause()
        table = app.screen.query_one("#drills")
        assert "快递晚到" in str(table.get_row_at(0)[0])
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "en"
        table = app.screen.query_one("#drills")
        assert "Parcel" in str(table.get_row_at(0)[0])
    # the choice is remembered in the database
    again = make_app(lang=None)
    assert again.lang == "en"


async def test_menu_switches_mode_by_keyboard_and_mouse(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")  # second entry: console
        await pilot.pause()
        assert app.current_mode == "console"
        await pilot.press("h")
        await pilot.pause()
        assert await pilot.click("#home-menu", offset=(10, 1))  # first entry: practice
        await pilot.pause()
        assert app.current_mode == "practice"


async def test_invalid_playbook_is_a_message_not_a_traceback(make_app, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("playbook: {id: x\n", encoding="utf-8")
    app = make_app(playbook=None, playbook_path=bad)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.playbook is None
        assert any(n.severity == "error" for n in app._notifications)
        assert "No playbook loaded" in texts(app.screen)
        await pilot.press("p")
        await pilot.pause()
        shown = texts(app.screen)  # why the drill list is empty, and where to go; not "this playbook has no drills"
        assert "No playbook loaded" in shown and "Press b" in shown and "has no drills" not in shown
        await pilot.press("enter", "r")  # nothing to start or resume: no crash
        await pilot.pause()
        await pilot.press("c", "i")  # the console says what is missing; what-if still opens
        await pilot.pause()
        await pilot.press("escape")
        for key in "pcyb":  # every section still opens
            await pilot.press(key)
            await pilot.pause()
        assert "bad.yaml" in texts(app.screen)  # the playbooks screen lists the problems


async def test_locked_database_is_a_message(make_app, db: Path) -> None:
    """Another program holding the write lock: starting a drill explains it instead of crashing."""
    from cxcoach.store import Store

    store = Store.open(db, timeout_ms=100)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        app = make_app(store=store)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("p")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press(*"Ann", "enter")
            await pilot.pause()
            messages = [n.message for n in app._notifications]
            assert any("locked" in m for m in messages), messages
            assert app.screen.__class__.__name__ == "PracticeScreen"
    finally:
        holder.execute("ROLLBACK")
        holder.close()


async def test_unwritable_database_path_is_a_message(make_app, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    app = make_app(db_path=blocker / "h.sqlite3")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.store is None
        assert any("cannot create the folder" in n.message for n in app._notifications)
        await pilot.press("y")
        await pilot.pause()
        assert "History is unavailable" in texts(app.screen)


async def test_chinese_screens_use_full_width_colons(make_app) -> None:
    """In zh a label ends in ：, never in an ASCII colon (home, practice, a drill with a hint, what-if, history)."""
    import re

    from cxcoach.tui.widgets.recommendation_list import RecommendationList

    half_width = re.compile(r"[\u3400-\u9fff][:;]")

    def seen(screen) -> str:
        shown = texts(screen, "Static, Label")
        for steps in screen.query(RecommendationList):
            shown += "\n".join(o.prompt.plain for o in steps.options)
        return shown

    app = make_app(lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "学员：" in seen(app.screen)
        pages = [seen(app.screen)]
        await pilot.press("p")
        await pilot.pause()
        pages.append(seen(app.screen) + str(app.screen.query_one("#filter-difficulty").selection))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"小王", "enter")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        drill = seen(app.screen)
        assert "顾客：" in drill and "提示：" in drill
        pages.append(drill)
        await pilot.press("escape", "c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one(RecommendationList).focus()
        await pilot.press("w")  # why each step: 原因：rule
        await pilot.pause()
        pages.append(seen(app.screen))
        await pilot.press("ctrl+b", "y")
        await pilot.pause()
        pages.append(seen(app.screen))
        for page in pages:
            assert not half_width.findall(page), page
