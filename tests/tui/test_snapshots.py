"""SVG snapshots of the main screens in both languages, at 80x24, with a frozen clock and no cursor blink.

Update after an intended visual change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and review the SVGs (pytest-textual-snapshot writes an HTML report on failure).
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from cxcoach.store import RecordedDrill, Store

from .helpers import send

SIZE = (80, 24)


async def _steady(pilot) -> None:
    """No blinking cursor; let layout settle so the picture is deterministic."""
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


def _mode(mode: str):
    async def run_before(pilot) -> None:
        await pilot.app.switch_mode(mode)
        await pilot.pause()
        await _steady(pilot)

    return run_before


@pytest.fixture
def trained(db, coach_playbook, clock):
    """A database where Ann played a few drills (timestamps from the frozen clock)."""
    with Store.open(db, clock=clock) as store:
        ann = store.trainee("Ann")
        for replies in (["your own fault"], ["I'm sorry", "a replacement by 5 pm"],
                        ["I'm so sorry, I'd be frustrated too.", "I'll send a replacement by 5 pm today."]):
            run = RecordedDrill.start(store, ann, coach_playbook, "late_parcel", seed=1, locale="en")
            for reply in replies:
                clock.advance(minutes=7)
                run.reply(reply)
    return db


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_home(snap_compare, make_app, trained, lang) -> None:
    assert snap_compare(make_app(lang=lang, seed=1), terminal_size=SIZE, run_before=_steady)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_practice(snap_compare, make_app, trained, lang) -> None:
    assert snap_compare(make_app(lang=lang, seed=1), terminal_size=SIZE, run_before=_mode("practice"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_drill_in_progress(snap_compare, make_app, trained, lang) -> None:
    reply = {"en": "Sorry about that, I understand.", "zh": "非常抱歉，我理解您的心情。"}[lang]

    async def run_before(pilot) -> None:
        await pilot.app.switch_mode("practice")
        await pilot.pause()
        pilot.app.screen.action_toggle_timer()
        await pilot.press("enter")
        await pilot.pause()
        pilot.app.screen.query_one("#reply").value = reply
        await send(pilot)
        await _steady(pilot)

    assert snap_compare(make_app(lang=lang, seed=1), terminal_size=SIZE, run_before=run_before)


def test_report(snap_compare, make_app, trained) -> None:
    async def run_before(pilot) -> None:
        await pilot.app.switch_mode("practice")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        for reply in ("I'm sorry", "A refund by 3 pm today."):
            pilot.app.screen.query_one("#reply").value = reply
            await send(pilot)
            await pilot.pause()
        await _steady(pilot)

    assert snap_compare(make_app(lang="en", seed=1), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_console(snap_compare, make_app, clock, lang) -> None:
    """The console's what-if view (the desk's own snapshots are in test_desk_snapshots.py)."""

    async def run_before(pilot) -> None:
        await pilot.app.switch_mode("console")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        screen = pilot.app.screen
        form = screen.query_one("#case-form")
        form.set_value("severity", "major")
        form.set_value("anger", 8)
        form.set_value("vip", True)
        await pilot.pause()
        clock.advance(minutes=40)  # listen (30m) is now overdue; countdowns are frozen at this instant
        screen.evaluate()
        screen.query_one("#recommendations").focus()
        await _steady(pilot)

    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=run_before)


def test_history(snap_compare, make_app, trained) -> None:
    assert snap_compare(make_app(lang="en"), terminal_size=SIZE, run_before=_mode("history"))
