"""The drill screen with a shipped drill: the customer reacts to what was typed and calls the trainee as entered.

Played through the real screen (typed replies, Enter), so what a trainee sees
is what is checked: a reaction that quotes the rude words, no line twice in a
row, and closing words with the name exactly as typed, markup included.
"""

from __future__ import annotations

from itertools import pairwise

import pytest

from cxcoach.playbook import default_playbook_path, load_playbook
from cxcoach.store import RecordedDrill
from cxcoach.tui.screens.drill import DrillScreen
from cxcoach.tui.screens.flow import play
from cxcoach.tui.screens.report import ReportScreen
from cxcoach.tui.widgets.transcript import Transcript

from .helpers import fill, send, texts

NAME = "[bold]Ann[/bold]"


@pytest.fixture(scope="module")
def shipped():
    return load_playbook(default_playbook_path())


def _bubbles(screen: DrillScreen, kind: str) -> list[str]:
    transcript = screen.query_one(Transcript)
    return [str(getattr(w.visual, "plain", w.visual)) for w in transcript.query(f".-{kind}")]


async def test_the_customer_answers_rudeness_and_closes_with_the_name_as_typed(make_app, shipped) -> None:
    app = make_app(playbook=shipped, lang="en")
    async with app.run_test(size=(100, 40)) as pilot:
        assert app.store is not None
        run = RecordedDrill.start(app.store, app.store.trainee(NAME), shipped, "restaurant_cold_dish", seed=2,
                                  locale="en")
        play(app, run)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        replies = ["Calm down, it's only a fish.",
                   "I'm so sorry, I'd be upset too. I'll take care of this dish myself.",
                   "I'll have the kitchen remake it right now, on your table within 10 minutes.",
                   "This dish is on me. Thank you for telling me."]
        said: list[str] = []
        for reply in replies:
            said = [line.removeprefix("Customer: ") for line in _bubbles(screen, "customer")]
            await fill(pilot, "#reply", reply)
            await send(pilot)
            await pilot.pause()
        assert said[1].startswith("\"it's only a fish\"?")  # the reaction quotes the words that upset her
        assert all(a != b for a, b in pairwise(said))
        assert isinstance(app.screen, ReportScreen)
        closing = texts(app.screen, "#report-closing")
        assert closing == f"Customer: That's more like it, {NAME}. Thank you."  # literal: the name is not markup


async def test_a_line_that_answers_a_blamed_kitchen_only_when_the_kitchen_was_blamed(make_app, shipped) -> None:
    for reply, kitchen in (("厨房的问题，不归我管。", True), ("这是公司规定，我也没办法。", False)):
        app = make_app(playbook=shipped, lang="en")
        async with app.run_test(size=(100, 40)) as pilot:
            assert app.store is not None
            run = RecordedDrill.start(app.store, app.store.trainee("Bo"), shipped, "restaurant_cold_dish", seed=0,
                                      locale="zh")
            run.reply("真对不起，让您久等了，换作是我也会生气。这道菜我来负责处理。")
            play(app, run, resumed=True)
            await pilot.pause()
            await fill(pilot, "#reply", reply)
            await send(pilot)
            await pilot.pause()
            last = _bubbles(app.screen, "customer")[-1]
            assert ("厨房" in last) is kitchen, last
            assert "经理" in last  # both ways it calls for the manager


@pytest.mark.parametrize(("lang", "replies", "told"), [
    ("zh", ["抱歉 理解 负责 今天 回电 感谢", "[bold]我做主[/]给您全单免单。"],
     ["这读起来像一串关键词，不是一句话（6 段里有 6 段是不超过 4 个字的单独词语）", "承诺了却做不到：整单免单"]),
    ("en", ["sorry understand handle today callback thanks refund", "[bold]The whole bill[/] is on me tonight."],
     ["this reads as a list of keywords, not a sentence (0 of 7 words are function words)",
      "Promising and not delivering: a free meal for the whole table"]),
])
async def test_practice_tells_a_keyword_list_and_an_overpromise_at_the_turn(make_app, shipped, lang, replies,
                                                                             told) -> None:
    app = make_app(playbook=shipped, lang=lang)
    async with app.run_test(size=(100, 40)) as pilot:
        assert app.store is not None
        run = RecordedDrill.start(app.store, app.store.trainee(NAME), shipped, "restaurant_cold_dish", seed=0,
                                  locale=lang)
        play(app, run)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        for reply in replies:
            await fill(pilot, "#reply", reply)
            await send(pilot)
            await pilot.pause()
        feedback = _bubbles(screen, "feedback")
        for words in told:
            assert any(words in line for line in feedback), (words, feedback)
        assert replies[1] in "\n".join(_bubbles(screen, "trainee"))  # markup shown as typed
