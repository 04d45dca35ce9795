"""Click's own words (usage errors, help headings, `Usage:`, `Try ... for help`) in Chinese, for `--lang zh`.

Click marks its messages for the stdlib gettext in the default text domain
(`from gettext import gettext as _`), and gettext picks the catalogue by
text domain and by the `LANGUAGE` environment variable. So a Chinese run
points the domain at our catalogue (`locale/zh/LC_MESSAGES/cxcoach-click.po`,
compiled to `.mo`) and sets `LANGUAGE=zh` while the command runs, then puts
both back: tests run many commands in one process. An English run never
imports this module, so the start-up path reads no catalogue.

Click parses `--lang` together with every other option, after its first
error may already be worded, so the command line is read for it beforehand
(`asks_for_chinese` in cli/__init__.py).
"""

from __future__ import annotations

import contextlib
import gettext
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import click

DOMAIN = "cxcoach-click"
LOCALE_DIR = Path(__file__).with_name("locale")


class ChineseHelpFormatter(click.HelpFormatter):
    """Click's help layout with full-width punctuation (`用法：cxcoach ...`, `选项：`; Click writes ": "),
    and cxcoach's own help texts in Chinese where help_zh.py has them, looked up as they are written."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, gettext.gettext("Usage:") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        """A translated text as its lines are written, a paragraph on one line: Click wraps by characters (a
        Chinese one takes two cells) and cuts inside Latin words when a paragraph has few spaces; a terminal
        folds it by cells."""
        from .help_zh import HELP, SHORT

        chinese = HELP.get(text) or SHORT.get(text)  # a one-sentence docstring is its own summary
        if chinese is None:
            super().write_text(text)
            return
        indent = " " * self.current_indent
        self.write("\n".join(indent + line if line else "" for line in chinese.split("\n")))
        self.write("\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, described(text)) for term, text in rows], col_max, col_spacing)


def described(text: str) -> str:
    """An option's help (Click may have added `  [default: ...]`) or a command's summary (perhaps cut
    short with "...") in Chinese; as it is when help_zh.py has no words for it."""
    from .help_zh import HELP, SHORT

    head, gap, extra = text.partition("  [")
    if head in HELP:
        return HELP[head] + gap + extra
    if text in SHORT:
        return SHORT[text]
    if text.endswith("..."):
        whole = [english for english in SHORT if english.startswith(text[:-3])]
        if len(whole) == 1:
            return SHORT[whole[0]]
    return text


@contextlib.contextmanager
def chinese_click() -> Iterator[None]:
    """Click speaks Chinese inside the block; the process's gettext domain, LANGUAGE and help layout after."""
    domain = gettext.textdomain()
    language = os.environ.get("LANGUAGE")
    formatter = click.Context.formatter_class
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = "zh"
    click.Context.formatter_class = ChineseHelpFormatter  # the attribute Click offers for a help layout
    try:
        yield
    finally:
        click.Context.formatter_class = formatter
        gettext.textdomain(domain)
        if language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = language
