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
