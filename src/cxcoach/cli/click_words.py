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
from collections.abc import Iterator
from pathlib import Path

import click

DOMAIN = "cxcoach-click"
LOCALE_DIR = Path(__file__).with_name("locale")


class ChineseHelpFormatter(click.HelpFormatter):
    """Click's help layout with full-width punctuation: `用法：cxcoach ...`, `选项：` (Click writes ": ")."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, gettext.gettext("Usage:") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")


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
