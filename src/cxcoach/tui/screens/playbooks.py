"""Playbooks: what the active playbook holds, its problems, and switching to another one."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...resources import playbooks_dir
from ..text import assemble, content
from .base import CoachScreen


def shipped_playbooks() -> list[Path]:
    root = playbooks_dir()
    try:
        return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return []


class PlaybooksScreen(CoachScreen[None]):
    """Shows the active playbook and lets you load a shipped one or any path.

    | Key | Does |
    | :- | :- |
    | enter (list) | load the highlighted shipped playbook |
    | enter (path box) | load the playbook at that path |
    """

    AUTO_FOCUS = "#pb-shipped"

    def compose(self) -> ComposeResult:
        app = self.coach
        pb = app.playbook
        yield Header()
        with VerticalScroll(id="playbooks"):
            yield Label(content(self.t("playbooks.active"), "bold"), classes="section")
            if pb is not None:
                yield Static(assemble((pb.title.get(app.lang), "bold"), f"  ({pb.id})"), id="pb-title")
                if pb.description:
                    yield Static(content(pb.description.get(app.lang)), id="pb-description")
                yield Static(assemble((self.label("playbooks.path"), "bold"), str(app.playbook_path or pb.path)))
                yield Static(assemble((self.label("playbooks.version"), "bold"), pb.version, "   ",
                                      (self.label("playbooks.locales"), "bold"), ", ".join(pb.locales)))
                yield Static(content(self.t("playbooks.counts", facts=len(pb.facts), rules=len(pb.rules),
                                            steps=len(pb.steps), scripts=len(pb.scripts), drills=len(pb.drills))))
            else:
                yield Static(content(self.t("home.no_playbook"), "bold $error"))
            if app.playbook_problems:
                yield Label(content(self.t("playbooks.problems"), "bold $error"), classes="section")
                with Vertical(id="pb-problems"):
                    for line in app.playbook_problems[:50]:
                        yield Static(content(line, "$error"))
            yield Label(content(self.t("playbooks.shipped"), "bold"), classes="section")
            yield OptionList(*[Option(content(p.name), id=f"pb-{i}") for i, p in enumerate(shipped_playbooks())],
                             id="pb-shipped")
            yield Label(content(self.t("playbooks.open")), classes="section")
            yield Input(placeholder="path/to/playbook", id="pb-path")
        yield Footer()

    @on(OptionList.OptionSelected, "#pb-shipped")
    def _shipped(self, event: OptionList.OptionSelected) -> None:
        paths = shipped_playbooks()
        index = event.option_index
        if 0 <= index < len(paths) and not self.coach.switch_playbook(paths[index]):
            self.call_after_refresh(self.rebuild)  # show the problems; success rebuilds via the app

    @on(Input.Submitted, "#pb-path")
    def _path(self, event: Input.Submitted) -> None:
        if event.value.strip() and not self.coach.switch_playbook(Path(event.value.strip()).expanduser()):
            self.call_after_refresh(self.rebuild)
