"""The drill report screen shows the same figures as `cxcoach drill run --format text/json`, and shows them literally.

A shipped drill is played with a hint, a misconduct reply and a reply whose
apology a "but" takes back, so the report has penalties, a hint cost, a
halved criterion and rounding; the screen must agree with the text and JSON
reports number for number.
"""

from __future__ import annotations

import itertools
import re

import pytest

from cxcoach.drill.report import drill_json, drill_text, points_label
from cxcoach.playbook import default_playbook_path, load_playbook
from cxcoach.store import RecordedDrill, Store
from cxcoach.tui.screens.flow import show_report
from cxcoach.tui.screens.report import ReportScreen

from .helpers import texts

REPLIES = {
    "en": ["I'm sorry, but that's our policy.", "Calm down, it's only 300 more.",
           "I'll have the meter tested and call you back by 5 pm today."],
    "zh": ["很抱歉，但这是公司规定。", "您别生气，一个月多三百块而已。", "我安排校验电表，今天下午五点前给您回电话。"],
}
NAME = "[bold]Ann[/bold]"
SIZE = (100, 60)


@pytest.fixture(scope="module")
def shipped():
    return load_playbook(default_playbook_path())


def _played(shipped, db, clock, locale: str) -> RecordedDrill:
    with Store.open(db, clock=clock) as store:
        trainee = store.trainee(NAME)
        run = RecordedDrill.start(store, trainee, shipped, "utility_bill_too_high", seed=3, locale=locale)
        run.hint()
        for reply in REPLIES[locale]:
            if run.session.finished:
                break
            run.reply(reply)
        return run


async def _report_screen(pilot, run: RecordedDrill) -> ReportScreen:
    show_report(pilot.app, run.session.report(), run)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReportScreen)
    return screen


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_screen_shows_the_same_numbers_as_text_and_json(make_app, shipped, db, clock, lang) -> None:
    run = _played(shipped, db, clock, lang)
    report = run.session.report()
    data = drill_json(shipped, report)
    text = drill_text(shipped, report)
    details = data["details"]
    assert isinstance(details, dict)
    assert details["hint_cost"] and details["deductions"]  # the case worth checking: hints and penalties
    app = make_app(playbook=shipped, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _report_screen(pilot, run)
        arithmetic = texts(screen, "#report-arithmetic")
        assert arithmetic.split("：" if lang == "zh" else ": ", 1)[1] == details["arithmetic"]
        assert details["arithmetic"] in text
        assert f"{data['score']}/100" in texts(screen, "#report-score")
        total = texts(screen, "#report-total")
        assert f"{details['earned']:g}/{details['available']:g}" in total
        penalties = sum(d["points"] for d in details["deductions"] if d["id"] != "hints")
        assert f"−{penalties:g}" in total and f"−{details['hint_cost']}" in total
        shown = texts(screen, ".criterion")
        for result in report.score.criteria:
            label = points_label(result)
            title = result.criterion.title.get(lang)
            if result.status.value != "na" and (result.points or result.criterion.kind.value == "weight"):
                assert re.search(rf"{re.escape(title)}\s+\S+\s+{re.escape(label)}", shown), (title, label)
                assert f"{label}  {title}" in text or result.status.value == "clear"
        missed = data["missed"]
        assert isinstance(missed, list) and missed
        # no remedy was offered: no suggested line puts one of the drill's remedies in the trainee's mouth
        remedies = report.drill.authority.remedies if report.drill.authority else ()
        assert remedies and not any(r.title.get(lang) in shown for r in remedies)
        flat = "".join(shown.split())
        for m in missed:  # the suggested lines as the text and JSON show them: placeholders filled or hinted
            assert m["model"] is None or "".join(m["model"].split()) in flat, m
        assert not re.search(r"\{[^{}]*\}", shown)
        assert report.satisfaction_state is not None
        best = shipped.measurement.satisfaction_states[0]
        assert f"≥ {best.min_ratio:g} {best.label.get(lang)}" in texts(screen, "#report-satisfaction")


async def test_names_and_replies_are_shown_literally(make_app, shipped, db, clock) -> None:
    """The trainee's name and words may hold markup; the report quotes them as typed."""
    with Store.open(db, clock=clock) as store:
        run = RecordedDrill.start(store, store.trainee(NAME), shipped, "restaurant_cold_dish", seed=1, locale="en")
        run.reply("[red]Calm down[/red], it's only a fish.")
        while not run.session.finished:
            run.reply("I'm sorry. I'll have it remade within 10 minutes, and the dish is on me.")
    app = make_app(playbook=shipped, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _report_screen(pilot, run)
        shown = texts(screen, ".criterion")
        assert "Hello, it's [bold]Ann[/bold]." in shown  # the suggested line with the name as entered
        assert "“it's only a fish”" in shown


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_with_penalties_and_hints(snap_compare, make_app, shipped, db, clock, lang) -> None:
    run = _played(shipped, db, clock, lang)

    async def run_before(pilot) -> None:
        await _report_screen(pilot, run)
        await pilot.pause()

    assert snap_compare(make_app(playbook=shipped, lang=lang), terminal_size=(100, 40), run_before=run_before)


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_form_notes_overpromises_and_quotes_agree_with_the_text_report(make_app, shipped, db, clock,
                                                                               lang) -> None:
    """A keyword list, a repeated phrase and an over-promise: the screen gives the form notes the text report's
    figures in its language, and quotes each stretch of a turn once."""
    replies = {"zh": ["抱歉 理解 负责 今天 回电 感谢", "我做主给您全单免单。", "真对不起真对不起真对不起"],
               "en": ["sorry understand handle today callback thanks refund", "The whole bill is on me tonight.",
                      "sorry sorry sorry sorry"]}[lang]
    with Store.open(db, clock=clock) as store:
        run = RecordedDrill.start(store, store.trainee(NAME), shipped, "restaurant_cold_dish", seed=0, locale=lang)
        for reply in replies:
            run.reply(reply)
        while not run.session.finished:
            node = run.session.node
            assert node is not None and node.model is not None
            run.reply(node.model.get(lang))
    report = run.session.report()
    notes = drill_json(shipped, report)["details"]["form"]  # type: ignore[index]  # JSON of a known shape
    assert [n["turn"] for n in notes] == [1, 3]
    turns = {t.number: t for t in report.turns}
    assert [f.id for f in turns[1].feedback if f.id.startswith("form.")] == ["form.keywords"]  # told at the turn
    assert turns[2].overpromises and "remedy" not in {b.detector for b in turns[2].behaviours}
    app = make_app(playbook=shipped, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _report_screen(pilot, run)
        shown = texts(screen, ".form-note")
        for note in notes:
            assert note["detail"] in shown
        criteria = texts(screen, ".criterion")
        quotes = re.findall(r"(?:turn|第)\s?(\d+)\s?(?:轮)?: “([^”]*)”", criteria)
        for (t1, q1), (t2, q2) in itertools.pairwise(quotes):
            assert not (t1 == t2 and (q1 in q2 or q2 in q1)), (t1, q1, q2)  # one quote per stretch of a turn
