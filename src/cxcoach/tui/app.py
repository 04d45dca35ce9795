"""`CxcoachApp`: modes for home, practice, console, history and playbooks.

The app owns the shared state every screen reads: the active playbook (or
the reason it could not be loaded), the history store (or why it is not
available), the trainee, the UI language and an injected clock. Loading
problems become notifications and messages on the screens, never a
traceback, so a broken playbook or a locked database still leaves a usable
app.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.reactive import reactive
from textual.screen import Screen

from ..store import Store, StoreError, Trainee, resolve_db
from .i18n import LANGS, tr
from .screens.home import HomeScreen
from .screens.name import NameScreen
from .text import safe

if TYPE_CHECKING:
    from ..playbook.model import Playbook

Clock = Callable[[], dt.datetime]


def local_now() -> dt.datetime:
    """The default clock: aware local time, so times on screen match the wall clock."""
    return dt.datetime.now().astimezone()


def _practice() -> Screen[None]:
    from .screens.practice import PracticeScreen

    return PracticeScreen()


def _console() -> Screen[None]:
    from .screens.console import ConsoleScreen

    return ConsoleScreen()


def _history() -> Screen[None]:
    from .screens.history import HistoryScreen

    return HistoryScreen()


def _playbooks() -> Screen[None]:
    from .screens.playbooks import PlaybooksScreen

    return PlaybooksScreen()


def _coach_commands() -> type[Provider]:
    from .commands import CoachCommands

    return CoachCommands


class CxcoachApp(App[None]):
    """cxcoach's terminal (and browser, via `textual serve`) app.

    | Key | Does |
    | :- | :- |
    | `h` `p` `c` `y` `b` | home, practice, console, history, playbooks |
    | `l` | switch the language between zh and en |
    | `f1` / `?` | help |
    | `ctrl+p` | command palette: drills, steps, scripts, themes |
    | `q` / `ctrl+q` | quit |
    """

    CSS_PATH = "app.tcss"
    TITLE = "cxcoach"
    # Sections other than home are imported when first opened: faster first frame.
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "home": HomeScreen,
        "practice": _practice,
        "console": _console,
        "history": _history,
        "playbooks": _playbooks,
    }
    DEFAULT_MODE = "home"
    COMMANDS = App.COMMANDS | {_coach_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h", "switch_mode('home')", "Home", id="mode.home", show=False),
        Binding("p", "switch_mode('practice')", "Practice", id="mode.practice", show=False),
        Binding("c", "switch_mode('console')", "Console", id="mode.console", show=False),
        Binding("y", "switch_mode('history')", "History", id="mode.history", show=False),
        Binding("b", "switch_mode('playbooks')", "Playbooks", id="mode.playbooks", show=False),
        Binding("l", "toggle_lang", "中/EN", id="key.lang", tooltip="Switch the language (zh / en)"),
        Binding("f1,question_mark", "help", "Help", id="key.help", key_display="F1"),
        Binding("q", "quit", "Quit", id="key.quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    lang: reactive[str] = reactive("zh")
    generation: reactive[int] = reactive(0)  # bumped when the playbook changes; screens rebuild

    def __init__(self, *, playbook_path: str | os.PathLike[str] | None = None,
                 db_path: str | os.PathLike[str] | None = None, lang: str | None = None,
                 clock: Clock = local_now, store: Store | None = None, playbook: Playbook | None = None,
                 seed: int | None = None) -> None:
        """Everything is injectable for tests: a loaded `playbook`, an open `store`, the `clock`."""
        super().__init__()
        self.seed = seed  # fixed drill seed for tests and snapshots; None draws a fresh one per drill
        self._coach_started = False
        self.clock = clock
        self.playbook: Playbook | None = None
        self.playbook_path: Path | None = None
        self.playbook_error: str | None = None
        self.playbook_problems: list[str] = []
        self.store: Store | None = store
        self.store_error: str | None = None
        self.trainee: Trainee | None = None
        if playbook is not None:
            self.playbook, self.playbook_path = playbook, Path(playbook.path)
        else:
            self.load_playbook(playbook_path)
        if self.store is None:
            try:
                self.store = Store.open(resolve_db(db_path), clock=clock)
            except StoreError as exc:
                self.store_error = str(exc)
        if self.store is not None:
            try:
                self.trainee = self.store.current_trainee()
                remembered_lang = self.store.setting("lang")
                remembered_theme = self.store.setting("theme")
            except StoreError as exc:
                self.store_error, remembered_lang, remembered_theme = str(exc), None, None
            if remembered_theme and remembered_theme in self.available_themes:
                self.theme = remembered_theme
        else:
            remembered_lang = None
        chosen = lang or remembered_lang or (self.playbook.default_locale if self.playbook else "zh")
        self.set_reactive(CxcoachApp.lang, chosen if chosen in LANGS else "zh")

    # -- state shared by screens --
    def load_playbook(self, path: str | os.PathLike[str] | None) -> bool:
        """Load (or switch to) a playbook; on failure keep the old one and remember why."""
        from ..playbook import PlaybookError, default_playbook_path, load_playbook

        target = Path(path) if path else default_playbook_path()
        try:
            playbook = load_playbook(target)
        except PlaybookError as exc:
            self.playbook_error = str(exc)
            self.playbook_problems = [p.format() for p in exc.problems]
            return False
        except OSError as exc:
            self.playbook_error = f"{target}: {exc.strerror or exc}"
            self.playbook_problems = [self.playbook_error]
            return False
        self.playbook, self.playbook_path = playbook, target
        self.playbook_error, self.playbook_problems = None, []
        return True

    def switch_playbook(self, path: str | os.PathLike[str]) -> bool:
        ok = self.load_playbook(path)
        if ok:
            self.generation += 1
            self.update_titles()
            self.notify(tr("playbooks.loaded", self.lang), markup=False)
        else:
            self.notify(self.playbook_error or "", title=tr("playbooks.invalid", self.lang), severity="error",
                        markup=False, timeout=10)
        return ok

    def t(self, key: str, **values: object) -> str:
        return tr(key, self.lang, **values)

    def remember(self, key: str, value: str) -> None:
        """Store a preference; a failing database only costs the preference, with a notice."""
        if self.store is None:
            return
        try:
            self.store.set_setting(key, value)
        except StoreError as exc:
            self.notify(str(exc), severity="warning", markup=False)

    def with_trainee(self, then: Callable[[Trainee], None]) -> None:
        """Run `then` with the trainee, asking for the name the first time only."""
        if self.store is None:
            self.notify(self.store_error or tr("error.db", self.lang), title=tr("error.db", self.lang),
                        severity="error", markup=False)
            return
        if self.trainee is not None:
            then(self.trainee)
            return

        def named(name: str | None) -> None:
            if not name or self.store is None:
                return
            try:
                self.trainee = self.store.trainee(name)
            except StoreError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.update_titles()
            then(self.trainee)

        self.push_screen(NameScreen(), named)

    def update_titles(self) -> None:
        title = self.playbook.title.get(self.lang) if self.playbook else tr("home.no_playbook", self.lang)
        self.sub_title = f"{safe(title)} · {tr('lang.name', self.lang)}"

    # -- lifecycle --
    def on_mount(self) -> None:
        self._coach_started = True
        self.update_titles()
        if self.playbook_error:
            self.notify(self.playbook_error, title=tr("error.playbook", self.lang), severity="error",
                        markup=False, timeout=15)
        if self.store_error:
            self.notify(self.store_error, title=tr("error.db", self.lang), severity="error", markup=False,
                        timeout=15)

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()

    def watch_lang(self, lang: str) -> None:
        self.update_titles()

    def watch_theme(self, theme: str) -> None:
        if self._coach_started:
            self.remember("theme", theme)

    # -- actions --
    def action_toggle_lang(self) -> None:
        self.lang = LANGS[(LANGS.index(self.lang) + 1) % len(LANGS)]
        self.remember("lang", self.lang)

    def action_command_palette(self) -> None:
        """Textual's palette, with its search box in the UI language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=tr("palette.search", self.lang)))

    def search_themes(self) -> None:
        from textual.command import CommandPalette
        from textual.theme import ThemeProvider

        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder=tr("palette.themes", self.lang)))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own commands (theme, quit, keys, screenshot), titled in the UI language."""
        for command in super().get_system_commands(screen):
            key = f"system.{command.title.lower()}"
            title = tr(key, self.lang)
            if title == key:  # a command a newer Textual added: its English words rather than nothing
                yield command
            else:
                yield command._replace(title=title, help=tr(f"{key}.help", self.lang))

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
