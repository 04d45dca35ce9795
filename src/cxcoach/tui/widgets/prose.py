"""Literal text that wraps the way Chinese is typeset: punctuation never starts a line."""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.geometry import Size
from textual.visual import VisualType
from textual.widgets import Static

from ..linebreak import break_offsets


def broken(body: Content, width: int) -> list[Content]:
    """`body` cut into lines of at most `width` cells at the places linebreak.py allows."""
    out: list[Content] = []
    for line in body.split("\n", allow_blank=True):
        pieces = line.divide(break_offsets(line.plain, width)) if width > 0 else [line]
        out.extend(piece.rstrip() for piece in pieces[:-1])
        out.append(pieces[-1])
    return out


class Prose(Static):
    """A `Static` for text (a chat bubble, a brief, a report line) that wraps with the kinsoku rule.

    Give it `Content` (see tui/text.py); it is never parsed as markup. It
    measures and draws the text cut by `broken`, so the height it asks for is
    the height it uses, at any width.
    """

    def __init__(self, body: Content, **kwargs: Any) -> None:
        super().__init__(body, markup=False, **kwargs)
        self.body = body

    def update(self, content: VisualType | None = None, *, layout: bool = True) -> None:
        self.body = content if isinstance(content, Content) else Content(str(content or ""))
        super().update(self.body, layout=layout)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((line.cell_length for line in self.body.split("\n", allow_blank=True)), default=0)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(broken(self.body, width)) if width else 0

    def render(self) -> Content:
        width = self.content_size.width
        return Content("\n").join(broken(self.body, width)) if width else self.body
