"""Files, stdin and replies that are endless, huge, not files at all, or not text: bounded, explained, never a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cxcoach.cli import main
from cxcoach.drill.matcher import ReplyContext, evaluate
from cxcoach.errors import ExitCode
from cxcoach.inputs import MAX_INPUT_ENV, MAX_REPLY_CHARS, ReplyTooLong, check_reply, read_input
from cxcoach.playbook import drill_model as dm
from cxcoach.playbook.drill_regex import REPLY_BUDGET, bound_regex

from .conftest import cx

DEV_ZERO = Path("/dev/zero")
CASE = "received_at: 2026-03-06T16:00:00+08:00\nnow: 2026-03-06T16:20:00+08:00\nfacts: {emotion: angry}\n"
needs_dev_zero = pytest.mark.skipif(not DEV_ZERO.exists(), reason="no /dev/zero")


def invoke(*args: str, input: bytes | str | None = None, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), input=input, env=env)


def assert_explained(result, code: int, *words: str) -> None:
    assert result.exit_code == code, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, (word, result.output)


# --- endless and huge inputs ------------------------------------------------------------------

@needs_dev_zero
def test_a_device_as_case_file_is_refused_unread():
    assert_explained(invoke("recommend", "/dev/zero"), ExitCode.INPUT, "/dev/zero", "a device, not a regular file")


@needs_dev_zero
@pytest.mark.parametrize("args", [["recommend", "-"], ["score"], ["drill", "run", "shoe", "--replies", "-"]])
def test_endless_stdin_stops_at_the_limit(args, tiny_dir):
    # /dev/zero never ends: reading everything first would never finish (the subprocess has a timeout)
    extra = ["--playbook", str(tiny_dir)] if args[0] == "drill" else []
    run = cx(*args, *extra, stdin=DEV_ZERO)
    assert run.code == ExitCode.INPUT, run.stderr
    assert "over the size limit of 1,048,576 bytes" in run.stderr and MAX_INPUT_ENV in run.stderr
    assert "Traceback" not in run.stderr


@needs_dev_zero
def test_replies_from_a_device_are_refused(tiny_dir):
    result = invoke("drill", "run", "shoe", "--playbook", str(tiny_dir), "--replies", "/dev/zero")
    assert_explained(result, ExitCode.INPUT, "replies file /dev/zero", "not a regular file")


def test_named_pipe_as_case_or_replies_never_blocks(tmp_path, tiny_dir):
    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)  # nobody ever writes: opening it for reading the usual way blocks forever
    assert_explained(invoke("recommend", str(fifo)), ExitCode.INPUT, "a named pipe, not a regular file")
    result = invoke("drill", "run", "shoe", "--playbook", str(tiny_dir), "--replies", str(fifo))
    assert_explained(result, ExitCode.INPUT, "a named pipe")


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="no /proc")
def test_a_file_that_fails_midway_is_an_input_error():
    # a regular file by its mode, but reading it fails (EIO): an explained error, not a crash
    assert_explained(invoke("recommend", "/proc/self/mem"), ExitCode.INPUT, "cannot read /proc/self/mem")


def test_named_pipes_given_to_case_import_never_block(tmp_path):
    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)
    mapping = tmp_path / "mapping.yaml"
    os.mkfifo(mapping)
    db = str(tmp_path / "desk.sqlite")
    for args in (["case", "import", str(fifo), "--db", db], ["case", "import", str(fifo), "--mapping", str(mapping),
                                                             "--db", db]):
        assert_explained(invoke(*args), ExitCode.INPUT, "a named pipe, not a regular file")


def test_a_folder_as_case_file(tmp_path):
    assert_explained(invoke("recommend", str(tmp_path)), ExitCode.INPUT, "a folder, not a regular file")


def test_the_limit_is_named_and_can_be_raised(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(CASE + "# " + "x" * 2000 + "\n", encoding="utf-8")
    small = invoke("recommend", str(case), "--format", "json", env={MAX_INPUT_ENV: "1000"})
    assert_explained(small, ExitCode.INPUT, "over the size limit of 1,000 bytes", f"set {MAX_INPUT_ENV}")
    assert invoke("recommend", str(case), "--format", "json", env={MAX_INPUT_ENV: "1_000_000"}).exit_code == 0


@pytest.mark.parametrize("value", ["lots", "-5", "0", "1e9"])
def test_a_bad_limit_setting_is_a_usage_error(tmp_path, value):
    case = tmp_path / "case.yaml"
    case.write_text(CASE, encoding="utf-8")
    assert_explained(invoke("recommend", str(case), env={MAX_INPUT_ENV: value}), ExitCode.USAGE, MAX_INPUT_ENV)


def test_read_input_reads_exactly_up_to_the_limit(tmp_path):
    exact = tmp_path / "exact"
    exact.write_bytes(b"x" * 100)
    assert read_input(exact, limit=100) == (b"x" * 100, str(exact))
    with pytest.raises(Exception, match="over the size limit of 99 bytes"):
        read_input(exact, limit=99)


# --- text that is not text ----------------------------------------------------------------------

def test_invalid_utf8_on_stdin_under_a_strict_locale():
    from .conftest import child_env

    run = cx("score", stdin=b"\xe6\x8a\xb1\xe6\xad\x89 \xff\xfe sorry", env=child_env(PYTHONIOENCODING="utf-8:strict"))
    assert run.code == ExitCode.INVALID and "Traceback" not in run.stderr
    assert "<stdin>:1:4: invalid UTF-8 byte 0xff" in run.stderr


@pytest.mark.parametrize(("content", "ok"), [
    (b"\xef\xbb\xbf" + CASE.encode(), True),  # BOM
    (CASE.replace("\n", "\r\n").encode(), True),  # CRLF
    (CASE.encode() + b"id: a\x00b\n", False),  # NUL: not YAML text
    (CASE.encode() + b"# " + b"\n#" * 200_000 + b"\n", True),  # many lines, under the limit
])
def test_case_file_encodings_and_shapes(tmp_path, content, ok):
    case = tmp_path / "case.yaml"
    case.write_bytes(content)
    result = invoke("recommend", str(case), "--format", "json")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert (result.exit_code == 0) is ok, result.output


def test_deep_json_in_a_case_file(tmp_path):
    case = tmp_path / "case.json"
    case.write_text('{"facts": ' + "[" * 20_000 + "]" * 20_000 + "}", encoding="utf-8")
    assert_explained(invoke("recommend", str(case)), ExitCode.INVALID, "E014", "nesting deeper than 64")


# --- values the engine cannot compute with --------------------------------------------------------

@pytest.mark.parametrize("when", ["9999-12-31T23:00:00+08:00", "0001-01-01T00:00:00+00:00",
                                  "2999-12-31T23:00:00-10:00"])
def test_dates_outside_the_engine_s_years(tmp_path, when):
    case = tmp_path / "case.yaml"
    case.write_text(f"received_at: {when}\nnow: {when}\nfacts: {{emotion: angry}}\n", encoding="utf-8")
    result = invoke("recommend", str(case))
    if when.startswith("2999"):  # the last year allowed still gets its deadlines
        assert result.exit_code == 0, result.output
        return
    assert_explained(result, ExitCode.INVALID, "outside the years 1900-2999")


def test_now_option_outside_the_years_is_a_usage_error():
    assert_explained(invoke("recommend", "--set", "emotion=angry", "--now", "9999-12-31T00:00:00+00:00"),
                     ExitCode.USAGE, "outside the years 1900-2999")


def test_integers_beyond_range_in_a_case(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(CASE.replace("{emotion: angry}", "{emotion: " + "9" * 5000 + "}"), encoding="utf-8")
    assert_explained(invoke("recommend", str(case)), ExitCode.INVALID, "E006", "out of range")
    assert len(invoke("recommend", str(case)).output) < 1000  # the 5,000 digits are not echoed back


def test_huge_set_value_is_an_explained_error():
    result = invoke("recommend", "--set", "emotion=" + "x" * 1_000_000, "--format", "json", "--lang", "en")
    assert_explained(result, ExitCode.INVALID, "C023")


# --- replies ----------------------------------------------------------------------------------------

def test_reply_over_the_maximum_is_refused_before_normalising(tiny_dir):
    for args, stdin in ((["--reply", "\ufdfa" * 1_500_000], None), ([], "\ufdfa" * 300_000)):  # NFKC: 18x longer
        result = invoke("score", "--playbook", str(tiny_dir), *args, input=stdin)
        assert_explained(result, ExitCode.INVALID, f"at most {MAX_REPLY_CHARS:,} characters")
    with pytest.raises(ReplyTooLong):
        ReplyContext.of("a" * (MAX_REPLY_CHARS + 1))
    check_reply("a" * MAX_REPLY_CHARS)  # the maximum itself is fine


def test_long_reply_line_in_a_replies_file_names_its_line(tmp_path, tiny_dir):
    replies = tmp_path / "r.txt"
    replies.write_text("sorry\n" + "x" * (MAX_REPLY_CHARS + 1) + "\n", encoding="utf-8")
    result = invoke("drill", "run", "shoe", "--playbook", str(tiny_dir), "--replies", str(replies))
    assert_explained(result, ExitCode.INVALID, "r.txt: line 2:", "at most 2,000 characters")


def test_broken_yaml_replies_file_is_rejected_with_its_position(tmp_path, tiny_dir):
    replies = tmp_path / "r.yaml"
    replies.write_text("- sorry\n- [unclosed\n- refund\n", encoding="utf-8")
    result = invoke("drill", "run", "shoe", "--playbook", str(tiny_dir), "--replies", str(replies))
    assert_explained(result, ExitCode.INVALID, "r.yaml:", "E001", "a .yaml replies file is a YAML list")
    assert "note: read" not in result.output  # never silently read as plain lines


def test_replies_file_says_which_format_it_was_read_as(tmp_path, tiny_dir):
    for name, text, words in (("r.yaml", "- sorry\n- refund\n", "2 replies from {} (a YAML list)"),
                              ("r.txt", "- sorry\n- refund\n", "2 replies from {} (one reply per line)")):
        replies = tmp_path / name
        replies.write_text(text, encoding="utf-8")
        result = invoke("drill", "run", "shoe", "--playbook", str(tiny_dir), "--replies", str(replies))
        assert result.exit_code == 0 and words.format(replies) in result.stderr, result.output


def test_a_yaml_replies_file_that_is_not_a_list(tmp_path, tiny_dir):
    replies = tmp_path / "r.yml"
    replies.write_text("- sorry\n- {a: 1}\n", encoding="utf-8")
    result = invoke("drill", "run", "shoe", "--playbook", str(tiny_dir), "--replies", str(replies))
    assert_explained(result, ExitCode.INVALID, "r.yml:2:3: item 2 is not a reply")


def _costly(n: int) -> dm.AnyOf:
    source = "[a-z]{0,30}[a-z]{0,30}[a-z]{0,30}x"  # passes the per-regex check: cost 29,791
    return dm.AnyOf(tuple(dm.Regex(source, bound_regex(source).pattern, None) for _ in range(n)))


def test_the_regex_budget_bounds_the_whole_reply_not_each_regex():
    # Five regexes that each pass the load-time check would each scan the whole reply: 5 x 59.6M steps.
    cost = bound_regex("[a-z]{0,30}[a-z]{0,30}[a-z]{0,30}x").cost
    ctx = ReplyContext.of("a" * (MAX_REPLY_CHARS - 1) + "x")
    assert evaluate(_costly(5), ctx) == ()  # the x at the end is past what the budget pays for
    spent = REPLY_BUDGET - ctx.regex_budget
    assert 0 <= ctx.regex_budget < cost and spent <= REPLY_BUDGET
    assert 5 * cost * MAX_REPLY_CHARS > 5 * REPLY_BUDGET  # what it would have cost unbudgeted


def test_a_short_reply_sees_every_regex_in_full():
    ctx = ReplyContext.of("a" * 20 + "x")
    assert evaluate(_costly(5), ctx)  # 5 x 29,791 x 21 steps: far inside the budget


def test_the_shipped_playbook_never_exhausts_the_budget(default_pb):
    ctx = ReplyContext.of(("我理解您的心情, 非常抱歉, 我今天下午3点前给您回电话. " * 80)[:MAX_REPLY_CHARS],
                          default_pb.detectors)
    for ident in default_pb.detectors:
        ctx.detector_hits(ident)
    assert ctx.regex_budget > REPLY_BUDGET // 2


def _near_by_brute_force(m: dm.Near, ctx: ReplyContext) -> tuple:
    """`near` as it was first written: every hit of every group against every chosen hit."""
    from cxcoach.drill.matcher import _gap

    groups = [evaluate(item, ctx) for item in m.items]
    if not all(groups):
        return ()
    found = set()
    for first in groups[0]:
        chosen = [first]
        for group in groups[1:]:
            if m.ordered:
                candidates = [h for h in group if h.start >= chosen[-1].end and _gap(chosen[-1], h) <= m.within]
            else:
                candidates = [h for h in group if h not in chosen and min(_gap(c, h) for c in chosen) <= m.within]
            if not candidates:
                break
            chosen.append(min(candidates, key=lambda h: (min(_gap(c, h) for c in chosen), h.start)))
        else:
            found.update(chosen)
    return tuple(sorted(found))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="我您退款换货 ,", max_size=60), st.lists(st.sampled_from(["我", "您", "退款", "换货", "我您"]),
                                                           min_size=1, max_size=4),
       st.integers(0, 12), st.booleans())
def test_near_looks_only_near_but_finds_the_same(reply, words, within, ordered):
    m = dm.Near(tuple(dm.Phrase(w, None) for w in words), within, ordered)
    ctx = ReplyContext.of(reply)
    assert evaluate(m, ctx) == _near_by_brute_force(m, ReplyContext.of(reply))


def test_near_over_a_reply_of_one_repeated_word_is_not_quadratic(monkeypatch):
    # 2,000 hits per item: each first hit looks at the few hits within reach, not at all 2,000
    # (measured in distances computed: the first version needed some 24 million here, 20 s)
    from cxcoach.drill import matcher

    gaps = []
    real_gap = matcher._gap
    monkeypatch.setattr(matcher, "_gap", lambda a, b: gaps.append(1) or real_gap(a, b))
    m = dm.Near(tuple(dm.Phrase("我", None) for _ in range(4)), 10, False)
    assert len(evaluate(m, ReplyContext.of("我" * MAX_REPLY_CHARS))) == MAX_REPLY_CHARS
    assert len(gaps) < 2_000_000


@pytest.mark.parametrize(("pattern", "cost"), [
    ("(only|just|merely) x", 1),  # different first letters: one branch at most gets past its first step
    ("(this|that|those) x", 1),  # the parser takes the shared "th" out: is, at, ose differ again
    ("([ab]x|[ab]y|c)", 3),  # a class may start either of the first two: both go on, and c
    ("(Kick|kid|\u212aeep)", 3),  # the Kelvin sign matches k when case is ignored: no cheaper for it
    ("(我们|您|我) [a-z]{0,9}", 20),  # 我们 and 我 share 我: 2 ways, times the repeat's 10
])
def test_alternatives_cost_only_when_they_can_both_go_on(pattern, cost):
    assert bound_regex(pattern).cost == cost
