"""`recommend --stream` answers every line with valid UTF-8 JSON, whatever the bytes and the locale.

The real `cxcoach` runs in a subprocess under the C locale, C.UTF-8 and a strict UTF-8 setting (what
en_US.UTF-8 gives Python: no surrogateescape), so the locale's text encoding cannot leak into the
bytes read or written. Property tests drive the line decoder and the encoder with arbitrary input.
"""

from __future__ import annotations

import io
import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cxcoach.cli.recommend import recommend as recommend_command
from cxcoach.engine.case_problems import CaseError
from cxcoach.engine.jsonline import MAX_DEPTH, decode_line
from cxcoach.engine.render import to_json_bytes
from cxcoach.engine.stream import StreamOptions, batches, run_stream
from cxcoach.errors import ExitCode
from cxcoach.sanitize import UNSAFE

from ..engine.factory import playbook, rule, t

CXCOACH = Path(sys.executable).with_name("cxcoach")
CASE = {"id": "T-1", "received_at": "2026-03-06T16:00:00+08:00", "now": "2026-03-06T16:20:00+08:00",
        "facts": {"channel": "phone", "severity": "general", "emotion": "angry"}}
# Every kind of line that once stopped a stream or broke its output, and ordinary ones between them.
LINES = [
    json.dumps(CASE).encode(),
    b'{"id": "\\ud800", "received_at": "2026-03-06T16:00:00+08:00", "facts": {"description": "x\\udfff"}}',
    b'{"id": "caf\xe9", "facts": {}}',  # Latin-1, not UTF-8
    b"\xff\xfe\x00",
    b'{"id": "T-\xc2\x85\xe2\x80\xae\xe2\x80\xa8", "received_at": "2026-03-06T16:00:00+08:00", "facts": {}}',
    json.dumps({**CASE, "id": "投诉-1"}, ensure_ascii=False).encode(),
    b"[" * 5000 + b"]" * 5000,
    b'{"id": 1, "id": 2}',
    b"",
    b"   ",
    json.dumps({**CASE, "id": 7}).encode(),
]
ANSWERED = [1, 2, 3, 4, 5, 6, 7, 8, 11]
RAW_UNSAFE = (b"\xc2\x85", b"\xe2\x80\xae", b"\xe2\x80\xa8", b"\xed\xa0\x80")

LOCALES = {
    "C": {"LC_ALL": "C"},
    "C, no coercion": {"LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
    "C.UTF-8": {"LC_ALL": "C.UTF-8"},
    "strict UTF-8": {"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8:strict"},
}


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONIO", "PYTHONUTF8", "LANG"))}
    return env | extra


@pytest.mark.slow
@pytest.mark.parametrize("locale", list(LOCALES))
def test_every_line_is_answered_with_utf8_json_in_any_locale(locale):
    done = subprocess.run([str(CXCOACH), "recommend", "--stream", "--lang", "en"], input=b"\n".join(LINES) + b"\n",
                          capture_output=True, env=_env(LOCALES[locale]), timeout=120, check=False)
    assert done.stderr == b"" and done.returncode == 1  # some lines failed, none stopped the stream
    rows = done.stdout.split(b"\n")
    assert rows[-1] == b""
    out = [json.loads(row.decode("utf-8")) for row in rows[:-1]]  # strict UTF-8, one JSON value per line
    assert [o["line"] for o in out] == ANSWERED
    assert not any(bad in done.stdout for bad in RAW_UNSAFE)
    by_line = {o["line"]: o for o in out}
    assert by_line[2]["case"] == "\ud800" and "recommendations" in by_line[2]  # a lone surrogate round-trips
    assert by_line[3]["errors"][0]["code"] == "E002" and by_line[4]["errors"][0]["code"] == "E002"
    assert by_line[5]["case"] == "T-\x85\u202e\u2028"
    assert by_line[6]["case"] == "投诉-1" and "投诉-1".encode() in done.stdout  # plain text stays plain
    assert by_line[7]["errors"][0]["code"] == "E014" and by_line[8]["errors"][0]["code"] == "E003"
    assert by_line[11]["case"] == 7


@pytest.mark.slow
def test_a_reader_that_stops_early_ends_the_stream_quietly(tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text((json.dumps(CASE) + "\n") * 5000)
    with cases.open("rb") as stdin:
        proc = subprocess.Popen([str(CXCOACH), "recommend", "--stream"], stdin=stdin, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        first = proc.stdout.readline()
        proc.stdout.close()
        proc.wait(timeout=120)
    assert json.loads(first)["line"] == 1
    assert proc.stderr.read() == b""  # no traceback, no message
    assert proc.returncode == ExitCode.CLOSED


@pytest.mark.slow
@pytest.mark.parametrize("args", [["--stream"], ["-", "--format", "json"]], ids=["stream", "one case"])
def test_a_full_disk_is_an_error_not_a_traceback(args):
    with open("/dev/full", "wb") as full:
        lines = 200 if "--stream" in args else 1
        done = subprocess.run([str(CXCOACH), "recommend", *args], input=(json.dumps(CASE) + "\n").encode() * lines,
                              stdout=full, stderr=subprocess.PIPE, timeout=120, check=False)
    assert b"Traceback" not in done.stderr and b"cannot write" in done.stderr
    assert done.returncode == ExitCode.OUTPUT


PB = playbook(rule("r", t("severity", "eq", "major"), steps=["listen"]))


def _run(data: bytes, limit: int = 4096) -> list[dict[str, object]]:
    sink = io.BytesIO()
    run_stream(PB, io.BytesIO(data), sink, StreamOptions(locale="en", max_line_bytes=limit))
    out = sink.getvalue()
    assert out == b"" or out.endswith(b"\n")
    return [json.loads(row.decode("utf-8")) for row in out.splitlines()]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=8))
def test_arbitrary_bytes_get_one_answer_per_non_blank_line(chunks):
    data = b"\n".join(chunks)
    out = _run(data)
    assert [o["line"] for o in out] == [n for n, row in enumerate(data.split(b"\n"), 1) if row.strip()]


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_any_json_value_decodes_to_itself_or_a_case_error(value):
    line = json.dumps(value).encode()
    try:
        assert decode_line(line) == value
    except CaseError as exc:
        assert exc.problems[0].code == "E014"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_fail_with_a_positioned_case_error(raw):
    try:
        decode_line(raw)
    except CaseError as exc:
        assert exc.problems[0].code in ("E001", "E002", "E003", "E014") and exc.problems[0].path == "$"


def test_depth_is_limited_like_yaml_files():
    assert decode_line(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is not None
    with pytest.raises(CaseError, match="nesting deeper than 64 levels"):
        decode_line(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
    assert decode_line(json.dumps({"id": "[" * 500}).encode()) == {"id": "[" * 500}  # brackets in strings


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None)))
def test_the_encoder_writes_valid_utf8_with_every_unsafe_character_escaped(text):
    data = to_json_bytes({"text": text})
    decoded = data.decode("utf-8")  # strict: no surrogates, nothing invalid
    assert not UNSAFE.search(decoded) and "\u2028" not in decoded and "\u2029" not in decoded
    assert json.loads(decoded) == {"text": text}


def test_the_encoder_escapes_each_unsafe_character_it_can_meet():
    for code in range(0x110000):
        char = chr(code)
        if UNSAFE.match(char) and not 0xD800 <= code <= 0xDFFF:
            data = to_json_bytes(char)
            assert data.isascii() and json.loads(data) == char, hex(code)


def test_a_line_over_the_limit_is_skipped_to_its_end_and_answered():
    case = json.dumps({"received_at": "2026-03-06T16:00:00+08:00", "facts": {"severity": "major"}}).encode()
    out = _run(b"x" * 5000 + b"\n" + case + b"\n" + b"y" * 3000, limit=1000)
    assert [(o["line"], o.get("errors", [{}])[0].get("code")) for o in out] == [(1, "E010"), (2, None), (3, "E010")]
    assert out[0]["error"] == "line is 5,001 bytes, over the limit of 1,000 bytes"
    assert out[2]["error"] == "line is 3,000 bytes, over the limit of 1,000 bytes"


class _Trickle(io.RawIOBase):
    """Input that arrives in pieces of the given sizes, as from a pipe: each read returns at most the next piece."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self.data, self.sizes, self.pos = data, sizes or [1], 0

    def read1(self, size: int = -1) -> bytes:
        piece = self.sizes[self.pos % len(self.sizes)] if self.pos < len(self.data) else 0
        chunk = self.data[self.pos:self.pos + min(piece, size)]
        self.pos += len(chunk)
        return chunk


def _expected_lines(data: bytes, limit: int) -> list[tuple[int, bytes | None, int]]:
    rows = data.split(b"\n")
    out = []
    for n, row in enumerate(rows, 1):
        last = n == len(rows)
        if last and not row:
            break
        size = len(row) + (0 if last else 1)
        out.append((n, None if len(row) > limit else row.rstrip(b"\r"), size))
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"\n", b"\r\n", b"ab", b"x" * 7, b"{}", b""]), max_size=40),
       st.lists(st.integers(1, 9), min_size=1, max_size=5), st.integers(0, 10))
def test_lines_are_the_same_however_the_input_arrives(pieces, sizes, limit):
    data = b"".join(pieces)
    got = [row for batch in batches(_Trickle(data, sizes), limit) for row in batch]  # type: ignore[arg-type]
    assert got == _expected_lines(data, limit)


def _lines(count: int) -> bytes:
    rows = []
    for n in range(count):
        if n % 17 == 5:
            rows.append(b"{not json")
        elif n % 23 == 7:
            rows.append(b"")
        else:
            rows.append(json.dumps({**CASE, "id": n, "facts": {"severity": "major"}}).encode())
    return b"\n".join(rows) + b"\n"


def test_workers_answer_every_line_as_one_process_does_in_order():
    data = _lines(300)  # one read: enough lines to start the workers
    one, many = io.BytesIO(), io.BytesIO()
    counts_one = run_stream(PB, io.BytesIO(data), one, StreamOptions(locale="en"), workers=1)
    counts_many = run_stream(PB, io.BytesIO(data), many, StreamOptions(locale="en"), workers=2)
    assert many.getvalue() == one.getvalue()
    out = [json.loads(row) for row in many.getvalue().splitlines()]
    assert [o["line"] for o in out] == [n for n, row in enumerate(data.split(b"\n")[:-1], 1) if row]
    assert (counts_many.answered, counts_many.failed) == (counts_one.answered, counts_one.failed)
    assert (counts_many.answered, counts_many.failed) == (len(out), sum("errors" in o for o in out)) == (288, 18)


@pytest.mark.slow
def test_a_caller_that_waits_for_each_answer_gets_it():
    """A burst starts the workers; a case written alone afterwards is still answered before more input comes."""
    proc = subprocess.Popen([str(CXCOACH), "recommend", "--stream", "--workers", "2"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    answers: queue.Queue[bytes] = queue.Queue()
    threading.Thread(target=lambda: [answers.put(row) for row in proc.stdout], daemon=True).start()  # type: ignore[union-attr]

    def answer() -> dict[str, object]:
        try:
            return json.loads(answers.get(timeout=60))
        except queue.Empty:
            raise AssertionError("no answer within 60 s: the stream waits for input before answering") from None

    try:
        burst = _lines(200)
        proc.stdin.write(burst)
        proc.stdin.flush()
        expected = [n for n, row in enumerate(burst.split(b"\n")[:-1], 1) if row]
        assert [answer()["line"] for _ in expected] == expected
        for n in (201, 202):
            proc.stdin.write(json.dumps({**CASE, "id": n}).encode() + b"\n")
            proc.stdin.flush()
            assert answer()["case"] == n
        proc.stdin.close()
        assert proc.wait(timeout=60) == 1  # the burst had bad lines
        assert proc.stderr.read() == b""
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize(("args", "needle"), [
    (["-", "--workers", "2"], "add --stream"),
    (["--stream", "--workers", "0"], "0 is not in the range x>=1"),
])
def test_workers_is_for_the_stream_and_at_least_one(args, needle):
    res = CliRunner().invoke(recommend_command, args, input="{}")
    assert res.exit_code == ExitCode.USAGE and needle in res.output


def _workers_of(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in children.read_text().split()] if children.exists() else []


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("killed", ["a worker", "the stream"])
def test_a_killed_process_leaves_no_worker_behind_and_no_traceback(tmp_path, killed):
    cases = tmp_path / "cases.jsonl"
    cases.write_text((json.dumps(CASE) + "\n") * 40000)
    with cases.open("rb") as stdin:
        proc = subprocess.Popen([str(CXCOACH), "recommend", "--stream", "--workers", "2"], stdin=stdin,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    workers: list[int] = []
    try:
        assert json.loads(proc.stdout.readline())["line"] == 1  # the workers are answering
        workers = _workers_of(proc.pid)
        assert len(workers) == 2
        os.kill(workers[0] if killed == "a worker" else proc.pid, 9)
        # The stream goes on to the lost answer, then ends (a worker left behind would keep stdout open).
        err = proc.communicate(timeout=60)[1].decode()
        for _ in range(100):
            if not any(_alive(w) for w in workers):
                break
            threading.Event().wait(0.1)
        assert not any(_alive(w) for w in workers)
        if killed == "a worker":
            assert proc.returncode == ExitCode.INTERNAL
            assert "a worker process stopped (killed, or out of memory?) after" in err and "Traceback" not in err
    finally:
        proc.kill()
        proc.wait()
        for w in workers:  # what the test found alive must not outlive it
            if _alive(w):
                os.kill(w, 9)
