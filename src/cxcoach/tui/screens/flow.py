"""One drill from start to report and retry, by results: screens never import one another.

`DrillScreen` dismisses with its report (or None when the trainee leaves, so
the drill stays resumable); `ReportScreen` dismisses with "retry" or None.
This module pushes each and acts on the result, for whoever starts a drill
(the practice list, the resume list, the history table).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...store import RecordedDrill, StoreError

if TYPE_CHECKING:
    from ...drill.session import DrillReport
    from ..app import CxcoachApp

def play(app: CxcoachApp, run: RecordedDrill, *, timer: bool = False, resumed: bool = False) -> None:
    """Push the drill; when it ends, its report; on retry, a fresh run of the same drill."""
    from .drill import DrillScreen

    def ended(report: DrillReport | None) -> None:
        if report is not None:
            show_report(app, report, run, timer=timer)

    app.push_screen(DrillScreen(run, timer=timer, resumed=resumed), ended)


def show_report(app: CxcoachApp, report: DrillReport, run: RecordedDrill, *, timer: bool = False) -> None:
    from .report import RETRY, ReportScreen

    def chosen(choice: str | None) -> None:
        if choice == RETRY:
            retry(app, run, timer=timer)

    app.push_screen(ReportScreen(report, run), chosen)


def retry(app: CxcoachApp, run: RecordedDrill, *, timer: bool = False) -> None:
    """The same drill again: same mode and language, a new seed (unless the app fixes one)."""
    session = run.session
    if app.store is None or app.trainee is None:
        return
    try:
        again = RecordedDrill.start(app.store, app.trainee, session.playbook, session.drill.id, locale=session.locale,
                                    mode=session.mode.value, seed=app.seed)
    except StoreError as exc:
        app.notify(str(exc), severity="error", markup=False)
        return
    play(app, again, timer=timer)


def resume(app: CxcoachApp, session_id: int, *, timer: bool = False) -> None:
    """Replay an unfinished session from the store and carry on with it."""
    if app.store is None or app.playbook is None:
        return
    try:
        run = RecordedDrill.resume(app.store, app.playbook, session_id)
    except StoreError as exc:
        app.notify(str(exc), severity="error", markup=False)
        return
    play(app, run, timer=timer, resumed=True)
