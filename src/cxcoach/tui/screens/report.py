"""The end-of-drill report: score, ending, satisfaction, and each criterion with its evidence."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from ...drill import scoring as sc
from ...drill.report import satisfaction_scale
from ...drill.session import DrillReport
from ...playbook import drill_model as dm
from ...store import RecordedDrill, StoreError
from ..text import assemble
from .base import CoachScreen

STATUS_STYLE = {"met": "$success", "clear": "$success", "missed": "$warning", "triggered": "bold $error",
                "na": "$text-muted"}


class ReportScreen(CoachScreen):
    """Per-criterion breakdown with quotes from the trainee's replies and model lines for what was missed.

    | Key | Does |
    | :- | :- |
    | `r` | retry the same drill (new seed, same mode) |
    | escape | back to the drill list |
    """

    BINDINGS = [
        Binding("r", "retry", "Retry"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, report: DrillReport, run: RecordedDrill, *, timer: bool = False) -> None:
        super().__init__()
        self.report = report
        self.run = run
        self.timer = timer

    def compose(self) -> ComposeResult:
        r = self.report
        loc = r.locale
        yield Header()
        with VerticalScroll(id="report"):
            verdict = (self.t("report.passed"), "bold $success") if r.passed else (self.t("report.failed"), "bold $error")
            yield Static(assemble((self.t("report.title") + ": ", "bold"), (r.drill.title.get(loc), "bold")),
                         id="report-title")
            yield Static(assemble((f"{self.t('report.score')} {r.score.score}/100  ", "bold"), verdict,
                                  (f"   ({r.score.pass_mark:g})", "$text-muted")), id="report-score")
            if r.ending is not None:
                yield Static(assemble((self.t("report.ending") + ": ", "bold"), r.ending.title.get(loc)))
            state = r.satisfaction_state.label.get(loc) if r.satisfaction_state else ""
            b, a = r.final_state.perceived, r.drill.persona.expectation
            yield Static(assemble((self.t("report.satisfaction") + ": ", "bold"),
                                  f"c = {b:g}/{a:g} = {r.satisfaction:.2f} ", (state, "bold"),
                                  (f"\n  {self.t('report.scale')}: {satisfaction_scale(self.run.session.playbook, loc)}",
                                   "$text-muted")), id="report-satisfaction")
            extras = [f"{self.t('report.total')} {r.score.earned:g}/{r.score.available:g}"]
            if r.score.bonus:
                extras.append(f"{self.t('report.bonus')} {r.score.bonus:+d}")
            if r.score.hint_cost:
                extras.append(f"{self.t('report.hints')} -{r.score.hint_cost}")
            yield Static(assemble(("  ·  ".join(extras), "$text-muted")))
            yield Static(assemble((self.t("report.arithmetic") + ": ", "bold"), r.score.arithmetic()),
                         id="report-arithmetic")
            for note in r.score.form:
                yield Static(assemble((f"! {self.t('report.turn', n=note.turn)}: "
                                       f"{self.t('report.form.' + note.form)}", "$warning")))
            yield Static(assemble((self.t("report.criteria"), "bold underline")), classes="section")
            for res in r.score.criteria:
                yield Static(self._criterion(res, loc), classes="criterion")
            for o in r.score.order:
                if o.violated:
                    title = o.rule.title.get(loc) if o.rule.title else o.rule.id
                    fb = o.rule.feedback.get(loc) if o.rule.feedback else ""
                    yield Static(assemble((f"✗ {title} -{o.rule.penalty:g}", "bold $error"), f"  {fb}"),
                                 classes="criterion")
        yield Footer()

    def _criterion(self, res: sc.CriterionResult, loc: str):
        c = res.criterion
        status = res.status.value
        mark = {"met": "✓", "clear": "✓", "missed": "○", "triggered": "✗", "na": "–"}[status]
        parts: list = [(f"{mark} ", STATUS_STYLE[status]), (c.title.get(loc), "bold"),
                       (f"  {self.t('status.' + status)}", STATUS_STYLE[status])]
        if c.kind is dm.CriterionKind.WEIGHT and status != "na":
            parts.append((f"  {res.points:+g}/{c.value:g}", STATUS_STYLE[status]))
            if res.discounted:
                parts.append((f"  ({self.t('report.halved')})", "$text-muted"))
        elif res.points:
            parts.append((f"  {res.points:+g}", STATUS_STYLE[status]))
        for ev in res.evidence[:2]:
            parts += ["\n    ", (self.t("report.turn", n=ev.turn) + ": ", "$text-muted"), (f"“{ev.span.text}”", "italic")]
        if status == "missed":
            model = c.model.get(loc) if c.model else None
            if model is None and c.model_line:
                line = next((ln for s in self.run.session.playbook.scripts.values() for ln in s.lines
                             if ln.id == c.model_line), None)
                model = line.text.get(loc) if line else None
            if model:
                parts += ["\n    ", (self.t("report.model") + ": ", "$text-muted"), (model, "$success")]
            if c.feedback_missed:
                parts += ["\n    ", (c.feedback_missed.get(loc), "$text-muted")]
        return assemble(*parts)

    def action_retry(self) -> None:
        from .drill import DrillScreen

        app = self.coach
        s = self.run.session
        if app.store is None or app.trainee is None:
            return
        try:
            run = RecordedDrill.start(app.store, app.trainee, s.playbook, s.drill.id, locale=s.locale,
                                      mode=s.mode.value, seed=app.seed)
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.app.switch_screen(DrillScreen(run, timer=self.timer))

    def action_back(self) -> None:
        self.app.pop_screen()
