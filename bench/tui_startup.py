"""How fast the app appears and how fast typing shows up, in a real pseudo-terminal.

    python bench/tui_startup.py [--runs 5] [--keys 30] [--playbook PATH] [--json FILE]

Rows:
* time to first frame — from spawning `python -m cxcoach tui` in an 80x24
  pty (a fresh interpreter: imports, playbook load, database open, first
  compose) until the home screen's footer has been written to the terminal.
  Target: <= 1.0 s.
* in-process breakdown (one fresh interpreter per run): importing textual
  and `cxcoach.tui.app`, loading the playbook, and app start to "ready"
  (first screen mounted) under Textual's headless driver.
* key-to-screen latency — in the drill screen's reply box, one key at a time:
  from writing the key to the pty until the echoed character arrives in the
  terminal output. Also in the command palette, where each key runs a search
  over drills, steps and script lines.

Numbers are wall-clock and depend on machine load; the table shows median,
p90 and max over the runs or keys.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "tui" / "fixtures" / "coach"


class Terminal:
    """A child process in an 80x24 pty; read() collects what it draws."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        import fcntl
        import struct
        import termios

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.start = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                                     start_new_session=True)
        os.close(slave)
        self.buffer = b""

    def read_until(self, needle: bytes, timeout: float = 20.0) -> float:
        """Seconds (since spawn) when `needle` first appeared in the output."""
        deadline = time.perf_counter() + timeout
        while needle not in self.buffer:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{needle!r} not seen; last output: {self.buffer[-300:]!r}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    self.buffer += os.read(self.master, 65536)
                except OSError:
                    break
        return time.perf_counter() - self.start

    def drain(self, quiet: float = 0.3) -> None:
        """Read until the app has been silent for `quiet` seconds."""
        while True:
            ready, _, _ = select.select([self.master], [], [], quiet)
            if not ready:
                return
            try:
                self.buffer += os.read(self.master, 65536)
            except OSError:
                return

    def key_latency(self, key: bytes, echo: bytes, timeout: float = 5.0) -> float:
        self.buffer = b""
        sent = time.perf_counter()
        os.write(self.master, key)
        deadline = sent + timeout
        while echo not in self.buffer:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{echo!r} not echoed")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                self.buffer += os.read(self.master, 65536)
        return time.perf_counter() - sent

    def close(self) -> None:
        try:
            os.write(self.master, b"\x11")  # ctrl+q
            self.proc.wait(timeout=5)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


def _env(db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"CXCOACH_DB": str(db), "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24",
                "TEXTUAL_ANIMATIONS": "none"})
    return env


def first_frame(playbook: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            term = Terminal([sys.executable, "-m", "cxcoach", "tui", "--playbook", str(playbook), "--lang", "en"],
                            _env(Path(tmp) / "h.sqlite3"))
            try:
                times.append(term.read_until(b"Quit"))  # the footer is drawn last in the first frame
            finally:
                term.close()
    return times


BREAKDOWN = r"""
import json, sys, time
t0 = time.perf_counter()
import textual.app
t1 = time.perf_counter()
from cxcoach.tui.app import CxcoachApp
t2 = time.perf_counter()
from cxcoach.playbook import load_playbook
pb = load_playbook(sys.argv[1])
t3 = time.perf_counter()
app = CxcoachApp(playbook=pb, db_path=sys.argv[2], lang="en")
marks = {}
async def ready(pilot):
    marks["ready"] = time.perf_counter()
    pilot.app.exit()
app.run(headless=True, size=(80, 24), auto_pilot=ready)
print(json.dumps({"import textual": t1 - t0, "import cxcoach.tui": t2 - t1, "load playbook": t3 - t2,
                  "app ready (headless)": marks["ready"] - t3}))
"""


def breakdown(playbook: Path, runs: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.run([sys.executable, "-c", BREAKDOWN, str(playbook), str(Path(tmp) / "h.sqlite3")],
                                  capture_output=True, text=True, timeout=60)
            if proc.returncode != 0:
                raise RuntimeError(proc.stderr)
            for k, v in json.loads(proc.stdout.strip().splitlines()[-1]).items():
                out.setdefault(k, []).append(v)
    return out


def typing(playbook: Path, keys: int) -> dict[str, list[float]]:
    """Latencies typing into the drill reply box and the command palette."""
    text = "abcdefghijklmnopqrstuvwxyz" * (keys // 26 + 1)
    out: dict[str, list[float]] = {"drill reply box": [], "command palette search": []}
    with tempfile.TemporaryDirectory() as tmp:
        term = Terminal([sys.executable, "-m", "cxcoach", "tui", "--playbook", str(playbook), "--lang", "en"],
                        _env(Path(tmp) / "h.sqlite3"))
        try:
            term.read_until(b"Quit")
            term.drain()
            os.write(term.master, b"p")
            term.drain()
            os.write(term.master, b"\r")  # start the first drill: asks the trainee's name
            term.drain()
            os.write(term.master, b"Bench\r")
            term.drain(0.6)
            for ch in text[:keys]:
                out["drill reply box"].append(term.key_latency(ch.encode(), ch.encode()))
            os.write(term.master, b"\x1b")  # leave the drill
            term.drain()
            os.write(term.master, b"\x10")  # ctrl+p
            term.drain(0.6)
            for ch in "sorryhelpyou"[: max(1, min(keys, 12))]:
                out["command palette search"].append(term.key_latency(ch.encode(), ch.encode()))
        finally:
            term.close()
    return out


def row(name: str, values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    p90 = ms[min(len(ms) - 1, round(0.9 * (len(ms) - 1)))]
    return f"| {name:<34} | {len(ms):>3} | {statistics.median(ms):>9.1f} | {p90:>9.1f} | {ms[-1]:>9.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keys", type=int, default=30)
    parser.add_argument("--playbook", type=Path, default=FIXTURE)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    results: dict[str, list[float]] = {"time to first frame (pty)": first_frame(args.playbook, args.runs)}
    results.update(breakdown(args.playbook, args.runs))
    results.update({f"key-to-screen: {k}": v for k, v in typing(args.playbook, args.keys).items()})

    print(f"cxcoach TUI, playbook {args.playbook}, 80x24, python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"| {'measure':<34} | {'n':>3} | {'median ms':>9} | {'p90 ms':>9} | {'max ms':>9} |")
    print(f"|{'-' * 36}|{'-' * 5}|{'-' * 11}|{'-' * 11}|{'-' * 11}|")
    for name, values in results.items():
        print(row(name, values))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
