"""Make untrusted text (playbook content, user replies) safe to print.

Terminal escape sequences in a playbook must be shown or dropped, never
obeyed: C0 and C1 control characters (except newline and tab), DEL, and the
Unicode bidi overrides that can reorder what a reader sees. `printable` shows
them as visible escapes such as `\\x1b` (messages, the app); `strip_controls`
drops them (compact one-line renderings such as `cxcoach recommend`).
"""

from __future__ import annotations

import re

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    return UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def strip_controls(text: str) -> str:
    return UNSAFE.sub("", text)
