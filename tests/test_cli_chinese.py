"""A `--lang zh` run shows no English: Click's own words, the CLI's usage errors, unreadable inputs, case notes.

The check is mechanical: once ids, codes, option names, metavars, paths and
quoted input are taken out, no ASCII word of three letters or more may be left.
English runs keep their exact words, also after a Chinese run in the same process.
"""

from __future__ import annotations

import gettext
import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cxcoach.cli import asks_for_chinese, main
from cxcoach.cli.click_words import DOMAIN, LOCALE_DIR
from cxcoach.engine.case_problems import note_text
from cxcoach.engine.result import RESULT_FIELDS
from cxcoach.inputs import InputError, read_input

CASE = "received_at: 2026-03-06T16:00:00+08:00\nnow: 2026-03-06T16:20:00+08:00\nfacts: {emotion: angry}\n"
NO_RECEIVED = "now: 2026-03-06T16:20:00+08:00\nfacts: {emotion: angry}\n"
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”|`[^`]*`|\{[^}]*\}")  # quoted input, {placeholders}
_GAPS = re.compile(r"[\s\u2000-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")  # spaces, Chinese, its punctuation
_WORD = re.compile(r"[A-Za-z]{3,}")
_NAMES = {"SQLite", "Schema", "Mermaid"}  # proper names (JSON Schema) are not translated


def english_words(text: str, ids: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """ASCII words a Chinese reader would have to read as English: what is left after ids, codes and paths."""
    left = []
    for token in _GAPS.split(_QUOTED.sub(" ", text)):
        token = token.strip("()[]{}<>,;.:!?+")
        if (not token or token in ids or token in _NAMES or token.isupper() or token.startswith("-")
                or any(c in token for c in "/_.=$|0123456789")):
            continue  # an id, a name, an option, a METAVAR, choices, a path, a code like C021 or a value like 3d
        left += _WORD.findall(token)
    return left


def _run(args: list[str], stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, args, input=stdin, prog_name="cxcoach")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def case_file(tmp_path: Path) -> str:
    path = tmp_path / "case.yaml"
    path.write_text(CASE, encoding="utf-8")
    return str(path)


BAD_INPUT = [
    (["--bogus"], set()),
    (["recomend"], set()),
    (["recommend"], set()),
    (["recommend", "--set", "a"], set()),
    (["recommend", "--stream", "{case}"], set()),
    (["recommend", "--workers", "2", "{case}"], set()),
    (["recommend", "--format", "markdown", "--stream"], set()),
    (["recommend", "--fields", "recomendations", "--format", "json", "{case}"], {"all", *RESULT_FIELDS}),
    (["recommend", "--fields", ",", "--format", "json", "{case}"], {"recommendations,deadlines"}),
    (["recommend", "--fields", "all", "{case}"], {"json"}),
    (["recommend", "--now", "yesterday", "{case}"], set()),
    (["recommend", "--format", "yaml", "{case}"], {"text", "json", "markdown"}),
    (["recommend", "{missing}"], set()),
    (["recommend", "{folder}"], set()),
    (["drill", "run"], set()),
    (["drill", "run", "bank_queue_wait", "--replies", "{missing}"], set()),
    (["score", "--reply", "您好", "--rubric", "nope"], {"first_reply", "conversation"}),
    (["calendar", "--year", "1800"], set()),
    (["calendar", "--month", "13"], set()),
    (["calendar", "--year", "2026", "--month", "2026-01"], set()),
    (["report", "monthly", "--month", "bad"], set()),
    (["report", "monthly", "--month", "2026-10", "-o", "{pdf}"], set()),
    (["demo", "--month", "99"], set()),
    (["validate", "{missing}"], set()),
    (["new"], {"playbook", "drill", "rule", "tests"}),
]


@pytest.mark.parametrize(("args", "ids"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_a_zh_error_has_no_english_word(tmp_path: Path, case_file: str, args: list[str], ids: set[str]) -> None:
    fill = {"{case}": case_file, "{missing}": str(tmp_path / "nonexist.yaml"), "{folder}": str(tmp_path),
            "{pdf}": str(tmp_path / "report.pdf")}
    code, _, err = _run(["--lang", "zh", *(fill.get(a, a) for a in args)], stdin="")
    assert code != 0 and err.strip()
    assert "错误：" in err
    assert english_words(err, {"cxcoach", *args, *ids}) == [], err  # command names and what was typed are echoed


def test_a_commands_own_lang_zh_is_enough(case_file: str) -> None:
    code, _, err = _run(["recommend", case_file, "--lang", "zh", "--fields", "x", "--format", "json"])
    assert code == 2 and "--fields 的值无效" in err
    assert english_words(err, {"cxcoach", "recommend", "all", *RESULT_FIELDS}) == [], err


def test_zh_help_pages_have_chinese_headings() -> None:
    code, out, _ = _run(["--lang", "zh", "case", "--help"])
    assert code == 0
    assert out.startswith("用法：cxcoach case ") and "\n选项：\n" in out and "\n命令：\n" in out


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_the_missing_received_at_note_is_worded_in_the_results_locale(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(NO_RECEIVED, encoding="utf-8")
    for lang, words in (("zh", "没有给出 received_at：时限从现在起算"),
                        ("en", "no received_at given: deadlines are counted from now")):
        code, out, _ = _run(["recommend", str(path), "--lang", lang, "--format", fmt])
        assert code == 0
        shown = words.replace("_", "\\_") if fmt == "markdown" else words
        assert shown in out, out
    assert note_text("N001", "fr") == note_text("N001", "en")


def test_zh_text_reasons_and_sources_are_worded_in_chinese(case_file: str) -> None:
    code, out, _ = _run(["recommend", case_file, "--lang", "zh", "--now", "2026-03-09T17:00:00+08:00"])
    assert code == 0
    because = [line for line in out.splitlines() if "依据：" in line or "截止 " in line]
    assert because and all(" overdue " not in line and "(" not in line for line in because), because
    assert any("已超时 resolve）" in line for line in because) and any("（3d，步骤；" in line for line in because)


def test_english_runs_keep_their_words_after_a_chinese_run(case_file: str) -> None:
    _run(["--lang", "zh", "--bogus"])
    _run(["--lang", "zh", "validate", "/no/such/path"])
    _, _, err = _run(["--bogus"])
    assert err == "Usage: cxcoach [OPTIONS] [COMMAND] [ARGS]...\nTry 'cxcoach --help' for help.\n\n" \
                  "Error: No such option '--bogus'.\n"
    _, _, err = _run(["validate", "/no/such/path"])
    assert "Error: Invalid value for '[PATHS]...': Path '/no/such/path' does not exist." in err
    _, out, _ = _run(["case", "--help"])
    assert out.startswith("Usage: cxcoach case ") and "\nOptions:\n" in out
    _, _, err = _run(["recommend", case_file, "--fields", "recomendations", "--format", "json"])
    assert "Invalid value for --fields: unknown field 'recomendations' (did you mean 'recommendations'?)" in err


def test_the_installed_command_words_usage_errors_when_it_shows_them() -> None:
    """`cxcoach` (command.py) shows Click's errors after the group returns: still in Chinese."""
    done = subprocess.run([sys.executable, "-m", "cxcoach", "--lang", "zh", "recommend", "--bogus"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == ("用法：cxcoach recommend [OPTIONS] [CASE_FILE|-]\n"
                           "运行“cxcoach recommend --help”查看帮助。\n\n错误：没有选项 '--bogus'。\n")


@pytest.mark.parametrize(("args", "expected"), [
    (["--lang", "zh", "recommend"], True), (["recommend", "--lang=zh-CN"], True), (["--lang", "zh_TW"], True),
    (["--lang", "zh", "drill", "list", "--lang", "en"], False), (["--lang", "en"], False), ([], False),
    (["score", "--", "--lang", "zh"], False), (["--lang"], False),
])
def test_asks_for_chinese_reads_the_last_lang(args: list[str], expected: bool) -> None:
    assert asks_for_chinese(args) is expected


def test_an_unreadable_input_is_explained_in_either_language(tmp_path: Path) -> None:
    with pytest.raises(InputError) as missing:
        read_input(tmp_path / "gone.yaml", "case file")
    assert missing.value.explain("zh") == f"无法读取案例文件 {tmp_path / 'gone.yaml'}：没有这个文件"
    assert missing.value.explain("en") == str(missing.value) == \
        f"cannot read case file {tmp_path / 'gone.yaml'}: No such file or directory"
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 11)
    with pytest.raises(InputError) as large:
        read_input(big, "replies file", limit=10)
    assert large.value.explain("zh") == (f"无法读取 {big}：超过 10 字节的大小上限；"
                                         "如确需读取，请把 CXCOACH_MAX_INPUT_BYTES 设为更大的字节数")


def _po_catalogue(path: Path) -> dict[object, str]:
    """msgid (or (msgid, n) for plural forms) -> msgstr, read from the .po source."""
    entries: list[dict[str, str]] = []
    current: dict[str, str] = {}
    key = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
        if m:
            if m[1] == "msgid" and current:
                entries.append(current)
                current = {}
            key = m[1]
            current[key] = ""
            text = m[2]
        else:
            text = line.strip()[1:-1]
        current[key] += text.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
    entries.append(current)
    out: dict[object, str] = {}
    for e in entries:
        if "msgid_plural" in e:
            out.update({(e["msgid"], int(k[7])): v for k, v in e.items() if k.startswith("msgstr[")})
        else:
            out[e["msgid"]] = e["msgstr"]
    return out


def test_the_compiled_catalogue_is_the_po_file() -> None:
    po = LOCALE_DIR / "zh" / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    assert compiled == _po_catalogue(po), "recompile: msgfmt -o cxcoach-click.mo cxcoach-click.po"


def test_every_catalogue_message_is_still_clicks_own() -> None:
    source = "".join(p.read_text(encoding="utf-8") for p in Path(click.__file__).parent.glob("*.py"))
    po = LOCALE_DIR / "zh" / "LC_MESSAGES" / f"{DOMAIN}.po"
    for msgid in {k[0] if isinstance(k, tuple) else k for k in _po_catalogue(po)} - {""}:
        assert repr(msgid)[1:-1].replace("\\'", "'") in source, f"Click no longer says {msgid!r}"
    for key, text in _po_catalogue(po).items():
        if key != "":
            assert english_words(text) == [], (key, text)


def test_a_stream_line_that_is_not_json_is_explained_in_chinese() -> None:
    code, out, _ = _run(["--lang", "zh", "recommend", "--stream", "--workers", "1"], stdin='nojson\n{"a" 1}\n')
    assert code == 1
    lines = [json.loads(line) for line in out.splitlines()]
    assert [e["errors"][0]["code"] for e in lines] == ["E001", "E001"]
    assert [e["error"] for e in lines] == ["不是合法的 JSON：第 1 列应当有一个值",
                                          "不是合法的 JSON：第 6 列缺少冒号 ':'"]
    _, out, _ = _run(["recommend", "--stream", "--workers", "1", "--lang", "en"], stdin="nojson\n")
    assert json.loads(out)["error"] == "not valid JSON: Expecting value at column 1"


def _commands(command: click.Command, path: str = "cxcoach"):
    """Every command under `command`, with its path, the lazily imported ones included."""
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, name
            yield from _commands(sub, f"{path} {name}")


def test_every_commands_summary_has_chinese_words() -> None:
    from cxcoach.cli.help_zh import SHORT

    missing = [path for path, command in _commands(main)
               if command.help and path != "cxcoach" and command.get_short_help_str(10_000) not in SHORT]
    assert missing == [], "add their first sentence to cli/help_zh.py SHORT"


PAGES = [path for path, _ in _commands(main)]  # every help page
# Words of the examples a page shows as they are typed (YAML keys, a TOML setting, a folder name).
EXAMPLES = {"cxcoach calibrate": {"answers", "split"}, "cxcoach lint": {"noqa", "ignore"},
            "cxcoach new": {"acme", "generated", "playbook", "drill", "rule", "tests"}}  # and its KIND values


@pytest.mark.parametrize("path", PAGES)
def test_every_help_page_has_every_text_in_chinese(path: str) -> None:
    """An edited or added English help fails here until its Chinese is written too."""
    import inspect

    from cxcoach.cli.help_zh import HELP, SHORT

    command = dict(_commands(main))[path]
    texts = [inspect.cleandoc(command.help or ""), "Show this message and exit."]
    texts += [p.help for p in command.params if isinstance(p, click.Option) and p.help]
    assert [t for t in texts if t not in HELP and t not in SHORT] == []


HELP_IDS = {"cxcoach", "recommend", "validate", "zh", "en", "all", "id", "now", "facts", "pauses", "from", "to",
            "line", "errors", "text", "json", "markdown", "texts", "fired", "strategies", "roles", *RESULT_FIELDS,
            "md", "html", "previous"}  # format names, and a flag's default shown by its name


@pytest.mark.parametrize("path", PAGES)
def test_zh_help_pages_hold_no_english(path: str) -> None:
    code, out, _ = _run(["--lang", "zh", *path.split()[1:], "--help"])
    assert code == 0 and "选项：" in out
    names = {word for name, _ in _commands(main) for word in name.split()}
    assert english_words(out, HELP_IDS | names | EXAMPLES.get(path, set())) == [], out


@pytest.mark.parametrize("group", ["case", "drill", "report", "export"])
def test_zh_command_lists_are_chinese(group: str) -> None:
    code, out, _ = _run(["--lang", "zh", group, "--help"])
    listed = out.split("命令：\n", 1)[1]
    names = {word for path, _ in _commands(main) for word in path.split()}
    assert code == 0 and english_words(listed, names | {"json"}) == [], listed


def test_english_help_pages_are_as_declared() -> None:
    _run(["--lang", "zh", "recommend", "--help"])
    _, out, _ = _run(["recommend", "--help"])
    assert "\n  Recommend next steps, deadlines and escalation for a case.\n\n  A case is YAML or JSON:" in out
    assert "Show this message and exit.\n" in out and "显示" not in out


def test_the_desk_speaks_its_language(tmp_path: Path) -> None:
    """`cxcoach case` words its lines in the desk's language: --lang, else the playbook's first (zh here)."""
    db = ["--db", str(tmp_path / "desk.sqlite")]
    code, out, _ = _run(["case", "open", "--set", "severity=general", "--set", "channel=phone", "--id", "T-1",
                         "--at", "2026-03-06 10:00", *db])
    assert code == 0 and out.startswith("案例 T-1（#1）已登记：阶段 received，下一个截止 ")
    code, out, _ = _run(["case", "update", "T-1", "--note", "回电", "--at", "2026-03-06 10:30", *db])
    shown = _run(["case", "show", "T-1", "--now", "2026-03-06 11:00", *db])[1]
    listed = _run(["case", "list", "--now", "2026-03-06 11:00", *db])[1]
    assert "时间线" in shown and listed.startswith("案例 阶段 ")
    frame = shown.split("\n\n案例 T-1 · ")[0]  # the desk's own lines, before the engine's rendering
    assert english_words(frame + listed, {"received"}) == [], frame + listed
    code, out, _ = _run(["case", "list", "--now", "2026-03-06 11:00", "--lang", "en", *db])
    assert out.startswith("case stage ")
    code, _, err = _run(["--lang", "zh", "case", "update", "T-1", "--stage", "nowhere", *db])
    assert code == 7 and err.startswith("错误：事件被拒绝，什么也没有写入：\n  ")  # the refusals are the desk's own
