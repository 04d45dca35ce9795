"""What every cxcoach screen shares: translated words and rebuilding on language or playbook change."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import Screen

from ...locale_words import punctuation
from ..i18n import tr
from ..keys import localize

if TYPE_CHECKING:
    from ..app import CxcoachApp
    from ..widgets.recommendation_list import RecommendationList


ResultT = TypeVar("ResultT")


class CoachScreen(Screen[ResultT]):
    """A screen that recomposes when the app's language or playbook changes.

    Screens keep what the user chose (filters, field values) in attributes and
    compose from them, so a rebuild in another language loses nothing.
    """

    @property
    def coach(self) -> CxcoachApp:
        return cast("CxcoachApp", self.app)

    def t(self, key: str, **values: object) -> str:
        return tr(key, self.coach.lang, **values)

    def label(self, key: str, **values: object) -> str:
        """A word that introduces a value, with the language's colon: 学员：… in Chinese, Trainee: … in English."""
        return punctuation(self.coach.lang).labelled(self.t(key, **values), "")

    def on_mount(self) -> None:
        self._seen = (self.coach.lang, self.coach.generation)
        self.watch(self.app, "lang", self._language_changed, init=False)
        self.watch(self.app, "generation", self._playbook_changed, init=False)
        self.call_after_refresh(self.focus_default)
        self.localize_keys()

    def localize_keys(self) -> None:
        """Footer labels in the current language, for this screen, its widgets and the app."""
        localize(self, self.coach.lang)
        localize(self.app, self.coach.lang)
        self.refresh_bindings()

    def focus_default(self) -> None:
        """Focus the AUTO_FOCUS widget if nothing is focused (the first screen may mount before app focus)."""
        if self.focused is None and self.AUTO_FOCUS:
            for widget in self.query(self.AUTO_FOCUS):
                if widget.focusable:
                    widget.focus()
                    break

    def on_recommendation_list_script_copied(self, event: RecommendationList.ScriptCopied) -> None:
        """Say what `s` put on the clipboard, on every screen that lists next steps (the desk, what if)."""
        if event.text is None:
            self.notify(self.t("console.no_script"), markup=False)
        else:
            self.notify(self.t("console.copied") + event.text, markup=False)

    async def _language_changed(self) -> None:
        await self._maybe_rebuild()

    async def _playbook_changed(self) -> None:
        await self._maybe_rebuild()

    async def _maybe_rebuild(self) -> None:
        """Rebuild only on a real change (watchers also fire when the app initialises its reactives)."""
        now = (self.coach.lang, self.coach.generation)
        if now != getattr(self, "_seen", None):
            self._seen = now
            await self.rebuild()

    async def rebuild(self) -> None:
        """Default: compose again from the screen's state."""
        await self.recompose()
        self.focus_default()
        self.localize_keys()
