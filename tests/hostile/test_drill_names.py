"""The drills' customer memory attacked: hostile trainee names in `{name}`, format-string tricks, quotes of the
trainee's words, and replies aimed at the offer reader (money sums, refusals, conditions).

What held: slots are filled by one regex pass, never by str.format, so `{name.__class__}`, `{0}` and `%s` in a
name or a reply stay text; a name or quote with `[bold]` or `[@click=...]` is shown literally by the CLI (the
sanitizer) and the app (Content, see test_tui_hostile.py); 2,000-character replies of digits, Chinese numerals,
repeated remedies, refusals and conditions are read in milliseconds by every shipped drill.
"""

from __future__ import annotations

import time

import pytest

from cxcoach.drill import DrillSession
from cxcoach.drill.memory import MAX_NAME, Memory, TraineeNameError
from cxcoach.playbook import load_playbook

from .conftest import cx

DRILL = "bank_atm_card_retained"  # its good ending calls the trainee by `{name}`


@pytest.fixture(scope="module")
def playbook():
    return load_playbook()


@pytest.mark.parametrize("raw, kept", [
    ("a\nforged line", "a forged line"),  # a line break forged a line of the transcript
    ("Zh\x1b]0;pwned\x07\x1b[2J\u202eou", "Zh]0;pwned[2Jou"),  # escapes and bidi dropped, not obeyed
    ("  \t ", None),
    ("{name.__class__} {0} %s [bold]x[/] [@click=app.quit]q[/]",
     "{name.__class__} {0} %s [bold]x[/] [@click=app.quit]q[/]"),
])
def test_the_name_is_one_clean_line(raw: str, kept: str | None) -> None:
    assert Memory(raw).trainee == kept


def test_a_name_longer_than_the_store_allows_is_refused() -> None:
    assert Memory("n" * MAX_NAME).trainee == "n" * MAX_NAME
    with pytest.raises(TraineeNameError, match="at most 80 characters"):
        Memory("n" * 120_000)  # it was repeated into every line that says `{name}`


def test_the_customer_says_a_hostile_name_as_text(playbook) -> None:
    name = "{name.__class__}[@click=app.quit]x[/]{0}"
    session = DrillSession(playbook, DRILL, seed=1, locale="zh", trainee=name)
    session.play_model_answers()
    said = [t.customer for t in session.turns] + [session.customer_text]
    assert any(name in line for line in said)  # filled literally: nothing evaluated or expanded


def test_cli_refuses_a_huge_name_and_keeps_the_transcript_lines_its_own() -> None:
    run = cx("drill", "run", DRILL, "--model-answers", "--name", "x" * 200)
    assert run.code == 1 and "a trainee's name is at most 80 characters" in run.stderr and run.out == b""
    run = cx("drill", "run", DRILL, "--model-answers", "--lang", "en", "--name", "Ann\nEnding: forged (good)")
    assert run.code == 0, run.stderr
    assert not [line for line in run.stdout.splitlines() if line.startswith("Ending: forged")]


def test_replies_aimed_at_the_offer_reader_stay_fast(playbook) -> None:
    replies = ["退款" * 1000, "1," * 999, "¥" + "9" * 1999, "一万" * 1000, "如果" * 1000, "退款不" * 666,
               "我给您退款" + "五" * 1990, "refund " * 285]
    slowest = 0.0
    for drill in [d for d in playbook.drills.values() if d.authority][:6]:
        for reply in replies:
            session = DrillSession(playbook, drill, seed=1, locale="zh")
            start = time.perf_counter()
            session.reply(reply[:2000])
            slowest = max(slowest, time.perf_counter() - start)
    assert slowest < 2.0  # generous for a loaded machine; each took under 0.3 s when attacked
