"""The end-of-drill report: score, ending, satisfaction, and each criterion with its evidence.

Dismisses with "retry" or None (see flow.py). Titles and feedback follow the
app's language; quotes and model lines stay in the language the drill was
played in.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Header, Static

from ...drill import scoring as sc
from ...drill.report import model_line, points_label, satisfaction_scale, suggestion_values, verdict_reason
from ...drill.session import DrillReport
from ...locale_words import punctuation
from ...playbook import drill_model as dm
from ...store import RecordedDrill
from ..text import assemble
from ..widgets.prose import Prose
from .base import CoachScreen

RETRY = "retry"  # what the screen dismisses with when the trainee asks to play the drill again

STATUS_STYLE = {"met": "$success", "clear": "$success", "missed": "$warning", "triggered": "bold $error",
                "na": "$text-muted"}


def distinct(evidence: tuple[sc.Evidence, ...]) -> list[sc.Evidence]:
    """Quotes worth showing: one per stretch of a turn (a detector and a drill branch often cite the same
    words, 「重新做」 twice, or 「10分钟」 inside 「10分钟内」)."""
    out: list[sc.Evidence] = []
    for ev in evidence:
        if not any(o.turn == ev.turn and o.span.start < ev.span.end and ev.span.start < o.span.end for o in out):
            out.append(ev)
    return out


class ReportScreen(CoachScreen[str | None]):
    """Per-criterion breakdown with quotes from the trainee's replies and model lines for what was missed.

    | Key | Does |
    | :- | :- |
    | `r` | retry the same drill (new seed, same mode) |
    | escape | back to the drill list |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, report: DrillReport, run: RecordedDrill) -> None:
        super().__init__()
        self.report = report
        self.run = run

    def compose(self) -> ComposeResult:
        r = self.report
        loc = self.coach.lang
        p = punctuation(loc)
        yield Header()
        with VerticalScroll(id="report"):
            verdict = ((self.t("report.passed"), "bold $success") if r.passed
                       else (self.t("report.failed"), "bold $error"))
            why = verdict_reason(r, loc)  # a passing score in a drill that ended badly says why it failed
            if why:
                verdict = (verdict[0] + p.aside(why), verdict[1])
            yield Prose(assemble((self.t("report.title") + p.colon, "bold"), (r.drill.title.get(loc), "bold")),
                        id="report-title")
            yield Static(assemble((f"{self.t('report.score')} {r.score.score}/100  ", "bold"), verdict,
                                  ("   " + p.aside(f"{r.score.pass_mark:g}").lstrip(), "$text-muted")),
                         id="report-score")
            if r.ending is not None:
                yield Static(assemble((self.t("report.ending") + p.colon, "bold"), r.ending.title.get(loc)))
            if r.closing:  # the customer's last words: the drill screen closes as they are said
                yield Prose(assemble((self.t("drill.customer") + p.colon, "bold"), (r.closing, "italic")),
                            id="report-closing")
            state = r.satisfaction_state.label.get(loc) if r.satisfaction_state else ""
            b, a = r.final_state.perceived, r.drill.persona.expectation
            scale = satisfaction_scale(self.run.session.playbook, loc)
            yield Static(assemble((self.t("report.satisfaction") + p.colon, "bold"),
                                  f"c = {b:g}/{a:g} = {r.satisfaction:.2f} ", (state, "bold"),
                                  ("\n  " + p.labelled(self.t("report.scale"), scale) if scale else "", "$text-muted")),
                         id="report-satisfaction")
            extras = [f"{self.t('report.total')} {r.score.earned:g}/{r.score.available:g}"]
            if r.score.bonus:
                extras.append(f"{self.t('report.bonus')} {'+' if r.score.bonus > 0 else '−'}{abs(r.score.bonus)}")
            if r.score.penalties:
                extras.append(f"{self.t('report.penalties')} −{r.score.penalties:g}")
            if r.score.hint_cost:
                extras.append(f"{self.t('report.hints')} −{r.score.hint_cost}")
            yield Static(assemble(("  ·  ".join(extras), "$text-muted")), id="report-total")
            yield Static(assemble((self.t("report.arithmetic") + p.colon, "bold"), r.score.arithmetic(loc)),
                         id="report-arithmetic")
            for note in r.score.form:  # the same figures as the text and JSON reports, in the app's language
                yield Static(assemble((f"! {self.t('report.turn', n=note.turn)}{p.colon}"
                                       f"{self.t('report.form.' + note.form)}", "$warning"),
                                      (p.aside(note.detail(loc)), "$text-muted")), classes="form-note")
            yield Static(assemble((self.t("report.criteria"), "bold underline")), classes="section")
            for res in r.score.criteria:
                yield Prose(self._criterion(res, loc), classes="criterion")
            for o in r.score.order:
                if o.violated:
                    title = o.rule.title.get(loc) if o.rule.title else o.rule.id
                    fb = o.rule.feedback.get(loc) if o.rule.feedback else ""
                    yield Static(assemble((f"✗ {title} -{o.rule.penalty:g}", "bold $error"), f"  {fb}"),
                                 classes="criterion")
        yield Footer()

    def _criterion(self, res: sc.CriterionResult, loc: str) -> Content:
        c = res.criterion
        status = res.status.value
        p = punctuation(loc)
        mark = {"met": "✓", "clear": "✓", "missed": "○", "triggered": "✗", "na": "–"}[status]
        parts: list[object] = [(f"{mark} ", STATUS_STYLE[status]), (c.title.get(loc), "bold"),
                       (f"  {self.t('status.' + status)}", STATUS_STYLE[status])]
        if (c.kind is dm.CriterionKind.WEIGHT and status != "na") or res.points:
            parts.append((f"  {points_label(res)}", STATUS_STYLE[status]))
            if res.discounted:
                parts.append(("  " + p.aside(self.t("report.halved")).lstrip(), "$text-muted"))
        for ev in distinct(res.evidence)[:2]:
            parts += ["\n    ", (self.t("report.turn", n=ev.turn) + p.colon, "$text-muted"),
                      (f"“{ev.span.text}”", "italic")]
        if status == "missed":
            # a model line is something to say in the drill's language; the same one the text report gives
            model = model_line(self.run.session.playbook, c, self.report.locale, suggestion_values(self.report))
            if model:
                parts += ["\n    ", (self.t("report.model") + p.colon, "$text-muted"), (model, "$success")]
            if c.feedback_missed:
                parts += ["\n    ", (c.feedback_missed.get(loc), "$text-muted")]
        return assemble(*parts)

    def action_retry(self) -> None:
        self.dismiss(RETRY)

    def action_back(self) -> None:
        self.dismiss(None)
