"""Home: where to go next, with the active playbook, language and trainee in view."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from ...store import StoreError
from ..text import assemble
from .base import CoachScreen

SECTIONS = ("practice", "console", "history", "playbooks")
KEYS = {"practice": "p", "console": "c", "history": "y", "playbooks": "b"}


class HomeScreen(CoachScreen[None]):
    """The first screen: a menu of sections (Enter or click) and the app's state.

    | Key | Does |
    | :- | :- |
    | up / down, enter | choose a section |
    """

    AUTO_FOCUS = "#home-menu"

    def compose(self) -> ComposeResult:
        app = self.coach
        yield Header()
        with Vertical(id="home"):
            yield Static(assemble((self.t("app.title"), "bold")), id="home-title")
            yield Static(assemble(self.t("home.welcome")), id="home-welcome")
            pb = app.playbook
            if pb is not None:
                pb_line = assemble((self.label("home.playbook"), "bold"), pb.title.get(app.lang),
                                   (f"  ({pb.id} {pb.version})", "$text-muted"))
            else:
                pb_line = assemble((self.label("home.playbook"), "bold"), (self.t("home.no_playbook"), "$error"))
            yield Static(pb_line, id="home-playbook")
            yield Static(assemble((self.label("home.language"), "bold"), self.t("lang.name"),
                                  ("   [l]", "$text-muted")), id="home-lang")
            trainee = app.trainee.name if app.trainee else self.t("home.nobody")
            yield Static(assemble((self.label("home.trainee"), "bold"), trainee), id="home-trainee")
            if app.store_error:
                yield Static(assemble((self.label("home.no_db"), "bold $error"), app.store_error),
                             id="home-db-error")
            yield OptionList(*[Option(assemble((f" {KEYS[s]} ", "reverse"), "  ",
                                               (self.t(f"mode.{s}"), "bold"), "  ", self.t(f"home.{s}")),
                                      id=s) for s in SECTIONS], id="home-menu")
            yield Static("", id="home-resume")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_resume()

    def on_screen_resume(self) -> None:
        self.refresh_resume()
        self.query_one("#home-trainee", Static).update(assemble(
            (self.label("home.trainee"), "bold"),
            self.coach.trainee.name if self.coach.trainee else self.t("home.nobody")))

    def refresh_resume(self) -> None:
        app = self.coach
        note = ""
        if app.store is not None and app.trainee is not None and app.playbook is not None:
            try:
                if app.store.unfinished(app.trainee, app.playbook.id):
                    note = self.t("home.resume")
            except StoreError:
                note = ""
        self.query_one("#home-resume", Static).update(assemble((note, "$warning")))

    @on(OptionList.OptionSelected, "#home-menu")
    def _go(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.app.switch_mode(event.option.id)
