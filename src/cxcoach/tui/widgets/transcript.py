"""A chat-style transcript: customer on the left, trainee on the right, feedback between."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.content import Content

from ..text import assemble
from .prose import Prose


class Transcript(VerticalScroll, can_focus=True):
    """The conversation so far; scrolls to the newest line.

    Every line is literal text (never markup) so a reply such as `[bold]` or
    an escape sequence is shown exactly as typed. Bubbles are `Prose`: they
    wrap by terminal cell width without splitting glyphs, and Chinese
    punctuation never starts a line.

    | Key | Does |
    | :- | :- |
    | up / down / page up / page down | scroll (inherited from VerticalScroll) |
    """

    DEFAULT_CSS = """
    Transcript {
        height: 1fr;
        padding: 0 1;
        background: $surface;
    }
    Transcript > .bubble {
        width: auto;
        max-width: 80%;
        padding: 0 1;
        margin: 1 0 0 0;
    }
    Transcript > .-customer {
        background: $panel;
        border-left: thick $warning;
    }
    Transcript > .-trainee {
        align-horizontal: right;
        margin-left: 8;
        background: $primary-muted;
        border-right: thick $primary;
    }
    Transcript > .-feedback {
        color: $text-muted;
        margin: 0 0 0 2;
        max-width: 100%;
    }
    Transcript > .-note {
        color: $text-accent;
        text-style: italic;
        max-width: 100%;
    }
    """

    def _add(self, body: Content, kind: str) -> None:
        self.mount(Prose(body, classes=f"bubble -{kind}"))
        self.call_after_refresh(self.scroll_end, animate=False)

    def say_customer(self, who: str, text: str) -> None:
        """`who` is the speaker's label with its colon, in the UI's punctuation (顾客：, Customer: )."""
        self._add(assemble((who, "bold"), text), "customer")

    def say_trainee(self, who: str, text: str) -> None:
        self._add(assemble((who, "bold"), text), "trainee")

    def feedback(self, lines: list[tuple[str, int]]) -> None:
        """Feedback lines with the points each gave (0 shows no number)."""
        for text, points in lines:
            suffix = f" ({points:+d})" if points else ""
            self._add(assemble(("› ", "bold"), text, (suffix, "bold")), "feedback")

    def note(self, text: str) -> None:
        self._add(assemble(text), "note")

    def clear(self) -> None:
        self.remove_children()
