"""The CLI's `error:` lines speak the command's --lang, keep their `where: what (how)` shape and exit codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxcoach.cli import main
from cxcoach.cli.messages import MESSAGES, language, say

COACH = str(Path(__file__).parent / "tui" / "fixtures" / "coach")
CASE = "received_at: 2026-03-06T10:00:00+08:00\nfacts: {severity: bogus}\n"


def _run(args: list[str], stdin: str | None = None):
    result = CliRunner().invoke(main, args, input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def test_every_message_has_both_languages_with_the_same_fields() -> None:
    fields = re.compile(r"\{(\w+)")
    assert MESSAGES["en"].keys() == MESSAGES["zh"].keys()
    for code, english in MESSAGES["en"].items():
        assert set(fields.findall(english)) == set(fields.findall(MESSAGES["zh"][code])), code


@pytest.mark.parametrize(("lang", "expected"), [("zh", "zh"), ("zh-CN", "zh"), ("ZH_tw", "zh"), ("en", "en"),
                                                ("fr", "en"), (None, "en")])
def test_language_of_a_lang_option(lang: str | None, expected: str) -> None:
    assert language(lang) == expected


def test_a_missing_word_falls_back_to_english() -> None:
    assert say("reply_empty", "fr") == "the reply is empty"


@pytest.mark.parametrize(("lang", "line"), [
    ("en", "error: unknown drill 'nope' (known: "),
    ("zh", "错误：没有演练 'nope'（已有："),
])
def test_unknown_drill(lang: str, line: str) -> None:
    code, err = _run(["drill", "run", "nope", "--model-answers", "--playbook", COACH, "--lang", lang])
    assert code == 1
    assert err.startswith(line), err


def test_a_field_named_lang_is_a_field() -> None:
    """`--lang fr` quoted in the message: the field `lang` is not the language to speak."""
    code, err = _run(["drill", "run", "late_parcel", "--model-answers", "--playbook", COACH, "--lang", "fr"])
    assert code == 1
    assert err.startswith("error: language 'fr' is not available here (choose from: "), err


@pytest.mark.parametrize(("lang", "heading"), [("en", "error: invalid case:\n  - "), ("zh", "错误：案例有误：\n  - ")])
def test_an_invalid_case_lists_its_problems_under_the_heading(lang: str, heading: str) -> None:
    code, err = _run(["recommend", "--playbook", COACH, "--lang", lang, "-"], CASE)
    assert code == 1
    assert err.startswith(heading) and "$.facts.severity" in err, err


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "item 2 is an empty reply (write what you would say to the customer)"),
    ("zh", "第 2 项是空回复（写下你会对顾客说的话）"),
])
def test_a_replies_file_error_keeps_file_line_col(tmp_path: Path, lang: str, message: str) -> None:
    replies = tmp_path / "replies.yaml"
    replies.write_text("- 您好，非常抱歉\n- '  '\n", encoding="utf-8")
    code, err = _run(["drill", "run", "late_parcel", "--replies", str(replies), "--playbook", COACH, "--lang", lang])
    assert code == 1
    prefix = "错误：" if lang == "zh" else "error: "
    assert err.strip() == f"{prefix}{replies}:2:3: {message}"


@pytest.mark.parametrize(("lang", "heading"), [("en", "error: playbook {} is invalid:"),
                                               ("zh", "错误：手册 {} 有错误：")])
def test_a_broken_playbook_exits_3_in_either_language(tmp_path: Path, lang: str, heading: str) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "playbook.yaml").write_text("playbook: [unclosed\n", encoding="utf-8")
    code, err = _run(["score", "--reply", "非常抱歉", "--playbook", str(broken), "--lang", lang])
    assert code == 3
    first, *problems = err.splitlines()
    assert first == heading.format(broken)
    assert problems and re.match(r".*playbook\.yaml:\d+:\d+: error E0\d\d: ", problems[0]), err


def test_the_group_lang_reaches_a_command_without_its_own(tmp_path: Path) -> None:
    """`cxcoach --lang zh validate ...`: the app's --lang is the interface language of every command."""
    code, err = _run(["--lang", "zh", "score", "--playbook", COACH], "   ")
    assert (code, err.strip()) == (1, "错误：回复是空的")
