"""How the real `cxcoach` ends when its output cannot be written, its reader leaves, or it is interrupted."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cxcoach.errors import ExitCode

from .conftest import TIMEOUT, child_env, cx

pytestmark = pytest.mark.slow
DEV_FULL = Path("/dev/full")


@pytest.mark.skipif(not DEV_FULL.exists(), reason="no /dev/full")
@pytest.mark.parametrize("args", [["recommend", "--set", "emotion=angry"], ["export", "handbook"],
                                  ["validate"], ["drill", "list", "--format", "json"]])
def test_a_full_disk_is_an_output_error(args):
    with DEV_FULL.open("wb") as full:
        run = cx(*args, stdout=full)
    assert run.code == ExitCode.OUTPUT, run.stderr
    assert run.stderr.startswith("error: cannot write the output: ")  # then the system's reason (ENOSPC)
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("args", [["export", "handbook"], ["recommend", "--set", "emotion=angry", "--format", "json"]])
def test_a_reader_that_leaves_ends_the_command_quietly(args):
    proc = subprocess.Popen([sys.executable, "-m", "cxcoach", *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env())
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # as `| head -0` would: every write now meets a closed pipe
    err = proc.stderr.read()
    assert proc.wait(timeout=TIMEOUT) == ExitCode.CLOSED and err == b""


def test_an_unexpected_error_is_one_line_and_exit_70(tmp_path):
    code = ("import sys, cxcoach.cli.validate as v\n"
            "def boom(*a, **k): raise KeyError('\\x1b[2Jsecret')\n"
            "v.check_playbook = boom\n"
            "sys.argv = ['cxcoach', 'validate']\n"
            "from cxcoach.command import run\nrun()\n")
    quiet = subprocess.run([sys.executable, "-c", code], capture_output=True, env=child_env(), timeout=TIMEOUT)
    assert quiet.returncode == ExitCode.INTERNAL
    message = quiet.stderr.decode()
    assert message.startswith("internal error (a bug in cxcoach, please report it): KeyError: ")
    assert "Traceback" not in message and "\x1b" not in message and "CXCOACH_DEBUG=1" in message
    loud = subprocess.run([sys.executable, "-c", code], capture_output=True, env=child_env(CXCOACH_DEBUG="1"),
                          timeout=TIMEOUT)
    assert b"Traceback" in loud.stderr


def _reading_stdin(pid: int) -> bool:
    """Whether the process sits in read(0, ...) (Linux: /proc/PID/syscall; elsewhere: after a pause)."""
    try:
        fields = Path(f"/proc/{pid}/syscall").read_text().split()
        return fields[:2] in (["0", "0x0"], ["63", "0x0"])  # read(0, ...) on x86-64 and arm64
    except OSError:
        time.sleep(3)
        return True


def test_ctrl_c_exits_130():
    # A test run may leave SIGINT ignored (children inherit that, and Python then never sees Ctrl-C)
    proc = subprocess.Popen([sys.executable, "-m", "cxcoach", "score"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env(),
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + TIMEOUT
    while not _reading_stdin(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)  # started, imported everything, and now blocked waiting for the reply
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == ExitCode.INTERRUPTED and b"Traceback" not in err, err[-2000:]


def test_a_terminal_that_cannot_show_chinese_gets_escapes_not_a_crash():
    run = cx("score", "--reply", "对不起", env=child_env(PYTHONIOENCODING="latin-1"))
    assert run.code == 0 and "\\u5bf9\\u4e0d\\u8d77" in run.stdout, run.stderr
