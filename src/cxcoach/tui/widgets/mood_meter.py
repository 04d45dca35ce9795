"""The simulated customer's mood: hostility and perceived service as two bars."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text as RichText
from textual.reactive import reactive
from textual.widget import Widget

from ..text import safe

HOSTILITY_MAX = 10
PERCEIVED_MAX = 10.0


class MoodMeter(Widget):
    """Shows `hostility` (0 calm .. 10 furious) and `perceived` (0 .. 10) live.

    The widget's class follows the mood (`-calm`, `-tense`, `-angry`) so the
    border colour tells the state at a glance without reading numbers.

    | Component class | Styles |
    | :- | :- |
    | `mood-meter--hostility` | the hostility bar |
    | `mood-meter--perceived` | the perceived-service bar |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"mood-meter--hostility", "mood-meter--perceived"}

    DEFAULT_CSS = """
    MoodMeter {
        height: 4;
        width: 30;
        border: round $success;
        padding: 0 1;
    }
    MoodMeter.-tense { border: round $warning; }
    MoodMeter.-angry { border: round $error; }
    MoodMeter > .mood-meter--hostility { color: $error; }
    MoodMeter > .mood-meter--perceived { color: $success; }
    """

    hostility: reactive[int] = reactive(0)
    perceived: reactive[float] = reactive(0.0)

    def __init__(self, hostility_label: str = "Hostility", perceived_label: str = "Perceived", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hostility_label = hostility_label
        self.perceived_label = perceived_label

    def watch_hostility(self, value: int) -> None:
        self.set_class(value < 4, "-calm")
        self.set_class(4 <= value < 7, "-tense")
        self.set_class(value >= 7, "-angry")

    @staticmethod
    def _bar(value: float, top: float, width: int = 10) -> str:
        filled = max(0, min(width, round(width * value / top)))
        return "█" * filled + "░" * (width - filled)

    def render(self) -> RichText:
        h_style = self.get_component_rich_style("mood-meter--hostility", partial=True)
        p_style = self.get_component_rich_style("mood-meter--perceived", partial=True)
        width = max(cell_len(self.hostility_label), cell_len(self.perceived_label))

        def pad(label: str) -> str:
            return safe(label) + " " * (width - cell_len(label) + 1)

        return RichText.assemble(
            pad(self.hostility_label),
            (self._bar(self.hostility, HOSTILITY_MAX), h_style),
            f" {self.hostility:>2}\n",
            pad(self.perceived_label),
            (self._bar(self.perceived, PERCEIVED_MAX), p_style),
            f" {self.perceived:>4.1f}",
        )
