"""The what-if view of the console (`c`, then `i`): fields drive live recommendations; deadlines tick with the
injected clock. The desk itself (the queue of recorded cases) is tested in test_desk.py."""

from __future__ import annotations

from textual.widgets import Select, Switch

from cxcoach.tui.widgets.case_form import CaseForm
from cxcoach.tui.widgets.countdown import Countdown
from cxcoach.tui.widgets.recommendation_list import RecommendationList

from .helpers import fill, type_text


async def open_what_if(pilot) -> None:
    await pilot.press("c")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("i")
    await pilot.pause()


def _fact_widget(screen, fact_id: str):
    form = screen.query_one(CaseForm)
    wid = next(w for w, f in form._facts.items() if f.id == fact_id)
    return screen.query_one(f"#{wid}")


def _steps(screen) -> list[str]:
    result = screen.result
    return [r.id for r in result.recommendations] if result else []


async def test_fields_change_recommendations_and_deadlines_live(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_what_if(pilot)
        screen = app.screen
        assert _steps(screen) == []
        respond = screen.query_one("#respond", Countdown)
        assert respond.due is not None and str(respond.left) == "3:00:00"  # the playbook's 3h default
        # a number typed into the anger field fires the low-priority rule
        _fact_widget(screen, "anger").focus()
        await type_text(pilot, "7")
        await pilot.pause()
        assert _steps(screen) == ["listen"]
        # enum select: major + anger >= 5 fires the 30-minute rule
        _fact_widget(screen, "severity").value = "major"
        await pilot.pause()
        assert _steps(screen) == ["listen", "solve"]
        assert str(respond.left) == "0:30:00"
        # a bool without a default is a three-way select: unknown until someone says yes or no
        malicious = _fact_widget(screen, "malicious")
        assert isinstance(malicious, Select) and malicious.value is Select.NULL
        # switch: VIP adds the manager call-back, ranked by rule priority
        vip = _fact_widget(screen, "vip")
        vip.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(vip, Switch) and vip.value
        assert str(screen.query_one(f"#state-{vip.id}").visual) == "Yes"  # the toggle's state in words
        assert _steps(screen) == ["listen", "solve", "vip_call"]
        # the clock moves: the countdown ticks, then the listen step (30m) is overdue and highlighted
        clock.advance(minutes=21)
        screen.evaluate()
        await pilot.pause()
        assert "09:00 left" in str(respond.render())
        assert respond.has_class("-warning")
        clock.advance(minutes=14)
        screen.evaluate()
        await pilot.pause()
        assert respond.has_class("-overdue")
        assert screen.result.overdue == ("respond", "listen")  # every deadline past due, as in the JSON
        assert "overdue" in screen.query_one(RecommendationList).get_option_at_index(0).prompt.plain


async def test_invalid_number_is_marked_and_ignored(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_what_if(pilot)
        screen = app.screen
        await fill(pilot, f"#{_fact_widget(screen, 'anger').id}", "42")
        await pilot.pause()
        label = screen.query_one(f"#label-{_fact_widget(screen, 'anger').id}")
        assert label.has_class("-invalid")
        assert _steps(screen) == []
        assert "Anger: '42' is not a number in 0..10" in str(label.visual)
        await fill(pilot, "#received", "25:99")
        await pilot.pause()
        assert "Received at (+08:00): '25:99' is not a time of day" in str(screen.query_one("#case-errors").visual)
        assert "'25:99' is not a time of day" in str(screen.query_one("#label-received").visual)


async def test_received_time_moves_the_deadlines(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_what_if(pilot)
        screen = app.screen
        await fill(pilot, "#received", "08:00")  # two hours before the frozen 10:00
        await pilot.pause()
        assert str(screen.query_one("#respond", Countdown).left) == "1:00:00"


async def test_why_and_copy_script(make_app) -> None:
    app = make_app()
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await open_what_if(pilot)
        screen = app.screen
        _fact_widget(screen, "vip").value = True
        await pilot.pause()
        rl = screen.query_one(RecommendationList)
        rl.focus()
        await pilot.press("w")
        await pilot.pause()
        prompt = rl.get_option_at_index(0).prompt.plain
        assert "vip_rule (vip=True)" in prompt and "A manager calls VIPs back personally." in prompt
        assert "Call the [bold]VIP[/bold] back" in prompt  # playbook markup shown literally
        await pilot.press("s")
        await pilot.pause()
        assert copied == ["Hello, I'm the service manager and I'm handling this for you personally."]
        assert any("Copied" in n.message for n in app._notifications)


async def test_language_switch_keeps_the_case(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_what_if(pilot)
        _fact_widget(app.screen, "severity").value = "major"
        await pilot.pause()
        app.screen.query_one(RecommendationList).focus()
        await pilot.press("l")
        await pilot.pause()
        select = _fact_widget(app.screen, "severity")
        assert isinstance(select, Select) and select.value == "major"
        assert app.screen.result.locale == "zh"


async def test_a_tick_keeps_where_the_supervisor_scrolled_the_steps(make_app, clock) -> None:
    """Many steps at 80x24: the list scrolls; the clock's tick (every second) must not scroll it back."""
    from cxcoach.playbook import default_playbook_path

    app = make_app(playbook=None, playbook_path=default_playbook_path())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_what_if(pilot)
        screen = app.screen
        form = screen.query_one(CaseForm)
        for fact, value in {"severity": "major", "channel": "phone", "stage": "received", "emotion": "angry"}.items():
            form.set_value(fact, value)
        await pilot.pause()
        steps = screen.query_one(RecommendationList)
        steps.focus()
        await pilot.pause()
        assert steps.option_count > 5 and steps.max_scroll_y > 10  # more than fits: it scrolls
        await pilot.press("down", "down")
        highlighted = steps.highlighted_option.id
        steps.scroll_to(y=steps.max_scroll_y, animate=False, immediate=True)  # the mouse wheel, to read on
        await pilot.pause()
        clock.advance(seconds=1)
        screen.evaluate()  # what the interval timer does every second
        await pilot.pause()
        assert steps.scroll_y == steps.max_scroll_y  # before: back at the highlighted step on every tick
        assert steps.highlighted_option.id == highlighted
        assert app.focused is steps


async def test_a_tick_during_a_rebuild_is_skipped_not_a_crash(make_app) -> None:
    """The interval tick can land between recompose's removal and mount (a language switch under load)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_what_if(pilot)
        await app.screen.query_one("#case-errors").remove()  # half-built, as mid-recompose
        app.screen.evaluate()  # before: NoMatches, which ends the app from a timer
        await pilot.pause()
        assert app.is_running


async def test_escape_on_the_steps_goes_back_to_the_desk(make_app) -> None:
    """Escape from a field lands on the list; escape again leaves what-if (before: it stayed, only ctrl+b left)."""
    from cxcoach.tui.screens.console import ConsoleScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_what_if(pilot)
        _fact_widget(app.screen, "anger").focus()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, RecommendationList)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
