"""Command-palette provider: search the playbook's drills, steps and script lines.

Choosing a drill starts it, a step opens the console with the step shown, a
script line is copied to the clipboard. Texts are in the app's language and
are matched in both languages, so a supervisor can type 道歉 or "apolog".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape

from ..locale_words import punctuation
from .i18n import tr
from .text import content, safe

if TYPE_CHECKING:
    from .app import CxcoachApp


def _subsequence(needle: str, haystack: str) -> bool:
    """True when the characters of `needle` appear in order in `haystack` (a cheap fuzzy pre-filter)."""
    it = iter(haystack)
    return all(ch in it for ch in needle)


class CoachCommands(Provider):
    """Drills, procedure steps and script lines of the active playbook.

    Entries are built once when the palette opens (`startup`); each key then
    runs a cheap subsequence test and scores only the candidates that pass,
    because Textual's fuzzy scorer is costly on long script lines.
    """

    _cache: list[tuple[str, str, str, Callable[[], object]]] | None = None

    async def startup(self) -> None:
        self._cache = self._entries()

    def entries(self) -> list[tuple[str, str, str, Callable[[], object]]]:
        if self._cache is None:
            self._cache = self._entries()
        return self._cache

    def _entries(self) -> list[tuple[str, str, str, Callable[[], object]]]:
        """(display text, searchable text, help, action) for everything the palette offers."""
        app = cast("CxcoachApp", self.app)
        pb = app.playbook
        if pb is None:
            return []
        lang = app.lang
        say = punctuation(lang).labelled  # 演练：… in Chinese, Drill: … in English
        aside = punctuation(lang).aside
        out: list[tuple[str, str, str, Callable[[], object]]] = []
        for d in pb.drills.values():
            title = d.title.get(lang)
            out.append((say(tr("palette.drill", lang), title), " ".join([d.id, *d.title.values.values()]),
                        d.brief.get(lang) if d.brief else d.difficulty.value, partial(self._drill, d.id)))
        for s in pb.steps.values():
            title = s.title.get(lang)
            proc = pb.procedures[s.procedure].title.get(lang) if s.procedure in pb.procedures else s.procedure
            out.append((say(tr("palette.step", lang), title + aside(proc)), " ".join([s.id, *s.title.values.values()]),
                        s.description.get(lang) if s.description else "", partial(self._step, s.id)))
        for sc in pb.scripts.values():
            for line in sc.lines:
                text = line.text.get(lang)
                out.append((say(tr("palette.script", lang), text),
                            " ".join([sc.id, line.id, *line.text.values.values(), *sc.title.values.values()]),
                            sc.title.get(lang), partial(self._copy, text)))
        return out

    @staticmethod
    def _highlight(matcher: Matcher, text: str) -> Content:
        """Like `Matcher.highlight`, which parses its argument as markup; playbook text must stay literal."""
        content = Content(text)
        score, offsets = matcher.fuzzy_search.match(matcher.query, text)
        if not score:
            return content
        for offset in offsets:
            if not text[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
        return content

    async def discover(self) -> Hits:
        for display, _, help_text, action in self.entries()[:40]:
            yield DiscoveryHit(content(display), action, text=safe(display), help=escape(safe(help_text)))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        needle = "".join(query.casefold().split())
        for display, searchable, help_text, action in self.entries():
            shown = safe(display)
            if _subsequence(needle, shown.casefold()):
                score = matcher.match(shown)
            elif needle in searchable.casefold().replace(" ", ""):
                score = 0.3  # matched an id or the other language's text
            else:
                continue
            if score > 0:
                yield Hit(score, self._highlight(matcher, shown), action, text=shown,
                          help=escape(safe(help_text)))  # the palette parses help as markup

    def _drill(self, drill_id: str) -> None:
        from .screens.drill import DrillScreen
        from .screens.practice import PracticeScreen

        app = cast("CxcoachApp", self.app)

        def start() -> None:
            # A drill (or its report) open on the practice stack is left as escape leaves it: resumable.
            left = False
            while not isinstance(app.screen, PracticeScreen) and len(app.screen_stack) > 1:
                left = left or isinstance(app.screen, DrillScreen)
                app.pop_screen()  # the stack changes now, the unmount follows (awaiting it here would deadlock)
            screen = app.screen
            if isinstance(screen, PracticeScreen):
                if left:
                    app.notify(tr("palette.left_drill", app.lang), markup=False)
                screen.action_start(drill_id)

        app.switch_mode("practice")
        app.call_after_refresh(start)

    def _step(self, step_id: str) -> None:
        app = cast("CxcoachApp", self.app)
        pb = app.playbook
        if pb is None or step_id not in pb.steps:
            return
        step = pb.steps[step_id]
        lines = [step.title.get(app.lang)]
        if step.owner:
            lines.append(f"[{step.owner}] {step.due or ''}")
        if step.description:
            lines.append(step.description.get(app.lang))
        for sid in step.scripts:
            if sid in pb.scripts:
                lines.extend(f"“{ln.text.get(app.lang)}”" for ln in pb.scripts[sid].lines)
        app.switch_mode("console")
        app.notify(safe("\n".join(lines)), title=tr("palette.step", app.lang), markup=False, timeout=12)

    def _copy(self, text: str) -> None:
        app = cast("CxcoachApp", self.app)
        app.copy_to_clipboard(safe(text))
        app.notify(tr("console.copied", app.lang) + safe(text), markup=False)
