"""Per-criterion score trends: one row per rubric criterion, a sparkline of its share earned."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text as RichText
from textual.geometry import Size
from textual.widget import Widget

from ...store import SessionRow
from ..text import safe

BLOCKS = " ▁▂▃▄▅▆▇█"


def spark(values: Sequence[float], top: float = 1.0) -> str:
    """Block characters for values in 0..top (a text sparkline that fits any cell)."""
    out = []
    for v in values:
        ratio = 0.0 if top <= 0 else max(0.0, min(1.0, v / top))
        out.append(BLOCKS[round(ratio * (len(BLOCKS) - 1))])
    return "".join(out)


class CriterionTrends(Widget):
    """For each criterion seen in `sessions` (oldest first): its sparkline and the latest status.

    Weighted criteria plot the share of the weight earned; penalties and
    auto-fail items plot 1 when clear and 0 when triggered, so "up" is always
    "better". `title` and `status` put a criterion's title (id, stored title)
    and a status word in the screen's language.
    """

    DEFAULT_CSS = """
    CriterionTrends {
        height: auto;
        max-height: 12;
        padding: 0 1;
    }
    """

    def __init__(self, sessions: Sequence[SessionRow] = (), *, width: int = 24,
                 title: Callable[[str, str], str] = lambda ident, stored: stored,
                 status: Callable[[str], str] = str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sessions = list(sessions)
        self.spark_width = width
        self.title = title
        self.status = status

    def set_sessions(self, sessions: Sequence[SessionRow]) -> None:
        self.sessions = list(sessions)
        self.refresh(layout=True)

    def rows(self) -> list[tuple[str, list[float], str]]:
        series: dict[str, list[float]] = {}
        titles: dict[str, str] = {}
        last: dict[str, str] = {}
        for s in self.sessions:
            for c in s.criteria:
                if c.status == "na":
                    continue
                titles.setdefault(c.id, self.title(c.id, c.title))
                if c.status in ("met", "missed"):
                    value = (c.points / c.value) if c.value else (1.0 if c.status == "met" else 0.0)
                else:
                    value = 0.0 if c.status == "triggered" else 1.0
                series.setdefault(c.id, []).append(value)
                last[c.id] = c.status
        return [(titles[k], v[-self.spark_width:], last[k]) for k, v in series.items()]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.rows()))

    def render(self) -> RichText:
        rows = self.rows()
        if not rows:
            return RichText("—", style="dim")
        width = min(24, max(cell_len(safe(t)) for t, _, _ in rows))
        out = RichText()
        for i, (title, values, status) in enumerate(rows):
            label = safe(title)
            while cell_len(label) > width:
                label = label[:-1]
            out.append(label + " " * (width - cell_len(label) + 1))
            colour = "green" if status in ("met", "clear") else "red"
            out.append(spark(values), style=colour)
            out.append(f" {safe(self.status(status))}", style="dim")
            if i < len(rows) - 1:
                out.append("\n")
        return out
