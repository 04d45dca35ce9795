"""SVG snapshots of the desk: the queue in both languages, a selected paused case, a refused event.

Fixed data (the seeded desk of test_desk.py) and a frozen clock, so the countdowns are the same on every
run. Update after an intended visual change with
`pytest tests/tui/test_desk_snapshots.py --snapshot-update` and look at the SVGs.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from .test_desk import SIZE, desk_app, desk_playbook, select_case, settle  # noqa: F401  (fixtures)


async def _steady(pilot) -> None:
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await settle(pilot)


def _desk(ref: str | None = None):
    async def run_before(pilot) -> None:
        await pilot.press("c")
        await settle(pilot)
        if ref is not None:
            await select_case(pilot, pilot.app.screen, ref)
        await _steady(pilot)

    return run_before


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_desk_queue(snap_compare, desk_app, lang) -> None:  # noqa: F811 - the desk_app fixture imported above, requested by name
    assert snap_compare(desk_app(lang=lang), terminal_size=SIZE, run_before=_desk())


def test_desk_paused_case(snap_compare, desk_app) -> None:  # noqa: F811 - the desk_app fixture imported above, requested by name
    assert snap_compare(desk_app(), terminal_size=SIZE, run_before=_desk("T-3"))


def test_desk_refused_close(snap_compare, desk_app) -> None:  # noqa: F811 - the desk_app fixture imported above, requested by name
    async def run_before(pilot) -> None:
        await _desk("T-1")(pilot)
        await pilot.press("x")
        await pilot.pause()
        dialog = pilot.app.screen
        dialog.query_one("#by", Select).value = "manager"
        dialog.query_one("#note", Input).value = "all sorted"
        dialog.query_one("#record").focus()
        await pilot.press("enter")
        await _steady(pilot)

    assert snap_compare(desk_app(), terminal_size=SIZE, run_before=run_before)
