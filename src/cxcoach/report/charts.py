"""Charts for the HTML report, drawn by matplotlib's SVG backend and inlined: readable offline, no script.

matplotlib is imported here only, when an HTML report is drawn (about a
second on a cold start; then some 0.1 s a chart, see bench/report.py): the
`recommend` path and the other formats never load it. Text stays text in
the SVG (`svg.fonttype: none`), so the reader's browser draws Chinese with
its own fonts and the labels can be searched and copied; matplotlib only
estimates their widths for the layout. Output is deterministic (fixed ids,
no date), so the same report gives the same bytes.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..sanitize import strip_controls

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "cxcoach-report",
    "font.family": ["sans-serif"],
    "font.sans-serif": ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
                        "WenQuanYi Micro Hei", "DejaVu Sans", "Arial"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
}
THIS, LAST, GOOD, BAD = "#1f6fb2", "#b8c7d6", "#3a8f4b", "#c0392b"
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)


def _plain(text: str) -> str:
    """A label matplotlib shows as written: `$` would start mathtext, and control and bidi characters
    (from playbook text) would make the SVG ill-formed XML or reorder what the reader sees."""
    return strip_controls(text).replace("$", r"\$")


def _svg(fig: Any, title: str) -> str:
    """The figure as an inline <svg> element with an accessible title."""
    buf = io.StringIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = _PROLOGUE.sub("", buf.getvalue(), count=1)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    safe = html.escape(strip_controls(title), quote=True)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{safe}" ', 1).replace(">", f"><title>{safe}</title>", 1)


def text_width(text: str, size: float = RC["font.size"]) -> float:
    """About how wide `text` is drawn at `size` points, in inches: a wide (CJK) character one em (1.15: a
    font without it draws a box about 1.12 em wide), any other 0.62 em, above the sans-serif fonts' average
    for mixed text (only a run of capitals like W is wider). An overestimate on purpose: it sets margins."""
    em = size / 72
    return sum(1.15 * em if unicodedata.east_asian_width(c) in "WF" else 0.62 * em for c in text)


def _figure(width: float, height: float, left: float) -> Any:
    """A figure with one axes and fixed margins in inches: `left` for the y labels, room for the title above
    and the x labels below. matplotlib's constrained layout would measure every label instead, at the cost
    of a second full draw per chart (about half the time of drawing the report's charts)."""
    from matplotlib.figure import Figure  # the only import of matplotlib: keep it here

    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(left=min(left + 0.15, width * 0.6) / width, right=1 - 0.3 / width,
                        top=1 - 0.38 / height, bottom=0.32 / height)
    return fig


def bars(title: str, labels: Sequence[str], this: Sequence[float], last: Sequence[float] | None,
         names: tuple[str, str], *, percent: bool = False, reference: float | None = None) -> str:
    """Horizontal bars, this month over last month (if given), largest category first from the top."""
    import matplotlib

    with matplotlib.rc_context(RC):
        height = 0.9 + 0.32 * max(1, len(labels)) * (1.6 if last is not None else 1)
        fig = _figure(6.4, height, max((text_width(_plain(label)) for label in labels), default=0.0))
        ax = fig.subplots()
        ys = list(range(len(labels)))
        size = 0.38 if last is not None else 0.6
        ax.barh([y - (size / 2 if last is not None else 0) for y in ys], this, height=size, color=THIS,
                label=_plain(names[0]))
        if last is not None:
            ax.barh([y + size / 2 for y in ys], last, height=size, color=LAST, label=_plain(names[1]))
            ax.legend(loc="lower right", frameon=False, fontsize=8)
        ax.set_yticks(ys, [_plain(label) for label in labels])
        ax.invert_yaxis()
        if percent:
            ax.set_xlim(0, 1)
            from matplotlib.ticker import PercentFormatter

            ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        if reference is not None:
            ax.axvline(reference, color=BAD, linewidth=1, linestyle="--")
        ax.set_title(_plain(title), loc="left")
        ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
        ax.set_axisbelow(True)
        return _svg(fig, title)


def daily(title: str, days: Sequence[str], received: Sequence[int], resolved: Sequence[int],
          names: tuple[str, str]) -> str:
    """Cases received (bars) and resolved (line) per day of the month."""
    import matplotlib

    with matplotlib.rc_context(RC):
        fig = _figure(6.4, 2.4, text_width(str(max([*received, *resolved, 0]))))
        ax = fig.subplots()
        xs = list(range(len(days)))
        ax.bar(xs, received, color=THIS, label=_plain(names[0]), width=0.7)
        ax.plot(xs, resolved, color=GOOD, marker="o", markersize=2.5, linewidth=1.2, label=_plain(names[1]))
        ax.set_xticks(xs[::2], [d[-2:] for d in days[::2]])
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.legend(loc="upper left", frameon=False, fontsize=8, ncols=2)
        ax.set_title(_plain(title), loc="left")
        ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
        ax.set_axisbelow(True)
        return _svg(fig, title)
