"""Small helpers shared by the TUI tests."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static


async def type_text(pilot: Pilot, text: str) -> None:
    """Type like a person: one key per character (CJK included)."""
    await pilot.press(*text)


def texts(screen, selector: str = "Static") -> str:
    """Everything the matching Static widgets show, as plain text, joined by newlines."""
    out = []
    for widget in screen.query(selector):
        if isinstance(widget, Static):
            visual = widget.visual
            out.append(getattr(visual, "plain", str(visual)))
    return "\n".join(out)


async def fill(pilot: Pilot, selector: str, text: str) -> None:
    """Put `text` into an Input at once (typing every key costs ~60 ms of Pilot idle-waiting)."""
    widget = pilot.app.screen.query_one(selector)
    widget.value = text
    widget.cursor_position = len(text)
    widget.focus()
    await pilot.pause()


async def send(pilot: Pilot) -> None:
    """Press Enter in the drill's reply box and wait until the reply is scored (it is scored in a worker)."""
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
