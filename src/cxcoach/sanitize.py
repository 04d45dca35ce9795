"""Make untrusted text (playbook content, user replies) safe to print.

Terminal escape sequences in a playbook must be shown, never obeyed: every C0
and C1 control character except newline and tab is rendered as a visible
escape such as `\\x1b`.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
