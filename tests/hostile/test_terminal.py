"""What reaches a real terminal: the real `cxcoach` on a pseudo-terminal, fed playbooks and replies full of escapes.

An OSC sequence can retitle the window, `ESC c` resets the terminal, an
8-bit CSI works on terminals that honour C1, and bidi controls reorder what
a supervisor reads. None of them may reach the terminal as such: each shows
as a visible escape (`\\x1b`, `\\u202e`).
"""

from __future__ import annotations

import re
import sys

import pytest

from cxcoach.errors import ExitCode

from .conftest import on_terminal

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")]

# Everything sanitize.UNSAFE refuses, except the carriage return the terminal adds to each newline.
RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
REPLY = "sorry\x1b]0;pwned\x07 \x1b[2J\x1bc\u202eevil\u2066 \x9b31m refund\x00"


def shown_safely(shown: bytes) -> str:
    text = shown.decode("utf-8")  # the bytes on the terminal are valid UTF-8...
    found = sorted({f"U+{ord(c):04X}" for c in RAW.findall(text)})
    assert not found, f"raw control characters reached the terminal: {found}\n{text[:2000]!r}"
    return text  # ...and hold no raw control, C1 or bidi character


def test_drill_replies_and_playbook_text(tmp_path, hostile_dir):
    replies = tmp_path / "r.txt"
    replies.write_text(REPLY + "\nI understand " + REPLY + "\n", encoding="utf-8")
    code, shown = on_terminal("drill", "run", "shoe", "--playbook", str(hostile_dir), "--replies", str(replies))
    text = shown_safely(shown)
    assert code == 0 and "\\x1b]0;pwned\\x07" in text and "\\u202e" in text


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_score_quotes_spans_and_titles_safely(hostile_dir, fmt):
    code, shown = on_terminal("score", "--playbook", str(hostile_dir), "--format", fmt, stdin=REPLY.encode())
    text = shown_safely(shown)
    assert code == 0 and ("\\x1b" in text if fmt == "text" else "\\u001b" in text)


@pytest.mark.parametrize("args", [["export", "handbook"], ["export", "handbook", "--format", "html"],
                                  ["drill", "list", "--format", "json"], ["drill", "run", "shoe", "--model-answers"],
                                  ["explore", "shoe", "--graph"], ["explore", "shoe", "--random", "2"]])
def test_playbook_text_in_every_listing(hostile_dir, args):
    where = ["-p" if args[0] in ("export", "explore") else "--playbook", str(hostile_dir)]
    code, shown = on_terminal(*args, *where)
    shown_safely(shown)
    assert code == 0, shown[-500:]


def test_names_echoed_in_errors(tmp_path, hostile_dir):
    for args, code in ((["recommend", "no\x1b]0;x\x07such\u202e.yaml"], ExitCode.INPUT),
                       (["recommend", "--format", "\x1b[2J"], ExitCode.USAGE),
                       (["\x1bc"], ExitCode.USAGE),
                       (["drill", "run", "no\x1b[2Jdrill", "--model-answers", "--playbook", str(hostile_dir)],
                        ExitCode.INVALID),
                       (["validate", str(tmp_path / "missing\x1b[2J")], ExitCode.USAGE)):
        got, shown = on_terminal(*args)
        shown_safely(shown)
        assert got == code, (args, shown)


def test_validation_messages_quote_content_safely(tmp_path):
    (tmp_path / "pb.yaml").write_text('playbook:\n  id: x\n  "\\e]0;t\\a\\u202e": 1\n', encoding="utf-8")
    code, shown = on_terminal("validate", str(tmp_path / "pb.yaml"))
    assert code == ExitCode.INVALID and "\\x1b]0;t\\x07" in shown_safely(shown)
