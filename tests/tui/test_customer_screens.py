"""Issue 12's screens: every unfinished drill resumable, history in the app's language, titles following
the language, Chinese punctuation never opening a line, the name dialog whole at 100 columns, and
screens that navigate by results rather than by importing each other."""

from __future__ import annotations

import ast
from pathlib import Path

from textual.widgets import DataTable

from cxcoach.store import RecordedDrill, Store
from cxcoach.tui.linebreak import NO_START
from cxcoach.tui.screens.drill import DrillScreen
from cxcoach.tui.screens.name import NameScreen
from cxcoach.tui.screens.report import ReportScreen
from cxcoach.tui.screens.resume import ResumeScreen
from cxcoach.tui.widgets.criterion_trends import CriterionTrends
from cxcoach.tui.widgets.prose import Prose

from .helpers import fill, send, texts

SCREENS = Path(__file__).resolve().parents[2] / "src" / "cxcoach" / "tui" / "screens"


def _sibling_imports(module: Path) -> set[str]:
    """Screens a screen module imports (`from .x import ...`, `from . import x`), lazily or not."""
    found = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.update([node.module] if node.module else [alias.name for alias in node.names])
    return found


def test_drill_and_report_screens_do_not_import_each_other():
    assert _sibling_imports(SCREENS / "drill.py") == {"base"}
    assert _sibling_imports(SCREENS / "report.py") == {"base"}
    assert {"drill", "report"} <= _sibling_imports(SCREENS / "flow.py")


def _unfinished(db, playbook, clock, *runs):
    with Store.open(db, clock=clock) as store:
        ann = store.trainee("Ann")
        for drill, replies in runs:
            run = RecordedDrill.start(store, ann, playbook, drill, seed=2, locale="en")
            for reply in replies:
                clock.advance(minutes=5)
                run.reply(reply)


async def test_every_unfinished_drill_can_be_resumed_from_the_list(make_app, db, coach_playbook, clock) -> None:
    _unfinished(db, coach_playbook, clock, ("late_parcel", ["hmm"]), ("rude_caller", []), ("late_parcel", ["ok"]))
    app = make_app(lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ResumeScreen)
        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[1] for r in rows] == ["快递晚到", "粗鲁的来电", "快递晚到"]  # newest first, titles in zh
        assert [r[3] for r in rows] == ["1", "0", "1"] and rows[0][2] == "练习"
        await pilot.press("down", "down", "enter")  # the oldest one, not the latest
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        assert [t.reply for t in app.screen.session.turns] == ["hmm"]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("escape")  # cancel: back to the list, nothing started
        await pilot.pause()
        assert not isinstance(app.screen, (ResumeScreen, DrillScreen))


async def test_history_is_translated_and_resumes_an_unfinished_row(make_app, db, coach_playbook, clock) -> None:
    with Store.open(db, clock=clock) as store:
        run = RecordedDrill.start(store, store.trainee("Ann"), coach_playbook, "late_parcel", seed=1, locale="en")
        run.reply("I'm so sorry, I'd be frustrated too.")
        run.reply("I'll send a replacement by 5 pm today.")
    _unfinished(db, coach_playbook, clock, ("rude_caller", ["sorry"]))
    app = make_app(lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("y")
        await pilot.pause()
        table = app.screen.query_one("#history-table", DataTable)
        newest, oldest = ([str(c) for c in table.get_row_at(i)] for i in range(2))
        assert newest[1] == "粗鲁的来电" and newest[2] == "练习" and newest[4] == "未完成"
        assert oldest[1] == "快递晚到" and oldest[4] == "通过"
        trends = app.screen.query_one(CriterionTrends).render().plain
        assert "达成" in trends and "met" not in trends and "clear" not in trends
        assert "道歉" in trends  # the criterion's title in the current language, not the stored English
        table.focus()
        await pilot.press("enter")  # the unfinished row
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen) and [t.reply for t in app.screen.session.turns] == ["sorry"]


async def test_titles_and_criteria_follow_the_language(make_app) -> None:
    app = make_app(lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("enter")
        await fill(pilot, "#name", "Ann")
        await pilot.press("enter")
        await pilot.pause()
        app.action_toggle_lang()  # to Chinese mid-drill: titles follow, the conversation stays English
        await pilot.pause()
        assert "快递晚到" in texts(app.screen, "#drill-info")
        assert "My parcel is a whole week late!" in texts(app.screen, "Transcript Static")
        await fill(pilot, "#reply", "I'm so sorry, I'd be frustrated too.")
        await send(pilot)
        await fill(pilot, "#reply", "I'll send a replacement by 5 pm today.")
        await send(pilot)
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        report = texts(app.screen)
        assert "快递晚到" in report and "先处理情绪" in report and "Feelings first" not in report
        assert "“replacement”" in report  # quotes stay as said


async def test_chinese_punctuation_never_starts_a_line(make_app) -> None:
    app = make_app(lang="zh")
    async with app.run_test(size=(60, 30)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("enter")
        await fill(pilot, "#name", "小王")
        await pilot.press("enter")
        await pilot.pause()
        reply = "非常抱歉，换作是我也会着急，" * 3 + "我来负责，今天下午五点前给您回电话。"
        await fill(pilot, "#reply", reply)
        await send(pilot)
        await pilot.pause()
        bubbles = list(app.screen.query("Transcript Prose"))
        assert bubbles
        for bubble in bubbles:
            lines = bubble.render().plain.split("\n")
            assert len(lines) == bubble.size.height
            assert all(line[:1] not in NO_START for line in lines), lines
        trainee = app.screen.query("Transcript .-trainee").last()
        assert "".join(trainee.render().plain.split("\n")).endswith(reply)


async def test_the_name_dialog_is_whole_at_100_columns(make_app) -> None:
    for lang in ("en", "zh"):
        app = make_app(lang=lang)
        async with app.run_test(size=(100, 24)) as pilot:
            await pilot.press("p")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, NameScreen)
            box = app.screen.query_one("VerticalScroll").content_region
            for widget in app.screen.query("Prose, Input, Button"):
                assert box.contains_region(widget.region), (lang, widget, widget.region, box)
            help_text = app.screen.query_one("#name-help", Prose)
            shown = "".join(help_text.render().plain.split("\n"))
            assert shown.replace(" ", "") == help_text.body.plain.replace(" ", "")
