"""The headless commands: `cxcoach drill list|run` and `cxcoach score`, through click's CliRunner."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from click.testing import CliRunner

from cxcoach.cli import main
from cxcoach.errors import ExitCode


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_drill_list_text_and_json(tiny_dir):
    result = run("drill", "list", "--playbook", str(tiny_dir))
    assert result.exit_code == 0 and "shoe" in result.output and "emotional" in result.output
    rows = json.loads(run("drill", "list", "--playbook", str(tiny_dir), "--format", "json").output)
    assert rows == [{"id": "shoe", "title": "鞋子开胶", "difficulty": "easy", "customer_type": "emotional",
                     "locales": ["zh", "en"]}]


def test_drill_run_from_a_yaml_list(tiny_dir, tmp_path):
    replies = tmp_path / "replies.yaml"
    replies.write_text("- 换作是我也会生气，对不起\n- 我给您换货\n", encoding="utf-8")
    result = run("drill", "run", "shoe", "--playbook", str(tiny_dir), "--replies", str(replies), "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "结局：解决（好结局）" in result.output and "得分：100/100" in result.output
    assert "（shoe，简单，随机种子 3）" in result.output  # every word of a Chinese report in Chinese
    assert "第1轮「换作是我」" in result.output
    assert not re.search(r"[\u4e00-\u9fff][:,(]|[:,(][\u4e00-\u9fff]", result.output.split("\n", 1)[1])  # 全角


def test_drill_run_from_lines_json_in_english(tiny_dir, tmp_path):
    replies = tmp_path / "replies.txt"
    replies.write_text("I understand, sorry\n\nI'll refund you\n", encoding="utf-8")
    result = run("drill", "run", "shoe", "--playbook", str(tiny_dir), "--replies", str(replies), "--format", "json")
    data = json.loads(result.stdout)
    assert "2 replies from" in result.stderr and "one reply per line" in result.stderr
    assert data["locale"] == "en" and data["ending"]["id"] == "done" and data["passed"]
    assert data["record"]["seed"] == 0 and len(data["turns"]) == 2
    assert data["turns"][0]["behaviours"][0]["spans"][0]["text"] in {"I understand", "sorry"}


def test_drill_run_model_answers(tiny_dir):
    result = run("drill", "run", "shoe", "--playbook", str(tiny_dir), "--model-answers", "--lang", "en")
    assert result.exit_code == 0 and "Resolved (good)" in result.output


def test_unfinished_drill_notes_on_stderr(tiny_dir, tmp_path):
    replies = tmp_path / "r.txt"
    replies.write_text("换作是我也会生气\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["drill", "run", "shoe", "--playbook", str(tiny_dir),
                                                       "--replies", str(replies)])
    assert result.exit_code == 0 and "提示：演练还没结束：顾客还在节点 " in result.stderr
    assert "note:" not in result.stderr and "提示：从 " in result.stderr
    assert "读到 1 条回复（每行一条回复）" in result.stderr
    english = CliRunner().invoke(main, ["drill", "run", "shoe", "--playbook", str(tiny_dir), "--replies",
                                        str(replies), "--lang", "en"])
    assert "note: the drill is not finished: the customer is waiting at node " in english.stderr


def test_errors_go_to_stderr_without_traceback(tiny_dir, tmp_path):
    runner = CliRunner()
    for args, code in ((["drill", "run", "nope", "--playbook", str(tiny_dir), "--model-answers"], 1),
                       (["drill", "run", "shoe", "--playbook", str(tiny_dir)], 1),
                       (["drill", "run", "shoe", "--playbook", str(tiny_dir),
                         "--replies", str(tmp_path / "missing.txt")], ExitCode.INPUT),
                       (["drill", "run", "shoe", "--playbook", str(tiny_dir), "--model-answers", "--lang", "fr"], 1),
                       (["score", "--reply", "hi", "--playbook", str(tiny_dir), "--rubric", "nope"], 1),
                       (["score", "--reply", "   ", "--playbook", str(tiny_dir)], 1)):
        result = runner.invoke(main, args)
        assert result.exit_code == code, args
        assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr, args


def test_invalid_playbook_lists_problems(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "playbook.yaml").write_text("playbook: {id: x}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["score", "--reply", "hi", "--playbook", str(bad)])
    assert result.exit_code == ExitCode.PLAYBOOK and "is invalid" in result.stderr and "E1" in result.stderr


def test_score_text_json_and_stdin(tiny_dir):
    text = run("score", "--reply", "我理解您，给您退款", "--playbook", str(tiny_dir))
    assert text.exit_code == 0 and "得分：73/100" in text.output
    data = json.loads(run("score", "--playbook", str(tiny_dir), "--format", "json",
                          input="I understand, refund").output)
    assert data["score"] == 73 and data["locale"] == "en"
    assert {b["detector"] for b in data["behaviours"]} == {"empathy", "remedy"}
    assert data["missed"][0]["criterion"] == "r_sorry"


def test_score_text_names_behaviours_in_the_replys_language(tiny_dir):
    zh = run("score", "--reply", "我理解您，给您退款", "--playbook", str(tiny_dir)).output
    assert "【好】empathy" in zh and "「理解您」@1-4" in zh and "[good]" not in zh and "'" not in zh
    en = run("score", "--reply", "I understand, refund", "--playbook", str(tiny_dir)).output
    assert '[good] empathy' in en and '"I understand"@0-12' in en


def test_score_default_playbook_orders_good_above_bad():
    good = json.loads(run("score", "--format", "json", "--reply",
                          "非常抱歉让您久等了，我理解您的心情。我是小李，由我负责处理，今天下午5点前给您回电话。").output)
    bad = json.loads(run("score", "--format", "json", "--reply", "这是您自己操作不当，跟我们没关系。").output)
    assert good["score"] >= 60 and good["passed"] and bad["score"] == 0 and not bad["passed"]


def test_headless_commands_never_import_textual():
    code = ("import sys; from click.testing import CliRunner; from cxcoach.cli import main; "
            "r = CliRunner().invoke(main, ['score', '--reply', '对不起', '--format', 'json']); "
            "assert r.exit_code == 0, r.output; "
            "r = CliRunner().invoke(main, ['drill', 'list']); assert r.exit_code == 0, r.output; "
            "bad = [m for m in sys.modules if m.startswith(('textual', 'jieba'))]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_score_shows_the_same_arithmetic_in_text_and_json(tiny_dir):
    reply = "对不起，给您退款。您搞错了"
    text = run("score", "--reply", reply, "--playbook", str(tiny_dir)).output
    data = json.loads(run("score", "--reply", reply, "--playbook", str(tiny_dir), "--format", "json").output)
    details = data["details"]
    # 100 × 70/110 = 63.64, rounded 64, minus the arguing penalty 15: the line adds up and both outputs show it
    line = "100 × 70/110（≈ 63.64 → 64） − 15（扣分） = 49"
    assert details["arithmetic"] == line
    assert (details["earned"], details["available"], details["base"], details["deductions"][0]["points"],
            data["score"]) == (70, 110, 64, 15, 49)
    assert f"计算：{line}" in text and "合计：70/110" in text
    assert "+20/20" in text and "−15  争辩" in text and "0/30  共情" in text
    crit = {c["id"]: c for c in details["criteria"]}
    assert crit["r_sorry"]["available"] == 20 and crit["r_feel"]["points"] == 0


def test_drill_run_report_adds_up_and_names_the_satisfaction_scale(tiny_dir, tmp_path):
    replies = tmp_path / "r.yaml"
    replies.write_text("- 换作是我也会生气，对不起\n- 我给您换货\n", encoding="utf-8")
    text = run("drill", "run", "shoe", "--playbook", str(tiny_dir), "--replies", str(replies), "--lang", "en").output
    data = json.loads(run("drill", "run", "shoe", "--playbook", str(tiny_dir), "--replies", str(replies),
                           "--lang", "en", "--format", "json").stdout)  # stdout: the replies note goes to stderr
    assert f"Arithmetic: {data['details']['arithmetic']}" in text
    assert data["details"]["arithmetic"].endswith(f"= {data['score']}")
    assert "satisfaction c = perceived b / expected a: ≥ 1 Happy · ≥ 0.5 Meh · ≥ 0 Angry" in text
    assert [s["state"] for s in data["satisfaction"]["scale"]] == ["happy", "meh", "angry"]


def test_a_replies_file_with_nothing_to_say_is_refused_with_its_position(tiny_dir, tmp_path):
    runner = CliRunner()
    cases = {"empty.txt": ("", "empty.txt:1:1: no replies in the file (write one reply per line)"),
             "blank.txt": ("\n  \n\n", "blank.txt:1:1: no replies in the file (write one reply per line)"),
             "none.yaml": ("[]\n", "none.yaml:1:1: no replies in the file (write one `- reply` per turn)"),
             "gap.yaml": ("- 对不起\n- \"  \"\n",
                          "gap.yaml:2:3: item 2 is an empty reply (write what you would say to the customer)")}
    for name, (body, message) in cases.items():
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        result = runner.invoke(main, ["drill", "run", "shoe", "--playbook", str(tiny_dir), "--replies", str(path)])
        assert result.exit_code == 1, name
        assert result.stderr.strip().endswith(message), result.stderr
        assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_json_replies_file_is_a_list_of_replies(tiny_dir, tmp_path):
    """`["...", "..."]` is two replies, not one line of brackets and quotes; a broken one names its position."""
    path = tmp_path / "r.json"
    replies = ["换作是我也会生气，对不起", "我给您换货"]
    path.write_text(json.dumps(replies, ensure_ascii=False, indent=2), encoding="utf-8")
    result = CliRunner().invoke(main, ["drill", "run", "shoe", "--playbook", str(tiny_dir), "--replies", str(path),
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [t["reply"] for t in json.loads(result.stdout)["turns"]][:2] == replies
    path.write_text('["对不起",\n  "我给您换货"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["drill", "run", "shoe", "--playbook", str(tiny_dir), "--replies", str(path)])
    assert result.exit_code == 1 and "r.json:3:1: error E001" in result.stderr and "Traceback" not in result.stderr


def test_silence_earns_nothing_not_even_none_of_the_wrong_ways(tiny_dir):
    from cxcoach.drill import DrillSession
    from cxcoach.playbook import load_playbook

    session = DrillSession(load_playbook(tiny_dir), "shoe", seed=0, locale="zh")
    score = session.score()
    assert score.earned == 0 and score.score == 0
    assert all(r.status.value != "met" for r in score.criteria)


def test_a_passing_score_in_an_unfinished_drill_says_why_it_failed(default_pb, tmp_path):
    replies = tmp_path / "r.txt"
    replies.write_text("真对不起让您久等了，菜凉了换作是我也会生气，这件事我来处理。\n"
                       "我马上让厨房给您重新做一份，10分钟内端上来，您看可以吗？\n", encoding="utf-8")
    base = ["drill", "run", "restaurant_cold_dish", "--replies", str(replies)]
    for lang, why in (("zh", "）→ 未通过（对话还没结束）"),
                      ("en", ") -> failed (the conversation did not reach an ending)")):
        text = run(*base, "--lang", lang).stdout
        (headline,) = [ln for ln in text.splitlines() if ln.startswith(("得分：", "Score: "))]
        assert headline.endswith(why) and ("（通过，" if lang == "zh" else "(passed,") in headline
        data = json.loads(run(*base, "--lang", lang, "--format", "json").stdout)
        assert data["passed"] is False and data["failed_because"] == why.split("（" if lang == "zh" else " (")[-1][:-1]


def test_the_guessed_language_is_named_and_can_be_chosen(tiny_dir, tmp_path):
    replies = tmp_path / "mixed.txt"
    replies.write_text("I'm sorry, OK吗？\nI'll refund you\n", encoding="utf-8")
    base = ["drill", "run", "shoe", "--playbook", str(tiny_dir), "--replies", str(replies)]
    guessed = CliRunner().invoke(main, base)
    assert "提示：演练语言为 zh（回复里有汉字；可用 --lang 指定）" in guessed.stderr  # told in the drill's language
    assert "得分" in guessed.stdout
    chosen = CliRunner().invoke(main, [*base, "--lang", "en"])
    assert "playing the drill" not in chosen.stderr and "Score" in chosen.stdout
    assert "note: read 2 replies from" in chosen.stderr and "提示" not in chosen.stderr
