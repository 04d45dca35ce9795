"""Turning untrusted text (playbook content, trainee replies) into things widgets show.

Textual parses markup in plain strings handed to `Static`, `DataTable` and
notifications. Playbook authors and trainees may write `[bold]` or a raw
escape sequence; both must be shown literally. Everything user- or
playbook-supplied goes through these helpers: control characters become
visible escapes (`sanitize.printable`) and the result is a `Content` or
`rich.text.Text` object, which is never parsed as markup.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text as RichText
from textual.content import Content

from ..sanitize import printable


def safe(text: object) -> str:
    """Plain text with control characters made visible (still needs a non-markup container)."""
    return printable("" if text is None else str(text))


def content(text: object, style: str = "") -> Content:
    """Literal text as Content, optionally in one style."""
    body = safe(text)
    return Content.styled(body, style) if style else Content(body)


def assemble(*parts: tuple[object, str] | object) -> Content:
    """Join literal pieces, each either text or (text, style); nothing is parsed as markup."""
    out: list[tuple[str, str] | str] = []
    for part in parts:
        if isinstance(part, tuple):
            out.append((safe(part[0]), part[1]))
        else:
            out.append(safe(part))
    return Content.assemble(*out)


def cell(text: object, style: str = "") -> RichText:
    """A DataTable cell: rich Text so the table does not parse markup."""
    return RichText(safe(text), style=style)


def remaining(delta: dt.timedelta) -> str:
    """A compact countdown: 45s, 12:05, 3:12:05, 2d 03:12."""
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}:{minutes:02d}"
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"
