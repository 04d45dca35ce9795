"""Helpers for the hostile-input suite: the real `cxcoach` in a subprocess, on a pipe or a pseudo-terminal.

CliRunner tests stop at click; these run the installed entry point
(`python -m cxcoach`, i.e. `cxcoach.command:run`), so exit codes, closed
pipes, full disks and what reaches a terminal are the real ones. Every run
has a timeout: a hang is a failure, not a stuck CI job.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ..drill.conftest import TINY, write_playbook

TIMEOUT = 30


@dataclass(frozen=True)
class Run:
    code: int
    out: bytes
    err: bytes

    @property
    def stdout(self) -> str:
        return self.out.decode("utf-8", "replace")

    @property
    def stderr(self) -> str:
        return self.err.decode("utf-8", "replace")


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CXCOACH_DEBUG", "LC_", "LANG", "PYTHONIO"))}
    env.update({"LC_ALL": "C.UTF-8", "PYTHONUTF8": "0"}, **extra)
    return env


def cx(*args: str, stdin: bytes | Path = b"", stdout: Any = subprocess.PIPE, env: dict[str, str] | None = None,
       cwd: Path | None = None) -> Run:
    """Run `cxcoach ARGS` in a fresh interpreter; stdin is the bytes given, or a file such as /dev/zero."""
    command = [sys.executable, "-m", "cxcoach", *args]
    if isinstance(stdin, Path):
        with stdin.open("rb") as source:
            proc = subprocess.run(command, stdin=source, stdout=stdout, stderr=subprocess.PIPE, env=env or child_env(),
                                  cwd=cwd, timeout=TIMEOUT)
    else:
        proc = subprocess.run(command, input=stdin, stdout=stdout, stderr=subprocess.PIPE, env=env or child_env(),
                              cwd=cwd, timeout=TIMEOUT)
    return Run(proc.returncode, proc.stdout or b"", proc.stderr)


def on_terminal(*args: str, stdin: bytes = b"", env: dict[str, str] | None = None, cwd: Path | None = None
                ) -> tuple[int, bytes]:
    """Run `cxcoach ARGS` with stdout and stderr on a pseudo-terminal; return the exit code and every byte shown."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "cxcoach", *args], stdin=subprocess.PIPE, stdout=slave,
                            stderr=slave, env=env or child_env(TERM="xterm-256color"), cwd=cwd, close_fds=True)
    os.close(slave)
    assert proc.stdin is not None
    proc.stdin.write(stdin)
    proc.stdin.close()
    shown = bytearray()
    deadline = time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        code = proc.wait(timeout=TIMEOUT)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    return code, bytes(shown)


@pytest.fixture(scope="session")
def default_pb():
    from cxcoach.playbook import load_playbook

    return load_playbook()


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory) -> Path:
    return write_playbook(tmp_path_factory.mktemp("tiny"))


# Written as YAML double-quoted escapes: an OSC window title, clear screen, terminal reset, NUL,
# an 8-bit CSI, and bidi controls (right-to-left override, isolate, marks).
HOSTILE_YAML = r"\e]0;pwned\a\e[2J\ec\0\x9b31m\u202eevil\u2066\u200f\u061c"
_EDITS = {
    "title: {zh: 鞋子开胶, en: Shoe came apart}":
        f'title: {{zh: "鞋子{HOSTILE_YAML}开胶", en: "Shoe{HOSTILE_YAML} came apart"}}',
    "feedback: {zh: 道歉了。, en: You apologised.}":
        f'feedback: {{zh: "道歉了{HOSTILE_YAML}", en: "You{HOSTILE_YAML} apologised"}}',
    "en: The shoes fell apart in two days!}": f'en: "The shoes{HOSTILE_YAML} fell apart!"}}',
    "title: {zh: 道歉, en: Apology}": f'title: {{zh: "道歉{HOSTILE_YAML}", en: "Apology{HOSTILE_YAML}"}}',
}


@pytest.fixture(scope="session")
def hostile_dir(tmp_path_factory) -> Path:
    """The tiny playbook with terminal escapes and bidi controls in titles, customer lines and feedback."""
    text = TINY
    for plain, hostile in _EDITS.items():
        assert plain in text
        text = text.replace(plain, hostile)
    return write_playbook(tmp_path_factory.mktemp("hostile"), text)
