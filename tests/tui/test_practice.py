"""Practice: a drill end to end with typed replies, hints, exam mode, escaping, and resume."""

from __future__ import annotations

import threading

import pytest

from cxcoach.store import RecordedDrill, Store
from cxcoach.tui.screens.drill import DrillScreen
from cxcoach.tui.screens.report import ReportScreen
from cxcoach.tui.screens.resume import ResumeScreen
from cxcoach.tui.widgets.mood_meter import MoodMeter

from .helpers import fill, send, texts, type_text


async def _start(pilot, name: str = "Ann") -> None:
    await pilot.press("p")
    await pilot.pause()
    await pilot.press("enter")  # first drill: late_parcel
    await pilot.pause()
    if pilot.app.trainee is None:
        await type_text(pilot, name)
        await pilot.press("enter")
        await pilot.pause()


async def test_drill_end_to_end_with_typed_replies(make_app, db) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _start(pilot)
        assert isinstance(app.screen, DrillScreen)
        assert app.trainee is not None and app.trainee.name == "Ann"
        assert "My parcel is a whole week late!" in texts(app.screen, "Transcript Static")
        assert "Parcel [red]late[/red]" in texts(app.screen, "#drill-info")  # playbook markup shown, not obeyed
        assert "week late.\\x1b[5m" in texts(app.screen, "Transcript Static")  # escape sequence made visible
        await pilot.press("f2")  # hint: shown and counted
        await type_text(pilot, "Sorry, I understand.")
        await send(pilot)
        await pilot.pause()
        shown = texts(app.screen, "Transcript Static")
        assert "Good, feelings first." in shown and "Apologise and acknowledge" in shown
        assert "So what will you do about it?" in shown
        assert app.screen.query_one(MoodMeter).hostility < 6
        await fill(pilot, "#reply", "I'll send a replacement by 5 pm today.")
        await send(pilot)
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        report = texts(app.screen)
        assert "Score 95/100" in report and "Passed" in report  # the hint's cost shows even with full marks
        assert "“replacement”" in report  # evidence quotes the reply
        assert "Hint cost −5" in report and "= 95" in report  # the arithmetic, one line
        await pilot.press("escape")
        await pilot.pause()
        table = app.screen.query_one("#drills")
        assert str(table.get_row_at(0)[3]) == "95"  # last score per drill
        await pilot.press("y")  # history shows the drill just played
        await pilot.pause()
        table = app.screen.query_one("#history-table")
        assert table.row_count == 1 and str(table.get_row_at(0)[3]) == "95"
    with Store.open(db) as store:
        (row,) = store.sessions()
        assert row.finished and row.score == 95 and row.turns == 2
        assert [t.kind for t in store.turns(row.id)] == ["hint", "reply", "reply"]


async def test_report_shows_missed_criteria_with_model_lines_and_retry(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _start(pilot)
        await fill(pilot, "#reply", "this is your own fault")
        await send(pilot)
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        report = texts(app.screen)
        assert "Not passed" in report and "Customer lost" in report
        assert "I'll send a replacement." in report  # model line for the missed remedy
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen) and not app.screen.session.turns


async def test_filters_exam_mode_and_leaving_keeps_the_drill_resumable(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert screen.shown == ["late_parcel", "rude_caller"]
        screen.query_one("#filter-difficulty").value = "hard"
        await pilot.pause()
        assert screen.shown == ["rude_caller"]
        screen.query_one("#filter-customer").value = "hot_tempered"
        await pilot.pause()
        assert screen.shown == []
        screen.query_one("#filter-difficulty").value = "__any__"
        await pilot.pause()
        assert screen.shown == ["late_parcel"]
        await pilot.press("x", "t", "enter")  # exam mode, reply timer
        await pilot.pause()
        await type_text(pilot, "Ann")
        await send(pilot)
        await pilot.pause()
        assert app.screen.session.mode.value == "exam"
        before = app.screen.session.state.hostility
        clock.advance(seconds=91)  # the drill's patience runs out: the customer says so and bristles
        app.screen.query_one("#reply-timer").tick()
        await pilot.pause()
        assert "Time is up" in " ".join(n.message for n in app._notifications)
        assert app.screen.session.state.hostility == before + 1
        assert app.screen.query_one(MoodMeter).hostility == before + 1
        assert "Hello? Are you still there?" in texts(app.screen, "Transcript Static")
        await pilot.press("f2")
        await type_text(pilot, "hmm")
        await send(pilot)
        await pilot.pause()
        assert "The feelings were ignored." not in texts(app.screen, "Transcript Static")
        assert "Hints are off" in " ".join(n.message for n in app._notifications)
        await pilot.press("escape")  # leave: the drill stays resumable
        await pilot.pause()
        await pilot.press("r")  # the unfinished drills, newest first
        await pilot.pause()
        assert isinstance(app.screen, ResumeScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        assert [t.reply for t in app.screen.session.turns] == ["hmm"]
        assert len(app.screen.session.silences) == 1  # the silence is replayed too
        assert app.screen.session.mode.value == "exam"


async def test_cjk_typing_wrapping_and_literal_markup(make_app) -> None:
    app = make_app(lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await _start(pilot, "小王")
        assert app.trainee.name == "小王"
        assert app.screen.session.locale == "zh"
        await type_text(pilot, "非常抱歉，换作是我")
        # long enough to wrap, and not one phrase over and over (that reads as gaming and earns nothing)
        await fill(pilot, "#reply", app.screen.query_one("#reply").value
                   + "也会着急。包裹晚到一整周，本来安排好的事全被打乱了，心里肯定窝火，这份心情我完全明白。")
        await send(pilot)
        await pilot.pause()
        assert "那你打算怎么解决？" in texts(app.screen, "Transcript Static")
        bubble = app.screen.query("Transcript .-trainee").last()
        assert bubble.size.height >= 2  # long CJK text wraps inside the bubble
        assert bubble.size.width <= 80
        await fill(pilot, "#reply", "[bold red]hi[/] \x1b[31mred")
        await send(pilot)
        await pilot.pause()
        assert "[bold red]hi[/] \\x1b[31mred" in texts(app.screen, "Transcript Static")


async def test_resume_after_an_interrupted_drill(make_app, db, coach_playbook) -> None:
    # a previous run was killed after two answered turns
    with Store.open(db) as store:
        ann = store.trainee("Ann")
        run = RecordedDrill.start(store, ann, coach_playbook, "late_parcel", seed=4, locale="en")
        run.reply("hmm")
        run.reply("I'm sorry")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "unfinished drill" in texts(app.screen)  # home says so
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        shown = texts(app.screen, "Transcript Static")
        assert "hmm" in shown and "I'm sorry" in shown and "So what will you do about it?" in shown
        await fill(pilot, "#reply", "I'll send a replacement by 5 pm today.")
        await send(pilot)
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
    with Store.open(db) as store:
        (row,) = store.sessions()
        assert row.finished and row.turns == 3


@pytest.fixture
def held_scores(monkeypatch) -> threading.Event:
    """Replies are scored only once the returned event is set (or after 5 s): a slow score, made to order."""
    release = threading.Event()
    real_reply = RecordedDrill.reply

    def slow_reply(self, text):
        release.wait(timeout=5)  # before the worker this ran on the UI thread and froze it for the whole wait
        return real_reply(self, text)

    monkeypatch.setattr(RecordedDrill, "reply", slow_reply)
    return release


async def test_a_slow_score_does_not_block_typing(make_app, held_scores) -> None:
    """Scoring a long reply can take seconds: it runs in a worker, the box keeps taking keys meanwhile."""
    release = held_scores
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _start(pilot)
        screen = app.screen
        await fill(pilot, "#reply", "Sorry, I understand.")
        await pilot.press("enter")
        await type_text(pilot, "I'll")  # typed while the reply is being scored
        assert screen.query_one("#reply").value == "I'll"
        assert not screen.session.turns  # before the fix the keys waited until the score was in
        assert screen.scoring
        assert screen.query_one("#drill-scoring").display  # the trainee sees that a score is coming
        await pilot.press("enter")  # a second reply before the first is back: kept in the box, not lost
        assert screen.query_one("#reply").value == "I'll"
        await pilot.press("f2")  # no hint in the middle of a turn
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.scoring and not screen.query_one("#drill-scoring").display
        assert [t.reply for t in screen.session.turns] == ["Sorry, I understand."]
        assert [t.kind for t in app.store.turns(screen.run.id)] == ["reply"]
        shown = texts(screen, "Transcript Static")
        assert "Good, feelings first." in shown and "So what will you do about it?" in shown
        assert "Still scoring" in " ".join(n.message for n in app._notifications)
        await send(pilot)  # the kept draft goes now
        assert [t.reply for t in screen.session.turns] == ["Sorry, I understand.", "I'll"]


async def test_leaving_while_a_reply_is_scored_keeps_it(make_app, db, held_scores) -> None:
    release = held_scores
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _start(pilot)
        await fill(pilot, "#reply", "Sorry, I understand.")
        await pilot.press("enter")
        await pilot.press("escape")  # leave before the score is back
        await pilot.pause()
        assert not isinstance(app.screen, DrillScreen)
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, DrillScreen)  # nothing pops back up
    with Store.open(db) as store:
        (row,) = store.sessions()
        assert not row.finished and row.turns == 1  # the reply was saved: the drill resumes from it


async def test_resizing_refits_the_drill_list(make_app) -> None:
    """Wide, then 80 columns: every column of the drill list still fits, the last score included."""
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        table = app.screen.query_one("#drills")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= table.size.width
        assert table.cursor_row == 0 and app.screen.shown == ["late_parcel", "rude_caller"]
        await pilot.resize_terminal(160, 30)
        await pilot.pause()
        await pilot.pause()
        widths = [c.width for c in table.columns.values()]
        assert widths[0] == 160 - 44  # the title column grows into the room
